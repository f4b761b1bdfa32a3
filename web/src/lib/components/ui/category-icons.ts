import BookOpen from '@lucide/svelte/icons/book-open';
import Bug from '@lucide/svelte/icons/bug';
import Calendar from '@lucide/svelte/icons/calendar';
import Camera from '@lucide/svelte/icons/camera';
import Code from '@lucide/svelte/icons/code';
import Gamepad2 from '@lucide/svelte/icons/gamepad-2';
import Gift from '@lucide/svelte/icons/gift';
import GraduationCap from '@lucide/svelte/icons/graduation-cap';
import Heart from '@lucide/svelte/icons/heart';
import Leaf from '@lucide/svelte/icons/leaf';
import Lightbulb from '@lucide/svelte/icons/lightbulb';
import MapPin from '@lucide/svelte/icons/map-pin';
import Megaphone from '@lucide/svelte/icons/megaphone';
import MessageCircle from '@lucide/svelte/icons/message-circle';
import MessageCircleQuestionMark from '@lucide/svelte/icons/message-circle-question-mark';
import Music from '@lucide/svelte/icons/music';
import Newspaper from '@lucide/svelte/icons/newspaper';
import Rocket from '@lucide/svelte/icons/rocket';
import Shield from '@lucide/svelte/icons/shield';
import ShoppingBag from '@lucide/svelte/icons/shopping-bag';
import Sparkles from '@lucide/svelte/icons/sparkles';
import Star from '@lucide/svelte/icons/star';
import Users from '@lucide/svelte/icons/users';
import Wrench from '@lucide/svelte/icons/wrench';

/**
 * The icons a category may carry, by the name the API stores (server/modules/forum/category-icons.ts holds the
 * same list in the same order; tests/integration/category-tree.test.ts keeps them equal).
 */
export const CATEGORY_ICONS: Record<string, typeof Star> = {
  megaphone: Megaphone,
  'message-circle': MessageCircle,
  'message-circle-question-mark': MessageCircleQuestionMark,
  lightbulb: Lightbulb,
  wrench: Wrench,
  'book-open': BookOpen,
  star: Star,
  heart: Heart,
  users: Users,
  calendar: Calendar,
  'shopping-bag': ShoppingBag,
  gift: Gift,
  rocket: Rocket,
  shield: Shield,
  camera: Camera,
  music: Music,
  'gamepad-2': Gamepad2,
  leaf: Leaf,
  code: Code,
  bug: Bug,
  newspaper: Newspaper,
  sparkles: Sparkles,
  'map-pin': MapPin,
  'graduation-cap': GraduationCap,
};

export const categoryIcon = (name: string | null | undefined) => (name ? CATEGORY_ICONS[name] : undefined);

import { type Actor, authorize } from '../../access/access.ts';
import type { Db } from '../../db/kysely.ts';
import { AuditRepository } from '../../events/audit.repository.ts';
import { UnprocessableError } from '../../lib/errors.ts';
import { SiteSettingsRepository } from './site.repository.ts';

export type Registration = 'open' | 'invite' | 'closed';

/** What an administrator sets for the whole site, from the console (each a key of site_settings). */
export interface SiteSettings {
  name: string;
  tagline: string;
  defaultLocale: 'fr' | 'en';
  /** Who may create an account: anyone, only with an invitation, or nobody (accounts made by staff or SSO). */
  registration: Registration;
  /** The brand's colour for buttons and links (light theme), or null for Agora's own. */
  accentColor: string | null;
  /** The netiquette members accept on joining, in Markdown. */
  netiquette: string;
  /** The header's logo (an upload's address), or null for the name's initial on a tile. */
  logo: string | null;
  /** The favicon at 192 px (f180.png and f32.png beside it), or null for Agora's. */
  favicon: string | null;
}

/** The addresses the branding upload writes (server/modules/uploads): nothing else is taken as a logo or icon. */
export const BRAND_IMAGE = {
  logo: /^\/api\/media\/[A-Za-z0-9_-]{22}\/full\.webp$/,
  favicon: /^\/api\/media\/[A-Za-z0-9_-]{22}\/f192\.png$/,
};

export const DEFAULT_SETTINGS: SiteSettings = {
  name: 'Agora',
  tagline: '',
  defaultLocale: 'fr',
  registration: 'open',
  accentColor: null,
  netiquette: '',
  logo: null,
  favicon: null,
};

/** WCAG contrast ratio of white text on the colour (#rrggbb). */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

/**
 * The site's settings: read by everyone who needs them (the site's name, whether registration is open), changed
 * by administrators only, each change audited with what it was before. A short cache keeps the reads off hot
 * paths; a change is seen at once on the node that made it and within the cache's 2 s elsewhere.
 */
export class SiteSettingsService {
  private readonly repository: SiteSettingsRepository;
  private cached: { value: SiteSettings; at: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 2000,
  ) {
    this.repository = new SiteSettingsRepository(db);
  }

  async read(): Promise<SiteSettings> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.value;
    const all = await this.repository.getAll();
    const pick = <K extends keyof SiteSettings>(key: K, valid: (v: unknown) => boolean): SiteSettings[K] =>
      valid(all[key]) ? (all[key] as SiteSettings[K]) : DEFAULT_SETTINGS[key];
    const isString = (v: unknown) => typeof v === 'string';
    const value: SiteSettings = {
      name: pick('name', (v) => isString(v) && v !== ''),
      tagline: pick('tagline', isString),
      defaultLocale: pick('defaultLocale', (v) => v === 'fr' || v === 'en'),
      registration: pick('registration', (v) => v === 'open' || v === 'invite' || v === 'closed'),
      accentColor: pick('accentColor', (v) => isString(v) && /^#[0-9a-f]{6}$/i.test(v as string)),
      netiquette: pick('netiquette', isString),
      logo: pick('logo', (v) => isString(v) && BRAND_IMAGE.logo.test(v as string)),
      favicon: pick('favicon', (v) => isString(v) && BRAND_IMAGE.favicon.test(v as string)),
    };
    this.cached = { value, at: Date.now() };
    return value;
  }

  /** Changes some settings (administrators); a brand colour too light for white text on it is refused. */
  async update(actorOrNull: Actor | null, patch: Partial<SiteSettings>): Promise<SiteSettings> {
    const actor = authorize(actorOrNull, 'site.manage');
    for (const which of ['logo', 'favicon'] as const) {
      const value = patch[which];
      if (value != null && !BRAND_IMAGE[which].test(value))
        throw new UnprocessableError('settings.brand_image', `Upload the ${which}: it cannot be set to an address.`, {
          field: which,
        });
    }
    if (patch.accentColor && contrastWithWhite(patch.accentColor) < 4.5) {
      throw new UnprocessableError(
        'settings.accent_contrast',
        `White text on ${patch.accentColor} is hard to read (contrast ${contrastWithWhite(patch.accentColor).toFixed(1)}:1, 4.5:1 needed): choose a darker colour.`,
        { field: 'accentColor' },
      );
    }
    const before = await this.read();
    const changed = Object.entries(patch).filter(
      ([key, value]) => value !== undefined && value !== before[key as keyof SiteSettings],
    );
    if (changed.length > 0) {
      await this.db.transaction().execute(async (trx) => {
        const settings = new SiteSettingsRepository(trx);
        for (const [key, value] of changed) await settings.set(key, value);
        await new AuditRepository(trx).record({
          actorId: actor.id,
          action: 'site.settings_changed',
          subjectType: 'site',
          subjectId: 'settings',
          data: Object.fromEntries(
            changed.map(([key, value]) => [key, { from: before[key as keyof SiteSettings], to: value }]),
          ),
        });
      });
    }
    this.cached = undefined;
    return this.read();
  }
}

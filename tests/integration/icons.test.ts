import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import Heart from '@lucide/svelte/icons/heart';
// Lucide's own shared component, by file: the import above goes through ours (web/build-plugins.ts).
import LucideOriginal from '../../node_modules/@lucide/svelte/dist/Icon.svelte';
import LucideIcon from '../../web/src/lib/components/ui/LucideIcon.svelte';
import { lightIconComponent, lightIcons } from '../../web/build-plugins.ts';

type Props = Record<string, unknown>;
// Not one of lucide's names: the light component keeps shapes by name, and lucide's heart is drawn below.
const icon = {
  name: 'test-shape',
  size: 24,
  node: [
    ['path', { d: 'M2 9.5a5.5 5.5 0 0 1 9.591-3.676' }],
    ['circle', { cx: 12, cy: 12, r: 3 }],
  ],
};
// Hydration markers differ (an each block there, an html block here); the markup around them must not.
const markup = (component: unknown, props: Props) =>
  render(component as Parameters<typeof render>[0], { props } as never).body.replace(/<!--[^>]*-->/g, '');

/** The props the light component understands: any other would be dropped without a word. */
const SUPPORTED = new Set([
  'color',
  'size',
  'width',
  'height',
  'strokeWidth',
  'absoluteStrokeWidth',
  'nonScalingStroke',
  'class',
  'fill',
  'style',
  'role',
  'aria-hidden',
  'aria-label',
]);

describe('lucide icons through the light component', () => {
  it.each<[string, Props]>([
    ['defaults', {}],
    ['a size, hidden as the app writes them', { size: 16, 'aria-hidden': 'true' }],
    ['a name of its own (not hidden)', { size: 15, 'aria-label': 'Épinglé & "fixé"' }],
    ['a role', { role: 'img' }],
    ['a class, a colour and a fill', { class: 'glass', color: 'red', fill: 'currentColor' }],
    ['a stroke width, absolute', { size: 48, strokeWidth: 3, absoluteStrokeWidth: true }],
    ['width and height apart, a style', { width: 20, height: 30, style: 'color: blue' }],
    ['a non-scaling stroke', { nonScalingStroke: true }],
  ])('draws what lucide draws: %s', (_, props) => {
    const ours = markup(LucideIcon, { ...props, icon });
    expect(ours).toMatch(
      /<path [^>]*d="M2 9.5a5.5 5.5 0 0 1 9.591-3.676"><\/path><circle [^>]*cx="12" cy="12" r="3"><\/circle><\/svg>$/,
    );
    expect(ours).toBe(markup(LucideOriginal, { ...props, icon }));
  });

  it("is what lucide's icon modules draw with, in the tests as in both builds", () => {
    const importer = '/x/node_modules/@lucide/svelte/dist/icons/heart.svelte';
    const resolve = lightIcons().resolveId as (source: string, importer?: string) => string | null;
    expect(resolve('../Icon.svelte', importer)).toBe(lightIconComponent);
    expect(resolve('../Icon.svelte', '/work/web/src/lib/components/Thing.svelte')).toBeNull();
    expect(resolve('./Other.svelte', importer)).toBeNull();
    // The real module: lucide's heart, drawn by ours (the shapes come as one html block: a marker ours alone adds).
    const body = render(Heart, { props: { size: 16 } }).body;
    expect(body).toContain('class="lucide lucide-heart lucide-icon"');
    expect(body).toMatch(/<!---->/);
    expect(body.replace(/<!--[^>]*-->/g, '')).toBe(markup(LucideOriginal, { size: 16, icon: heartData(body) }));
  });

  it('is given only props it understands, everywhere the app draws an icon', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.svelte')) files.push(full);
      }
    };
    walk(path.resolve('web/src'));
    const unsupported: string[] = [];
    let checked = 0;
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      // Icons imported from lucide, and the app's icon variables (named Icon by convention: a kind's, a badge's…).
      const names = [...source.matchAll(/import (\w+) from '@lucide\/svelte\/icons\/[\w-]+'/g)].map((m) => m[1]!);
      if (/\bIcon\b/.test(source)) names.push('Icon');
      for (const name of names) {
        for (const tag of source.matchAll(new RegExp(`<${name}(\\s[^>]*?)?/?>`, 'g'))) {
          checked += 1;
          const attributes = (tag[1] ?? '').replace(/=\{[^}]*\}|="[^"]*"/g, '');
          for (const attribute of attributes.match(/\{?[\w:.-]+\}?/g) ?? []) {
            const bare = attribute.replace(/[{}]/g, '');
            if (attribute.startsWith('{...') || !SUPPORTED.has(bare))
              unsupported.push(`${path.relative('.', file)}: <${name} ${bare}>`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(unsupported).toEqual([]);
  });
});

/** Lucide's heart as its module holds it, read back from the shapes drawn. */
function heartData(body: string) {
  const d = /<path d="([^"]+)"/.exec(body)![1]!;
  return { name: 'heart', size: 24, node: [['path', { d }]] };
}

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One chunk of the browser build, as Vite's manifest (`build.manifest`) describes it. */
interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
}

/** Markup declaring a page's chunks: modulepreloads for <head>, stylesheets for the end of <body>. */
export interface PageLinks {
  head: string;
  body: string;
}

/** Marks a page's stylesheets declared for print media until the page is hydrated (web/src/main.ts). */
const DEFERRED_STYLESHEET = 'data-deferred';

/** The languages of the web app's dictionaries (web/src/lib/i18n/<locale>.ts, one chunk each). */
type Locale = 'fr' | 'en';

/**
 * The browser files a server-rendered page needs, declared in its HTML. Without them the app's entry would
 * first have to run to learn which page it is on, then ask for that page's chunks (one more round trip before
 * the page is interactive), and Vite's loader would insert a link per file while the page boots.
 *
 * The page's scripts are modulepreloads in <head>: fetched at once, beside the entry. Its stylesheets go at the
 * end of <body>, for print media: the server already wrote the styles of the components it rendered into <head>
 * (the first paint waits for no request), so these make the page's rules known to the loader, which then neither
 * inserts nor waits for them, without blocking anything (a stylesheet for the screen, even at the end of
 * <body>, is fetched first and holds the first paint back). The entry turns them to every media once the page is
 * hydrated (`DEFERRED_STYLESHEET`, web/src/main.ts), for the components the server did not render (a dialog
 * opened later). The page's language is one more chunk (its dictionary, which the entry loads before hydrating),
 * and only that language's.
 */
export class PageAssets {
  private readonly cache = new Map<string, PageLinks>();

  private constructor(
    private readonly manifest: Record<string, ManifestChunk>,
    /** Files the shell (index.html) already loads or preloads. */
    private readonly shellFiles: Set<string>,
  ) {}

  /** The build's manifest (web/dist/.vite/manifest.json), or null when there is none (a build without it). */
  static open(webDist: string, shell: string): PageAssets | null {
    const file = path.join(webDist, '.vite', 'manifest.json');
    if (!existsSync(file)) return null;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ManifestChunk>;
    const shellFiles = new Set(
      [...shell.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="\/([^"]+)"/g)].map((m) => m[1]!),
    );
    return new PageAssets(manifest, shellFiles);
  }

  /** Links for the page whose component is `source` (`src/pages/Thread.svelte`), read in `locale`. */
  links(source: string | undefined, locale: Locale): PageLinks {
    // Both come from the renderer (a page module, a language): a few dozen keys at most.
    const key = `${source ?? ''}|${locale}`;
    let links = this.cache.get(key);
    if (!links) this.cache.set(key, (links = this.collect([source, `src/lib/i18n/${locale}.ts`])));
    return links;
  }

  private collect(roots: (string | undefined)[]): PageLinks {
    const scripts: string[] = [];
    const styles: string[] = [];
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      const chunk = this.manifest[key];
      if (!chunk) return;
      if (!this.shellFiles.has(chunk.file)) scripts.push(chunk.file);
      for (const css of chunk.css ?? []) if (!styles.includes(css)) styles.push(css);
      for (const imported of chunk.imports ?? []) visit(imported);
    };
    for (const root of roots) if (root) visit(root);
    return {
      head: scripts.map((file) => `<link rel="modulepreload" crossorigin href="/${file}">`).join(''),
      body: styles
        .map((file) => `<link rel="stylesheet" crossorigin href="/${file}" media="print" ${DEFERRED_STYLESHEET}>`)
        .join(''),
    };
  }
}

import path from 'node:path';
import type { Plugin } from 'vite';

/** Plugins of the web app's builds (web/vite.config.ts; the tests' too, vitest.config.ts). */

/** Our lighter shared component for lucide's icons: same props, same markup (its own comment says why). */
export const lightIconComponent = path.resolve(import.meta.dirname, 'src/lib/components/ui/LucideIcon.svelte');

/**
 * Lucide's icons draw through `lightIconComponent` instead of the package's Icon.svelte. Every build that
 * compiles the web app's components uses it (the browser's, the server renderer's, the tests'), so that the
 * server's markup and the browser's hydration agree.
 */
export function lightIcons(): Plugin {
  return {
    name: 'agora-light-icons',
    enforce: 'pre',
    resolveId(source, importer) {
      const fromLucideIcon = importer !== undefined && /[\\/]@lucide[\\/]svelte[\\/]dist[\\/]icons[\\/]/.test(importer);
      return source === '../Icon.svelte' && fromLucideIcon ? lightIconComponent : null;
    },
  };
}

/**
 * V8's explicit compile hint on every chunk of the browser's app: its functions are compiled as the file arrives,
 * on a background thread, instead of one by one on the main thread the first time each runs. A page's chunks
 * are the ones it runs at once (routes load their own): without the hint, hydration spent much of its long task
 * compiling the code it was about to run. Browsers without the hint read a comment.
 */
export function compileHints(): Plugin {
  return {
    name: 'agora-compile-hints',
    apply: 'build',
    // After minification, which would drop the comment; before the compressed copies are made (closeBundle).
    generateBundle(_, bundle) {
      for (const chunk of Object.values(bundle))
        if (chunk.type === 'chunk') chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
    },
  };
}

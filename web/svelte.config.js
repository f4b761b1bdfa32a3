import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  vitePlugin: {
    // Server-rendered pages carry their components' styles in <head>: the first paint is styled before any
    // stylesheet of a lazily loaded page arrives (no jump when the browser takes over).
    dynamicCompileOptions: ({ compileOptions }) =>
      compileOptions.generate === 'server' ? { css: 'injected' } : undefined,
  },
};

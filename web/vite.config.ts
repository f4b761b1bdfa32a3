import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { compileHints, lightIcons } from './build-plugins.ts';

/**
 * Brotli (quality 11) and gzip (level 9) copies of every built text file past 1 KiB, written once at build time:
 * the server sends them as they are (@fastify/static `preCompressed`), with no compression per request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'agora-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const full = path.join(dir, name);
          return statSync(full).isDirectory() ? walk(full) : [full];
        });
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(file) || statSync(file).size < 1024) continue;
        const data = readFileSync(file);
        writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

const apiTarget = process.env.AGORA_API ?? 'http://localhost:3000';

/**
 * Two builds: the browser's app (web/dist, served as static files), and with `--ssr src/entry-server.ts` the
 * server's renderer of public pages (web/dist-server, imported by the server, never served).
 */
export default defineConfig(({ isSsrBuild }) => ({
  root: import.meta.dirname,
  plugins: isSsrBuild ? [lightIcons(), svelte()] : [lightIcons(), svelte(), compileHints(), precompress()],
  build: {
    outDir: isSsrBuild ? 'dist-server' : 'dist',
    emptyOutDir: true,
    copyPublicDir: !isSsrBuild,
    target: isSsrBuild ? 'node20' : 'es2022',
    sourcemap: false,
    // Which chunks and stylesheets each page needs: the server declares them in a rendered page's HTML
    // (server/modules/pages/page-assets.ts). Written to dist/.vite/manifest.json, which is not served.
    manifest: !isSsrBuild,
    rolldownOptions: isSsrBuild
      ? {}
      : {
          output: {
            // Fewer, larger chunks for the browser: left to itself the bundler made one chunk per module shared
            // by two pages (each lucide icon, each small component or state module), some 55 files under 2 KB:
            // a thread page loaded 53 scripts, each a request (six at a time over HTTP/1.1) and a module to
            // compile and link while the page boots; 8 now. The groups keep their modules' dependencies with
            // them (rolldown's default): without, a state module ran before the runtime it needs.
            codeSplitting: {
              groups: [
                { name: 'svelte', test: /[\\/]node_modules[\\/]svelte[\\/]/, priority: 3 },
                {
                  name: 'icons',
                  test: /[\\/]@lucide[\\/]svelte[\\/]|LucideIcon\.svelte/,
                  minShareCount: 2,
                  priority: 2,
                },
                { name: 'shared', minShareCount: 2, maxModuleSize: 4096, priority: 1 },
              ],
            },
          },
        },
  },
  server: {
    port: 5173,
    // The API keeps its own origin check: the dev server forwards the browser's Origin as the API's host.
    proxy: { '/api': { target: apiTarget, changeOrigin: false, ws: true } },
  },
}));

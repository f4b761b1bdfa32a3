import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const apiTarget = process.env.AGORA_API ?? 'http://localhost:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    port: 5173,
    // The API keeps its own origin check: the dev server forwards the browser's Origin as the API's host.
    proxy: { '/api': { target: apiTarget, changeOrigin: false, ws: true } },
  },
});

import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * Three entry points so a fan's phone never downloads more than it needs: `index.html` (buyer
 * pages), `console.html` (operator console) and `queue.html` (the waiting room: plain
 * TypeScript, no framework, a few KB). Every asset gets a content hash; the pages run
 * under a strict CSP, so nothing is inlined (no inline scripts or styles, no eval).
 */
export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rollupOptions: { input: { index: 'web/index.html', console: 'web/console.html', queue: 'web/queue.html' } },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});

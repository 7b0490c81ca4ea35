import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * Two entry points so a fan's phone never downloads the operator console: `index.html` (buyer
 * pages) and `console.html` (operator console). Every asset gets a content hash; the pages run
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
    rollupOptions: { input: { index: 'web/index.html', console: 'web/console.html' } },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});

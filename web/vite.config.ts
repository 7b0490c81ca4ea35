import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/** Kept in step with NONCE_PLACEHOLDER in src/platform/http/web.ts. */
const NONCE_PLACEHOLDER = 'TAQUILLA_NONCE_PLACEHOLDER';

/**
 * Three entry points so a fan's phone never downloads more than it needs: `index.html` (buyer
 * pages), `console.html` (operator console) and `queue.html` (the waiting room: plain
 * TypeScript, no framework, a few KB). Every asset gets a content hash; the pages run
 * under a strict CSP, so nothing is inlined (no inline scripts or styles, no eval). Every tag
 * Vite writes carries the nonce placeholder, which the server replaces with a fresh nonce per
 * response; scripts/seal-web.ts then adds Subresource Integrity, writes the build manifest and
 * checks it against the script inventory.
 */
export default defineConfig({
  root: 'web',
  base: '/',
  html: { cspNonce: NONCE_PLACEHOLDER },
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rollupOptions: { input: { index: 'web/index.html', console: 'web/console.html', queue: 'web/queue.html' } },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});

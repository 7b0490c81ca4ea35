// Vite bundles imported stylesheets; this tells TypeScript that `import './console.css'` is fine.
declare module '*.css';

// Vite bundles imported stylesheets; this lets TypeScript accept `import './buyer.css'`.
declare module '*.css';

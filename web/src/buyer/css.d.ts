// Vite bundles imported stylesheets; this lets TypeScript accept `import './buyer.css'`,
// and `?inline` imports, which give the stylesheet's text.
declare module '*.css';
declare module '*.css?inline' {
  const css: string;
  export default css;
}

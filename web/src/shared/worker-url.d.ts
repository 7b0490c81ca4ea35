// Vite bundles `./x.worker.ts?worker&url` as a worker of its own and gives its built URL.
declare module '*?worker&url' {
  const url: string;
  export default url;
}

/**
 * Seals the front-end build (run after `vite build`, before compression):
 *
 * 1. Checks every script each page can load (entry, shared and lazy chunks, workers) against the
 *    committed script inventory (security/script-inventory.json, PCI DSS 6.4.3) for each page
 *    class the page serves, and fails the build naming any chunk the inventory does not approve.
 * 2. Adds Subresource Integrity (sha384) to every script, module preload and stylesheet tag, and
 *    an import map whose `integrity` section covers every chunk loaded later (lazy pages, shared
 *    chunks), so the browser refuses any file whose bytes differ from the build's.
 * 3. Writes web/dist/build-manifest.json: every asset with its sha384, what each page loads, and
 *    the build id derived from all of it. Each process registers it in the database at start, and
 *    the tamper check compares what browsers receive with it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_FILES, type PageClass } from '../src/security/page-classes.js';
import { approvedChunk, loadInventory } from '../src/security/script-inventory.js';
import type { BuildManifest, ManifestPage } from '../src/security/build-manifest.js';

interface ViteChunk {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  assets?: string[];
}

const dist = process.argv[2] ?? join('web', 'dist');
const inventoryPath = process.env.SCRIPT_INVENTORY ?? join('security', 'script-inventory.json');
const vite = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<string, ViteChunk>;
const inventory = loadInventory(inventoryPath);

const sha384 = (bytes: Buffer | string) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const assets: BuildManifest['assets'] = {};
for (const name of readdirSync(join(dist, 'assets')).sort()) {
  if (!/\.(js|css)$/.test(name)) continue;
  const bytes = readFileSync(join(dist, 'assets', name));
  assets[`/assets/${name}`] = { sha384: sha384(bytes), bytes: bytes.length };
}

/** The inventory's name for a chunk: its source for entries and lazy pages, `chunk:` or `worker:` and its name otherwise. */
const chunkId = (key: string, chunk: ViteChunk) => (key.startsWith('_') ? `chunk:${chunk.name}` : key);
const workerId = (file: string) => `worker:${file.replace(/^assets\//, '').replace(/-[A-Za-z0-9_-]{8}\.js$/, '')}`;

function reachable(entry: string): { scripts: Map<string, string>; styles: Set<string> } {
  const scripts = new Map<string, string>();
  const styles = new Set<string>();
  const visit = (key: string) => {
    const chunk = vite[key];
    if (!chunk || scripts.has(`/${chunk.file}`)) return;
    scripts.set(`/${chunk.file}`, chunkId(key, chunk));
    for (const css of chunk.css ?? []) styles.add(`/${css}`);
    for (const asset of chunk.assets ?? []) if (asset.endsWith('.js')) scripts.set(`/${asset}`, workerId(asset));
    for (const next of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(next);
  };
  visit(entry);
  return { scripts, styles };
}

const problems: string[] = [];
const pages: Record<string, ManifestPage> = {};
for (const file of [...new Set(Object.values(PAGE_FILES))]) {
  const classes = (Object.entries(PAGE_FILES) as [PageClass, string][]).filter(([, f]) => f === file).map(([c]) => c);
  const { scripts, styles } = reachable(file);
  for (const [path, id] of scripts) {
    if (!assets[path]) problems.push(`${file}: ${path} is not in the build`);
    for (const pageClass of classes) {
      if (!approvedChunk(inventory, id, pageClass))
        problems.push(`${file}: "${id}" (${path}) would run on ${pageClass} pages, and the inventory does not approve it there`);
    }
  }
  pages[file] = {
    classes,
    scripts: [...scripts].map(([path, chunk]) => ({ path, chunk, sha384: assets[path]?.sha384 ?? '' })),
    styles: [...styles].map((path) => ({ path, sha384: assets[path]?.sha384 ?? '' })),
  };

  // Integrity on every tag that loads one of our files, and an import map for what loads later.
  let html = readFileSync(join(dist, file), 'utf8');
  html = html.replace(
    /<(script|link)\b([^>]*?)\s(src|href)="(\/assets\/[^"]+)"([^>]*)>/g,
    (tag, name: string, before: string, attr: string, path: string, after: string) => {
      const integrity = assets[path]?.sha384;
      if (!integrity) {
        if (/\.(js|css)$/.test(path)) problems.push(`${file}: ${path} has no hash`);
        return tag;
      }
      if (/\bintegrity=/.test(tag)) return tag;
      return `<${name}${before} ${attr}="${path}" integrity="${integrity}"${after}>`;
    },
  );
  const integrity = Object.fromEntries([...scripts.keys()].map((path) => [path, assets[path]?.sha384 ?? '']));
  const importMap = `<script type="importmap" nonce="TAQUILLA_NONCE_PLACEHOLDER">${JSON.stringify({ integrity })}</script>`;
  if (!html.includes('type="importmap"')) html = html.replace(/(<meta charset="utf-8"\s*\/?>)/, `$1\n    ${importMap}`);
  if (!html.includes('type="importmap"')) problems.push(`${file}: no <meta charset> to place the import map after`);
  writeFileSync(join(dist, file), html);
}

if (problems.length) {
  console.error(`The build loads scripts the script inventory (${inventoryPath}) does not approve:\n  ${problems.join('\n  ')}`);
  console.error('Add each to the inventory with its purpose, owner and the change that approved it (README: "Script inventory").');
  process.exit(1);
}

const htmlHashes = Object.keys(pages).map((file) => `${file} ${sha384(readFileSync(join(dist, file)))}`);
const buildId = createHash('sha256')
  .update([...Object.entries(assets).map(([path, a]) => `${path} ${a.sha384}`), ...htmlHashes].join('\n'))
  .digest('hex')
  .slice(0, 16);
const manifest: BuildManifest = {
  buildId,
  builtAt: new Date().toISOString(),
  inventory: sha384(readFileSync(inventoryPath)),
  pages,
  assets,
};
writeFileSync(join(dist, 'build-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`sealed build ${buildId}: ${Object.keys(assets).length} assets with sha384, ${Object.keys(pages).length} pages checked against the inventory`);

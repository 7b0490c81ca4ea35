/**
 * Whether web/dist is the build of the front end's current sources. The sources are every file
 * the build reads from the repository: web/ (without web/dist), the scripts that seal and compress
 * the build, what those and the pages import from outside web/ (src/security/page-classes.ts, say),
 * the script inventory and package-lock.json. A successful build writes their hash to
 * web/dist/.build-stamp; Vite empties web/dist before building, and the stamp is removed before a
 * build starts, so a failed or interrupted build is never taken for a good one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const STAMP_FILE = '.build-stamp';
/** Files the build reads besides web/, relative to the repository (their relative imports are followed); `inventory` as SCRIPT_INVENTORY. */
export const buildInputs = (inventory = 'security/script-inventory.json') => ['scripts/seal-web.ts', 'scripts/compress-web.ts', inventory, 'package-lock.json'];
/** What a finished build always has (seal-web.ts writes it last but one): no manifest, no build. */
const BUILT_MARK = 'build-manifest.json';

const CODE = /\.(ts|tsx|mts|js|jsx|mjs)$/;
/** Relative specifiers of static and dynamic imports, re-exports and `new URL('./x', import.meta.url)`; a Vite query (`?worker&url`) is dropped. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)['"](\.{1,2}\/[^'"?]+)(?:\?[^'"]*)?['"]/g;

function filesUnder(dir: string, skip: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === skip || name === 'node_modules') continue;
    if (statSync(path).isDirectory()) filesUnder(path, skip, out);
    else out.push(path);
  }
  return out;
}

/** The file an import names: TypeScript's `./x.js` is `./x.ts`, `./x` may be `./x.ts`, `./x.tsx` or `./x/index.ts`. */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(js|jsx|mjs)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile());
}

/** Every file the front-end build reads from the repository under `root`, relative to it, sorted. */
export function webSources(root: string, inputs: readonly string[] = buildInputs()): string[] {
  const found = new Set<string>();
  const pending: string[] = [];
  const add = (path: string) => {
    const rel = relative(root, path);
    if (rel.startsWith('..') || rel.split(sep).includes('node_modules') || found.has(rel)) return;
    if (!existsSync(path) || !statSync(path).isFile()) return;
    found.add(rel);
    pending.push(path);
  };
  const web = join(root, 'web');
  if (existsSync(web)) for (const file of filesUnder(web, join(web, 'dist'))) add(file);
  for (const input of inputs) add(resolve(root, input));
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (!CODE.test(path)) continue;
    for (const match of readFileSync(path, 'utf8').matchAll(IMPORT)) {
      const target = resolveImport(path, match[1]!);
      if (target) add(target);
    }
  }
  return [...found].sort();
}

/** The hash of those files (their paths and bytes) and of `extra` (the build command, Node's version). */
export function sourcesHash(root: string, options: { inputs?: readonly string[]; extra?: readonly string[] } = {}): string {
  const hash = createHash('sha256');
  for (const part of options.extra ?? []) hash.update(part).update('\0');
  for (const rel of webSources(root, options.inputs)) {
    hash
      .update(rel.split(sep).join('/'))
      .update('\0')
      .update(readFileSync(join(root, rel)))
      .update('\0');
  }
  return hash.digest('hex');
}

const stampPath = (dist: string) => join(dist, STAMP_FILE);

export function readStamp(dist: string): string | undefined {
  try {
    const stamp = JSON.parse(readFileSync(stampPath(dist), 'utf8')) as { sources?: unknown };
    return typeof stamp.sources === 'string' ? stamp.sources : undefined;
  } catch {
    return undefined;
  }
}

export function writeStamp(dist: string, sources: string): void {
  writeFileSync(stampPath(dist), `${JSON.stringify({ sources, builtAt: new Date().toISOString() })}\n`);
}

export function removeStamp(dist: string): void {
  rmSync(stampPath(dist), { force: true });
}

/** Whether to build, and why. */
export function decide(dist: string, sources: string): { build: boolean; reason: string } {
  if (!existsSync(join(dist, BUILT_MARK))) return { build: true, reason: 'no finished build in web/dist' };
  const stamp = readStamp(dist);
  if (stamp === undefined) return { build: true, reason: 'the build in web/dist has no stamp' };
  if (stamp !== sources) return { build: true, reason: 'the front end changed since the last build' };
  return { build: false, reason: 'web/dist is the build of the current sources' };
}

export type Outcome = 'reused' | 'built' | 'failed';

/**
 * Builds when `decide` says so (or `force`), and stamps the build if it succeeded and the sources
 * did not change while it ran (else the next run builds again).
 */
export async function buildIfChanged(opts: {
  root: string;
  build: () => Promise<boolean>;
  force?: boolean;
  inputs?: readonly string[];
  extra?: readonly string[];
  log?: (line: string) => void;
}): Promise<Outcome> {
  const { root, build, log = () => {} } = opts;
  const dist = join(root, 'web', 'dist');
  const before = sourcesHash(root, opts);
  const decision = opts.force ? { build: true, reason: 'asked to' } : decide(dist, before);
  if (!decision.build) {
    log(`front end: reusing web/dist (${decision.reason}, ${before.slice(0, 12)})`);
    return 'reused';
  }
  log(`front end: building (${decision.reason})`);
  removeStamp(dist);
  if (!(await build())) return 'failed';
  const after = sourcesHash(root, opts);
  if (after !== before) {
    log('front end: its sources changed during the build; left unstamped, so the next start builds again');
    return 'built';
  }
  writeStamp(dist, after);
  return 'built';
}

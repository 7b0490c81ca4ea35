import { createHash } from 'node:crypto';
import type { BuildManifest } from '../../src/security/build-manifest.js';

/**
 * The front end's deploy history over the period: builds deployed one after another at uneven
 * gaps (a release most weeks, hotfixes in between), each rolled out over 20 minutes to 4 hours
 * while the previous one still serves. Builds from `firstRegistered` on carry a manifest, as
 * builds have since migration 012 registered themselves. Chunks change at their own pace, so a
 * script hash names several builds in a row: the vendor chunk every 3 builds, the payment chunk
 * every 2, the widget host every 4, the locales every 5.
 */
export interface Build {
  index: number;
  buildId: string;
  deployedAt: Date;
  rolloutMinutes: number;
  lastServedAt: Date;
  manifest?: BuildManifest;
}

/** A small seeded generator, so every run deploys the same history. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sha384 = (seed: string) => `sha384-${createHash('sha384').update(seed).digest('base64')}`;
const tag = (seed: string) => createHash('sha256').update(seed).digest('base64url').slice(0, 8);

/** The asset that changes every `every` builds, as the i-th build ships it. */
function asset(name: string, every: number, i: number, ext = 'js') {
  const version = `${name}@${Math.floor(i / every)}`;
  return { path: `/assets/${name}-${tag(version)}.${ext}`, sha384: sha384(version), bytes: 2000 + ((version.length * 7919) % 90_000) };
}

export function chunkHash(name: string, every: number, i: number): string {
  return asset(name, every, i).sha384;
}

function manifest(buildId: string, i: number, builtAt: Date): BuildManifest {
  const scripts = [
    ['index', 1],
    ['vendor', 3],
    ['payment', 2],
    ['widget-host', 4],
    ...['es', 'en', 'fr', 'nl', 'nb'].map((l) => [`locale-${l}`, 5] as const),
  ].map(([name, every]) => ({ ...asset(name as string, every as number, i), chunk: name as string }));
  const style = asset('index', 1, i, 'css');
  const assets = Object.fromEntries([...scripts, style].map((a) => [a.path.slice(1), { sha384: a.sha384, bytes: a.bytes }]));
  const page = (classes: BuildManifest['pages'][string]['classes'], names: string[]) => ({
    classes,
    scripts: scripts.filter((s) => names.some((n) => s.chunk.startsWith(n))).map(({ path, chunk, sha384 }) => ({ path, chunk, sha384 })),
    styles: [{ path: style.path, sha384: style.sha384 }],
  });
  return {
    buildId,
    builtAt: builtAt.toISOString(),
    inventory: sha384(`inventory@${Math.floor(i / 4)}`),
    pages: {
      'index.html': page(['payment', 'account', 'buyer'], ['index', 'vendor', 'payment', 'widget-host', 'locale-']),
      'queue.html': page(['queue'], ['vendor', 'locale-']),
      'console.html': page(['operator'], ['index', 'vendor']),
    },
    assets,
  };
}

export function buildSchedule(start: Date, end: Date, count: number, firstRegistered: number): Build[] {
  const random = mulberry32(20261206);
  const gaps = Array.from({ length: count - 1 }, () => 0.3 + random() * 1.7);
  const total = gaps.reduce((a, b) => a + b, 0);
  const first = start.getTime() - 3 * 86_400_000;
  const span = end.getTime() - 2 * 86_400_000 - first;
  const day = (t: number) => Math.floor(t / 86_400_000) * 86_400_000;
  let at = first;
  const builds: Build[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) at += (gaps[i - 1]! / total) * span;
    // Deploys happen in working hours, 09:00 to 16:00 UTC.
    const deployedAt = new Date(day(at) + (9 + Math.floor(random() * 7)) * 3_600_000 + Math.floor(random() * 60) * 60_000);
    const buildId = createHash('sha256').update(`bench-build-${i}`).digest('hex').slice(0, 16);
    builds.push({ index: i, buildId, deployedAt, rolloutMinutes: 20 + Math.floor(random() * 220), lastServedAt: end });
  }
  for (let i = 0; i < count; i++) {
    const b = builds[i]!;
    const next = builds[i + 1];
    if (next) b.lastServedAt = new Date(next.deployedAt.getTime() + next.rolloutMinutes * 60_000);
    if (i >= firstRegistered) b.manifest = manifest(b.buildId, i, new Date(b.deployedAt.getTime() - 3_600_000));
  }
  return builds;
}

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readBuildManifest } from '../security/build-manifest.js';

/**
 * The id of the front-end build: the sealed build's id (scripts/seal-web.ts, a hash over every
 * asset's sha384 and the pages), so the same files give the same id on every node and a checkout
 * record names exactly the code its page ran. It is read from the manifest written at build
 * time, not recomputed from the files, so a file changed on disk later does not become the
 * reference (the tamper check finds it instead). Unsealed builds hash the files; `dev-unbuilt`
 * when there is no build yet.
 */
export function computeBuildId(distDir: string): string {
  if (!existsSync(distDir)) return 'dev-unbuilt';
  const sealed = readBuildManifest(distDir);
  if (sealed) return sealed.buildId;
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(distDir);
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(distDir, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

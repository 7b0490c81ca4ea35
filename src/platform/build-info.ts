import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The id of the front-end build: a hash over every built asset's path and bytes. The same files
 * give the same id on every node, so a checkout record names exactly the code its page ran.
 * `dev-unbuilt` when there is no build yet.
 */
export function computeBuildId(distDir: string): string {
  if (!existsSync(distDir)) return 'dev-unbuilt';
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

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageClass } from './page-classes.js';

/**
 * What scripts/seal-web.ts writes beside the built pages (web/dist/build-manifest.json): every
 * asset with its sha384, and for each page the scripts and stylesheets it may load. The build id
 * is a hash over all of it, so the same files give the same id on every node.
 */
export interface ManifestPage {
  classes: PageClass[];
  scripts: { path: string; chunk: string; sha384: string }[];
  styles: { path: string; sha384: string }[];
}

export interface BuildManifest {
  buildId: string;
  builtAt: string;
  /** sha384 of the script inventory the build was checked against. */
  inventory: string;
  pages: Record<string, ManifestPage>;
  assets: Record<string, { sha384: string; bytes: number }>;
}

/** The sealed build's manifest, or undefined when the front end was built without sealing (or not at all). */
export function readBuildManifest(distDir: string): BuildManifest | undefined {
  const file = join(distDir, 'build-manifest.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as BuildManifest;
}

/**
 * Writes .br and .gz beside each built JS, CSS and SVG asset, so the server sends compressed bytes
 * without compressing on every request (@fastify/static `preCompressed`).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = join('web', 'dist', 'assets');
let saved = 0;
for (const name of readdirSync(dir)) {
  if (!/\.(js|css|svg)$/.test(name)) continue;
  const raw = readFileSync(join(dir, name));
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(join(dir, `${name}.br`), br);
  writeFileSync(join(dir, `${name}.gz`), gzipSync(raw, { level: 9 }));
  saved += raw.length - br.length;
}
console.log(`compressed assets in ${dir} (brotli saves ${(saved / 1024).toFixed(1)} KB)`);

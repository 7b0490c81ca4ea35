/**
 * `npm start`'s front-end step on a small made-up repository: which changes make it build again,
 * and that only a build that succeeded on unchanged sources is stamped. The build itself is a
 * stand-in (Vite takes ten seconds; what it writes does not matter here).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { buildIfChanged, decide, readStamp, sourcesHash, webSources } from '../scripts/web-build-stamp.js';

let root: string;
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
};
const dist = () => join(root, 'web', 'dist');

/** A build that writes what a finished one has, and counts its runs. */
function fakeBuild(result = true, during?: () => void) {
  const build = async () => {
    build.runs++;
    mkdirSync(dist(), { recursive: true });
    during?.();
    if (result) write('web/dist/build-manifest.json', '{}');
    return result;
  };
  build.runs = 0;
  return build;
}

describe('build-web-if-changed', () => {
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'taquilla-web-stamp-'));
    write('web/index.html', '<script type="module" src="/src/main.ts"></script>');
    write('web/vite.config.ts', 'export default {};');
    write('web/src/main.ts', "import { PAGE } from '../../src/security/page-classes.js';\nimport './style.css';\nconsole.log(PAGE);");
    write('web/src/style.css', 'body { color: black }');
    write('src/security/page-classes.ts', "export { PAGE } from './pages.js';");
    write('src/security/pages.ts', "export const PAGE = 'buyer';");
    write('src/server.ts', 'console.log("the server, not the front end");');
    write('scripts/seal-web.ts', "import '../src/security/page-classes.js';");
    write('scripts/compress-web.ts', '');
    write('security/script-inventory.json', '{"entries": []}');
    write('package-lock.json', '{"lockfileVersion": 3}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('build-web: the sources are web/, the build scripts, the lock file, the inventory and what they import from outside web/', () => {
    assert.deepEqual(webSources(root), [
      'package-lock.json',
      'scripts/compress-web.ts',
      'scripts/seal-web.ts',
      'security/script-inventory.json',
      'src/security/page-classes.ts',
      'src/security/pages.ts',
      'web/index.html',
      'web/src/main.ts',
      'web/src/style.css',
      'web/vite.config.ts',
    ]);
  });

  test('build-web: the first start builds and stamps; a second with the same sources reuses the build', async () => {
    const build = fakeBuild();
    assert.equal(await buildIfChanged({ root, build }), 'built');
    assert.equal(readStamp(dist()), sourcesHash(root));
    assert.equal(await buildIfChanged({ root, build }), 'reused');
    assert.equal(build.runs, 1);
  });

  test('build-web: a changed, added or removed source, a change imported from outside web/, or another lock file means a new build', async () => {
    const changes: [string, () => void][] = [
      ['a page edited', () => write('web/src/main.ts', "import { PAGE } from '../../src/security/page-classes.js';\nconsole.log(PAGE, 2);")],
      ['a file added', () => write('web/src/new-page.tsx', 'export const x = 1;')],
      ['a file removed', () => rmSync(join(root, 'web', 'src', 'new-page.tsx'))],
      ['a shared module two imports away', () => write('src/security/pages.ts', "export const PAGE = 'console';")],
      ['the seal script', () => write('scripts/seal-web.ts', "import '../src/security/page-classes.js';\n// changed")],
      ['the inventory', () => write('security/script-inventory.json', '{"entries": [1]}')],
      ['the lock file', () => write('package-lock.json', '{"lockfileVersion": 3, "packages": {}}')],
    ];
    const build = fakeBuild();
    await buildIfChanged({ root, build });
    for (const [what, change] of changes) {
      change();
      assert.deepEqual(decide(dist(), sourcesHash(root)).build, true, what);
      assert.equal(await buildIfChanged({ root, build }), 'built', what);
    }
    assert.equal(build.runs, 1 + changes.length);
  });

  test('build-web: server code, the build output and a touched but unchanged file do not rebuild', async () => {
    const build = fakeBuild();
    await buildIfChanged({ root, build });
    write('src/server.ts', 'console.log("changed server");');
    write('web/dist/assets/extra.js', 'output');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'web', 'src', 'main.ts'), later, later);
    assert.equal(await buildIfChanged({ root, build }), 'reused');
    assert.equal(build.runs, 1);
  });

  test('build-web: the build command or Node version counts as a source', async () => {
    const build = fakeBuild();
    await buildIfChanged({ root, build, extra: ['vite build', 'v24.0.0'] });
    assert.equal(await buildIfChanged({ root, build, extra: ['vite build', 'v24.0.0'] }), 'reused');
    assert.equal(await buildIfChanged({ root, build, extra: ['vite build --minify false', 'v24.0.0'] }), 'built');
  });

  test('build-web: a failed build is never stamped, and the stamp of the build before it is gone', async () => {
    await buildIfChanged({ root, build: fakeBuild() });
    write('web/src/main.ts', 'syntax error (');
    const failing = fakeBuild(false);
    assert.equal(await buildIfChanged({ root, build: failing }), 'failed');
    assert.equal(readStamp(dist()), undefined);
    // Reverting the change does not make the half-written output good: it builds again.
    write('web/src/main.ts', "import { PAGE } from '../../src/security/page-classes.js';\nimport './style.css';\nconsole.log(PAGE);");
    const build = fakeBuild();
    assert.equal(await buildIfChanged({ root, build }), 'built');
    assert.equal(build.runs, 1);
  });

  test('build-web: sources edited while the build runs leave it unstamped; --force builds even when up to date', async () => {
    const racing = fakeBuild(true, () => write('web/src/style.css', 'body { color: red }'));
    assert.equal(await buildIfChanged({ root, build: racing }), 'built');
    assert.equal(readStamp(dist()), undefined);
    const build = fakeBuild();
    assert.equal(await buildIfChanged({ root, build }), 'built');
    assert.equal(await buildIfChanged({ root, build, force: true }), 'built');
    assert.equal(build.runs, 2);
    assert.equal(readStamp(dist()), sourcesHash(root));
  });
});

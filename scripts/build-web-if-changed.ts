/**
 * The front-end build, skipped when web/dist already is the build of the current sources
 * (scripts/web-build-stamp.ts says what they are). `npm start` runs it before the server, so a
 * start without front-end changes does not spend ten seconds in Vite; `npm run build:web` runs it
 * with `--force`, and an image build that runs either carries web/dist with its stamp.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { buildIfChanged, buildInputs } from './web-build-stamp.js';

/** Vite, then seal-web.ts and compress-web.ts: `npm run build:web:steps`. */
const STEPS = 'build:web:steps';
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

function runSteps(): Promise<boolean> {
  // Under npm, npm_execpath is npm's own CLI: run it with this Node rather than whatever `npm` is on PATH.
  const npm = process.env.npm_execpath;
  const [command, args] = npm ? [process.execPath, [npm, 'run', '--silent', STEPS]] : ['npm', ['run', '--silent', STEPS]];
  return new Promise((done) => {
    spawn(command, args, { stdio: 'inherit' })
      .on('error', () => done(false))
      .on('close', (code) => done(code === 0));
  });
}

const started = Date.now();
const outcome = await buildIfChanged({
  root: process.cwd(),
  build: runSteps,
  force: process.argv.includes('--force'),
  inputs: buildInputs(process.env.SCRIPT_INVENTORY),
  // The commands the build runs, and the Node that runs them.
  extra: [scripts[STEPS] ?? '', process.version],
  log: (line) => console.log(line),
});
if (outcome === 'failed') {
  console.error('front end: the build failed; web/dist is left unstamped');
  process.exit(1);
}
if (outcome === 'built') console.log(`front end: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

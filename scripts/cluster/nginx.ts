/**
 * nginx in front of the app processes: the repo's template (deploy/nginx/nginx.conf.template)
 * rendered for a run directory (`npm run cluster`, tests) or for the compose file, and an nginx
 * started on it in the foreground, as the current user, with its pid and temp files in that
 * directory.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHED_PAGE_CSP, SHED_PAGE_LOCALES, shedPage } from '../../src/shield/shed-page.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const NGINX_DIR = join(root, 'deploy', 'nginx');
export const TEMPLATE = join(NGINX_DIR, 'nginx.conf.template');
/** nginx's own "busy" pages: the shield's shed page in each of its languages (written by `writeBusyPages`). */
export const ERRORS_DIR = join(NGINX_DIR, 'errors');
/** The compose file's nginx configuration, rendered from the template and committed. */
export const COMPOSE_CONF = join(NGINX_DIR, 'compose.conf');
/** Debian's nginx service in front of the systemd units (deploy/systemd/), rendered and committed. */
export const DEBIAN_CONF = join(NGINX_DIR, 'debian.conf');
/** Debian's brotli module (libnginx-mod-http-brotli-static): .br files are served where it is installed. */
export const DEBIAN_BROTLI_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';

/**
 * The first wall's limits per client address. The shield's highest per-address rate is 30
 * requests a second (queue status); these stay well above it (src/shield/limits.ts).
 */
export const NGINX_LIMITS = { rate: 100, burst: 400, connections: 256 };

export interface NginxSettings {
  /** `listen` of the app's server and of the payment form's, e.g. `127.0.0.1:8080`. */
  listen: string;
  paymentListen: string;
  /** host:port of each app process, and of the payment form (every process serves it). */
  appServers: string[];
  paymentServers: string[];
  /** The folder that holds `assets/` (web/dist). */
  webRoot: string;
  errorsRoot: string;
  /** The user workers run as; only meaningful when nginx starts as root. */
  user?: string;
  pidFile: string;
  tempDir: string;
  errorLog: string;
  /** A file, or `off`. */
  accessLog: string;
  workerProcesses?: number | 'auto';
  /** A brotli_static module to load, or none (gzip_static alone). */
  brotliModule?: string;
  /** Loaded by the base configuration already (an image built with it): only switch it on. */
  brotliBuiltIn?: boolean;
  limits?: { rate: number; burst: number; connections: number };
}

/** The template with every {{NAME}} filled in; a name left over or unknown is an error. */
export function renderNginx(settings: NginxSettings, template = readFileSync(TEMPLATE, 'utf8')): string {
  const limits = settings.limits ?? NGINX_LIMITS;
  const upstream = (servers: string[]) => {
    if (!servers.length) throw new Error('nginx: an upstream needs at least one server');
    // A process that failed three connections within 2 s is skipped for 2 s, then tried again: a
    // dead one is skipped, while one merely slow to accept under a crowd (a connect timeout also
    // counts as a failure) is not, with the other node as busy, taken out with it. With max_fails=1
    // and 5 s, both nodes of the crowd bench were out at once for whole seconds ("no live upstreams").
    return servers.map((s) => `    server ${s} max_fails=3 fail_timeout=2s;`).join('\n');
  };
  const brotli = settings.brotliModule !== undefined || settings.brotliBuiltIn === true;
  const values: Record<string, string> = {
    LOAD_MODULES: settings.brotliModule ? `load_module ${settings.brotliModule};` : '# (no dynamic modules)',
    USER: settings.user ? `user ${settings.user};` : '# (workers run as the user who starts nginx)',
    WORKER_PROCESSES: String(settings.workerProcesses ?? 'auto'),
    PID_FILE: settings.pidFile,
    ERROR_LOG: settings.errorLog,
    TEMP_DIR: settings.tempDir,
    ACCESS_LOG: settings.accessLog === 'off' ? 'off' : `${settings.accessLog} taquilla buffer=64k flush=5s`,
    REQ_RATE: String(limits.rate),
    REQ_BURST: String(limits.burst),
    CONN_LIMIT: String(limits.connections),
    APP_SERVERS: upstream(settings.appServers),
    PAYMENT_SERVERS: upstream(settings.paymentServers),
    LISTEN: settings.listen,
    PAYMENT_LISTEN: settings.paymentListen,
    WEB_ROOT: settings.webRoot,
    ERRORS_ROOT: settings.errorsRoot,
    BROTLI_STATIC: brotli
      ? '      brotli_static on;'
      : '      # brotli_static: no brotli module here (Debian: libnginx-mod-http-brotli-static); the .gz files serve.',
    SHED_PAGE_CSP,
  };
  const used = new Set<string>();
  const text = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`nginx template: no value for {{${name}}}`);
    used.add(name);
    return value;
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length) throw new Error(`nginx template: ${unused.join(', ')} not in the template`);
  return `# RENDERED from deploy/nginx/nginx.conf.template by scripts/cluster/nginx.ts: edit the template, not this file.\n${text}`;
}

/** What the compose file's nginx image runs (deploy/compose.yaml; the `nginx` stage of the Dockerfile). */
export function composeNginxSettings(): NginxSettings {
  return {
    listen: '8080',
    paymentListen: '8081',
    appServers: ['app1:3000', 'app2:3000'],
    paymentServers: ['app1:3001', 'app2:3001'],
    webRoot: '/usr/share/taquilla/web',
    errorsRoot: '/usr/share/taquilla/errors',
    user: 'nginx',
    pidFile: '/tmp/nginx.pid',
    tempDir: '/var/cache/nginx',
    errorLog: 'stderr',
    accessLog: '/dev/stdout',
  };
}

/**
 * Debian's nginx service (as /etc/nginx/nginx.conf) in front of taquilla@3000 and taquilla@3010
 * (deploy/systemd/), the checkout in /opt/taquilla. Plain HTTP on 80: TLS is the deployer's to add.
 */
export function debianNginxSettings(): NginxSettings {
  return {
    listen: '80',
    paymentListen: '8081',
    appServers: ['127.0.0.1:3000', '127.0.0.1:3010'],
    paymentServers: ['127.0.0.1:3001'],
    webRoot: '/opt/taquilla/web/dist',
    errorsRoot: '/opt/taquilla/deploy/nginx/errors',
    user: 'www-data',
    pidFile: '/run/nginx.pid',
    tempDir: '/var/lib/nginx',
    errorLog: '/var/log/nginx/error.log',
    accessLog: '/var/log/nginx/access.log',
  };
}

/** The rendered files that are committed, by path: kept equal to the template by `writeRendered`. */
export function renderedFiles(): Record<string, string> {
  return {
    [COMPOSE_CONF]: renderNginx(composeNginxSettings()),
    [DEBIAN_CONF]: renderNginx(debianNginxSettings()),
    ...Object.fromEntries(Object.entries(busyPages()).map(([name, html]) => [join(ERRORS_DIR, name), html])),
  };
}

/** The shed pages nginx answers with when it refuses a page or no process answers, one per language. */
export function busyPages(): Record<string, string> {
  return Object.fromEntries(SHED_PAGE_LOCALES.map((locale) => [`busy.${locale}.html`, `${shedPage(locale, 5)}\n`]));
}

/** Writes the committed rendered files again (`npm run cluster -- --render`). */
export function writeRendered(): string[] {
  mkdirSync(ERRORS_DIR, { recursive: true });
  const files = renderedFiles();
  for (const [file, text] of Object.entries(files)) writeFileSync(file, text);
  return Object.keys(files);
}

/** The nginx binary: NGINX, else `nginx` on PATH, else Debian's /usr/sbin/nginx (not on a user's PATH). */
export function findNginx(env: Record<string, string | undefined> = process.env): string | undefined {
  if (env.NGINX) return existsSync(env.NGINX) ? env.NGINX : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'nginx'))) return join(dir, 'nginx');
  }
  return ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p));
}

export const noNginx = (): string | undefined => (findNginx() ? undefined : 'no nginx (apt-get install nginx, or NGINX=/path/to/nginx); skipped');

/** Settings for an nginx of this process's own, all its files in `dir`. */
export function localNginxSettings(
  dir: string,
  opts: Pick<NginxSettings, 'listen' | 'paymentListen' | 'appServers' | 'paymentServers' | 'webRoot'> & Partial<NginxSettings>,
): NginxSettings {
  const tempDir = join(dir, 'temp');
  mkdirSync(tempDir, { recursive: true });
  return {
    errorsRoot: ERRORS_DIR,
    // As root the workers would drop to `nobody`, who may not read a checkout under /root.
    user: process.getuid?.() === 0 ? 'root root' : undefined,
    pidFile: join(dir, 'nginx.pid'),
    tempDir,
    errorLog: 'stderr',
    accessLog: join(dir, 'access.log'),
    workerProcesses: 1,
    brotliModule: existsSync(DEBIAN_BROTLI_MODULE) ? DEBIAN_BROTLI_MODULE : undefined,
    ...opts,
  };
}

/** `nginx -t` on a configuration: undefined when it is good, else nginx's own words. */
export function testNginxConfig(bin: string, dir: string, conf: string): string | undefined {
  const result = spawnSync(bin, ['-e', 'stderr', '-p', dir, '-c', conf, '-t'], { encoding: 'utf8' });
  return result.status === 0 ? undefined : `${result.stderr}${result.stdout}`.trim();
}

export interface RunningNginx {
  child: ChildProcess;
  output(): string;
  /** SIGQUIT finishes the requests in flight; SIGTERM does not wait. Resolves when it has exited. */
  stop(signal?: 'SIGQUIT' | 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Resolves once something accepts TCP connections on host:port, or throws after `ms`. */
export async function waitForPort(host: string, port: number, ms: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (!alive()) throw new Error(`nothing listens on ${host}:${port}: the process exited`);
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Writes `conf` into `dir`, checks it with `nginx -t` and starts nginx in the foreground on it. */
export async function startNginx(bin: string, dir: string, conf: string, listen: { host: string; port: number }): Promise<RunningNginx> {
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  const problem = testNginxConfig(bin, dir, file);
  if (problem) throw new Error(`nginx refused its configuration (${file}):\n${problem}`);
  const child = spawn(bin, ['-e', 'stderr', '-p', dir, '-c', file, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  try {
    await waitForPort(listen.host, listen.port, 10_000, alive);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    child,
    output: () => output,
    async stop(signal = 'SIGQUIT') {
      if (!alive()) return;
      child.kill(signal);
      const late = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(late);
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from './tools.js';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
      .once('error', rej)
      .listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => res(port));
      });
  });
}

/** Resolves once something accepts connections on 127.0.0.1:port. */
export async function waitForPort(port: number, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const c = connect(port, '127.0.0.1', () => {
        c.end();
        res(true);
      }).on('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * deploy/nginx/podd.conf with only its upstream servers, listen ports, certificate and log paths
 * substituted. Every substitution must apply, so a change to the shipped file cannot silently escape the
 * tests.
 */
export function nginxTestConfig(
  src: string,
  o: { dir: string; https: number; http: number; upstreams: number[] },
): string {
  const subs: [RegExp, string][] = [
    [
      /^(\s*)server 127\.0\.0\.1:8001 (.*);\n(\s*server 127\.0\.0\.1:800\d .*;\n)+/m,
      o.upstreams.map((p) => `$1server 127.0.0.1:${p} $2;\n`).join(''),
    ],
    [/^\s*listen \[::\]:443 ssl http2;\n/m, ''],
    [/^\s*listen \[::\]:80;\n/m, ''],
    [/listen 443 ssl http2;/, `listen 127.0.0.1:${o.https} ssl http2;`],
    [/listen 80;/, `listen 127.0.0.1:${o.http};`],
    [/ssl_certificate\s+\/etc\/ssl\/certs\/podd\.crt;/, `ssl_certificate ${o.dir}/cert.pem;`],
    [/ssl_certificate_key\s+\/etc\/ssl\/private\/podd\.key;/, `ssl_certificate_key ${o.dir}/key.pem;`],
    [/access_log \/var\/log\/nginx\/podd_access\.log/, `access_log ${o.dir}/access.log`],
    [/error_log\s+\/var\/log\/nginx\/podd_error\.log/, `error_log ${o.dir}/error.log`],
  ];
  let out = src;
  for (const [re, to] of subs) {
    if (!re.test(out)) throw new Error(`deploy/nginx/podd.conf changed: ${re} no longer matches`);
    out = out.replace(re, to);
  }
  return out;
}

export interface NginxProxy {
  dir: string;
  httpPort: number;
  httpsPort: number;
  /** https://localhost:<port> (the certificate is for localhost and 127.0.0.1). */
  base: string;
  /** The self-signed certificate, to pass as the CA of every client. */
  ca: Buffer;
  /** `nginx -t` on the generated configuration. */
  check(): { code: number; stdout: string; stderr: string };
  /** Starts nginx in the foreground (daemon off) and waits for both ports. */
  start(): Promise<void>;
  /** nginx's own stderr so far. */
  output(): string;
  /** Stops nginx (graceful quit) and deletes the folder. */
  close(): Promise<void>;
}

/**
 * Prepares nginx with the shipped deploy/nginx/podd.conf in front of `upstreams` (ports on 127.0.0.1):
 * a self-signed certificate made now with openssl, high ports, every path in a temporary folder.
 */
export async function createNginxProxy(opts: {
  nginx: string;
  openssl: string;
  upstreams: number[];
}): Promise<NginxProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'podd-nginx-'));
  chmodSync(dir, 0o755);
  const gen = run(opts.openssl, [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
    ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
  ]);
  if (gen.code !== 0) throw new Error(`openssl: ${gen.stderr}`);
  const httpsPort = await freePort();
  const httpPort = await freePort();
  // nginx workers (user nobody when the master runs as root) write request bodies to the temp paths.
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];
  for (const t of temps) {
    mkdirSync(join(dir, t));
    chmodSync(join(dir, t), 0o777);
  }
  const shipped = readFileSync(resolve('deploy/nginx/podd.conf'), 'utf8');
  writeFileSync(
    join(dir, 'podd.conf'),
    nginxTestConfig(shipped, { dir, https: httpsPort, http: httpPort, upstreams: opts.upstreams }),
  );
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 512; }',
      'http {',
      '  default_type application/octet-stream;',
      ...temps.map((t) => `  ${t}_temp_path ${dir}/${t};`),
      `  include ${dir}/podd.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', dir, '-e', join(dir, 'startup.log'), '-c', join(dir, 'nginx.conf')];
  let proc: ChildProcess | undefined;
  let output = '';
  return {
    dir,
    httpPort,
    httpsPort,
    base: `https://localhost:${httpsPort}`,
    ca: readFileSync(join(dir, 'cert.pem')),
    check: () => run(opts.nginx, ['-t', ...args]),
    start: async () => {
      proc = spawn(opts.nginx, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
      proc.stderr!.on('data', (d) => (output += String(d)));
      proc.stdout!.on('data', (d) => (output += String(d)));
      await waitForPort(httpsPort);
      await waitForPort(httpPort);
      if (proc.exitCode !== null) throw new Error(`nginx exited: ${output}`);
    },
    output: () => output,
    close: async () => {
      if (proc && proc.exitCode === null) {
        const exited = new Promise((r) => proc!.once('exit', r));
        proc.kill('SIGQUIT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

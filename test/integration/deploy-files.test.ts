import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_VARS } from '../../src/config/env.schema.js';
import { requireTool, run } from '../support/tools.js';

/**
 * The deployment files that cannot run here for real (no Docker daemon, no systemd as PID 1) checked by
 * the tools that understand them: `docker-compose config` for docker-compose.yml (all profiles), and
 * `systemd-analyze verify` / `security` for the units; plus the env examples against env.schema.ts.
 */
const compose = requireTool('docker-compose', 'scripts/install-compose.sh');
const systemdAnalyze = requireTool('systemd-analyze', 'apt-get install systemd');
const logrotate = requireTool('logrotate', 'apt-get install logrotate');

const KNOWN = new Set(ENV_VARS.flatMap((v) => [v.name, ...(v.aliases ?? [])]));
const SECRET = ENV_VARS.filter((v) => v.secret).flatMap((v) => [v.name, ...(v.aliases ?? [])]);

/** KEY=value lines of an env file, commented-out examples included (`# KEY=`). */
function envKeys(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
}

describe('env examples of the deployment files', () => {
  it.each(['deploy/compose/podd.env.example', 'deploy/systemd/podd.env.example'])(
    '%s names only variables of env.schema.ts and sets no secret',
    (file) => {
      const keys = envKeys(file);
      expect(keys.length).toBeGreaterThan(3);
      expect(keys.filter((k) => !KNOWN.has(k))).toEqual([]);
      const setSecrets = [...readFileSync(file, 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=(.+)$/gm)]
        .filter((m) => SECRET.includes(m[1]))
        .map((m) => m[1]);
      expect(setSecrets).toEqual([]);
    },
  );
});

describe.runIf(compose)('docker-compose.yml (docker-compose config)', () => {
  let dir: string;
  const config = (args: string[]) => {
    const r = run(compose!, [...args, 'config', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { services: Record<string, any>; networks: Record<string, any> };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'podd-compose-'));
    cpSync(resolve('docker-compose.yml'), join(dir, 'docker-compose.yml'));
    mkdirSync(join(dir, 'deploy'), { recursive: true });
    cpSync(resolve('deploy/compose'), join(dir, 'deploy/compose'), {
      recursive: true,
      filter: (src) => !src.includes('/secrets') && !src.endsWith('/podd.env'),
    });
    cpSync(resolve('deploy/nginx'), join(dir, 'deploy/nginx'), { recursive: true });
    const init = run('sh', [join(dir, 'deploy/compose/init-secrets.sh'), '--scale-out']);
    expect(init.code, init.stderr).toBe(0);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('init-secrets.sh writes podd.env (random JWT_SECRET, URLs) and private secret files', () => {
    const env = readFileSync(join(dir, 'deploy/compose/podd.env'), 'utf8');
    expect(env).toMatch(/^JWT_SECRET=[0-9a-f]{64}$/m);
    expect(env).toMatch(/^DATABASE_URL=postgres:\/\/podd:[0-9a-f]{48}@postgres:5432\/podd$/m);
    expect(env).toMatch(/^REDIS_URL=redis:\/\/:[0-9a-f]{48}@redis:6379\/0$/m);
    expect(statSync(join(dir, 'deploy/compose/secrets')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'deploy/compose/podd.env')).mode & 0o077).toBe(0);
    // nginx's master reads the key as the container's root without DAC_OVERRIDE (cap_drop: ALL): a 0600 key
    // owned by the (non-root) user who ran the script would be unreadable. The 0700 folder keeps it private.
    expect(statSync(join(dir, 'deploy/compose/secrets/podd.key')).mode & 0o777).toBe(0o644);
  });

  it('default: podd alone on the embedded storage, hardened, data on a volume', () => {
    const c = config([]);
    expect(Object.keys(c.services)).toEqual(['podd']);
    const p = c.services.podd;
    expect(p.read_only).toBe(true);
    expect(p.cap_drop).toEqual(['ALL']);
    expect(p.security_opt).toContain('no-new-privileges:true');
    expect(p.volumes).toContainEqual(
      expect.objectContaining({ type: 'volume', source: 'podd-data', target: '/data' }),
    );
    expect(p.tmpfs).toEqual(['/tmp:size=64m']);
    expect(p.ports).toEqual([
      expect.objectContaining({ host_ip: '127.0.0.1', target: 8000, published: '8000' }),
    ]);
    expect(p.environment).toMatchObject({ NODE_ENV: 'production', DATA_DIR: '/data' });
  });

  it('profiles postgres + redis + nginx with the scale overlay: secrets as files, an internal backend network', () => {
    const c = config([
      ...['--profile', 'postgres', '--profile', 'redis', '--profile', 'nginx'],
      ...['-f', 'docker-compose.yml', '-f', 'deploy/compose/scale.yml'],
    ]);
    expect(Object.keys(c.services).sort()).toEqual(['nginx', 'podd', 'postgres', 'redis']);
    expect(c.services.podd.ports ?? []).toEqual([]);
    expect(Object.keys(c.services.postgres.networks)).toEqual(['backend']);
    expect(Object.keys(c.services.redis.networks)).toEqual(['backend']);
    expect(c.networks.backend.internal).toBe(true);
    expect(c.services.postgres.environment.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
    expect(c.services.postgres.environment.POSTGRES_PASSWORD).toBeUndefined();
    expect(c.services.redis.secrets).toEqual([expect.objectContaining({ source: 'redis_password' })]);
    for (const s of Object.values(c.services)) expect(s.read_only).toBe(true);
  });

  it('the compose file itself holds no secret value', () => {
    const text = readFileSync(resolve('docker-compose.yml'), 'utf8');
    const literal = SECRET.filter((name) => new RegExp(`^\\s*-?\\s*${name}\\s*[:=]\\s*\\S`, 'm').test(text));
    expect(literal).toEqual([]);
  });
});

describe.runIf(systemdAnalyze)('systemd units (systemd-analyze)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'podd-units-'));
    cpSync(resolve('deploy/systemd/podd.service'), join(dir, 'podd.service'));
    cpSync(resolve('deploy/systemd/podd@.service'), join(dir, 'podd@.service'));
    cpSync(resolve('deploy/systemd/podd@.service'), join(dir, 'podd@8001.service'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['podd.service', 'podd@8001.service'])('%s passes systemd-analyze verify', (unit) => {
    const r = run(systemdAnalyze!, ['verify', join(dir, unit)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.replace(/.*(not found|No such file).*\n?/g, '')).toBe('');
  });

  it.each(['podd.service', 'podd@8001.service'])('%s is hardened (exposure below 2.5 of 10)', (unit) => {
    const r = run(systemdAnalyze!, ['security', '--offline=true', join(dir, unit)]);
    const m = /Overall exposure level for \S+: (\d+\.\d+)/.exec(r.stdout + r.stderr);
    expect(m, r.stdout + r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(2.5);
  });

  it('logs to the journal: no log file opened before LogsDirectory= exists (209/STDOUT on a fresh host)', () => {
    for (const unit of ['podd.service', 'podd@.service']) {
      const text = readFileSync(join(dir, unit), 'utf8');
      expect(text, unit).toMatch(/^StandardOutput=journal$/m);
      expect(text, unit).toMatch(/^StandardError=journal$/m);
      expect(text, unit).toMatch(/^SyslogIdentifier=podd/m);
      expect(text, unit).not.toMatch(/^Standard(Output|Error)=(append|file|truncate):/m);
      expect(text, unit).not.toMatch(/^LogsDirectory=/m);
    }
  });

  it('runs node directly with the env file, DATA_DIR writable, stop timeout above the shutdown grace', () => {
    for (const unit of ['podd.service', 'podd@.service']) {
      const text = readFileSync(join(dir, unit), 'utf8');
      expect(text).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/podd\/dist\/main\.js$/m);
      expect(text).toMatch(/^EnvironmentFile=\/etc\/podd\/podd\.env$/m);
      expect(text).toMatch(/^ReadWritePaths=\/var\/lib\/podd$/m);
      expect(text).toMatch(/^ProtectSystem=strict$/m);
      expect(text).toMatch(/^NoNewPrivileges=yes$/m);
      expect(text).toMatch(/^Restart=always$/m);
      const stop = Number(/^TimeoutStopSec=(\d+)$/m.exec(text)![1]);
      const grace = Number(ENV_VARS.find((v) => v.name === 'SHUTDOWN_GRACE_MS')!.default);
      expect(stop * 1000).toBeGreaterThan(grace);
      expect(text.match(/^Exec\w*=.*$/gm)!.join('\n')).not.toMatch(/--workers|uvicorn|npm/);
    }
  });
});

describe.runIf(logrotate)('logrotate and cron', () => {
  it('deploy/logrotate/podd parses (logrotate -d)', () => {
    // Users and paths of the target machine do not exist here: check the syntax with root and a temp path.
    const dir = mkdtempSync(join(tmpdir(), 'podd-logrotate-'));
    const conf = readFileSync(resolve('deploy/logrotate/podd'), 'utf8')
      .replaceAll('podd podd', 'root root')
      .replaceAll('/var/log/podd', dir);
    const file = join(dir, 'podd.conf');
    writeFileSync(file, conf, { mode: 0o644 });
    const r = run(logrotate!, ['-d', '-s', join(dir, 'state'), file]);
    rmSync(dir, { recursive: true, force: true });
    expect(r.stdout + r.stderr).not.toMatch(/error/i);
  });

  it('ownership and rule agree: podd writes /var/log/podd/backup.log and logrotate rotates it as podd', () => {
    // scripts/check-deploy.sh forces real rotations as podd; this keeps the three files consistent.
    const rule = readFileSync(resolve('deploy/logrotate/podd'), 'utf8');
    expect(rule).toMatch(/^\/var\/log\/podd\/\*\.log \{$/m);
    expect(rule).toMatch(/^\s+su podd podd$/m);
    expect(rule).toMatch(/^\s+create 0640 podd podd$/m);
    expect(rule).not.toMatch(/^\s+copytruncate$/m);
    const job = readFileSync(resolve('deploy/cron/podd-backup'), 'utf8');
    expect(job).toMatch(/^\d.*\spodd\s.*>> \/var\/log\/podd\/backup\.log 2>&1$/m);
    expect(job).toContain('install -d -o podd -g podd -m 0750 /var/backups/podd /var/log/podd');
  });

  it('the backup cron job runs `podd backup --keep-days 7` as podd with the env file', () => {
    const cron = readFileSync(resolve('deploy/cron/podd-backup'), 'utf8');
    const job = cron.split('\n').find((l) => /^\d/.test(l))!;
    const [min, hour, dom, mon, dow, user, ...cmd] = job.split(/\s+/);
    expect([min, hour, dom, mon, dow].every((f) => /^[\d*,/-]+$/.test(f))).toBe(true);
    expect(user).toBe('podd');
    expect(cmd.join(' ')).toContain('node --env-file=/etc/podd/podd.env dist/cli.js backup');
    expect(cmd.join(' ')).toContain('--keep-days 7');
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(resolve('Dockerfile'), 'utf8').replace(/\\\n/g, ' ');

  it('pins both bases by Node version and Debian release', () => {
    const bases = [...text.matchAll(/^ARG NODE_(?:BUILD_)?IMAGE=(.+)$/gm)].map((m) => m[1]);
    expect(bases).toHaveLength(2);
    for (const b of bases) expect(b).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
  });

  it('runs every stage with pipefail and installs apt packages at pinned versions', () => {
    const stages = text.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    for (const stage of stages) {
      expect(stage).toMatch(/^SHELL \["\/bin\/bash", "-o", "pipefail", "-c"\]$/m);
      const install = /apt-get install -y --no-install-recommends ([^&]+)/
        .exec(stage)![1]
        .trim()
        .split(/\s+/);
      expect(
        install.every((p) => /^[a-z0-9.+-]+=\S+$/.test(p)),
        install.join(' '),
      ).toBe(true);
    }
  });

  it('fails the build when the better-sqlite3 addon is missing, and keeps tini as the entrypoint', () => {
    expect(text).toMatch(/if \[ ! -f "\$addon" \]; then echo .*missing.* exit 1; fi/);
    expect(text).not.toMatch(/nm -D [^|]*\| *grep/);
    expect(text).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDatabaseUrl, readDotEnv } from '../../src/config/app-config.js';
import { ENV_VARS } from '../../src/config/env.schema.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'podd-cfg-'));

describe('configuration', () => {
  it('.env.example documents exactly the variables of the schema, with their defaults', () => {
    const text = readFileSync(resolve('.env.example'), 'utf8');
    const entries = new Map<string, string>();
    for (const line of text.split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
      if (m) entries.set(m[1], m[2]);
    }
    expect([...entries.keys()].sort()).toEqual(ENV_VARS.map((v) => v.name).sort());
    for (const v of ENV_VARS) expect(entries.get(v.name), v.name).toBe(v.default);
    // Every non-secret default in the example file is accepted by the validator.
    expect(() => loadConfig({ ...Object.fromEntries(entries), DATA_DIR: tmp() })).not.toThrow();
  });

  it('reads a .env file with dotenv; real environment variables win, quotes and comments are handled', () => {
    const file = join(tmp(), '.env');
    writeFileSync(
      file,
      '# comment\nPORT=9001\nLOG_LEVEL="debug" # trailing\nexport HOST=127.0.0.1\nCORS_ORIGINS=\'a,b\'\n',
    );
    const env: NodeJS.ProcessEnv = { PORT: '7000' };
    readDotEnv(file, env);
    expect(env).toEqual({ PORT: '7000', LOG_LEVEL: 'debug', HOST: '127.0.0.1', CORS_ORIGINS: 'a,b' });
    readDotEnv(join(tmp(), 'absent.env'), env);
    expect(env.PORT).toBe('7000');
  });

  it('boots on embedded defaults with no environment at all', () => {
    const dir = tmp();
    const c = loadConfig({ DATA_DIR: dir });
    expect(c.port).toBe(8000);
    expect(c.authDb).toEqual({ kind: 'sqlite', file: join(dir, 'podd_auth.db') });
    expect(c.eventStore).toEqual({ kind: 'sqlite', file: join(dir, 'locusgraph.db') });
    expect(c.defaultTimezone).toBe('Asia/Kolkata');
    expect(c.rateLimitPerMinute).toBe(100);
    expect(c.redisUrl).toBeNull();
  });

  it('generates a development JWT secret once, stored with mode 0600', () => {
    const dir = tmp();
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    expect(a.jwt.generated).toBe(true);
    expect(a.jwt.secret).toHaveLength(64);
    expect(b.jwt.secret).toBe(a.jwt.secret);
    expect(statSync(join(dir, '.jwt_secret')).mode & 0o777).toBe(0o600);
  });

  it('accepts DATABASE_URL in the seed form, sqlite: URLs and postgres URLs', () => {
    expect(parseDatabaseUrl('sqlite+aiosqlite:///./podd_auth.db')).toEqual({
      kind: 'sqlite',
      file: resolve('podd_auth.db'),
    });
    expect(parseDatabaseUrl('sqlite:////var/lib/podd/auth.db')).toEqual({
      kind: 'sqlite',
      file: '/var/lib/podd/auth.db',
    });
    expect(parseDatabaseUrl('postgres://u:p@db:5432/podd')).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/podd',
    });
    expect(parseDatabaseUrl('mysql://nope')).toBeNull();
    const c = loadConfig({ DATA_DIR: tmp(), DATABASE_URL: 'postgresql://u:p@db/podd' });
    expect(c.eventStore).toEqual({ kind: 'postgres', url: 'postgresql://u:p@db/podd' });
  });

  it('reads CORS_ORIGINS as a JSON list or a comma list, and the LocusGraph aliases', () => {
    expect(
      loadConfig({ DATA_DIR: tmp(), CORS_ORIGINS: '["https://a.example", "https://b.example"]' }).corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
    expect(
      loadConfig({ DATA_DIR: tmp(), CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins,
    ).toEqual(['https://a.example', 'https://b.example']);
    const c = loadConfig({
      DATA_DIR: tmp(),
      LOCUSGRAPH_SERVER_URL: 'http://lg.local',
      LOCUSGRAPH_AGENT_SECRET: 'k',
      LOCUSGRAPH_GRAPH_ID: 'g',
    });
    expect(c.locusgraph).toEqual({
      apiUrl: 'http://lg.local',
      apiKey: 'k',
      graphId: 'g',
      timeoutMs: 10_000,
      maxAttempts: 10,
    });
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({
        DATA_DIR: tmp(),
        PORT: 'eighty',
        CORS_ORIGINS: '[1,2]',
        DEFAULT_TIMEZONE: 'Mars/Olympus',
        REDIS_URL: 'http://x',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const names = (e as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(names).toEqual(
        expect.arrayContaining(['PORT', 'CORS_ORIGINS', 'DEFAULT_TIMEZONE', 'REDIS_URL']),
      );
    }
  });

  it('refuses to start in production with a missing, short or placeholder JWT_SECRET', () => {
    const base = { DATA_DIR: tmp(), NODE_ENV: 'production' };
    expect(() => loadConfig(base)).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ ...base, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() =>
      loadConfig({ ...base, JWT_SECRET: 'change-me-in-production-change-me-in-production' }),
    ).toThrow(/JWT_SECRET/);
    expect(loadConfig({ ...base, JWT_SECRET: 'f'.repeat(20) + '0123456789abcdef0123' }).jwt.generated).toBe(
      false,
    );
    expect(existsSync(join(base.DATA_DIR, '.jwt_secret'))).toBe(false);
  });

  it('a DATA_DIR that is a file, or a port in use, stops the server with one clear line, not a stack', async () => {
    const main = resolve('dist/main.js');
    if (!existsSync(main)) spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    const file = join(tmp(), 'not-a-dir');
    writeFileSync(file, '');
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [main], {
        env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
    const dir = run({ DATA_DIR: file, PORT: '0' });
    expect(dir.status).toBe(1);
    expect(dir.stderr.trim()).toMatch(/^startup error: .*not-a-dir .*not a directory \(check DATA_DIR\)$/);
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = String((busy.address() as { port: number }).port);
    try {
      const inUse = run({ DATA_DIR: tmp(), HOST: '127.0.0.1', PORT: port });
      expect(inUse.status).toBe(1);
      expect(inUse.stderr.trim()).toBe(
        `startup error: port 127.0.0.1:${port} is already in use (another Podd, or set PORT)`,
      );
    } finally {
      busy.close();
    }
  });

  it('the server process exits with code 1 and one line per bad variable', () => {
    const main = resolve('dist/main.js');
    if (!existsSync(main)) spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    const r = spawnSync(process.execPath, [main], {
      env: { PATH: process.env.PATH, DATA_DIR: tmp(), NODE_ENV: 'production', PORT: 'abc' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('config error:'));
    expect(lines.some((l) => l.includes('PORT'))).toBe(true);
    expect(lines.some((l) => l.includes('JWT_SECRET'))).toBe(true);
  });
});

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenFile } from '../common/private-files.js';
import { ENV_VARS } from './env.schema.js';
import dotenv from 'dotenv';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A database location: a SQLite file or a PostgreSQL URL. */
export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export interface TracingConfig {
  endpoint: string;
  serviceName: string;
  sampler: (typeof TRACE_SAMPLERS)[number];
  /** Ratio for the traceidratio samplers. */
  ratio: number;
}

/** Typed, validated configuration. Built once at boot by `loadConfig()`; never read process.env elsewhere. */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  host: string;
  port: number;
  debug: boolean;
  logLevel: LogLevel;
  dataDir: string;
  authDb: DatabaseTarget;
  eventStore: DatabaseTarget;
  jwt: {
    secret: string;
    /** True when the secret was generated for development (warned about at boot). */
    generated: boolean;
    algorithm: 'HS256';
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    sessionMaxSeconds: number;
  };
  bcryptCost: number;
  login: { maxFailures: number; windowSeconds: number };
  corsOrigins: string[];
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  rateLimitPerMinute: number;
  trustProxy: boolean | number | string;
  redisUrl: string | null;
  cacheTtlSeconds: number;
  shutdownGraceMs: number;
  shutdownDrainMs: number;
  sentryDsn: string | null;
  /** Bearer token GET /metrics requires; null: /metrics is open (protect it at the network level). */
  metricsToken: string | null;
  /** OpenTelemetry tracing; null when OTEL_EXPORTER_OTLP_ENDPOINT is unset (nothing is loaded). */
  tracing: TracingConfig | null;
  locusgraph: {
    apiUrl: string;
    apiKey: string | null;
    graphId: string | null;
    /** Per-request timeout of the cloud client. */
    timeoutMs: number;
    /** Entry-specific retryable failures before an outbox entry is dead-lettered. */
    maxAttempts: number;
  };
  openai: { apiKey: string | null; baseUrl: string; model: string };
  sarvam: {
    apiKey: string | null;
    baseUrl: string;
    chatModel: string;
    sttModel: string;
    ttsModel: string;
    timeoutMs: number;
  };
  chat: {
    provider: 'auto' | 'offline' | 'openai' | 'sarvam';
    timeoutMs: number;
    /** Budget of the model's safety second opinion; 0 = no second opinion. */
    safetyTimeoutMs: number;
    ratePerMinute: number;
  };
  defaultTimezone: string;
  reminders: { graceMinutes: number; missedDoseWindowMinutes: number; webhookAllowPrivate: boolean };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const PLACEHOLDER_SECRETS = [
  /change[-_ ]?me/i,
  /your[-_ ]?jwt/i,
  /secret[-_ ]?key/i,
  /^x+$/i,
  /placeholder/i,
  /generate/i,
];

/** Reads a `.env` file with dotenv, without overriding variables already set (real environment variables win). */
export function readDotEnv(file: string, env: NodeJS.ProcessEnv): void {
  if (!existsSync(file)) return;
  dotenv.populate(env as Record<string, string>, dotenv.parse(readFileSync(file, 'utf8')), {
    override: false,
  });
}

/** Parses DATABASE_URL in every accepted form. Relative SQLite paths resolve against the working directory. */
export function parseDatabaseUrl(raw: string): DatabaseTarget | null {
  const url = raw.trim();
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  const m = /^sqlite(?:\+[a-z0-9]+)?:\/\/\/?(.*)$/i.exec(url);
  if (m) {
    // sqlite+aiosqlite:///./podd_auth.db → ./podd_auth.db ; sqlite:////abs/path.db → /abs/path.db
    const path = m[1];
    if (!path) return null;
    return { kind: 'sqlite', file: resolve(path) };
  }
  return null;
}

function parseOrigins(raw: string): string[] | null {
  const v = raw.trim();
  if (!v) return [];
  if (v.startsWith('[')) {
    try {
      const list = JSON.parse(v);
      return Array.isArray(list) && list.every((s) => typeof s === 'string') ? list : null;
    } catch {
      return null;
    }
  }
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates the environment into an AppConfig. Throws ConfigError listing every bad variable.
 * Side effect (development only): creates DATA_DIR and a generated JWT secret file in it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const raw = (name: string): string => {
    const spec = ENV_VARS.find((v) => v.name === name);
    if (!spec) throw new Error(`unknown config variable ${name}`);
    for (const n of [spec.name, ...(spec.aliases ?? [])]) {
      const v = env[n];
      if (v !== undefined && v !== '') return v;
    }
    return spec.default;
  };
  const int = (name: string, min: number, max: number): number => {
    const v = raw(name).trim();
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || n < min || n > max) {
      problems.push(`${name}: must be an integer between ${min} and ${max} (got "${v}")`);
      return min;
    }
    return n;
  };
  const bool = (name: string): boolean => {
    const v = raw(name).trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
    problems.push(`${name}: must be true or false (got "${v}")`);
    return false;
  };
  const url = (name: string, protocols: string[]): string | null => {
    const v = raw(name).trim();
    if (!v) return null;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) throw new Error();
      return v.replace(/\/+$/, '');
    } catch {
      problems.push(`${name}: must be a ${protocols.join(' or ')} URL`);
      return null;
    }
  };

  const nodeEnvRaw = raw('NODE_ENV').trim();
  if (!['development', 'production', 'test'].includes(nodeEnvRaw)) {
    problems.push(`NODE_ENV: must be development, production or test (got "${nodeEnvRaw}")`);
  }
  const nodeEnv = (
    ['development', 'production', 'test'].includes(nodeEnvRaw) ? nodeEnvRaw : 'development'
  ) as AppConfig['nodeEnv'];
  const isProduction = nodeEnv === 'production';

  const debug = bool('DEBUG');
  const levelRaw = (env.LOG_LEVEL ?? (debug ? 'debug' : raw('LOG_LEVEL'))).trim().toLowerCase();
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(levelRaw))
    problems.push(`LOG_LEVEL: must be one of ${levels.join(', ')} (got "${levelRaw}")`);

  const dataDir = resolve(raw('DATA_DIR'));

  const dbRaw = raw('DATABASE_URL').trim();
  let authDb: DatabaseTarget = { kind: 'sqlite', file: join(dataDir, 'podd_auth.db') };
  if (dbRaw) {
    const parsed = parseDatabaseUrl(dbRaw);
    if (!parsed)
      problems.push('DATABASE_URL: must be sqlite+aiosqlite:///path, sqlite:///path or postgres://…');
    else authDb = parsed;
  }
  const esRaw = raw('EVENT_STORE_URL').trim();
  let eventStore: DatabaseTarget =
    authDb.kind === 'postgres' ? authDb : { kind: 'sqlite', file: join(dataDir, 'locusgraph.db') };
  if (esRaw) {
    const parsed = parseDatabaseUrl(esRaw);
    if (!parsed) problems.push('EVENT_STORE_URL: must be sqlite:///path or postgres://…');
    else eventStore = parsed;
  }

  if (raw('JWT_ALGORITHM').trim() !== 'HS256') problems.push('JWT_ALGORITHM: only HS256 is supported');
  let secret = raw('JWT_SECRET');
  let generated = false;
  const weak = secret.length < 32 || PLACEHOLDER_SECRETS.some((re) => re.test(secret));
  if (isProduction) {
    if (!secret) problems.push('JWT_SECRET: required when NODE_ENV=production (e.g. `openssl rand -hex 32`)');
    else if (weak)
      problems.push('JWT_SECRET: must be at least 32 characters and not a placeholder in production');
  } else if (!secret) {
    generated = true; // filled in below, once the rest is known to be valid
  } else if (secret.length < 32) {
    problems.push('JWT_SECRET: must be at least 32 characters');
  }

  const accessMinutes = int('JWT_EXPIRATION_MINUTES', 1, 60 * 24 * 30);
  const refreshDays = int('JWT_REFRESH_EXPIRATION_DAYS', 1, 365);
  const sessionDays = int('SESSION_MAX_DAYS', 1, 3650);
  const bcryptCost = int('BCRYPT_COST', isProduction ? 10 : 4, 15);
  if (isProduction && bcryptCost < 10) problems.push('BCRYPT_COST: must be at least 10');

  const origins = parseOrigins(raw('CORS_ORIGINS'));
  if (!origins) problems.push('CORS_ORIGINS: must be a JSON list of strings or a comma-separated list');

  const tpRaw = raw('TRUST_PROXY').trim();
  let trustProxy: boolean | number | string = tpRaw;
  if (tpRaw === 'true' || tpRaw === 'false') trustProxy = tpRaw === 'true';
  else if (/^\d+$/.test(tpRaw)) trustProxy = Number(tpRaw);

  const tz = raw('DEFAULT_TIMEZONE').trim();
  if (!isValidTimeZone(tz)) problems.push(`DEFAULT_TIMEZONE: "${tz}" is not an IANA time zone`);

  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:']);
  const lgKey = raw('LOCUSGRAPH_API_KEY').trim() || null;
  const lgGraph = raw('LOCUSGRAPH_GRAPH_ID').trim() || null;
  if (lgKey && !lgGraph) problems.push('LOCUSGRAPH_GRAPH_ID: required when LOCUSGRAPH_API_KEY is set');
  const lgUrl = url('LOCUSGRAPH_API_URL', ['http:', 'https:']) ?? 'https://api.locusgraph.com';
  const openaiUrl = url('OPENAI_BASE_URL', ['http:', 'https:']) ?? 'https://api.openai.com/v1';
  const sarvamUrl = url('SARVAM_BASE_URL', ['http:', 'https:']) ?? 'https://api.sarvam.ai';
  const sentry = url('SENTRY_DSN', ['http:', 'https:']);
  const metricsToken = raw('METRICS_TOKEN').trim() || null;
  if (metricsToken && metricsToken.length < 16)
    problems.push('METRICS_TOKEN: must be at least 16 characters');
  const tracing = loadTracing(raw, url, problems);
  const chatProviderRaw = raw('CHAT_PROVIDER').trim().toLowerCase();
  const chatProviders = ['auto', 'offline', 'openai', 'sarvam'] as const;
  if (!(chatProviders as readonly string[]).includes(chatProviderRaw)) {
    problems.push(`CHAT_PROVIDER: must be one of ${chatProviders.join(', ')} (got "${chatProviderRaw}")`);
  }
  const chatProvider = (
    (chatProviders as readonly string[]).includes(chatProviderRaw) ? chatProviderRaw : 'auto'
  ) as AppConfig['chat']['provider'];

  const config: AppConfig = {
    nodeEnv,
    isProduction,
    host: raw('HOST').trim(),
    port: int('PORT', 0, 65535),
    debug,
    logLevel: levelRaw as LogLevel,
    dataDir,
    authDb,
    eventStore,
    jwt: {
      secret,
      generated,
      algorithm: 'HS256',
      accessTtlSeconds: accessMinutes * 60,
      refreshTtlSeconds: refreshDays * 86400,
      sessionMaxSeconds: sessionDays * 86400,
    },
    bcryptCost,
    login: {
      maxFailures: int('LOGIN_MAX_FAILURES', 1, 1000),
      windowSeconds: int('LOGIN_WINDOW_MINUTES', 1, 1440) * 60,
    },
    corsOrigins: origins ?? [],
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1024, 100 * 1024 * 1024),
    uploadLimitBytes: int('UPLOAD_LIMIT_BYTES', 1024, 200 * 1024 * 1024),
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 1, 1_000_000),
    trustProxy,
    redisUrl,
    cacheTtlSeconds: int('CACHE_TTL', 1, 30 * 86400),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 0, 600_000),
    shutdownDrainMs: int('SHUTDOWN_DRAIN_MS', 0, 120_000),
    sentryDsn: sentry,
    metricsToken,
    tracing,
    locusgraph: {
      apiUrl: lgUrl,
      apiKey: lgKey,
      graphId: lgGraph,
      timeoutMs: int('LOCUSGRAPH_TIMEOUT_MS', 100, 600_000),
      maxAttempts: int('LOCUSGRAPH_MAX_ATTEMPTS', 1, 1000),
    },
    openai: {
      apiKey: raw('OPENAI_API_KEY').trim() || null,
      baseUrl: openaiUrl,
      model: raw('OPENAI_MODEL').trim(),
    },
    sarvam: {
      apiKey: raw('SARVAM_API_KEY').trim() || null,
      baseUrl: sarvamUrl,
      chatModel: raw('SARVAM_CHAT_MODEL').trim(),
      sttModel: raw('SARVAM_STT_MODEL').trim(),
      ttsModel: raw('SARVAM_TTS_MODEL').trim(),
      timeoutMs: int('VOICE_TIMEOUT_MS', 100, 300_000),
    },
    chat: {
      provider: chatProvider,
      timeoutMs: int('CHAT_TIMEOUT_MS', 50, 120_000),
      safetyTimeoutMs: int('CHAT_SAFETY_TIMEOUT_MS', 0, 60_000),
      ratePerMinute: int('CHAT_RATE_PER_MINUTE', 1, 100_000),
    },
    defaultTimezone: tz,
    reminders: {
      graceMinutes: int('REMINDER_GRACE_MINUTES', 0, 1440),
      missedDoseWindowMinutes: int('MISSED_DOSE_WINDOW_MINUTES', 1, 1440),
      webhookAllowPrivate: bool('WEBHOOK_ALLOW_PRIVATE_NETWORKS'),
    },
  };
  if (problems.length) throw new ConfigError(problems);

  if (generated) config.jwt.secret = developmentSecret(dataDir);
  return config;
}

/** Development convenience: one random secret per DATA_DIR, kept in a 0600 file so restarts keep sessions. */
function developmentSecret(dataDir: string): string {
  ensurePrivateDir(dataDir);
  const file = join(dataDir, '.jwt_secret');
  if (existsSync(file)) {
    tightenFile(file); // made by an older version with the default mode
    const s = readFileSync(file, 'utf8').trim();
    if (s.length >= 32) return s;
  }
  const s = randomBytes(32).toString('hex');
  writeFileSync(file, s + '\n', { mode: PRIVATE_FILE_MODE });
  chmodSync(file, PRIVATE_FILE_MODE); // an existing file too short to use keeps its mode otherwise
  return s;
}

/** Path helper for files that live in DATA_DIR. */
export function dataPath(config: AppConfig, name: string): string {
  return isAbsolute(name) ? name : join(config.dataDir, name);
}

/** The standard OTEL_* variables Podd honours (validated like the rest; the SDK itself reads none of them). */
function loadTracing(
  raw: (name: string) => string,
  url: (name: string, protocols: string[]) => string | null,
  problems: string[],
): TracingConfig | null {
  const endpoint = url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  const protocol = raw('OTEL_EXPORTER_OTLP_PROTOCOL').trim();
  if (protocol !== 'http/json') problems.push('OTEL_EXPORTER_OTLP_PROTOCOL: only http/json is supported');
  const sampler = raw('OTEL_TRACES_SAMPLER').trim() as TracingConfig['sampler'];
  if (!TRACE_SAMPLERS.includes(sampler))
    problems.push(`OTEL_TRACES_SAMPLER: must be one of ${TRACE_SAMPLERS.join(', ')}`);
  const ratio = Number(raw('OTEL_TRACES_SAMPLER_ARG').trim());
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    problems.push('OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1');
  if (!endpoint) return null;
  return { endpoint, serviceName: raw('OTEL_SERVICE_NAME').trim() || 'podd', sampler, ratio };
}

/**
 * The single list of environment variables Podd reads. `.env.example` is checked against it by a test,
 * and `loadConfig()` validates every entry once at boot (one line per bad variable, exit code 1).
 */
export interface EnvVarSpec {
  /** Variable name. */
  name: string;
  /** Default used when unset (as it would be written in a .env file); '' means "unset/empty". */
  default: string;
  /** One-line description for .env.example and the README. */
  description: string;
  /** Other names accepted for the same setting (first set wins, the main name first). */
  aliases?: string[];
  /** Treated as a secret: never printed. */
  secret?: boolean;
}

export const ENV_VARS: EnvVarSpec[] = [
  { name: 'NODE_ENV', default: 'development', description: 'development | production | test' },
  { name: 'HOST', default: '0.0.0.0', description: 'Interface the HTTP server binds to' },
  { name: 'PORT', default: '8000', description: 'HTTP port' },
  {
    name: 'DEBUG',
    default: 'false',
    description: 'Verbose logs (sets LOG_LEVEL=debug unless LOG_LEVEL is set)',
  },
  { name: 'LOG_LEVEL', default: 'info', description: 'fatal | error | warn | info | debug | trace | silent' },
  {
    name: 'DATA_DIR',
    default: './data',
    description: 'Folder for the SQLite files (podd_auth.db, locusgraph.db) and the generated dev JWT secret',
  },
  {
    name: 'DATABASE_URL',
    default: '',
    description:
      'Auth database: empty = DATA_DIR/podd_auth.db; sqlite+aiosqlite:///./file.db, sqlite:///path.db or postgres://user:pass@host/db',
    secret: true,
  },
  {
    name: 'EVENT_STORE_URL',
    default: '',
    description:
      'Event store (health records): empty = DATA_DIR/locusgraph.db, or postgres://… (defaults to DATABASE_URL when that is PostgreSQL)',
    secret: true,
  },
  {
    name: 'JWT_SECRET',
    default: '',
    description:
      'HS256 signing secret, at least 32 characters. Required in production; in development a random one is generated into DATA_DIR',
    secret: true,
  },
  { name: 'JWT_ALGORITHM', default: 'HS256', description: 'JWT algorithm (only HS256 is supported)' },
  { name: 'JWT_EXPIRATION_MINUTES', default: '60', description: 'Access token lifetime in minutes' },
  {
    name: 'JWT_REFRESH_EXPIRATION_DAYS',
    default: '7',
    description: 'Refresh token lifetime in days (rotated on use)',
  },
  {
    name: 'SESSION_MAX_DAYS',
    default: '30',
    description: 'Absolute session lifetime: a refresh-token family cannot be extended beyond this many days',
  },
  { name: 'BCRYPT_COST', default: '12', description: 'bcrypt cost factor (10–15)' },
  {
    name: 'LOGIN_MAX_FAILURES',
    default: '10',
    description:
      'Failed logins within LOGIN_WINDOW_MINUTES before 429 for one account from one address, and for one address; an account itself is only slowed down (at most 3 s per attempt), never locked',
  },
  { name: 'LOGIN_WINDOW_MINUTES', default: '15', description: 'Window for LOGIN_MAX_FAILURES' },
  {
    name: 'CORS_ORIGINS',
    default:
      '["http://localhost:3000","http://127.0.0.1:3000","http://localhost:8000","http://127.0.0.1:8000"]',
    description:
      'Allowed CORS origins: a JSON list or a comma-separated list of exact origins; `*` any origin (answered `*`, without credentials); `[]` none',
  },
  {
    name: 'BODY_LIMIT_BYTES',
    default: '1048576',
    description: 'Maximum JSON request body size (413 above it)',
  },
  {
    name: 'UPLOAD_LIMIT_BYTES',
    default: '10485760',
    description: 'Maximum audio upload size (413 above it)',
  },
  {
    name: 'RATE_LIMIT_PER_MINUTE',
    default: '100',
    description: 'Requests per minute per user (per IP when anonymous)',
  },
  {
    name: 'TRUST_PROXY',
    default: 'false',
    description:
      'Which proxies may set X-Forwarded-For: false (ignore it: the client is the socket peer), true, a hop count, or a comma list of addresses/CIDRs (loopback, uniquelocal…). Set it only behind a proxy that overwrites the header',
  },
  {
    name: 'REDIS_URL',
    default: '',
    description:
      'redis://… — enables shared rate limits, cache, job queue and WebSocket fan-out across replicas',
    secret: true,
  },
  { name: 'CACHE_TTL', default: '3600', description: 'Default cache TTL in seconds' },
  {
    name: 'SHUTDOWN_GRACE_MS',
    default: '10000',
    description: 'Time allowed for in-flight requests after SIGTERM',
  },
  {
    name: 'SHUTDOWN_DRAIN_MS',
    default: '1000',
    description:
      'After SIGTERM, keep serving this long with readiness 503 (load balancers stop routing) before closing',
  },
  {
    name: 'METRICS_TOKEN',
    default: '',
    description:
      'When set (at least 16 characters), GET /metrics needs `Authorization: Bearer <token>` (401 otherwise); empty: /metrics is open',
    secret: true,
  },
  { name: 'SENTRY_DSN', default: '', description: 'Sentry DSN; errors are reported when set', secret: true },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    default: '',
    description:
      'OpenTelemetry collector base URL (OTLP/HTTP, traces go to <url>/v1/traces); tracing is off while empty',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    default: 'http/json',
    description: 'OTLP wire protocol: http/json (the only one this build ships)',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_HEADERS',
    default: '',
    description: 'Extra headers for the collector, key=value,key2=value2 (e.g. an API key)',
    secret: true,
  },
  { name: 'OTEL_SERVICE_NAME', default: 'podd', description: 'service.name of the exported spans' },
  {
    name: 'OTEL_TRACES_SAMPLER',
    default: 'parentbased_traceidratio',
    description:
      'always_on | always_off | traceidratio | parentbased_always_on | parentbased_always_off | parentbased_traceidratio',
  },
  {
    name: 'OTEL_TRACES_SAMPLER_ARG',
    default: '0.1',
    description: 'Sampling ratio 0..1 for the traceidratio samplers',
  },
  {
    name: 'LOCUSGRAPH_API_URL',
    default: 'https://api.locusgraph.com',
    description: 'LocusGraph v1 REST base URL (alias LOCUSGRAPH_SERVER_URL)',
    aliases: ['LOCUSGRAPH_SERVER_URL'],
  },
  {
    name: 'LOCUSGRAPH_API_KEY',
    default: '',
    description:
      'LocusGraph agent secret; when set every write is replicated to the hosted graph (alias LOCUSGRAPH_AGENT_SECRET)',
    aliases: ['LOCUSGRAPH_AGENT_SECRET'],
    secret: true,
  },
  {
    name: 'LOCUSGRAPH_GRAPH_ID',
    default: '',
    description: 'LocusGraph graph id (required with LOCUSGRAPH_API_KEY)',
  },
  {
    name: 'LOCUSGRAPH_TIMEOUT_MS',
    default: '10000',
    description: 'Timeout of one LocusGraph cloud request in ms (batches get 100 ms more per event)',
  },
  {
    name: 'LOCUSGRAPH_MAX_ATTEMPTS',
    default: '10',
    description:
      'Replication attempts for one outbox entry the cloud keeps failing (5xx while otherwise up) before it is dead-lettered; outages never count',
  },
  {
    name: 'OPENAI_API_KEY',
    default: '',
    description: 'Enables the OpenAI-compatible chat provider',
    secret: true,
  },
  {
    name: 'OPENAI_BASE_URL',
    default: 'https://api.openai.com/v1',
    description: 'OpenAI-compatible API base URL',
  },
  { name: 'OPENAI_MODEL', default: 'gpt-4o-mini', description: 'Chat model name' },
  {
    name: 'SARVAM_API_KEY',
    default: '',
    description: 'Enables Sarvam speech (voice routes) and chat',
    secret: true,
  },
  { name: 'SARVAM_BASE_URL', default: 'https://api.sarvam.ai', description: 'Sarvam API base URL' },
  {
    name: 'CHAT_PROVIDER',
    default: 'auto',
    description:
      'Who phrases chat replies: auto (OpenAI when OPENAI_API_KEY, else Sarvam when SARVAM_API_KEY, else offline) | offline | openai | sarvam',
  },
  {
    name: 'CHAT_TIMEOUT_MS',
    default: '8000',
    description: 'Timeout of one chat-model call; on timeout the offline assistant answers',
  },
  {
    name: 'CHAT_SAFETY_TIMEOUT_MS',
    default: '1500',
    description:
      "Time budget of the model's safety second opinion on a non-emergency chat message (0 = off); on timeout no alarm is added",
  },
  {
    name: 'CHAT_RATE_PER_MINUTE',
    default: '20',
    description: 'Chat requests (text and voice) per user per minute before 429',
  },
  {
    name: 'SARVAM_CHAT_MODEL',
    default: 'sarvam-105b',
    description: 'Sarvam chat-completions model (served at /v1/chat/completions)',
  },
  { name: 'SARVAM_STT_MODEL', default: 'saarika:v2.5', description: 'Sarvam speech-to-text model' },
  { name: 'SARVAM_TTS_MODEL', default: 'bulbul:v3', description: 'Sarvam text-to-speech model' },
  {
    name: 'VOICE_TIMEOUT_MS',
    default: '20000',
    description: 'Timeout of one Sarvam speech call (503 when exceeded)',
  },
  {
    name: 'DEFAULT_TIMEZONE',
    default: 'Asia/Kolkata',
    description: 'IANA time zone for users without one on their profile',
  },
  {
    name: 'REMINDER_GRACE_MINUTES',
    default: '15',
    description:
      'After downtime, reminders missed by at most this many minutes still fire once; older ones are recorded as missed',
  },
  {
    name: 'MISSED_DOSE_WINDOW_MINUTES',
    default: '60',
    description:
      'A medication dose with no log this many minutes after its time is missed (one missed-dose notification)',
  },
  {
    name: 'WEBHOOK_ALLOW_PRIVATE_NETWORKS',
    default: 'false',
    description:
      'Allow notification webhooks to loopback/private addresses (off: SSRF protection; tests and closed networks only)',
  },
];

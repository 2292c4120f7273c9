// Reminder benchmark: run with `npm run build && node bench/reminders.mjs [users] [alarmsPerUser]`.
// One replica (SQLite event store, in-process due queue), a real server process over HTTP and WebSocket:
// 1,000 users each with 10 alarms at the same minute (10,000 occurrences due at the same instant).
// Every user has a notification WebSocket open. Reports lateness (fire time − due time) as seen by the server
// (notification created_at − due_at, from the API) and by the clients (WebSocket receive − due time), plus
// duplicates (a second notification or a second push for one occurrence) and missing occurrences.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ensureBuilt, machine, ROOT, startServer, stop, tempDir } from './lib.mjs';

ensureBuilt();
const USERS = Number(process.argv[2] ?? 1000);
const PER_USER = Number(process.argv[3] ?? 10);
const PORT = 3300;
const BASE = `http://127.0.0.1:${PORT}`;
const out = [];
const say = (s) => {
  console.log(s);
  out.push(s);
};

async function pool(items, n, fn) {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) {
        const k = i++;
        await fn(items[k], k);
      }
    }),
  );
}
async function api(method, path, token, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (v) => `${Math.round(v)} ms`;

const dataDir = tempDir('podd-bench-rem-');
// BENCH_NODE_ARGS: extra node flags for the server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const server = await startServer(process.execPath, [...nodeArgs, 'dist/main.js'], {
  cwd: ROOT,
  env: {
    NODE_ENV: 'development',
    JWT_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
    DATA_DIR: dataDir,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    BCRYPT_COST: '4',
    DEFAULT_TIMEZONE: 'Asia/Kolkata',
  },
  url: `${BASE}/health/live`,
});

const sockets = [];
try {
  // 1. Users.
  const t0 = Date.now();
  const users = [];
  await pool(
    Array.from({ length: USERS }, (_, i) => i),
    20,
    async (i) => {
      const r = await api('POST', '/api/auth/register', null, {
        email: `bench${i}@example.com`,
        password: 'bench-password-1',
        name: `User ${i}`,
      });
      users[i] = { token: r.access_token, received: [] };
    },
  );
  // 2. One notification socket per user.
  await pool(
    users,
    50,
    (u) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${PORT}/api/notifications/ws?token=${u.token}`);
        ws.on('message', (data) => {
          const m = JSON.parse(String(data));
          if (m.type === 'ready') resolve();
          if (m.type === 'notification') u.received.push({ at: Date.now(), n: m.notification });
        });
        ws.on('error', reject);
        sockets.push(ws);
      }),
  );
  // 3. The target minute: the first minute boundary at least 3 minutes away (enough to create every alarm).
  const due = Math.ceil((Date.now() + 180_000) / 60_000) * 60_000;
  const hhmm = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Kolkata',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(due);
  const jobs = users.flatMap((u, i) => Array.from({ length: PER_USER }, (_, j) => ({ u, i, j })));
  const t1 = Date.now();
  await pool(jobs, 50, ({ u, j }) =>
    api('POST', '/api/alarms', u.token, { type: 'medication', title: `Pill ${j}`, time: hhmm }),
  );
  const setupSec = (Date.now() - t1) / 1000;
  if (Date.now() > due - 2000) throw new Error('setup took too long for the chosen minute; rerun');
  console.error(
    `setup: ${USERS} users in ${((t1 - t0) / 1000).toFixed(1)} s, ${jobs.length} alarms in ${setupSec.toFixed(1)} s; due at ${new Date(due).toISOString()} (${hhmm} IST)`,
  );

  // 4. Wait for the minute, then until everything arrived (or 30 s).
  await new Promise((r) => setTimeout(r, due - Date.now()));
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const deadline = Date.now() + 30_000;
  const total = () => users.reduce((s, u) => s + u.received.length, 0);
  while (total() < jobs.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const lastArrival = Math.max(...users.flatMap((u) => u.received.map((x) => x.at)));
  await new Promise((r) => setTimeout(r, 3000)); // late duplicates would show up now

  // 5. Measure.
  const clientLate = [];
  let pushDuplicates = 0;
  for (const u of users) {
    const seen = new Set();
    for (const { at, n } of u.received) {
      if (seen.has(n.id)) pushDuplicates++;
      seen.add(n.id);
      clientLate.push(at - new Date(n.due_at).getTime());
    }
  }
  const serverLate = [];
  let stored = 0;
  let storedDuplicates = 0;
  let missing = 0;
  await pool(users, 20, async (u) => {
    const list = await api('GET', '/api/notifications?limit=100', u.token);
    const mine = list.filter((n) => new Date(n.due_at).getTime() === due);
    stored += mine.length;
    const keys = new Set(mine.map((n) => n.source));
    storedDuplicates += mine.length - keys.size;
    missing += Math.max(0, PER_USER - keys.size);
    for (const n of mine) serverLate.push(new Date(n.created_at).getTime() - new Date(n.due_at).getTime());
  });
  const metrics = await (await fetch(`${BASE}/metrics`)).text();
  const fired = metrics.match(/^podd_reminders_fired_total\{source="alarm",outcome="sent"\} (\d+)/m)?.[1];

  say(`# Reminder benchmark — ${USERS * PER_USER} occurrences due at the same instant, one replica`);
  say('');
  say(
    `Machine: ${machine()} (${cpus().length} CPUs), load average ${load} (1/5/15 min) when the reminders came due. Command: \`npm run build && node bench/reminders.mjs ${USERS} ${PER_USER}\`.`,
  );
  say('');
  say(
    `Setup: ${USERS} users, ${PER_USER} alarms each at ${hhmm} Asia/Kolkata (all days), created over HTTP in ${setupSec.toFixed(1)} s;`,
  );
  say(
    `one notification WebSocket per user. One server process: SQLite event store (durable writes: WAL + fdatasync), in-process due queue.`,
  );
  say('');
  say('| measure | p50 | p99 | max |');
  say('|---|---|---|---|');
  say(
    `| server lateness (notification created_at − due time) | ${ms(pct(serverLate, 50))} | ${ms(pct(serverLate, 99))} | ${ms(Math.max(...serverLate))} |`,
  );
  say(
    `| client lateness (WebSocket receive − due time) | ${ms(pct(clientLate, 50))} | ${ms(pct(clientLate, 99))} | ${ms(Math.max(...clientLate))} |`,
  );
  say('');
  say(
    `- occurrences: ${jobs.length}; notifications stored: ${stored}; pushes received: ${clientLate.length}; all delivered ${((lastArrival - due) / 1000).toFixed(2)} s after the due time`,
  );
  say(
    `- duplicates: ${storedDuplicates} stored, ${pushDuplicates} pushed; missing: ${missing}; server metric podd_reminders_fired_total{alarm,sent} = ${fired}`,
  );
  say(
    `- target: p99 < 2 s on one replica, 0 duplicates → ${pct(clientLate, 99) < 2000 && storedDuplicates + pushDuplicates === 0 && missing === 0 ? 'met' : 'NOT met'}`,
  );
  say('');
  say(
    'How the burst is handled (src/reminders/scheduler/): 1.5 s before the minute the dispatcher lists and plans the',
  );
  say(
    'reminders due then (source records, zone arithmetic, texts; nothing written or pushed early); at the minute it writes',
  );
  say(
    'the notifications in multi-row create-only transactions (8 lanes × 250, so one fsync covers many) and pushes each as',
  );
  say(
    'soon as its transaction commits; the due records advance to their next occurrence after every reminder is out.',
  );
  say(
    'Lateness is CPU-bound on this machine (SQLite row writes, one socket write per push, GC); the client runs on the',
  );
  say(
    'same 2 CPUs. Other work on the machine moves the figures: runs before the prefetch under load average 6–9 gave',
  );
  say('p99 2.1–2.4 s.');
  writeFileSync(join(ROOT, 'bench/results/reminders.md'), out.join('\n') + '\n');
} finally {
  for (const ws of sockets) ws.terminate();
  await stop(server);
}

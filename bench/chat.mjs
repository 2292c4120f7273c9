// Chat benchmark: run with `npm run build && node bench/chat.mjs`.
// Offline chat throughput and latency at 20 connections, against a bare route (GET /health/live) of the same
// server in the same run: alternating targets, 3 rounds × 10 s, medians.
// Targets: the bare route; GET /api/auth/me (JWT + user read, the floor of every authenticated route); a question answered from the records ("What was my last BP reading?": triage +
// intent + one vitals list + two chat-message writes); an acting turn ("I drank 1 glass of water": + one water
// record + the day's water list); a red flag (triage reply only, + the contact lookup); and a mixed stream.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { alternate, ensureBuilt, machine, ROOT, startServer, stop, tempDir } from './lib.mjs';
import { triageCost, triageCostLines } from './triage-cost.mjs';

ensureBuilt();
const out = [];
const say = (s) => {
  console.log(s);
  out.push(s);
};
// Triage first: it runs before everything else on every message, so its cost is measured on its own.
for (const line of triageCostLines(await triageCost())) say(line);
const PORT = 3300;
const base = `http://127.0.0.1:${PORT}`;
const podd = await startServer(process.execPath, ['dist/main.js'], {
  cwd: ROOT,
  env: {
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
    DATA_DIR: tempDir('podd-bench-chat-'),
    PORT: String(PORT),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    CHAT_RATE_PER_MINUTE: '100000',
    CHAT_PROVIDER: 'offline',
    BCRYPT_COST: '10',
  },
  url: `${base}/health/live`,
});
try {
  const reg = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench-chat@example.com', password: 'bench-password-1', name: 'Bench' }),
  }).then((r) => r.json());
  const headers = { authorization: `Bearer ${reg.access_token}`, 'content-type': 'application/json' };
  const chat = (message) => JSON.stringify({ message });
  // A little history so the questions read real records.
  for (const m of ['BP 132/84 pulse 76', 'I drank 2 glasses of water', 'breakfast: 2 idli and sambar']) {
    await fetch(`${base}/api/chat`, { method: 'POST', headers, body: chat(m) });
  }
  const post = (message) => ({ url: `${base}/api/chat`, method: 'POST', headers, body: chat(message) });
  const mixed = [
    'What was my last BP reading?',
    'maine 1 glass paani piya',
    'सुबह की गोली खा ली',
    'kya khau aaj dinner mein?',
    'How has my sugar been this week?',
    'hello',
    'seene mein dard ho raha hai',
    'sugar 110 fasting',
  ];
  const res = await alternate(
    {
      bare: { url: `${base}/health/live` },
      auth_me: { url: `${base}/api/auth/me`, headers },
      question: post('What was my last BP reading?'),
      acting: post('I drank 1 glass of water'),
      red_flag: post('I have chest pain and I am sweating'),
      mixed: {
        url: `${base}/api/chat`,
        requests: mixed.map((m) => ({ method: 'POST', path: '/api/chat', headers, body: chat(m) })),
      },
    },
    { rounds: 3, connections: 20, duration: 10 },
  );
  say(`# Chat benchmark — ${new Date().toISOString()}`);
  say('');
  say(
    `Machine: ${machine()}, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' / ',
      )} at the end (other work shares the CPUs). One Podd process (production build, embedded SQLite store, offline assistant), `,
  );
  say('same run, alternating targets, 3 rounds × 10 s at 20 connections, medians.');
  say('');
  say('| target | req/s (median) | p50 ms | p99 ms | non-2xx | vs bare |');
  say('|---|---|---|---|---|---|');
  const label = {
    bare: 'GET /health/live (bare route)',
    auth_me: 'GET /api/auth/me (authenticated, one user read: the floor of any /api route)',
    question: 'POST /api/chat "What was my last BP reading?"',
    acting: 'POST /api/chat "I drank 1 glass of water" (writes a record)',
    red_flag: 'POST /api/chat red flag (triage reply)',
    mixed: 'POST /api/chat mixed 8 messages (en/hi/hinglish)',
  };
  for (const [k, r] of Object.entries(res)) {
    say(
      `| ${label[k]} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${(r.rps / res.bare.rps).toFixed(2)} |`,
    );
  }
  say('');
  say(
    'Each chat turn stores two messages (one transaction) besides whatever it records; the acting turn also',
  );
  say(
    "re-reads the day's water logs for the running total, so it slows as that day's list grows during the run.",
  );
  writeFileSync(join(ROOT, 'bench/results/chat.md'), out.join('\n') + '\n');
} finally {
  await stop(podd);
}
process.exit(0);

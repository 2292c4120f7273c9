// Used by scripts/check-observability.sh (not on its own):
//   node scripts/lib/observability-check.mjs load   <app url>            short scripted load, then waits
//                                                                        until a reminder has fired
//   node scripts/lib/observability-check.mjs panels <prometheus url> <app url>
//   node scripts/lib/observability-check.mjs render <prometheus url> <out.svg> [dashboard uid]
// `panels` runs every dashboard query through Prometheus's HTTP API and fails when one returns nothing;
// `render` draws a dashboard's panels from the last minutes of data as an SVG (the picture in docs/).
import { DASHBOARDS, targetsOf } from './dashboards.mjs';

/** Metrics another module is adding: skipped (with the reason) only while this build does not export them. */
const PENDING = {
  podd_triage_alarms_total: 'added with the triage-alarm counter (chat triage module)',
  podd_login_failures_total: 'added with the login-failure counters (auth module)',
  podd_login_lockouts_total: 'added with the login-failure counters (auth module)',
};

const [mode, base, appUrl] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(method, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

function expectStatus(what, r, status) {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.json)}`);
}

async function load() {
  const email = 'observability@example.com';
  const password = 'observability-password';
  const reg = await call('POST', '/api/auth/register', { email, password, name: 'Obs' });
  expectStatus('register', reg, 201);
  const token = reg.json.access_token;
  // Wrong passwords up to the lockout (LOGIN_MAX_FAILURES=3 in the script), then the right one elsewhere.
  for (let i = 0; i < 4; i++) await call('POST', '/api/auth/login', { email, password: 'wrong-password-x' });

  // A reminder due at the next full minute (at least 15 s ahead) in the user's zone (Asia/Kolkata).
  const due = new Date(Math.ceil((Date.now() + 15_000) / 60_000) * 60_000);
  const hhmm = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Kolkata',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(due);
  expectStatus('alarm', await call('POST', '/api/alarms', { type: 'medication', title: 'Metformin', time: hhmm, days_of_week: [] }, token), 201);
  // An emergency contact reached by webhook (its URL refuses connections: a delivery failure to retry).
  expectStatus(
    'contact',
    await call('POST', '/api/emergency-contacts', { name: 'Ravi', phone: '+919876543210', webhook_url: process.env.DEAD_URL }, token),
    201,
  );
  expectStatus('alert', await call('POST', '/api/emergency/alert', { type: 'medical', severity: 'high', description: 'Fell down' }, token), 201);
  expectStatus('chat', await call('POST', '/api/chat', { message: 'What was my heart rate?' }, token), 200);
  expectStatus('triage', await call('POST', '/api/chat', { message: 'I have severe chest pain and cannot breathe' }, token), 200);

  // Steady light traffic (every panel needs two samples in its rate window) until the reminder has fired.
  const until = due.getTime() + 45_000;
  let i = 0;
  for (;;) {
    expectStatus('vitals', await call('POST', '/api/vitals', { heart_rate: 60 + (i % 30), logged_at: new Date().toISOString() }, token), 201);
    expectStatus('list', await call('GET', '/api/vitals', undefined, token), 200);
    expectStatus('404', await call('GET', '/api/vitals/000000000000', undefined, token), 404);
    expectStatus('422', await call('POST', '/api/vitals', { heart_rate: 'fast' }, token), 422);
    expectStatus('401', await call('GET', '/api/vitals'), 401);
    i++;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    if (/^podd_reminders_fired_total\{[^}]*outcome="sent"[^}]*\} [1-9]/m.test(metrics) && Date.now() > due.getTime() + 15_000) break;
    if (Date.now() > until) throw new Error(`the reminder due at ${hhmm} (Asia/Kolkata) did not fire`);
    await sleep(500);
  }
  console.log(`load: ${i} rounds, reminder due ${due.toISOString()} fired`);
}

/** Grafana's variables, as a short CI run needs them. */
const substitute = (expr) =>
  expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '10m').replaceAll('$job', '.*');

async function panels() {
  const exported = await (await fetch(`${appUrl}/metrics`)).text();
  let failed = 0;
  let checked = 0;
  for (const d of DASHBOARDS) {
    for (const row of d.rows) {
      for (const p of row.panels) {
        for (const t of targetsOf(p)) {
          checked++;
          const expr = substitute(t.expr);
          const r = await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`)).json();
          const n = r.status === 'success' ? r.data.result.length : 0;
          const pending = Object.keys(PENDING).find((m) => expr.includes(m));
          if (n > 0) console.log(`  ok   ${d.uid} / ${p.title}: ${n} series`);
          else if (pending && !exported.includes(`# TYPE ${pending} `)) {
            console.log(`  skip ${d.uid} / ${p.title}: ${pending} is not exported by this build yet (${PENDING[pending]})`);
          } else {
            failed++;
            console.log(`  FAIL ${d.uid} / ${p.title}: ${r.status === 'success' ? 'no data' : r.error}\n       ${expr}`);
          }
        }
      }
    }
  }
  const rules = await (await fetch(`${base}/api/v1/rules`)).json();
  const loaded = rules.data.groups.flatMap((g) => g.rules);
  const broken = loaded.filter((r) => r.health !== 'ok');
  console.log(`rules: ${loaded.length} loaded by Prometheus, ${broken.length} unhealthy`);
  if (broken.length) failed++;
  console.log(`panels: ${checked} queries, ${failed} failed`);
  if (failed) process.exit(1);
}

const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0'];
const fmt = (v, unit) => {
  if (!Number.isFinite(v)) return '–';
  if (unit === 'bytes') return `${(v / 2 ** 20).toFixed(0)} MiB`;
  if (unit === 's') return v < 1 ? `${(v * 1000).toFixed(v < 0.01 ? 1 : 0)} ms` : `${v.toFixed(1)} s`;
  if (unit === 'percentunit') return `${(v * 100).toFixed(1)} %`;
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2);
};

/** Small multiples of one dashboard: each panel's series over the last 150 s, 3 columns. */
async function render(out, uid = 'podd-overview') {
  const { writeFileSync } = await import('node:fs');
  const d = DASHBOARDS.find((x) => x.uid === uid);
  const end = Date.now() / 1000;
  const start = end - 150;
  const W = 420;
  const H = 190;
  const panels = d.rows.flatMap((r) => r.panels);
  const cols = 3;
  const parts = [];
  let i = 0;
  for (const p of panels) {
    const x0 = (i % cols) * (W + 10) + 10;
    const y0 = Math.floor(i / cols) * (H + 10) + 50;
    i++;
    const series = [];
    for (const t of targetsOf(p)) {
      const q = new URLSearchParams({ query: substitute(t.expr), start: String(start), end: String(end), step: '2' });
      const r = await (await fetch(`${base}/api/v1/query_range?${q}`)).json();
      for (const s of r.data?.result ?? []) {
        const label = t.legend.replace(/\{\{(\w+)\}\}/g, (_, k) => s.metric[k] ?? '');
        series.push({ label, points: s.values.map(([ts, v]) => [ts, Number(v)]).filter(([, v]) => Number.isFinite(v)) });
      }
    }
    const shown = series.filter((s) => s.points.length).slice(0, 8);
    const vals = shown.flatMap((s) => s.points.map(([, v]) => v));
    const max = Math.max(...vals, 0) || 1;
    const px = (ts) => x0 + 40 + ((ts - start) / (end - start)) * (W - 50);
    const py = (v) => y0 + H - 45 - (v / max) * (H - 75);
    parts.push(`<rect x="${x0}" y="${y0}" width="${W}" height="${H}" fill="#181b1f" stroke="#2c3235"/>`);
    parts.push(`<text x="${x0 + 8}" y="${y0 + 18}" fill="#d8d9da" font-size="13">${esc(p.title)}</text>`);
    parts.push(`<text x="${x0 + 4}" y="${py(max) + 4}" fill="#8e8e8e" font-size="10">${esc(fmt(max, p.unit))}</text>`);
    parts.push(`<text x="${x0 + 4}" y="${py(0) + 4}" fill="#8e8e8e" font-size="10">0</text>`);
    parts.push(`<line x1="${x0 + 40}" y1="${py(0)}" x2="${x0 + W - 10}" y2="${py(0)}" stroke="#2c3235"/>`);
    shown.forEach((s, k) => {
      const c = COLORS[k % COLORS.length];
      const pts = s.points.map(([ts, v]) => `${px(ts).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="1.5"/>`);
      const lx = x0 + 8 + (k % 2) * ((W - 16) / 2);
      const ly = y0 + H - 28 + Math.floor(k / 2) * 11;
      if (k < 4) parts.push(`<text x="${lx}" y="${ly}" fill="${c}" font-size="10">${esc(s.label.slice(0, 34))}</text>`);
    });
    if (!shown.length) parts.push(`<text x="${x0 + 150}" y="${y0 + 95}" fill="#8e8e8e" font-size="12">no data</text>`);
  }
  const rows = Math.ceil(panels.length / cols);
  const width = cols * (W + 10) + 10;
  const height = rows * (H + 10) + 60;
  const title = `${d.title} — rendered from Prometheus during scripts/check-observability.sh (last 150 s)`;
  writeFileSync(
    out,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">` +
      `<rect width="100%" height="100%" fill="#111217"/>` +
      `<text x="10" y="30" fill="#d8d9da" font-size="16">${esc(title)}</text>${parts.join('')}</svg>\n`,
  );
  console.log(`rendered ${panels.length} panels of ${uid} to ${out}`);
}

if (mode === 'load') await load();
else if (mode === 'panels') await panels();
else if (mode === 'render') await render(appUrl, process.argv[5]);
else throw new Error('usage: observability-check.mjs load <app url> | panels <prometheus url> <app url> | render <prometheus url> <out.svg> [uid]');

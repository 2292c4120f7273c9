// Benchmark of the embedded event store (LocusGraphGateway on SQLite), compared in the same run with the
// raw ceiling (bench/ceiling: its seed.mjs and HISTORY_SQL).
//
//   npm run build && node bench/gateway.mjs [--sizes 10000,1000000,5000000] [--dir DIR] [--reuse] [--out FILE]
//
// Measures: bulk-load rate; "newest 100 records of one type for one user in the last 30 days" through
// gateway.list() (in-process, p50/p99) at each size, and the ceiling's raw query on a DB of the same size;
// the query plan; single-insert latency p50/p99/p99.9 and store() throughput under 50 concurrent writers
// for each durability mode (with the WAL checkpointer running); export of 1M records (time, peak RSS).
// Writes bench/results/gateway.md. Needs ~6 GB free disk for 5M (check `df -h`).
import { execFileSync, fork } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const dist = (p) => pathToFileURL(join(repo, 'dist', p)).href;
const { SqliteEventStore } = await import(dist('locusgraph/embedded/sqlite-event-store.js'));
const { writeNdjson } = await import(dist('locusgraph/ndjson.js'));

const TYPES = ['hr', 'bp', 'spo2', 'temp', 'weight']; // as the ceiling's seed
const DAY = 86_400_000;
const PER_USER = 1000;

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,1000000,5000000' },
    dir: { type: 'string', default: join(os.tmpdir(), 'podd-bench-gateway') },
    out: { type: 'string', default: join(repo, 'bench', 'results', 'gateway.md') },
    reuse: { type: 'boolean', default: false },
    render: { type: 'string' }, // re-render the markdown from a saved gateway-report.json
    'child-export': { type: 'string' },
  },
});

// ------------------------------------------------------------------------------------------- helpers

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const ms = (x) => (x < 0.1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1));
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const log = (...a) => console.error(new Date().toISOString().slice(11, 19), ...a);
function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: pct(s, 0.5),
    p99: pct(s, 0.99),
    p999: pct(s, 0.999),
    max: s[s.length - 1],
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** The ceiling's data shape: users × 1000 events over the last 60 days, types round-robin, interleaved in time. */
function* seedRecords(users, t0) {
  const span = 60 * DAY;
  for (let i = 0; i < PER_USER; i++) {
    for (let u = 1; u <= users; u++) {
      const ts = t0 - span + Math.floor(((i + (u % 7) / 7) / PER_USER) * span);
      const type = TYPES[(i + u) % TYPES.length];
      const k = i * users + u;
      const at = new Date(ts);
      yield {
        contextId: `${type}:u${u}r${i}`,
        type,
        id: `u${u}r${i}`,
        userId: `user${u}`,
        kind: 'observation',
        source: 'tool',
        // the ceiling's payloadFor()
        payload: {
          type,
          ts,
          value: { v: 60 + (k % 40), v2: 80 + (k % 30) },
          unit: 'u',
          source: 'watch-' + (k % 97).toString(16).padStart(4, '0'),
          note: 'resting reading, seated, after 5 min of quiet breathing ' + (k % 1000),
        },
        links: { related_to: [], extends: [] },
        occurredAt: at,
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
    }
  }
}

async function* asAsync(it) {
  yield* it;
}

// ------------------------------------------------------------------------------------ child: export

/** RSS figures of this process from /proc (VmHWM is the peak of this process image, unlike getrusage's
 *  maxRSS, which Linux carries over from the parent across fork+exec). */
function procMem() {
  const st = readFileSync('/proc/self/status', 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(st)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
}

if (args['child-export']) {
  const [file, out] = args['child-export'].split('|');
  // As `podd export` opens it (src/cli.ts CLI_STORE): no checkpointer, no memory map.
  const store = await SqliteEventStore.open({ file, checkpointer: false, mmapBytes: 0 });
  const samples = [];
  let peakAnon = 0;
  const timer = setInterval(() => {
    const m = procMem();
    samples.push(m.rss);
    peakAnon = Math.max(peakAnon, m.anon);
  }, 100);
  const t = now();
  const stream = createWriteStream(out);
  const n = await writeNdjson(store.exportRecords(), stream);
  stream.end();
  await new Promise((r) => stream.on('finish', r));
  const seconds = (now() - t) / 1000;
  clearInterval(timer);
  await store.close();
  const q = (f) => samples[Math.min(samples.length - 1, Math.floor(f * samples.length))] ?? 0;
  process.send({
    n,
    seconds,
    bytes: statSync(out).size,
    peakRss: procMem().hwm,
    peakAnon,
    rssAt: [q(0.1), q(0.5), q(0.9)],
  });
  rmSync(out, { force: true });
  process.exit(0);
}

// ------------------------------------------------------------------------------------------ main

if (args.render) {
  writeFileSync(args.out, render(JSON.parse(readFileSync(args.render, 'utf8'))));
  log(`wrote ${args.out}`);
  process.exit(0);
}

const sizes = args.sizes.split(',').map(Number);
const dir = resolve(args.dir);
mkdirSync(dir, { recursive: true });
const report = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} vCPU ${os.cpus()[0]?.model ?? ''}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`,
  sizes: {},
  loads: {},
};
const t0 = Date.now();
log(`dir ${dir}; sizes ${sizes.join(', ')}`);

// 1. The ceiling: a copy of bench/ceiling using this repo's node_modules.
const ceilingSrc = resolve(repo, 'bench', 'ceiling');
const ceilingDir = join(dir, 'ceiling');
if (!existsSync(join(ceilingDir, 'core.mjs'))) {
  cpSync(ceilingSrc, ceilingDir, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', ceilingDir]);
  if (!existsSync(join(ceilingDir, 'node_modules')))
    symlinkSync(join(repo, 'node_modules'), join(ceilingDir, 'node_modules'));
}
const ceiling = await import(pathToFileURL(join(ceilingDir, 'core.mjs')).href);

for (const size of sizes) {
  const users = size / PER_USER;
  // 2. Ceiling DB of this size (its own seed.mjs).
  const cfile = join(ceilingDir, `run-${size}.db`);
  if (!args.reuse || !existsSync(cfile)) {
    log(`ceiling seed ${fmt(size)}`);
    const out = execFileSync(
      process.execPath,
      ['seed.mjs', `run-${size}.db`, String(users), String(PER_USER)],
      { cwd: ceilingDir },
    ).toString();
    report.loads[`ceiling-${size}`] = JSON.parse(out);
  }
  // 3. Our store of this size, bulk-loaded through importRecords (one transaction per 1000 records).
  const file = join(dir, `gateway-${size}.db`);
  let reuse = false;
  if (args.reuse && existsSync(file)) {
    const s = await SqliteEventStore.open({ file, checkpointer: false });
    reuse = (await s.count()) >= size;
    await s.close();
  }
  if (!reuse) {
    for (const f of [file, file + '-wal', file + '-shm']) rmSync(f, { force: true });
    log(`gateway bulk load ${fmt(size)}`);
    const store = await SqliteEventStore.open({ file, durability: 'normal', cacheKiB: 1024 * 1024 });
    const t = now();
    const n = await store.importRecords(asAsync(seedRecords(users, Date.now())));
    const seconds = (now() - t) / 1000;
    await store.close();
    report.loads[`gateway-${size}`] = { records: n, seconds, rate: n / seconds, bytes: statSync(file).size };
    log(
      `  ${fmt(n)} in ${seconds.toFixed(1)} s (${fmt(n / seconds)}/s), ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`,
    );
  }

  // 4. Read latency: newest 100 of one type for one user in the last 30 days.
  const store = await SqliteEventStore.open({ file });
  const cdb = ceiling.openDb(cfile, { readonly: true });
  const history = cdb.prepare(ceiling.HISTORY_SQL);
  const pick = (i) => ({ u: 1 + ((i * 7919) % users), type: TYPES[(i * 31) % TYPES.length] });
  const Q = 3000;
  const WARM = 500;
  const gw = [];
  const raw = [];
  const cl = [];
  let rows = 0;
  const q = { userId: 'user1', type: 'hr', from: new Date(Date.now() - 30 * DAY), limit: 100 };
  const { sql: rawSql, params: rawParams } = store.listSql(q);
  const rawStmt = store.connection.prepare(rawSql).raw(true); // as list() runs it, minus mapping and count
  // Interleave the three so machine noise hits them alike; each asks for a different user and type
  // (the same one would find its pages already cached by the previous query).
  for (let i = 0; i < Q + WARM; i++) {
    const from = new Date(Date.now() - 30 * DAY);
    const p1 = pick(i);
    let t = now();
    const page = await store.list({ userId: `user${p1.u}`, type: p1.type, from, limit: 100 });
    const a = now() - t;
    const p2 = pick(i + 7 * users + 3);
    t = now();
    rawStmt.all(`user${p2.u}`, p2.type, from.getTime(), 100, 0);
    const b = now() - t;
    const p3 = pick(i + 13 * users + 1);
    t = now();
    history.all(p3.u, p3.type, from.getTime());
    const c = now() - t;
    if (i >= WARM) {
      gw.push(a);
      raw.push(b);
      cl.push(c);
      rows += page.items.length;
    }
  }
  const plan = store.connection
    .prepare(`EXPLAIN QUERY PLAN ${rawSql}`)
    .all(...rawParams, 100, 0)
    .map((r) => r.detail)
    .join(' | ');
  const cplan = cdb
    .prepare(`EXPLAIN QUERY PLAN ${ceiling.HISTORY_SQL}`)
    .all(1, 'hr', 0)
    .map((r) => r.detail)
    .join(' | ');
  report.sizes[size] = {
    list: stats(gw),
    rawSql: stats(raw),
    ceiling: stats(cl),
    rowsPerQuery: rows / Q,
    plan,
    cplan,
  };
  log(
    `  list p50 ${ms(stats(gw).p50)} ms p99 ${ms(stats(gw).p99)} | same SQL unmapped p50 ${ms(stats(raw).p50)} | ceiling p50 ${ms(stats(cl).p50)} p99 ${ms(stats(cl).p99)} | rows ${rows / Q}`,
  );
  cdb.close();
  await store.close();
}

// 5. Writes on the 1M store (or the largest ≤ 1M), per durability mode, checkpointer running.
const wsize = sizes.includes(1_000_000) ? 1_000_000 : Math.max(...sizes.filter((s) => s <= 1_000_000));
const wfile = join(dir, `gateway-${wsize}.db`);
report.writes = { size: wsize, modes: {} };
let seq = 0;
const mkReq = (i) => ({
  contextId: `hr:w${process.pid}_${++seq}`,
  userId: `writer${i % 1000}`,
  kind: 'observation',
  source: 'tool',
  payload: {
    type: 'hr',
    value: { v: 60 + (i % 40) },
    unit: 'bpm',
    source: 'watch-00a1',
    note: 'resting reading, seated ' + i,
  },
});
// The ceiling's insert (synchronous=NORMAL, SQLite's own checkpoints every 1000 pages), interleaved with
// ours so both see the same machine: the floor no insert on this machine can beat.
const cwdb = ceiling.openDb(join(ceilingDir, `run-${wsize}.db`));
const cinsert = cwdb.prepare('INSERT INTO events (user_id, type, ts, payload) VALUES (?, ?, ?, ?)');
// Three rounds, modes interleaved (A B C A B C A B C), samples pooled per mode: the machine's noise
// drifts over minutes, so a mode measured in one block would carry the noise of its moment.
const MODES = ['wal-fdatasync', 'full', 'normal'];
const acc = Object.fromEntries(
  MODES.map((m) => [m, { lat: [], floor: [], tput: [], loop: [], checkpoints: 0, restarts: 0 }]),
);
for (let round = 0; round < 3; round++) {
  for (const mode of MODES) {
    const a = acc[mode];
    const store = await SqliteEventStore.open({ file: wfile, durability: mode });
    for (let i = 0; i < 100; i++) await store.store(mkReq(i)); // warm-up
    // single inserts, one at a time, each followed by one ceiling insert
    for (let i = 0; i < 2000; i++) {
      let t = now();
      await store.store(mkReq(i));
      a.lat.push(now() - t);
      t = now();
      cinsert.run(1 + (i % 1000), 'hr', Date.now(), JSON.stringify({ type: 'hr', value: 60 + (i % 40) }));
      a.floor.push(now() - t);
    }
    // throughput: 50 concurrent writers for 3 s, with the event-loop delay they cause
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    let done = 0;
    const until = now() + 3000;
    const tput = now();
    await Promise.all(
      Array.from({ length: 50 }, async (_, w) => {
        while (now() < until) {
          await store.store(mkReq(w));
          done++;
        }
      }),
    );
    a.tput.push(done / ((now() - tput) / 1000));
    loop.disable();
    a.loop.push(loop.percentile(99) / 1e6);
    const health = await store.health();
    a.checkpoints += health.details.wal?.checkpoints ?? 0;
    a.restarts += health.details.wal?.restarts ?? 0;
    await store.close();
  }
  log(`write round ${round + 1}/3 done`);
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
for (const mode of MODES) {
  const a = acc[mode];
  const w = {
    single: stats(a.lat),
    floor: stats(a.floor),
    throughput: median(a.tput),
    loopP99: median(a.loop),
    checkpoints: a.checkpoints,
    restarts: a.restarts,
  };
  report.writes.modes[mode] = w;
  log(
    `write ${mode}: single p50 ${ms(w.single.p50)} p99 ${ms(w.single.p99)} p99.9 ${ms(w.single.p999)} ms (ceiling insert p50 ${ms(w.floor.p50)} p99.9 ${ms(w.floor.p999)}); ${fmt(w.throughput)} stores/s (50 concurrent, median of 3); loop p99 ${ms(w.loopP99)} ms; checkpoints ${w.checkpoints} restarts ${w.restarts}`,
  );
}
cwdb.close();

// 6. Export: 1M (and the smallest size, for flatness) in a child process each.
report.exports = {};
for (const size of new Set([Math.min(...sizes), wsize])) {
  const res = await new Promise((resolveP, reject) => {
    const child = fork(
      fileURLToPath(import.meta.url),
      ['--child-export', `${join(dir, `gateway-${size}.db`)}|${join(dir, `export-${size}.ndjson`)}`],
      { stdio: 'inherit' },
    );
    child.on('message', resolveP);
    child.on('error', reject);
    child.on('exit', (code) => code && reject(new Error(`export child exited ${code}`)));
  });
  report.exports[size] = res;
  log(
    `export ${fmt(res.n)}: ${res.seconds.toFixed(1)} s (${fmt(res.n / res.seconds)}/s), ${(res.bytes / 2 ** 20).toFixed(0)} MiB, peak RSS ${(res.peakRss / 2 ** 20).toFixed(0)} MiB (anon ${(res.peakAnon / 2 ** 20).toFixed(0)} MiB)`,
  );
}

report.totalMinutes = (Date.now() - t0) / 60000;
writeFileSync(join(dir, 'gateway-report.json'), JSON.stringify(report, null, 2));
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, render(report));
log(`wrote ${args.out}`);

// -------------------------------------------------------------------------------------------- report

function render(r) {
  const L = [];
  const sz = Object.keys(r.sizes).map(Number);
  L.push('# Event store benchmark (embedded SQLite driver)', '');
  L.push(
    `Run: ${r.date} on ${r.machine} — \`node bench/gateway.mjs\` (${r.totalMinutes.toFixed(0)} min). Shared, noisy machine: compare figures of the same run.`,
    '',
  );
  L.push(...summary(r));
  L.push(
    "Data: users × 1,000 records spread over 60 days, 5 types round-robin, interleaved in time — the shape of the ceiling's `seed.mjs`, whose DB of the same size is queried in the same run.",
    '',
  );
  L.push('## Read: newest 100 records of one type for one user in the last 30 days', '');
  L.push(
    "In-process latency of `gateway.list({ userId, type, from: now − 30 d, limit: 100 })` (rows mapped to `StoredRecord`, payload JSON parsed, total counted), the same SQL without mapping, and the ceiling's `HISTORY_SQL` on its own DB. 3,000 queries each after 500 warm-up, random user and type, interleaved.",
    '',
  );
  L.push(
    '| records | gateway.list p50 | p99 | same SQL, unmapped p50 | ceiling p50 | ceiling p99 | list / ceiling (p50) | rows/query |',
  );
  L.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of sz) {
    const x = r.sizes[s];
    L.push(
      `| ${fmt(s)} | ${ms(x.list.p50)} ms | ${ms(x.list.p99)} ms | ${ms(x.rawSql.p50)} ms | ${ms(x.ceiling.p50)} ms | ${ms(x.ceiling.p99)} ms | ${(x.list.p50 / x.ceiling.p50).toFixed(2)}× | ${x.rowsPerQuery.toFixed(0)} |`,
    );
  }
  if (r.sizes[1_000_000] && r.sizes[5_000_000]) {
    L.push(
      '',
      `5M / 1M (gateway.list p50): **${(r.sizes[5_000_000].list.p50 / r.sizes[1_000_000].list.p50).toFixed(2)}×** (target ≤ 1.3×).`,
    );
  }
  const any = r.sizes[sz[sz.length - 1]];
  L.push(
    '',
    'Query plan (EXPLAIN QUERY PLAN):',
    '',
    '```',
    `gateway: ${any.plan}`,
    `ceiling: ${any.cplan}`,
    '```',
    '',
  );
  L.push('## Writes', '');
  L.push(
    `On the ${fmt(r.writes.size)}-record store, WAL checkpointer thread running (\`wal_autocheckpoint=0\` on the writer). Three rounds with the modes interleaved, samples pooled: single insert = one \`await gateway.store()\` at a time (3 × 2,000 samples); throughput = 50 concurrent writers for 3 s (group commit: one transaction per event-loop turn), median of the rounds. Loop delay = event-loop delay p99 while the 50 writers run (median of the rounds).`,
    '',
  );
  L.push(
    '"Ceiling insert" is the ceiling\'s raw `INSERT` (synchronous=NORMAL, not durable on power loss, SQLite\'s own checkpoints) run right after each of our inserts in the same loop: the floor of this machine in this run. Restarts = RESTART checkpoints (WAL above 64 MiB under sustained writes), the only moment a checkpoint may hold a writer back.',
    '',
  );
  L.push(
    '| durability | durable on power loss | single p50 | p99 | p99.9 | max | ceiling insert p50 / p99 / p99.9 | stores/s (50 concurrent) | loop delay p99 | checkpoints / restarts |',
  );
  L.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const label = {
    'wal-fdatasync': 'wal-fdatasync (default): NORMAL + async fdatasync(WAL)',
    full: 'full: synchronous=FULL',
    normal: 'normal: synchronous=NORMAL (reference only)',
  };
  for (const [mode, w] of Object.entries(r.writes.modes)) {
    L.push(
      `| ${label[mode]} | ${mode === 'normal' ? 'no' : 'yes'} | ${ms(w.single.p50)} ms | ${ms(w.single.p99)} ms | ${ms(w.single.p999)} ms | ${ms(w.single.max)} ms | ${ms(w.floor.p50)} / ${ms(w.floor.p99)} / ${ms(w.floor.p999)} ms | ${fmt(w.throughput)} | ${ms(w.loopP99)} ms | ${w.checkpoints} / ${w.restarts} |`,
    );
  }
  L.push('');
  L.push('## Bulk load and export', '');
  L.push('| | records | seconds | rate | file |', '| --- | ---: | ---: | ---: | ---: |');
  for (const [k, v] of Object.entries(r.loads)) {
    if (k.startsWith('gateway'))
      L.push(
        `| gateway importRecords (${k.slice(8)}) | ${fmt(v.records)} | ${v.seconds.toFixed(1)} | ${fmt(v.rate)}/s | ${(v.bytes / 2 ** 20).toFixed(0)} MiB |`,
      );
    else
      L.push(
        `| ceiling seed.mjs (${k.slice(8)}) | ${fmt(v.rows)} | ${(v.insert_s + v.index_s).toFixed(1)} | ${fmt(v.rows / (v.insert_s + v.index_s))}/s | ${(v.bytes / 2 ** 20).toFixed(0)} MiB |`,
      );
  }
  L.push('');
  L.push(
    "Export runs in a child process opened as `podd export` opens the store; peak RSS is the child's VmHWM (anon = heap and other private memory).",
    '',
  );
  L.push(
    '| export (NDJSON) | records | seconds | rate | output | peak RSS | peak anon | RSS at 10% / 50% / 90% of the run |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const [s, e] of Object.entries(r.exports)) {
    L.push(
      `| store of ${fmt(Number(s))} | ${fmt(e.n)} | ${e.seconds.toFixed(1)} | ${fmt(e.n / e.seconds)}/s | ${(e.bytes / 2 ** 20).toFixed(0)} MiB | ${(e.peakRss / 2 ** 20).toFixed(0)} MiB | ${(e.peakAnon / 2 ** 20).toFixed(0)} MiB | ${e.rssAt.map((b) => (b / 2 ** 20).toFixed(0)).join(' / ')} MiB |`,
    );
  }
  L.push('');
  return L.join('\n');
}

function summary(r) {
  const one = r.sizes[1_000_000];
  const five = r.sizes[5_000_000];
  const def = r.writes.modes['wal-fdatasync'];
  const e = Object.entries(r.exports).map(([k, v]) => ({ size: Number(k), ...v }));
  const small = e.reduce((a, b) => (a.size < b.size ? a : b));
  const big = e.reduce((a, b) => (a.size > b.size ? a : b));
  const planOk = Object.values(r.sizes).every(
    (x) => /USING INDEX records_user_type_ts/.test(x.plan) && !/TEMP B-TREE|SCAN records/.test(x.plan),
  );
  const ok = (b) => (b ? 'met' : '**not met**');
  const L = ['## Targets', '', '| target | result | |', '| --- | --- | --- |'];
  if (one)
    L.push(
      `| list p50 ≤ 1 ms at 1M | ${ms(one.list.p50)} ms (ceiling ${ms(one.ceiling.p50)} ms, ${(one.list.p50 / one.ceiling.p50).toFixed(2)}×) | ${ok(one.list.p50 <= 1)} |`,
    );
  if (one && five)
    L.push(
      `| 5M within 1.3× of 1M | ${(five.list.p50 / one.list.p50).toFixed(2)}× (${ms(five.list.p50)} vs ${ms(one.list.p50)} ms) | ${ok(five.list.p50 / one.list.p50 <= 1.3)} |`,
    );
  L.push(
    `| query plan uses the index | \`SEARCH records USING INDEX records_user_type_ts\`, no sort | ${ok(planOk)} |`,
  );
  L.push(
    `| single insert p99.9 ≤ 5 ms, not waiting on checkpoints | ${ms(def.single.p999)} ms durable (p50 ${ms(def.single.p50)} ms); the ceiling's non-durable raw insert in the same loop: p99.9 ${ms(def.floor.p999)} ms | ${ok(def.single.p999 <= 5)}${def.floor.p999 > 5 ? ": even the ceiling's insert is above 5 ms on this machine" : ''} |`,
  );
  L.push(
    `| export of 1M with flat memory | ${fmt(big.n)} records in ${big.seconds.toFixed(1)} s, peak RSS ${(big.peakRss / 2 ** 20).toFixed(0)} MiB (anon ${(big.peakAnon / 2 ** 20).toFixed(0)} MiB) vs ${(small.peakRss / 2 ** 20).toFixed(0)} MiB for ${fmt(small.n)} records | ${ok(big.peakAnon < 256 * 2 ** 20)} (bounded: 64 MiB SQLite page cache + V8 heap) |`,
  );
  L.push('');
  return L;
}

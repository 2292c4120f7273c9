// Preloaded into the Podd process by the benchmarks (`node --import ./bench/probe.mjs dist/main.js`):
// event-loop delay (1 ms resolution), RSS and a CPU profile on demand, without touching the app.
// The bench writes a command into $PODD_PROBE_DIR/cmd and sends SIGUSR2; the answer lands in
// $PODD_PROBE_DIR/out.json (written atomically via a rename).
//   stats          → { loopP50Ms, loopP99Ms, loopMaxMs, rssMiB, rssAnonMiB, rssFileMiB } since the previous `stats`, then resets
//   profile-start  → starts the V8 CPU profiler
//   profile-stop   → stops it; out.json holds the summary (idle share, top self time)
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const dir = process.env.PODD_PROBE_DIR;
if (dir) {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((res, rej) => session.post(method, params, (e, r) => (e ? rej(e) : res(r))));
  let mark = { cpu: 0, wall: 0 };
  const answer = (obj) => {
    writeFileSync(join(dir, 'out.tmp'), JSON.stringify(obj));
    renameSync(join(dir, 'out.tmp'), join(dir, 'out.json'));
  };
  process.on('SIGUSR2', async () => {
    const cmd = readFileSync(join(dir, 'cmd'), 'utf8').trim();
    if (cmd === 'stats') {
      // monitorEventLoopDelay records each 1 ms timer's interval: the delay is what exceeds the resolution.
      const ms = (ns) => Math.max(0, ns / 1e6 - 1);
      answer({
        cmd,
        loopP50Ms: ms(loop.percentile(50)),
        loopP99Ms: ms(loop.percentile(99)),
        loopMaxMs: ms(loop.max),
        rssMiB: process.memoryUsage.rss() / 2 ** 20,
        ...rssParts(),
      });
      loop.reset();
    } else if (cmd === 'profile-start') {
      mark = { cpu: mainThreadCpuSeconds(), wall: performance.now() };
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 1000 });
      await post('Profiler.start');
      answer({ cmd });
    } else if (cmd === 'profile-stop') {
      const { profile } = await post('Profiler.stop');
      if (process.env.PODD_PROBE_RAW) writeFileSync(join(dir, 'last.cpuprofile'), JSON.stringify(profile));
      // Cross-check of the profile's idle share: main-thread CPU time over wall time (Linux /proc).
      const busy = (mainThreadCpuSeconds() - mark.cpu) / ((performance.now() - mark.wall) / 1000);
      answer({ cmd, mainThreadBusy: busy, ...summarise(profile) });
    }
  });
}

/**
 * RSS split as Linux counts it: anonymous memory (the JS heap, buffers, SQLite's page cache) and file-backed
 * pages (mapped database files, which the kernel reclaims under pressure). Linux only; empty elsewhere.
 */
function rssParts() {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
    return { rssAnonMiB: kib('RssAnon') / 1024, rssFileMiB: kib('RssFile') / 1024 };
  } catch {
    return {};
  }
}

/** utime + stime of the main thread (the JS thread; the thread pool is not counted), in seconds. */
function mainThreadCpuSeconds() {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // fields 14 and 15, in clock ticks (USER_HZ = 100)
}

/** Share of samples per function (self time), idle and GC included, from a V8 CPU profile. */
function summarise(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = profile.samples.length || 1;
  const self = new Map();
  for (const [id, c] of counts) {
    const f = byId.get(id).callFrame;
    const file = f.url ? f.url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, 'dist/') : '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + c);
  }
  const share = (name) => (self.get(name) ?? 0) / total;
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([name, c]) => ({ name, share: c / total }));
  return {
    samples: total,
    idle: share('(idle)'),
    gc: share('(garbage collector)'),
    program: share('(program)'),
    top,
  };
}

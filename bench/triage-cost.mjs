// Red-flag triage cost in-process: every message of the labelled evaluation sets (test/chat/triage-eval), five
// rounds, per-message wall time (performance.now) and the same for 5,000-character messages with the emergency at
// the end. Used by bench/chat.mjs (its first section) and runnable alone: `npm run build && node bench/triage-cost.mjs`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

export async function triageCost() {
  const { triage } = await import(join(ROOT, 'dist/chat/triage/index.js'));
  const texts = ['dev', 'holdout', 'adversary'].flatMap((s) =>
    JSON.parse(readFileSync(join(ROOT, `test/chat/triage-eval/${s}.json`), 'utf8')).items.map((i) => i.text),
  );
  const filler = 'I had a normal day, drank water, ate dal and rice, walked in the park with my neighbour. ';
  const long = texts
    .slice(0, 50)
    .map(
      (t) =>
        filler.repeat(Math.ceil(5000 / filler.length)).slice(0, 5000 - 60) +
        ' and now I have crushing chest pain',
    );
  const measure = (xs) => {
    for (const t of xs) triage(t); // warm-up
    const times = [];
    for (let round = 0; round < 5; round++)
      for (const t of xs) {
        const s = performance.now();
        triage(t);
        times.push(performance.now() - s);
      }
    times.sort((a, b) => a - b);
    return { n: times.length, p50: pct(times, 50), p99: pct(times, 99), max: times[times.length - 1] };
  };
  return { messages: measure(texts), long: measure(long), count: texts.length };
}

export function triageCostLines(r) {
  const row = (name, m) =>
    `| ${name} | ${m.n} | ${(m.p50 * 1000).toFixed(0)} µs | ${(m.p99 * 1000).toFixed(0)} µs | ${(m.max * 1000).toFixed(0)} µs |`;
  return [
    `## Triage cost in-process (target: p99 < 1 ms per message)`,
    '',
    '| messages | timings | p50 | p99 | max |',
    '| --- | --- | --- | --- | --- |',
    row(`evaluation sets (${r.count} messages × 5)`, r.messages),
    row('5,000 characters, emergency at the end (50 × 5)', r.long),
    '',
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(triageCostLines(await triageCost()).join('\n'));
}

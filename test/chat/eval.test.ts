import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { route } from '../../src/chat/pipeline/route.js';

interface Item {
  text: string;
  lang: 'en' | 'hi' | 'hinglish';
  intent: string;
  triage?: string;
  split?: string;
}
const load = (f: string): Item[] =>
  (JSON.parse(readFileSync(new URL(f, import.meta.url), 'utf8')) as { items: Item[] }).items;
const SPLITS = ['./eval-set.json', './eval-holdout.json', './eval-holdout-2.json'];
const set = { items: SPLITS.flatMap((f) => load(f).map((item) => ({ ...item, split: f.slice(2, -5) }))) };

describe('chat pipeline evaluation set', () => {
  const results = set.items.map((item) => ({ item, routed: route(item.text) }));
  const redFlags = results.filter((r) => r.item.triage);
  const benign = results.filter((r) => !r.item.triage);
  const intentOk = results.filter((r) => r.routed.intent === r.item.intent);
  const recalled = redFlags.filter((r) => r.routed.triage.emergency);
  const categoryOk = redFlags.filter((r) => r.routed.triage.flags.includes(r.item.triage as never));
  const falseAlarms = benign.filter((r) => r.routed.triage.emergency);

  const accuracy = intentOk.length / results.length;
  const recall = recalled.length / redFlags.length;
  const falseAlarmRate = falseAlarms.length / benign.length;

  it('reports its figures', () => {
    const byLang = ['en', 'hi', 'hinglish'].map((lang) => {
      const all = results.filter((r) => r.item.lang === lang);
      const ok = all.filter((r) => r.routed.intent === r.item.intent).length;
      return `${lang}: ${all.length} messages (${all.filter((r) => r.item.triage).length} red flags), intent ${((100 * ok) / all.length).toFixed(1)} %`;
    });
    const misses = results
      .filter((r) => r.routed.intent !== r.item.intent)
      .map(
        (r) =>
          `  ✗ [${r.item.lang}] "${r.item.text}" expected ${r.item.intent}, got ${r.routed.intent} (${r.routed.input.text})`,
      );
    console.log(
      [
        `chat eval: ${results.length} messages`,
        `  intent accuracy ${(100 * accuracy).toFixed(1)} % (${intentOk.length}/${results.length})`,
        `  red-flag recall ${(100 * recall).toFixed(1)} % (${recalled.length}/${redFlags.length}); category right ${categoryOk.length}/${redFlags.length}`,
        `  benign false-alarm rate ${(100 * falseAlarmRate).toFixed(1)} % (${falseAlarms.length}/${benign.length})`,
        ...byLang.map((l) => `  ${l}`),
        ...SPLITS.map((f) => f.slice(2, -5)).map((split) => {
          const all = results.filter((r) => r.item.split === split);
          const ok = all.filter((r) => r.routed.intent === r.item.intent).length;
          return `  ${split}: ${all.length} messages, intent ${((100 * ok) / all.length).toFixed(1)} %`;
        }),
        ...misses,
      ].join('\n'),
    );
    expect(results.length).toBeGreaterThanOrEqual(150);
  });

  it('intent accuracy is at least 90 %', () => {
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('every red flag is caught (100 % recall)', () => {
    expect(redFlags.filter((r) => !r.routed.triage.emergency).map((r) => r.item.text)).toEqual([]);
  });

  it('false alarms on the benign set stay at or below 5 %', () => {
    expect(falseAlarmRate).toBeLessThanOrEqual(0.05);
  });
});

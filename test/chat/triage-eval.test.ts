import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { safetyReply, triage, type TriageResult } from '../../src/chat/triage/index.js';

/**
 * The triage evaluation: a labelled set written from the clinical red-flag list (see triage-eval/README.md), in
 * twelve languages. `holdout.json` was written before any tuning and is never tuned against; `dev.json` is the
 * working set. The suite fails on any missed red flag, on false alarms above 3 % overall or 5 % in one language,
 * and on a self-harm reply without Tele-MANAS 14416.
 */
type Kind = 'red_flag' | 'hard_negative' | 'benign';
interface Item {
  text: string;
  lang: string;
  script: 'native' | 'latin';
  kind: Kind;
  expect: string[];
  near?: string;
  note?: string;
}
interface Scored extends Item {
  split: string;
  result: TriageResult;
}

const ALL_SPLITS = ['dev', 'holdout', 'adversary', 'blind', 'blind2'];
/** TRIAGE_EVAL_SPLITS=dev limits a tuning session to the working set (the other two must not be tuned against). */
const SPLITS = process.env.TRIAGE_EVAL_SPLITS?.split(',').filter((s) => ALL_SPLITS.includes(s)) ?? ALL_SPLITS;
const load = (split: string): Item[] =>
  (
    JSON.parse(readFileSync(new URL(`./triage-eval/${split}.json`, import.meta.url), 'utf8')) as {
      items: Item[];
    }
  ).items;
const scored: Scored[] = SPLITS.flatMap((split) =>
  load(split).map((item) => ({ ...item, split, result: triage(item.text) })),
);

const pct = (n: number, d: number): string =>
  d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)} %`;
const isAlarm = (s: Scored): boolean => s.result.emergency;
const redFlags = (xs: Scored[]): Scored[] => xs.filter((s) => s.kind === 'red_flag');
const harmless = (xs: Scored[]): Scored[] => xs.filter((s) => s.kind !== 'red_flag');
const categoryRight = (s: Scored): boolean => s.result.flags.some((f) => s.expect.includes(f));

function table(rows: Scored[], key: (s: Scored) => string[], title: string): string[] {
  const keys = [...new Set(rows.flatMap(key))].sort();
  const out = [`  ${title.padEnd(20)} red flags  recall   category   harmless  false alarms`];
  for (const k of keys) {
    const in_ = rows.filter((s) => key(s).includes(k));
    const rf = redFlags(in_);
    const hm = harmless(in_);
    out.push(
      `  ${k.padEnd(20)} ${String(rf.length).padStart(9)}  ${pct(rf.filter(isAlarm).length, rf.length)}  ${pct(rf.filter(categoryRight).length, rf.length)}  ${String(hm.length).padStart(8)}  ${pct(hm.filter(isAlarm).length, hm.length)}`,
    );
  }
  return out;
}

function report(split: string): string {
  const rows = scored.filter((s) => s.split === split);
  const rf = redFlags(rows);
  const hm = harmless(rows);
  return [
    `triage eval [${split}]: ${rows.length} messages, ${rf.length} red flags, ${hm.length} harmless`,
    `  recall ${pct(rf.filter(isAlarm).length, rf.length)}; category right ${pct(rf.filter(categoryRight).length, rf.length)}; false alarms ${pct(hm.filter(isAlarm).length, hm.length)}`,
    ...table(rows, (s) => (s.kind === 'red_flag' ? s.expect : s.near ? [s.near] : ['(benign)']), 'category'),
    ...table(rows, (s) => [s.lang], 'language'),
    ...rf
      .filter((s) => !isAlarm(s))
      .map((s) => `  MISSED [${s.lang}] ${s.text} (${s.note ?? ''}) expected ${s.expect.join('|')}`),
    ...hm
      .filter(isAlarm)
      .map((s) => `  FALSE ALARM [${s.lang}] ${s.text} (${s.note ?? ''}) → ${s.result.flags.join(',')}`),
  ].join('\n');
}

describe('red-flag triage evaluation', () => {
  it('reports recall and false alarms per category and per language', () => {
    for (const split of SPLITS) console.log(report(split));
    if (SPLITS.length === ALL_SPLITS.length) {
      expect(scored.length).toBeGreaterThanOrEqual(1000);
      expect(scored.filter((s) => s.split === 'holdout').length).toBeGreaterThanOrEqual(300);
    }
  });

  it('misses no red flag', () => {
    expect(
      redFlags(scored)
        .filter((s) => !isAlarm(s))
        .map((s) => `[${s.lang}] ${s.text}`),
    ).toEqual([]);
  });

  it('false alarms stay at or below 3 % overall and 5 % in every language', () => {
    const hm = harmless(scored);
    expect(hm.filter(isAlarm).length / hm.length).toBeLessThanOrEqual(0.03);
    for (const lang of new Set(hm.map((s) => s.lang))) {
      const inLang = hm.filter((s) => s.lang === lang);
      expect(inLang.filter(isAlarm).length / inLang.length, lang).toBeLessThanOrEqual(0.05);
    }
  });

  it('every self-harm reply names Tele-MANAS 14416 and 112, in digits', () => {
    const selfHarm = redFlags(scored).filter(
      (s) => s.expect.includes('self_harm') && s.result.flags.includes('self_harm'),
    );
    expect(selfHarm.length).toBeGreaterThan(0);
    for (const s of selfHarm) {
      const reply = safetyReply(s.result, null);
      expect(reply, s.text).toContain('14416');
      expect(reply, s.text).toContain('112');
    }
  });

  it('every emergency reply names 112 and 108 and no medicine', () => {
    for (const s of redFlags(scored).filter(isAlarm)) {
      const reply = safetyReply(s.result, { name: 'Ravi', phone: '+919800000000', relationship: 'son' });
      expect(reply, s.text).toMatch(/112/);
      expect(reply, s.text).toMatch(/108/);
      expect(reply, s.text).toContain('Ravi');
      expect(reply.toLowerCase(), s.text).not.toMatch(
        /aspirin|disprin|sorbitrate|nitroglycerin|paracetamol|\bmg\b/,
      );
    }
  });
});

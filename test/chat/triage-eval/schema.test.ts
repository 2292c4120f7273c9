// Validates the triage evaluation set itself (labels, minimum coverage, no duplicates), not the engine.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Item {
  text: string;
  lang: string;
  script: string;
  kind: string;
  expect: string[];
  near?: string;
  note?: string;
}

const dir = new URL('.', import.meta.url);
const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as T;
const labels = read<{ categories: string[]; languages: string[]; kinds: string[]; scripts: string[] }>(
  'labels.json',
);
const files = {
  holdout: read<{ description: string; items: Item[] }>('holdout.json'),
  dev: read<{ description: string; items: Item[] }>('dev.json'),
};
const all = [...files.holdout.items, ...files.dev.items];
// The adversarial set (see README) shares the label, script, gloss and duplicate checks; its coverage is its own.
const adversary = read<{ description: string; items: Item[] }>('adversary.json').items;
// The blind set (see README) shares the same checks as the adversarial set.
const blind = read<{ description: string; items: Item[] }>('blind.json').items;
const blind2 = read<{ description: string; items: Item[] }>('blind2.json').items;
const every = [...all, ...adversary, ...blind, ...blind2];
const redFlags = all.filter((i) => i.kind === 'red_flag');

// Unicode block of each language's own script; hi and mr share Devanagari.
const nativeScript: Record<string, RegExp> = {
  hi: /[\u0900-\u097F]/,
  mr: /[\u0900-\u097F]/,
  bn: /[\u0980-\u09FF]/,
  pa: /[\u0A00-\u0A7F]/,
  gu: /[\u0A80-\u0AFF]/,
  or: /[\u0B00-\u0B7F]/,
  ta: /[\u0B80-\u0BFF]/,
  te: /[\u0C00-\u0C7F]/,
  kn: /[\u0C80-\u0CFF]/,
  ml: /[\u0D00-\u0D7F]/,
};
const anyIndicScript = /[\u0900-\u0DFF]/;
// Languages whose romanised form is labelled with their own id (Hindi's romanised form is `hinglish`).
const romanisedLanguages = ['bn', 'ta', 'te', 'mr', 'gu', 'kn', 'ml', 'pa', 'or'];
const wellCovered = ['en', 'hi', 'hinglish'];

describe('triage evaluation set', () => {
  it('meets the size minimums: holdout ≥ 330, dev ≥ 800', () => {
    expect(files.holdout.items.length).toBeGreaterThanOrEqual(330);
    expect(files.dev.items.length).toBeGreaterThanOrEqual(800);
    expect(files.holdout.description).toMatch(/before any tuning/);
  });

  it('uses only valid ids, with expect/near consistent with the kind', () => {
    const problems = every.flatMap((i) => {
      const bad: string[] = [];
      if (typeof i.text !== 'string' || i.text.trim() === '') bad.push('empty text');
      if (!labels.languages.includes(i.lang)) bad.push(`lang ${i.lang}`);
      if (!labels.scripts.includes(i.script)) bad.push(`script ${i.script}`);
      if (!labels.kinds.includes(i.kind)) bad.push(`kind ${i.kind}`);
      if (!Array.isArray(i.expect)) bad.push('expect is not a list');
      else if (i.expect.some((c) => !labels.categories.includes(c))) bad.push(`expect ${i.expect.join(',')}`);
      else if (new Set(i.expect).size !== i.expect.length) bad.push('repeated category in expect');
      if (i.kind === 'red_flag' && (i.expect.length === 0 || i.near !== undefined))
        bad.push('red_flag labels');
      if (i.kind === 'hard_negative' && (i.expect.length !== 0 || !labels.categories.includes(i.near ?? '')))
        bad.push('hard_negative labels');
      if (i.kind === 'benign' && (i.expect.length !== 0 || i.near !== undefined)) bad.push('benign labels');
      return bad.map((b) => `${b}: ${i.text}`);
    });
    expect(problems).toEqual([]);
  });

  it('labels the script correctly: en and hinglish latin, native text in its own script, latin text without Indic letters', () => {
    const wrong = every.filter((i) => {
      if (i.lang === 'en' || i.lang === 'hinglish')
        return i.script !== 'latin' || anyIndicScript.test(i.text);
      if (i.script === 'latin') return anyIndicScript.test(i.text);
      return !nativeScript[i.lang]?.test(i.text);
    });
    expect(wrong.map((i) => `${i.lang}/${i.script}: ${i.text}`)).toEqual([]);
  });

  it('gives every non-English item an English gloss in note', () => {
    const missing = every.filter((i) => i.lang !== 'en' && !(typeof i.note === 'string' && i.note.trim()));
    expect(missing.map((i) => i.text)).toEqual([]);
  });

  it('has no duplicate texts across the four files (case and spacing ignored)', () => {
    const seen = new Map<string, number>();
    for (const i of every) {
      const key = i.text.toLowerCase().replace(/\s+/g, ' ').trim();
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen].filter(([, n]) => n > 1).map(([t]) => t)).toEqual([]);
  });

  it('has ≥ 2 red flags for every category in every language (≥ 3 for en, hi, hinglish)', () => {
    const short = labels.categories.flatMap((c) =>
      labels.languages
        .map((l) => ({ c, l, n: redFlags.filter((i) => i.lang === l && i.expect.includes(c)).length }))
        .filter(({ l, n }) => n < (wellCovered.includes(l) ? 3 : 2))
        .map(({ c, l, n }) => `${c}/${l}: ${n}`),
    );
    expect(short).toEqual([]);
  });

  it('has an adversarial set of ≥ 450 items with ≥ 2 red flags per category and language', () => {
    expect(adversary.length).toBeGreaterThanOrEqual(450);
    const gaps = labels.categories.flatMap((c) =>
      labels.languages
        .filter(
          (l) =>
            adversary.filter((i) => i.kind === 'red_flag' && i.lang === l && i.expect.includes(c)).length < 2,
        )
        .map((l) => `${c}/${l}`),
    );
    expect(gaps).toEqual([]);
  });

  it('has a blind set of ≥ 450 items with a red flag for every category in every language', () => {
    expect(blind.length).toBeGreaterThanOrEqual(450);
    const gaps = labels.categories.flatMap((c) =>
      labels.languages
        .filter((l) => !blind.some((i) => i.kind === 'red_flag' && i.lang === l && i.expect.includes(c)))
        .map((l) => `${c}/${l}`),
    );
    expect(gaps).toEqual([]);
  });

  it('has a second blind set of ≥ 350 items with a red flag for every category in every language but five', () => {
    // Five pairs lost their only item when the texts repeating another file were removed (see README).
    const removedWithDuplicates = ['seizure/ml', 'bleeding/ml', 'self_harm/mr', 'self_harm/or', 'infant/kn'];
    expect(blind2.length).toBeGreaterThanOrEqual(350);
    const gaps = labels.categories.flatMap((c) =>
      labels.languages
        .filter((l) => !blind2.some((i) => i.kind === 'red_flag' && i.lang === l && i.expect.includes(c)))
        .map((l) => `${c}/${l}`),
    );
    expect(gaps).toEqual(removedWithDuplicates);
  });

  it('covers every category and language in the holdout too', () => {
    const holdoutRed = files.holdout.items.filter((i) => i.kind === 'red_flag');
    const gaps = labels.categories.flatMap((c) =>
      labels.languages
        .filter((l) => !holdoutRed.some((i) => i.lang === l && i.expect.includes(c)))
        .map((l) => `${c}/${l}`),
    );
    expect(gaps).toEqual([]);
  });

  it('has romanised red flags for each Indian language', () => {
    const short = romanisedLanguages.filter(
      (l) => redFlags.filter((i) => i.lang === l && i.script === 'latin').length < 5,
    );
    expect(short).toEqual([]);
  });

  it('has ≥ 3 hard negatives per category, in ≥ 3 languages', () => {
    const short = labels.categories.filter((c) => {
      const near = all.filter((i) => i.kind === 'hard_negative' && i.near === c);
      return near.length < 3 || new Set(near.map((i) => i.lang)).size < 3;
    });
    expect(short).toEqual([]);
  });

  it('has ≥ 8 benign messages in every language', () => {
    const short = labels.languages.filter(
      (l) => all.filter((i) => i.kind === 'benign' && i.lang === l).length < 8,
    );
    expect(short).toEqual([]);
  });

  it('keeps the mix near 55 % red flags, 25 % hard negatives, 20 % benign', () => {
    const share = (kind: string) => all.filter((i) => i.kind === kind).length / all.length;
    expect(share('red_flag')).toBeGreaterThan(0.5);
    expect(share('red_flag')).toBeLessThan(0.62);
    expect(share('hard_negative')).toBeGreaterThan(0.2);
    expect(share('hard_negative')).toBeLessThan(0.3);
    expect(share('benign')).toBeGreaterThan(0.15);
    expect(share('benign')).toBeLessThan(0.25);
  });
});

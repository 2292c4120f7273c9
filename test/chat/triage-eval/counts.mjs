// Prints the per-category and per-language counts of the triage evaluation set as Markdown tables
// (pasted into README.md). Usage: node test/chat/triage-eval/counts.mjs
import { readFileSync } from 'node:fs';

const dir = new URL('.', import.meta.url);
const read = (name) => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
const { categories, languages } = read('labels.json');
const sets = { holdout: read('holdout.json').items, dev: read('dev.json').items };
const all = [...sets.holdout, ...sets.dev];

const row = (cells) => `| ${cells.join(' | ')} |`;
const table = (head, rows) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

const count = (items, pred) => items.filter(pred).length;
const kinds = (items) => ['red_flag', 'hard_negative', 'benign'].map((k) => count(items, (i) => i.kind === k));

console.log('### Totals\n');
console.log(
  table(
    ['set', 'items', 'red_flag', 'hard_negative', 'benign'],
    Object.entries({ ...sets, total: all }).map(([name, items]) => [name, items.length, ...kinds(items)]),
  ),
);

console.log('\n### Per language (both files; latin = romanised items)\n');
console.log(
  table(
    ['lang', 'items', 'red_flag', 'hard_negative', 'benign', 'latin', 'holdout', 'dev'],
    languages.map((l) => {
      const items = all.filter((i) => i.lang === l);
      return [
        l,
        items.length,
        ...kinds(items),
        count(items, (i) => i.script === 'latin'),
        count(sets.holdout, (i) => i.lang === l),
        count(sets.dev, (i) => i.lang === l),
      ];
    }),
  ),
);

console.log('\n### Red flags per category and language (both files; an item counts once per listed category)\n');
console.log(
  table(
    ['category', ...languages, 'total', 'hard_neg'],
    categories.map((c) => {
      const red = all.filter((i) => i.kind === 'red_flag' && i.expect.includes(c));
      return [
        c,
        ...languages.map((l) => count(red, (i) => i.lang === l)),
        red.length,
        count(all, (i) => i.kind === 'hard_negative' && i.near === c),
      ];
    }),
  ),
);

/**
 * Triage normalisation, applied once to the message and to every lexicon phrase, so both meet in the same form.
 *
 * - Unicode NFC; ZWJ/ZWNJ removed; Malayalam atomic chillu letters written as consonant + virama.
 * - Nukta removed (क़ → क, ড় → ড), chandrabindu → anusvara, Devanagari ॉ → ा, and the short/long i and u vowel
 *   signs of the North Indian scripts merged (सीना = सिना): common typing variants that never change the meaning here.
 * - Digits of every Indian script → ASCII.
 * - Latin: lower case, apostrophes dropped (can't → cant), romanisation variants merged: ph → f, ee → i, oo → u,
 *   w → v, z → j, q → k, then any doubled letter once (aa → a, chhati → chati).
 * - Punctuation becomes a clause mark "," or a sentence mark "." as its own token; every other symbol a space.
 */

const ZW = /[\u200b-\u200d\u2060\ufeff]/g;
const NUKTA = /[\u093c\u09bc\u0a3c\u0abc\u0b3c\u0cbc]/g;
const CHILLU: Record<string, string> = {
  '\u0d7a': '\u0d23\u0d4d',
  '\u0d7b': '\u0d28\u0d4d',
  '\u0d7c': '\u0d30\u0d4d',
  '\u0d7d': '\u0d32\u0d4d',
  '\u0d7e': '\u0d33\u0d4d',
  '\u0d7f': '\u0d15\u0d4d',
};
/** Vowel and nasal variants: [from, to] code points. */
const VARIANTS: Record<string, string> = {
  '\u0901': '\u0902', // Devanagari chandrabindu → anusvara
  '\u0949': '\u093e', // ॉ → ा
  '\u0911': '\u0906', // ऑ → आ
  '\u0940': '\u093f', // ी → ि
  '\u0942': '\u0941', // ू → ु
  '\u0908': '\u0907', // ई → इ
  '\u090a': '\u0909', // ऊ → उ
  '\u0981': '\u0982', // Bengali candrabindu → anusvara
  '\u09c0': '\u09bf',
  '\u09c2': '\u09c1',
  '\u0988': '\u0987',
  '\u098a': '\u0989',
  '\u0a02': '\u0a70', // Gurmukhi bindi → tippi
  '\u0a71': '', // Gurmukhi addak (gemination), often left out
  '\u0a40': '\u0a3f',
  '\u0a42': '\u0a41',
  '\u0a08': '\u0a07',
  '\u0a0a': '\u0a09',
  '\u0a81': '\u0a82',
  '\u0ac0': '\u0abf',
  '\u0ac2': '\u0ac1',
  '\u0a88': '\u0a87',
  '\u0a8a': '\u0a89',
  '\u0b01': '\u0b02',
  '\u0b40': '\u0b3f',
  '\u0b42': '\u0b41',
  '\u0b08': '\u0b07',
  '\u0b0a': '\u0b09',
};
const VARIANT_RE = new RegExp(`[${Object.keys(VARIANTS).join('')}]`, 'g');
const CHILLU_RE = /[\u0d7a-\u0d7f]/g;
/** Zero of each Indian script's digits (Devanagari, Bengali, Gurmukhi, Gujarati, Odia, Tamil, Telugu, Kannada, Malayalam). */
const DIGIT_ZEROS = [0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66];
const INDIC_DIGIT =
  /[\u0966-\u096f\u09e6-\u09ef\u0a66-\u0a6f\u0ae6-\u0aef\u0b66-\u0b6f\u0be6-\u0bef\u0c66-\u0c6f\u0ce6-\u0cef\u0d66-\u0d6f]/g;

function asciiDigit(d: string): string {
  const c = d.charCodeAt(0);
  for (const z of DIGIT_ZEROS) if (c >= z && c <= z + 9) return String(c - z);
  return d;
}

/** Latin romanisation variants; run on lower-case text. */
function latin(s: string): string {
  return s
    .replace(/ph/g, 'f')
    .replace(/ee/g, 'i')
    .replace(/oo/g, 'u')
    .replace(/w/g, 'v')
    .replace(/z/g, 'j')
    .replace(/q/g, 'k')
    .replace(/([a-z])\1+/g, '$1');
}

/** The normalised form: tokens separated by single spaces, "," between clauses and "." between sentences. */
export function normaliseForTriage(input: string): string {
  let s = input
    .normalize('NFC')
    .replace(ZW, '')
    .replace(CHILLU_RE, (c) => CHILLU[c]);
  s = s
    .replace(NUKTA, '')
    .replace(VARIANT_RE, (c) => VARIANTS[c])
    .replace(INDIC_DIGIT, asciiDigit);
  s = s.toLowerCase().replace(/[’'`´]/g, '');
  s = latin(s);
  s = s
    .replace(/(\d)\.(\d)/g, '$1\ue000$2') // keep decimals (98.6) through the sentence split
    .replace(/[.!?।॥\n\r]+/g, ' . ')
    .replace(/[,;:()\u2013\u2014]+/g, ' , ')
    .replace(/\ue000/g, '.')
    .replace(/(\d)(?=[\p{L}])/gu, '$1 ') // "10tablets", "104f" → number, word
    .replace(/[^\p{L}\p{M}\p{N}\s.,/]/gu, ' ')
    .replace(/(?<!\d)\/|\/(?!\d)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return s;
}

/** The script most of the letters are in (Latin when there are none). */
const SCRIPT_BLOCKS: [string, number, number][] = [
  ['Devanagari', 0x900, 0x97f],
  ['Bengali', 0x980, 0x9ff],
  ['Gurmukhi', 0xa00, 0xa7f],
  ['Gujarati', 0xa80, 0xaff],
  ['Oriya', 0xb00, 0xb7f],
  ['Tamil', 0xb80, 0xbff],
  ['Telugu', 0xc00, 0xc7f],
  ['Kannada', 0xc80, 0xcff],
  ['Malayalam', 0xd00, 0xd7f],
];

export function dominantScript(text: string): string {
  const counts = new Map<string, number>();
  let latinCount = 0;
  const limit = Math.min(text.length, 2000);
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) latinCount++;
    else if (c >= 0x900 && c <= 0xd7f)
      for (const [name, lo, hi] of SCRIPT_BLOCKS)
        if (c >= lo && c <= hi) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  let best = 'Latin';
  let bestCount = 0;
  for (const [name, n] of counts)
    if (n > bestCount) {
      best = name;
      bestCount = n;
    }
  // An Indic script wins over Latin even in a code-mixed message ("naaku chest pain ga undi" has none, so Latin).
  return bestCount > 0 && bestCount * 4 >= latinCount / 4 ? best : 'Latin';
}

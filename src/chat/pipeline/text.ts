/**
 * Small text helpers shared by the pipeline steps. Everything works on normalised text (see normalise.ts):
 * Latin lower-cased, Devanagari kept, digits ASCII.
 */

/**
 * Builds a regex from alternatives with word boundaries that also work for Devanagari
 * (JavaScript's \b only knows ASCII word characters).
 */
export function words(pattern: string, flags = 'u'): RegExp {
  return new RegExp(
    `(?<![\\p{L}\\p{M}\\p{N}])(?:${pattern})(?![\\p{L}\\p{M}])`,
    flags.includes('u') ? flags : flags + 'u',
  );
}

/** True when any of the patterns matches. */
export function anyMatch(text: string, patterns: RegExp[]): boolean {
  return patterns.some((re) => re.test(text));
}

/** Longest clause handed to the phrase patterns; longer ones are cut into overlapping windows of words. */
const WINDOW_WORDS = 24;
const WINDOW_OVERLAP = 6;

/**
 * Splits a message into clauses (punctuation and conjunctions), so a negation or a "last year" stays local.
 * A very long clause becomes overlapping windows of words, which keeps triage linear in the message length.
 */
export function clauses(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(
    /[,;!?]|\.(?!\d)|(?<![\p{L}\p{M}])(?:and|but|however|aur|lekin|magar|par|और|लेकिन|मगर|पर)(?![\p{L}\p{M}])/u,
  )) {
    const c = raw.trim();
    if (!c) continue;
    const w = c.split(' ');
    if (w.length <= WINDOW_WORDS) {
      out.push(c);
      continue;
    }
    for (let i = 0; i < w.length; i += WINDOW_WORDS - WINDOW_OVERLAP)
      out.push(w.slice(i, i + WINDOW_WORDS).join(' '));
  }
  return out;
}

export const NUM = '(\\d{1,3}(?:\\.\\d{1,2})?)';

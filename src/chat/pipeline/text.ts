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

/** Splits a message into clauses (punctuation and conjunctions), so a negation or a "last year" stays local. */
export function clauses(text: string): string[] {
  return text
    .split(
      /[,;!?]|\.(?!\d)|(?<![\p{L}\p{M}])(?:and|but|however|aur|lekin|magar|par|और|लेकिन|मगर|पर)(?![\p{L}\p{M}])/u,
    )
    .map((c) => c.trim())
    .filter(Boolean);
}

export const NUM = '(\\d{1,3}(?:\\.\\d{1,2})?)';

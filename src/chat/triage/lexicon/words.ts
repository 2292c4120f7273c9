/**
 * Helpers for the language files. A glucose label followed by a number written in words ("sugar naarpathu",
 * "ಶುಗರ್ ನಲವತ್ತು") names a dangerous reading by itself; the engine reads digits only, so these pairs are phrases.
 */
export const labelThenNumber = (labels: string[], numbers: string[]): string[] =>
  labels.flatMap((label) => numbers.map((n) => `${label} ${n}*`));

/**
 * An age said with a count ("baby ki 3 weeks", "5 ആഴ്ച കുഞ്ഞ്"): each template with `#` replaced by 1..max.
 * Templates keep a baby word next to the count, so "fever for 3 weeks" stays a duration.
 */
export const counted = (max: number, templates: string[]): string[] =>
  templates.flatMap((t) => Array.from({ length: max }, (_, i) => t.replace('#', String(i + 1))));

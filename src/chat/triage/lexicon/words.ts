/**
 * Helpers for the language files. A glucose label followed by a number written in words ("sugar naarpathu",
 * "ಶುಗರ್ ನಲವತ್ತು") names a dangerous reading by itself; the engine reads digits only, so these pairs are phrases.
 */
export const labelThenNumber = (labels: string[], numbers: string[]): string[] =>
  labels.flatMap((label) => numbers.map((n) => `${label} ${n}*`));

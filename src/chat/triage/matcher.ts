/**
 * Aho–Corasick over every lexicon phrase of every language at once: one left-to-right pass over the normalised
 * message finds all phrases, so the cost grows with the message length only (no regex backtracking), and a
 * code-mixed message ("chest mein pressure hai") meets the English and the Hinglish words in the same pass.
 */

export interface Pattern {
  /** Normalised phrase without its wildcards. */
  text: string;
  /** The first word may begin earlier (leading `*`). */
  openStart: boolean;
  /** The last word may continue (trailing `*`). */
  openEnd: boolean;
  concept: string;
  lang: string;
}

export interface Hit {
  pattern: Pattern;
  /** Index of the first and one past the last character in the normalised text. */
  start: number;
  end: number;
}

interface Node {
  /** Transitions by UTF-16 code unit (every supported script is in the Basic Multilingual Plane). */
  next: Map<number, number>;
  fail: number;
  /** Patterns ending at this node. */
  out: number[];
  /** Nearest node on the fail chain that has patterns (-1: none). */
  dict: number;
}

export class PhraseMatcher {
  private readonly nodes: Node[] = [{ next: new Map(), fail: 0, out: [], dict: -1 }];

  constructor(private readonly patterns: Pattern[]) {
    patterns.forEach((p, id) => {
      let n = 0;
      for (let i = 0; i < p.text.length; i++) {
        const ch = p.text.charCodeAt(i);
        let to = this.nodes[n].next.get(ch);
        if (to === undefined) {
          to = this.nodes.length;
          this.nodes.push({ next: new Map(), fail: 0, out: [], dict: -1 });
          this.nodes[n].next.set(ch, to);
        }
        n = to;
      }
      this.nodes[n].out.push(id);
    });
    const queue: number[] = [];
    for (const to of this.nodes[0].next.values()) queue.push(to);
    for (let q = 0; q < queue.length; q++) {
      const r = queue[q];
      for (const [ch, u] of this.nodes[r].next) {
        queue.push(u);
        let f = this.nodes[r].fail;
        while (f !== 0 && !this.nodes[f].next.has(ch)) f = this.nodes[f].fail;
        const g = this.nodes[f].next.get(ch);
        this.nodes[u].fail = g !== undefined && g !== u ? g : 0;
        const fail = this.nodes[u].fail;
        this.nodes[u].dict = this.nodes[fail].out.length ? fail : this.nodes[fail].dict;
      }
    }
  }

  /** Every phrase found in `text`, with its word boundaries checked. */
  scan(text: string): Hit[] {
    const hits: Hit[] = [];
    let n = 0;
    for (let k = 0; k < text.length; k++) {
      const ch = text.charCodeAt(k);
      const i = k + 1;
      while (n !== 0 && !this.nodes[n].next.has(ch)) n = this.nodes[n].fail;
      n = this.nodes[n].next.get(ch) ?? 0;
      for (let m = this.nodes[n].out.length ? n : this.nodes[n].dict; m !== -1; m = this.nodes[m].dict)
        for (const id of this.nodes[m].out) {
          const p = this.patterns[id];
          const start = i - p.text.length;
          if (!p.openStart && start > 0 && text[start - 1] !== ' ') continue;
          if (!p.openEnd && i < text.length && text[i] !== ' ') continue;
          hits.push({ pattern: p, start, end: i });
        }
    }
    return hits;
  }
}

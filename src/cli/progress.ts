import type { Writable } from 'node:stream';

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never in logs or pipes).
 * Redraws at most 10 times a second.
 */
export class Progress {
  private last = 0;
  private readonly started = Date.now();
  private readonly enabled: boolean;

  constructor(
    private readonly out: Writable & { isTTY?: boolean; columns?: number },
    private readonly label: string,
    private total: number | null = null,
  ) {
    this.enabled = Boolean(out.isTTY);
  }

  setTotal(total: number | null): void {
    this.total = total;
  }

  update(done: number, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const secs = Math.max((now - this.started) / 1000, 0.001);
    const rate = `${Math.round(done / secs).toLocaleString('en-US')}/s`;
    let line: string;
    if (this.total) {
      const frac = Math.min(done / this.total, 1);
      const width = 30;
      const filled = Math.round(frac * width);
      line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1)}% ${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} ${rate}`;
    } else {
      line = `${this.label} ${done.toLocaleString('en-US')} ${rate}`;
    }
    const cols = this.out.columns ?? 100;
    this.out.write(`\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, line.length + 2))}`);
  }

  done(done: number): void {
    if (!this.enabled) return;
    this.update(done, true);
    this.out.write('\n');
  }
}

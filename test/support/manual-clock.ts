import { Clock } from '../../src/common/clock.js';

/** A clock tests move by hand. */
export class ManualClock extends Clock {
  private t: number;
  constructor(start: Date | string | number) {
    super();
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  override nowMs(): number {
    return this.t;
  }
  set(to: Date | string | number): void {
    this.t = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

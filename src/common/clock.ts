/**
 * Time as a port, so schedulers and token expiry can be tested with an injected clock.
 * Production uses SystemClock; tests provide a controllable implementation.
 */
export abstract class Clock {
  abstract now(): Date;
  nowMs(): number {
    return this.now().getTime();
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
  override nowMs(): number {
    return Date.now();
  }
}

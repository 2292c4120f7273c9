import { Injectable } from '@nestjs/common';

/** Flips once on SIGTERM: readiness reports 503 so load balancers stop sending traffic while requests drain. */
@Injectable()
export class ShutdownState {
  private draining = false;
  get shuttingDown(): boolean {
    return this.draining;
  }
  begin(): void {
    this.draining = true;
  }
}

import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { counter, gauge } from './metrics.js';

const rejected = counter({
  name: 'podd_circuit_rejections_total',
  help: 'Calls refused at once because the circuit to a dependency was open',
  labelNames: ['dependency'],
});
const open = gauge({
  name: 'podd_circuit_open',
  help: '1 while the circuit to a dependency is open (calls fail fast), else 0',
  labelNames: ['dependency'],
});

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failures?: number;
  /** How long it stays open before one trial call (half-open). */
  halfOpenAfterMs?: number;
  /** Which errors count as the dependency failing (a refusal of our input does not). */
  isFailure: (e: Error) => boolean;
}

/**
 * A circuit breaker (cockatiel) around one external dependency (a model provider, Sarvam speech). During an
 * outage each call would otherwise pay the full timeout; after `failures` consecutive failures calls fail at
 * once with `BrokenCircuitError` for `halfOpenAfterMs`, then one trial call decides whether it closes again.
 */
export class DependencyBreaker {
  private readonly policy;

  constructor(
    readonly dependency: string,
    options: BreakerOptions,
  ) {
    this.policy = circuitBreaker(
      handleWhen((e) => e instanceof Error && options.isFailure(e)),
      {
        halfOpenAfter: options.halfOpenAfterMs ?? 30_000,
        breaker: new ConsecutiveBreaker(options.failures ?? 5),
      },
    );
    open.set({ dependency }, 0);
    this.policy.onStateChange((state) =>
      open.set({ dependency }, state === CircuitState.Open || state === CircuitState.Isolated ? 1 : 0),
    );
  }

  get isOpen(): boolean {
    return this.policy.state === CircuitState.Open;
  }

  /** Runs `fn` through the breaker; an open circuit throws `BrokenCircuitError` without calling it. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(fn);
    } catch (e) {
      if (e instanceof BrokenCircuitError) rejected.inc({ dependency: this.dependency });
      throw e;
    }
  }
}

export { BrokenCircuitError };

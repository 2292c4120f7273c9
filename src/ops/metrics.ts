import {
  Counter,
  Gauge,
  Histogram,
  register,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/**
 * Prometheus metrics live in prom-client's default registry (served at GET /metrics).
 * Several app instances can live in one process (tests), so metrics are get-or-create by name.
 */
function getOrCreate<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

export const counter = <L extends string>(cfg: CounterConfiguration<L>): Counter<L> =>
  getOrCreate(cfg.name, () => new Counter(cfg));
export const gauge = <L extends string>(cfg: GaugeConfiguration<L>): Gauge<L> =>
  getOrCreate(cfg.name, () => new Gauge(cfg));
export const histogram = <L extends string>(cfg: HistogramConfiguration<L>): Histogram<L> =>
  getOrCreate(cfg.name, () => new Histogram(cfg));

/**
 * The value of one series in a Prometheus text exposition, 0 when absent. `series` is the metric name,
 * with its labels exactly as exposed when it has any: `podd_login_lockouts_total{scope="address"}`.
 */
export function metricValue(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}

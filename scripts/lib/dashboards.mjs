// The Grafana dashboards of Podd, as data: one list of panels per dashboard, each with its PromQL.
// `node scripts/gen-observability.mjs` writes helm/podd/dashboards/*.json (the chart's ConfigMaps read them
// with .Files.Get) and the identical copies in deploy/grafana/dashboards/ (Compose provisioning);
// test/unit/observability-files.test.ts fails when a committed file differs from this source.
// scripts/check-observability.sh runs every panel query against a real Prometheus scraping a real Podd.

const RATE = '$__rate_interval';
const SEL = 'job=~"$job"';
const http = (extra = '') => `podd_http_request_duration_seconds_count{${SEL}${extra}}`;

/** Panel kinds: timeseries (default) or stat. `unit` is Grafana's unit id. */
const overview = {
  uid: 'podd-overview',
  title: 'Podd — service overview',
  description: 'HTTP traffic, errors and latency per route; Node runtime; readiness of the database, event store and Redis.',
  rows: [
    {
      title: 'HTTP',
      panels: [
        {
          title: 'Requests per second by route',
          unit: 'reqps',
          expr: `sum by (route) (rate(${http()}[${RATE}]))`,
          legend: '{{route}}',
        },
        {
          title: '5xx ratio by route',
          unit: 'percentunit',
          // `or … * 0` keeps a 0 line for routes without errors instead of an empty panel.
          expr:
            `(sum by (route) (rate(${http(',status_code=~"5.."')}[${RATE}])) or sum by (route) (rate(${http()}[${RATE}])) * 0)` +
            ` / sum by (route) (rate(${http()}[${RATE}]))`,
          legend: '{{route}}',
        },
        {
          title: 'Client and server errors by status',
          unit: 'reqps',
          expr: `sum by (status_code, route) (rate(${http(',status_code=~"[45].."')}[${RATE}]))`,
          legend: '{{status_code}} {{route}}',
        },
        {
          title: 'Latency p50 by route',
          unit: 's',
          expr: `histogram_quantile(0.5, sum by (le, route) (rate(podd_http_request_duration_seconds_bucket{${SEL}}[${RATE}])))`,
          legend: '{{route}}',
        },
        {
          title: 'Latency p99 by route',
          unit: 's',
          expr: `histogram_quantile(0.99, sum by (le, route) (rate(podd_http_request_duration_seconds_bucket{${SEL}}[${RATE}])))`,
          legend: '{{route}}',
        },
      ],
    },
    {
      title: 'Runtime',
      panels: [
        {
          title: 'Event-loop delay p99 / p50',
          unit: 's',
          targets: [
            { expr: `max by (instance) (nodejs_eventloop_lag_p99_seconds{${SEL}})`, legend: 'p99 {{instance}}' },
            { expr: `max by (instance) (nodejs_eventloop_lag_p50_seconds{${SEL}})`, legend: 'p50 {{instance}}' },
          ],
        },
        {
          title: 'Heap used / total',
          unit: 'bytes',
          targets: [
            { expr: `sum by (instance) (nodejs_heap_size_used_bytes{${SEL}})`, legend: 'used {{instance}}' },
            { expr: `sum by (instance) (nodejs_heap_size_total_bytes{${SEL}})`, legend: 'total {{instance}}' },
          ],
        },
        {
          title: 'Resident memory (RSS)',
          unit: 'bytes',
          expr: `sum by (instance) (process_resident_memory_bytes{${SEL}})`,
          legend: '{{instance}}',
        },
        {
          title: 'CPU (cores)',
          unit: 'short',
          expr: `sum by (instance) (rate(process_cpu_seconds_total{${SEL}}[${RATE}]))`,
          legend: '{{instance}}',
        },
      ],
    },
    {
      title: 'Readiness and dependencies',
      panels: [
        {
          title: 'Ready instances',
          kind: 'stat',
          unit: 'short',
          expr: `sum(podd_ready{${SEL}})`,
          legend: 'ready',
        },
        {
          title: 'Dependency checks up (auth DB, event store, Redis, cloud replica)',
          unit: 'short',
          expr: `min by (check) (podd_health_check_up{${SEL}})`,
          legend: '{{check}}',
        },
        {
          title: 'Dependency check duration',
          unit: 's',
          expr: `max by (check) (podd_health_check_duration_seconds{${SEL}})`,
          legend: '{{check}}',
        },
        {
          title: 'Scrape targets up',
          unit: 'short',
          expr: `up{${SEL}}`,
          legend: '{{instance}}',
        },
      ],
    },
  ],
};

const domain = {
  uid: 'podd-domain',
  title: 'Podd — reminders, replication, chat and security',
  description: 'Reminder timeliness and exactly-once, missed doses, the LocusGraph outbox, webhooks, chat, logins and the access log.',
  rows: [
    {
      title: 'Reminders',
      panels: [
        {
          title: 'Reminders handled by outcome',
          unit: 'short',
          expr: `sum by (source, outcome) (increase(podd_reminders_fired_total{${SEL}}[${RATE}]))`,
          legend: '{{source}} {{outcome}}',
        },
        {
          title: 'Reminder lateness p50 / p99',
          unit: 's',
          targets: [
            {
              expr: `histogram_quantile(0.99, sum by (le) (rate(podd_reminder_lateness_seconds_bucket{${SEL}}[$__range])))`,
              legend: 'p99',
            },
            {
              expr: `histogram_quantile(0.5, sum by (le) (rate(podd_reminder_lateness_seconds_bucket{${SEL}}[$__range])))`,
              legend: 'p50',
            },
          ],
        },
        {
          title: 'Reminders sent more than 1 min late',
          unit: 'short',
          expr:
            `sum(increase(podd_reminder_lateness_seconds_count{${SEL}}[${RATE}]))` +
            ` - sum(increase(podd_reminder_lateness_seconds_bucket{${SEL},le="60"}[${RATE}]))`,
          legend: 'late > 1 min',
        },
        {
          title: 'Duplicate reminders stopped',
          unit: 'short',
          expr: `sum(increase(podd_reminder_duplicates_prevented_total{${SEL}}[${RATE}]))`,
          legend: 'duplicates',
        },
        {
          title: 'Missed doses',
          unit: 'short',
          expr: `sum(increase(podd_missed_doses_total{${SEL}}[${RATE}]))`,
          legend: 'missed doses',
        },
        {
          title: 'Reminder processing errors',
          unit: 'short',
          expr: `sum(increase(podd_reminder_processing_errors_total{${SEL}}[${RATE}]))`,
          legend: 'errors',
        },
      ],
    },
    {
      title: 'LocusGraph replication and webhooks',
      panels: [
        {
          title: 'Outbox depth',
          unit: 'short',
          expr: `max(podd_locusgraph_outbox_depth{${SEL}})`,
          legend: 'waiting',
        },
        {
          title: 'Replication lag',
          unit: 's',
          expr: `max(podd_locusgraph_replication_lag_seconds{${SEL}})`,
          legend: 'oldest entry',
        },
        {
          title: 'Dead letters',
          unit: 'short',
          expr: `max(podd_locusgraph_dead_letters{${SEL}})`,
          legend: 'dead letters',
        },
        {
          title: 'Replication failures by reason',
          unit: 'short',
          expr: `sum by (reason) (increase(podd_locusgraph_outbox_failures_total{${SEL}}[${RATE}]))`,
          legend: '{{reason}}',
        },
        {
          title: 'Webhook deliveries by outcome',
          unit: 'short',
          expr: `sum by (outcome) (increase(podd_webhook_deliveries_total{${SEL}}[${RATE}]))`,
          legend: '{{outcome}}',
        },
      ],
    },
    {
      title: 'Chat',
      panels: [
        {
          title: 'Chat messages by intent',
          unit: 'short',
          expr: `sum by (intent) (increase(podd_chat_messages_total{${SEL}}[${RATE}]))`,
          legend: '{{intent}}',
        },
        {
          title: 'Chat provider fallbacks (offline assistant answered)',
          unit: 'short',
          expr: `sum by (provider, outcome) (increase(podd_chat_provider_calls_total{${SEL},outcome!="ok"}[${RATE}]))`,
          legend: '{{provider}} {{outcome}}',
        },
        {
          title: 'Triage alarms by category',
          unit: 'short',
          expr: `sum by (category) (increase(podd_triage_alarms_total{${SEL}}[$__range]))`,
          legend: '{{category}}',
        },
      ],
    },
    {
      title: 'Sign-in and audit',
      panels: [
        {
          title: 'Login failures',
          unit: 'short',
          expr: `sum(increase(podd_login_failures_total{${SEL}}[${RATE}]))`,
          legend: 'failures',
        },
        {
          title: 'Lockouts by scope',
          unit: 'short',
          expr: `sum by (scope) (increase(podd_login_lockouts_total{${SEL}}[$__range]))`,
          legend: '{{scope}}',
        },
        {
          title: 'Access-log entries and write failures',
          unit: 'short',
          targets: [
            { expr: `sum(increase(podd_access_log_entries_total{${SEL}}[${RATE}]))`, legend: 'entries' },
            { expr: `sum(increase(podd_access_log_write_failures_total{${SEL}}[${RATE}]))`, legend: 'write failures' },
          ],
        },
      ],
    },
  ],
};

export const DASHBOARDS = [overview, domain];

/** The targets of a panel (single-`expr` panels have one). */
export const targetsOf = (p) => p.targets ?? [{ expr: p.expr, legend: p.legend }];

function grafanaPanel(p, id, x, y) {
  const stat = p.kind === 'stat';
  return {
    id,
    type: stat ? 'stat' : 'timeseries',
    title: p.title,
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { h: 8, w: 8, x, y },
    fieldConfig: {
      defaults: stat
        ? { unit: p.unit, color: { mode: 'thresholds' } }
        : { unit: p.unit, custom: { lineWidth: 1, fillOpacity: 10, showPoints: 'never' } },
      overrides: [],
    },
    options: stat
      ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value' }
      : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: targetsOf(p).map((t, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: { type: 'prometheus', uid: '${datasource}' },
      expr: t.expr,
      legendFormat: t.legend,
      range: true,
    })),
  };
}

/** The Grafana JSON model of one dashboard (schemaVersion 39; the datasource and job are variables). */
export function toGrafana(d) {
  const panels = [];
  let id = 1;
  let y = 0;
  for (const row of d.rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    row.panels.forEach((p, i) => {
      panels.push(grafanaPanel(p, id++, (i % 3) * 8, y + Math.floor(i / 3) * 8));
    });
    y += Math.ceil(row.panels.length / 3) * 8;
  }
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['podd'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        {
          name: 'job',
          label: 'Job',
          type: 'query',
          datasource: { type: 'prometheus', uid: '${datasource}' },
          query: { query: 'label_values(podd_http_request_duration_seconds_count, job)', refId: 'job' },
          definition: 'label_values(podd_http_request_duration_seconds_count, job)',
          includeAll: true,
          allValue: '.*',
          multi: true,
          current: { text: 'All', value: '$__all' },
          refresh: 2,
          hide: 0,
        },
      ],
    },
    annotations: { list: [] },
    links: [],
    panels,
  };
}

export const fileName = (d) => `${d.uid}.json`;
export const render = (d) => `${JSON.stringify(toGrafana(d), null, 2)}\n`;

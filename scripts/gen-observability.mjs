// One source of truth for the monitoring files, two places to ship them:
// - the Grafana dashboards, built from scripts/lib/dashboards.mjs, into helm/podd/dashboards/ (the chart's
//   ConfigMaps read them with .Files.Get) and the same bytes into deploy/grafana/dashboards/ (Compose);
// - the alerting rules, edited in helm/podd/prometheus/alerts.yml (the chart's PrometheusRule), copied to
//   deploy/prometheus/alerts.yml (plain Prometheus).
// Run after editing either:  node scripts/gen-observability.mjs
// --check: exit 1 when a committed file differs (test/unit/observability-files.test.ts runs it);
// --table: print the panel/query table of docs/OPERATIONS.md.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { DASHBOARDS, fileName, render, targetsOf } from './lib/dashboards.mjs';

if (process.argv.includes('--table')) {
  for (const d of DASHBOARDS) {
    console.log(`\n**${d.title}** (\`${fileName(d)}\`)\n\n| Row | Panel | Query |\n| --- | --- | --- |`);
    for (const row of d.rows)
      for (const p of row.panels)
        console.log(`| ${row.title} | ${p.title} | ${targetsOf(p).map((t) => `\`${t.expr.replaceAll('|', '\\|')}\``).join('<br>')} |`);
  }
} else if (process.argv.includes('--check')) {
  const stale = [];
  const alerts = readFileSync('helm/podd/prometheus/alerts.yml', 'utf8');
  const read = (f) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return null;
    }
  };
  for (const dir of ['helm/podd/dashboards', 'deploy/grafana/dashboards'])
    for (const d of DASHBOARDS) if (read(`${dir}/${fileName(d)}`) !== render(d)) stale.push(`${dir}/${fileName(d)}`);
  if (read('deploy/prometheus/alerts.yml') !== alerts) stale.push('deploy/prometheus/alerts.yml');
  if (stale.length) {
    console.error(`out of date (run node scripts/gen-observability.mjs): ${stale.join(', ')}`);
    process.exit(1);
  }
} else {
  for (const dir of ['helm/podd/dashboards', 'deploy/grafana/dashboards']) {
    mkdirSync(dir, { recursive: true });
    for (const d of DASHBOARDS) writeFileSync(`${dir}/${fileName(d)}`, render(d));
  }
  mkdirSync('deploy/prometheus', { recursive: true });
  copyFileSync('helm/podd/prometheus/alerts.yml', 'deploy/prometheus/alerts.yml');
}

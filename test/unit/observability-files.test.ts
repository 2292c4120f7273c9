import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';

/**
 * The monitoring files: one source each (dashboards from scripts/lib/dashboards.mjs, alerts in
 * helm/podd/prometheus/alerts.yml), copies in deploy/ identical, every alert tested and documented, every
 * dashboard query naming metrics Podd really exports. (The queries themselves run against a real Prometheus
 * in scripts/check-observability.sh.)
 */

/** Metrics another module is adding; dashboards may name them before they exist in src. */
const PENDING_METRICS = [
  'podd_triage_alarms_total',
  'podd_login_failures_total',
  'podd_login_lockouts_total',
];

interface Rule {
  alert: string;
  expr: string;
  annotations: Record<string, string>;
}
const rules = (
  loadYaml(readFileSync('helm/podd/prometheus/alerts.yml', 'utf8')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);

interface AlertTest {
  alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
}
const alertTests = (
  loadYaml(readFileSync('deploy/prometheus/alerts.test.yml', 'utf8')) as { tests: AlertTest[] }
).tests.flatMap((t) => t.alert_rule_test);

const operations = readFileSync('docs/OPERATIONS.md', 'utf8');
/** GitHub's heading anchors: lower case, spaces to dashes, punctuation dropped. */
const anchors = new Set(
  [...operations.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
    m[1]
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9 _-]/g, '')
      .replace(/ /g, '-'),
  ),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
const declared = new Set(
  sourceFiles('src').flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/name: '(podd_[a-z0-9_]+)'/g)].map((m) => m[1]),
  ),
);

describe('monitoring files', () => {
  it('dashboards and the deploy/ copies match their sources (node scripts/gen-observability.mjs --check)', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-observability.mjs', '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const f of readdirSync('helm/podd/dashboards'))
      expect(readFileSync(join('deploy/grafana/dashboards', f), 'utf8')).toBe(
        readFileSync(join('helm/podd/dashboards', f), 'utf8'),
      );
  });

  it('every dashboard query names metrics Podd exports (or one being added elsewhere)', () => {
    const exprs = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { DASHBOARDS, targetsOf } from './scripts/lib/dashboards.mjs';" +
          'console.log(JSON.stringify(DASHBOARDS.flatMap((d) => d.rows.flatMap((r) => r.panels.flatMap((p) => targetsOf(p).map((t) => t.expr))))));',
      ],
      { encoding: 'utf8' },
    );
    const names = new Set(
      (JSON.parse(exprs) as string[]).flatMap((e) =>
        [...e.matchAll(/\b(podd_[a-z0-9_]+)/g)].map((m) => m[1].replace(/_(bucket|count|sum)$/, '')),
      ),
    );
    expect(names.size).toBeGreaterThan(15);
    const unknown = [...names].filter((n) => !declared.has(n) && !PENDING_METRICS.includes(n));
    expect(unknown).toEqual([]);
  });

  it('every alert has a firing and a silent unit test, and a runbook section its runbook_url points at', () => {
    expect(rules.length).toBeGreaterThanOrEqual(11);
    for (const r of rules) {
      const tests = alertTests.filter((t) => t.alertname === r.alert);
      expect(
        tests.some((t) => t.exp_alerts.length > 0),
        `${r.alert} has no firing test`,
      ).toBe(true);
      expect(
        tests.some((t) => t.exp_alerts.length === 0),
        `${r.alert} has no silent test`,
      ).toBe(true);
      const m = /^docs\/OPERATIONS\.md#([a-z0-9-]+)$/.exec(r.annotations.runbook_url);
      expect(m, `${r.alert} runbook_url`).not.toBeNull();
      expect(anchors.has(m![1]), `docs/OPERATIONS.md has no section #${m![1]}`).toBe(true);
    }
  });

  it('alert expressions only use metrics Podd exports (or the blackbox exporter’s certificate probe)', () => {
    for (const r of rules) {
      for (const m of r.expr.matchAll(/\b(podd_[a-z0-9_]+)/g)) {
        expect(declared.has(m[1].replace(/_(bucket|count|sum)$/, '')), `${r.alert}: ${m[1]}`).toBe(true);
      }
    }
  });
});

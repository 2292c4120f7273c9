import { describe, expect, it } from 'vitest';
import { appSuite, registerUser } from '../support/app.js';

/**
 * Nothing secret or medical reaches the logs: a realistic session over many routes with distinctive values
 * (passwords, tokens, a heart rate of 187, "unique-food-XYZ", a medicine, a phone number, chat text, a
 * red-flag message, validation failures carrying bad values, a 404, an erasure), then every captured log
 * line is scanned for each of them.
 */
describe('log hygiene over a realistic session', () => {
  const { t } = appSuite({ env: { LOG_LEVEL: 'debug', LOGIN_MAX_FAILURES: '2' }, users: 0 });

  it('no password, token, secret or health value appears in any log line', async () => {
    const password = 'pw-Secret-Horse-4711';
    const u = await registerUser(t, {
      email: 'hygiene.person@example.com',
      password,
      name: 'Hygiene Person',
    });
    const secrets: string[] = [password, u.accessToken, u.refreshToken, t.config.jwt.secret];
    const health: (string | RegExp)[] = [
      'unique-food-XYZ',
      'Zyxoprolol-unique',
      '731-mg-dose',
      'take-with-unique-juice',
      '+919812345678',
      'Unique Contact Name',
      'my-unique-chest-note',
      'fell-in-unique-bathroom',
      'unique-appointment-note',
      'unique-mood-note',
      'Unique Cardiologist',
      /\b187\b(?!\d)/,
      '73.219',
      '38.47',
      '213.7',
    ];
    /** The request (or a status already read) succeeded. */
    const ok = async (what: string, res: number | PromiseLike<{ status: number }>) =>
      expect(typeof res === 'number' ? res : (await res).status, what).toBeLessThan(300);

    await ok('login', t.http.post('/api/auth/login').send({ email: u.email, password }));
    expect(
      (await t.http.post('/api/auth/login').send({ email: u.email, password: `${password}-wrong` })).status,
    ).toBe(401);
    const refreshed = await t.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken });
    await ok('refresh', refreshed.status);
    secrets.push(refreshed.body.access_token, refreshed.body.refresh_token);
    await ok(
      'profile',
      t.as(u).post('/api/profile', {
        name: 'Hygiene Person',
        age: 71,
        blood_type: 'AB+',
        timezone: 'Asia/Kolkata',
      }),
    );
    const vitals = await t.as(u).post('/api/vitals', {
      heart_rate: 187,
      weight_kg: 73.219,
      temperature: 38.47,
      blood_sugar: 213.7,
      fasting: true,
    });
    await ok('vitals', vitals.status);
    await ok('put', t.as(u).put(`/api/vitals/${vitals.body.id}`, { heart_rate: 187 }));
    await ok('get', t.as(u).get(`/api/vitals/${vitals.body.id}`));
    await ok('legacy vitals', t.as(u).post('/api/health/vitals', { heart_rate: 187 }));
    await ok('food', t.as(u).post('/api/food-logs', { description: 'unique-food-XYZ', meal_type: 'lunch' }));
    await ok('water', t.as(u).post('/api/tracking/water/log', { amount_ml: 731 }));
    await ok(
      'mood',
      t
        .as(u)
        .post('/api/tracking/mood/log', { mood: 'good', energy_level: 'high', notes: 'unique-mood-note' }),
    );
    const med = await t.as(u).post('/api/medication', {
      name: 'Zyxoprolol-unique',
      dosage: '731-mg-dose',
      frequency: 'daily',
      instructions: 'take-with-unique-juice',
    });
    await ok('medication', med.status);
    await ok(
      'schedule',
      t.as(u).post('/api/medication-schedules', {
        medication_id: med.body.id,
        time_of_day: '08:00',
        days_of_week: ['mon'],
      }),
    );
    await ok(
      'dose',
      t.as(u).post('/api/medication/log', { medication_id: med.body.id, notes: '731-mg-dose' }),
    );
    await ok(
      'contact',
      t.as(u).post('/api/emergency-contacts', {
        name: 'Unique Contact Name',
        phone: '+919812345678',
        is_primary: true,
      }),
    );
    const alert = { type: 'fall', severity: 'high', description: 'fell-in-unique-bathroom' };
    await ok('alert', t.as(u).post('/api/emergency/alert', alert));
    await ok(
      'appointment',
      t.as(u).post('/api/appointments', {
        title: 'Cardiology',
        doctor_name: 'Unique Cardiologist',
        scheduled_at: '2026-12-24T10:30:00+05:30',
        notes: 'unique-appointment-note',
      }),
    );
    await ok('chat', t.as(u).post('/api/chat', { message: 'I ate unique-food-XYZ for lunch' }));
    await ok('red flag', t.as(u).post('/api/chat', { message: 'severe chest pain, my-unique-chest-note' }));
    await ok('insights', t.as(u).get('/api/health/insights'));
    await ok('export', t.as(u).get('/api/auth/me/export'));
    // Failures carrying the values: validation (422), malformed JSON (400), a foreign id (404), a bad token.
    expect((await t.as(u).post('/api/vitals', { heart_rate: '187-bpm-unique-food-XYZ' })).status).toBe(422);
    expect(
      (await t.as(u).post('/api/vitals').set('Content-Type', 'application/json').send('{"heart_rate":187,'))
        .status,
    ).toBe(400);
    expect((await t.as(u).get('/api/vitals/aaaaaaaaaaaa')).status).toBe(404);
    expect((await t.http.get('/api/vitals').set('Authorization', `Bearer ${u.refreshToken}`)).status).toBe(
      401,
    );
    await ok(
      'change password',
      t.as(u).post('/api/auth/change-password', {
        current_password: password,
        new_password: 'pw-New-Horse-0815',
      }),
    );
    secrets.push('pw-New-Horse-0815');
    expect(t.logs.length).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const line of t.logs) {
      for (const s of secrets) if (s && line.includes(s)) leaks.push(`secret ${s.slice(0, 12)}… in ${line}`);
      for (const h of health) {
        if (
          typeof h === 'string'
            ? line.includes(h)
            : h.test(line.replace(/"(time|ms|pid|hostname)":[^,}]*/g, ''))
        )
          leaks.push(`health value ${h} in ${line}`);
      }
      if (/"(password|access_token|refresh_token|authorization)"\s*:/i.test(line))
        leaks.push(`field in ${line}`);
    }
    expect(leaks).toEqual([]);
  });
});

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
    const auth = { Authorization: `Bearer ${u.accessToken}` };
    const ok = (status: number, what: string) => expect(status, what).toBeLessThan(300);

    ok((await t.http.post('/api/auth/login').send({ email: u.email, password })).status, 'login');
    expect(
      (await t.http.post('/api/auth/login').send({ email: u.email, password: `${password}-wrong` })).status,
    ).toBe(401);
    const refreshed = await t.http.post('/api/auth/refresh').send({ refresh_token: u.refreshToken });
    ok(refreshed.status, 'refresh');
    secrets.push(refreshed.body.access_token, refreshed.body.refresh_token);
    ok(
      (
        await t.http
          .post('/api/profile')
          .set(auth)
          .send({ name: 'Hygiene Person', age: 71, blood_type: 'AB+', timezone: 'Asia/Kolkata' })
      ).status,
      'profile',
    );
    const vitals = await t.http
      .post('/api/vitals')
      .set(auth)
      .send({ heart_rate: 187, weight_kg: 73.219, temperature: 38.47, blood_sugar: 213.7, fasting: true });
    ok(vitals.status, 'vitals');
    ok((await t.http.put(`/api/vitals/${vitals.body.id}`).set(auth).send({ heart_rate: 187 })).status, 'put');
    ok((await t.http.get(`/api/vitals/${vitals.body.id}`).set(auth)).status, 'get');
    ok((await t.http.post('/api/health/vitals').set(auth).send({ heart_rate: 187 })).status, 'legacy vitals');
    ok(
      (
        await t.http
          .post('/api/food-logs')
          .set(auth)
          .send({ description: 'unique-food-XYZ', meal_type: 'lunch' })
      ).status,
      'food',
    );
    ok((await t.http.post('/api/tracking/water/log').set(auth).send({ amount_ml: 731 })).status, 'water');
    ok(
      (
        await t.http
          .post('/api/tracking/mood/log')
          .set(auth)
          .send({ mood: 'good', energy_level: 'high', notes: 'unique-mood-note' })
      ).status,
      'mood',
    );
    const med = await t.http.post('/api/medication').set(auth).send({
      name: 'Zyxoprolol-unique',
      dosage: '731-mg-dose',
      frequency: 'daily',
      instructions: 'take-with-unique-juice',
    });
    ok(med.status, 'medication');
    ok(
      (
        await t.http
          .post('/api/medication-schedules')
          .set(auth)
          .send({ medication_id: med.body.id, time_of_day: '08:00', days_of_week: ['mon'] })
      ).status,
      'schedule',
    );
    ok(
      (
        await t.http
          .post('/api/medication/log')
          .set(auth)
          .send({ medication_id: med.body.id, notes: '731-mg-dose' })
      ).status,
      'dose',
    );
    ok(
      (
        await t.http
          .post('/api/emergency-contacts')
          .set(auth)
          .send({ name: 'Unique Contact Name', phone: '+919812345678', is_primary: true })
      ).status,
      'contact',
    );
    ok(
      (
        await t.http
          .post('/api/emergency/alert')
          .set(auth)
          .send({ type: 'fall', severity: 'high', description: 'fell-in-unique-bathroom' })
      ).status,
      'alert',
    );
    ok(
      (
        await t.http.post('/api/appointments').set(auth).send({
          title: 'Cardiology',
          doctor_name: 'Unique Cardiologist',
          scheduled_at: '2026-12-24T10:30:00+05:30',
          notes: 'unique-appointment-note',
        })
      ).status,
      'appointment',
    );
    ok(
      (await t.http.post('/api/chat').set(auth).send({ message: 'I ate unique-food-XYZ for lunch' })).status,
      'chat',
    );
    ok(
      (await t.http.post('/api/chat').set(auth).send({ message: 'severe chest pain, my-unique-chest-note' }))
        .status,
      'red flag',
    );
    ok((await t.http.get('/api/health/insights').set(auth)).status, 'insights');
    ok((await t.http.get('/api/auth/me/export').set(auth)).status, 'export');
    // Failures carrying the values: validation (422), malformed JSON (400), a foreign id (404), a bad token.
    expect(
      (await t.http.post('/api/vitals').set(auth).send({ heart_rate: '187-bpm-unique-food-XYZ' })).status,
    ).toBe(422);
    expect(
      (
        await t.http
          .post('/api/vitals')
          .set(auth)
          .set('Content-Type', 'application/json')
          .send('{"heart_rate":187,')
      ).status,
    ).toBe(400);
    expect((await t.http.get('/api/vitals/aaaaaaaaaaaa').set(auth)).status).toBe(404);
    expect((await t.http.get('/api/vitals').set('Authorization', `Bearer ${u.refreshToken}`)).status).toBe(
      401,
    );
    ok(
      (
        await t.http
          .post('/api/auth/change-password')
          .set(auth)
          .send({ current_password: password, new_password: 'pw-New-Horse-0815' })
      ).status,
      'change password',
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

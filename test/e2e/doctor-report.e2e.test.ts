import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocusGraphGateway } from '../../src/locusgraph/locusgraph.gateway.js';
import { STRINGS } from '../../src/reports/report-i18n.js';
import { appSuite, registerUser } from '../support/app.js';
import { seedHealthHistory, type SeededHistory } from '../support/health-seed.js';

/** Collects a binary body (supertest buffers only text by default). */
const binary = (
  res: NodeJS.ReadableStream & { setEncoding?: unknown },
  cb: (e: Error | null, b: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe("doctor's report (GET /api/reports/summary)", () => {
  const { t, u } = appSuite({ users: [{ name: 'Asha Sharma' }] });
  let seeded: SeededHistory;
  let dir: string;

  beforeAll(async () => {
    seeded = await seedHealthHistory(t.app.get(LocusGraphGateway), u.id, { days: 90 });
    dir = mkdtempSync(join(tmpdir(), 'podd-report-'));
  });
  afterAll(async () => {
    if (!process.env.KEEP_REPORTS) rmSync(dir, { recursive: true, force: true });
    else console.info(`reports kept in ${dir}`);
  });

  const pdf = async (q: string, headers: Record<string, string> = {}): Promise<string> => {
    const res = await t
      .as(u)
      .get(`/api/reports/summary?${q}`)
      .set({ Accept: 'application/pdf', ...headers })
      .buffer(true)
      .parse(binary as never);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const file = join(dir, `${q.replace(/\W/g, '_')}.pdf`);
    writeFileSync(file, res.body as Buffer);
    return file;
  };
  const text = (file: string, raw = false): string =>
    execFileSync('pdftotext', [...(raw ? ['-raw'] : []), '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  const pages = (file: string): number => {
    const prefix = join(dir, `page-${Math.random().toString(36).slice(2)}`);
    execFileSync('pdftoppm', ['-r', '40', '-png', file, prefix]);
    return readdirSync(dir).filter((f) => f.startsWith(prefix.split('/').pop()!) && f.endsWith('.png'))
      .length;
  };

  it('90 days: a PDF of at most two A4 pages with the medicines, adherence figures and an out-of-range reading', async () => {
    const file = await pdf('days=90');
    expect(pages(file)).toBeGreaterThanOrEqual(1);
    expect(pages(file)).toBeLessThanOrEqual(2);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    const txt = text(file);
    for (const m of seeded.medications) expect(txt).toContain(m.name);
    expect(txt).toContain('Asha Sharma');
    expect(txt).toContain('Type 2 diabetes');
    expect(txt).toContain('Medication adherence');

    // The adherence figures equal the adherence service's (the same classifier over the same 90 days).
    const json = await t.as(u).get('/api/reports/summary?days=90');
    expect(json.status).toBe(200);
    const metformin = json.body.adherence.medicines.find((m: { name: string }) => m.name === 'Metformin');
    expect(metformin.missed).toBeGreaterThan(10);
    expect(text(file, true)).toMatch(
      new RegExp(
        `Metformin\\s+${metformin.on_time_percent}%\\s+${metformin.taken_percent}%\\s+${metformin.missed}`,
      ),
    );
    const to = json.body.period.to as string;
    const api = await t
      .as(u)
      .get(`/api/medication/adherence?date_from=${json.body.period.from}&date_to=${to}`);
    expect(json.body.adherence.overall.missed).toBe(api.body.overall.missed);
    expect(json.body.adherence.overall.on_time_percent).toBe(api.body.overall.on_time_percent);

    // The high reading, with its value.
    expect(txt).toContain(`${seeded.highBp.systolic}/${seeded.highBp.diastolic} mmHg (high)`);
    expect(txt).toContain('Chat alarm: I have chest pain');
    expect(txt).toContain('Emergency alert: chest_pain, high');
  });

  it('Hindi (?lang=hi or Accept-Language): Devanagari text extracts back as the same Unicode string', async () => {
    const hi = STRINGS.hi;
    for (const file of [
      await pdf('days=30&lang=hi'),
      await pdf('days=30', { 'Accept-Language': 'hi-IN,hi;q=0.9' }),
    ]) {
      const txt = text(file).normalize('NFC');
      expect(pages(file)).toBeLessThanOrEqual(2);
      for (const s of [
        hi.adherence,
        hi.outOfRange,
        hi.sleepActivity,
        hi.missed,
        hi.disclaimer,
        `${hi.title}: Asha Sharma`,
      ])
        expect(txt).toContain(s.normalize('NFC'));
      expect(txt).toContain('Metformin');
    }
  });

  it('text/html: the same content as HTML, with inline SVG charts', async () => {
    const res = await t.as(u).get('/api/reports/summary?days=90').set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('Metformin');
    expect(res.text).toContain(`${seeded.highBp.systolic}/${seeded.highBp.diastolic} mmHg`);
    expect((res.text.match(/<svg /g) ?? []).length).toBe(3);
    // Its own <style> may apply; nothing may be loaded, run or framed.
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    );
    expect(res.text).not.toMatch(/<script|<img|<link/);
    const hi = await t.as(u).get('/api/reports/summary?lang=hi').set('Accept', 'text/html');
    expect(hi.text).toContain(STRINGS.hi.adherence);
    expect(hi.text).toContain('<html lang="hi">');
  });

  it('bad days or lang → 422; no token → 401', async () => {
    for (const q of ['days=45', 'days=abc', 'lang=fr']) {
      const res = await t.as(u).get(`/api/reports/summary?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.detail[0].loc[0]).toBe('query');
    }
    expect((await t.http.get('/api/reports/summary')).status).toBe(401);
  });

  it('a user with no records still gets a report (nothing out of range, no charts)', async () => {
    const other = await registerUser(t, { name: 'New User' });
    const res = await t.as(other).get('/api/reports/summary');
    expect(res.status).toBe(200);
    expect(res.body.out_of_range).toEqual([]);
    expect(res.body.adherence.overall).toBeNull();
    const html = await t.as(other).get('/api/reports/summary').set('Accept', 'text/html');
    expect(html.text).not.toContain('Metformin');
    expect(res.body.labs).toEqual({ latest: [], hba1c: [], hba1c_target: null });
  });

  it('lab section: the latest of each test with its date and the HbA1c trend against the target, within two pages', async () => {
    const add = (body: Record<string, unknown>) => t.as(u).post('/api/lab-results', body);
    const ago = (d: number): string => new Date(Date.now() - d * 86400_000).toISOString();
    await add({ test: 'hba1c', value: 8.1, taken_at: ago(300) });
    await add({ test: 'hba1c', value: 53, unit: 'mmol/mol', taken_at: ago(180) });
    await add({ test: 'hba1c', value: 7.4, taken_at: ago(20), lab_name: 'SRL' });
    await add({ test: 'ldl_cholesterol', value: 150, taken_at: ago(200) });
    await add({ test: 'ldl_cholesterol', value: 130, taken_at: ago(40) });
    await add({ test: 'tsh', value: 4.5, taken_at: ago(60) });
    // Older than two years: not shown.
    await add({ test: 'creatinine', value: 1.1, taken_at: ago(800) });
    await t.as(u).put('/api/profile', { hba1c_target: 7 });

    const json = (await t.as(u).get('/api/reports/summary?days=30')).body;
    expect(json.labs.latest.map((l: { test: string; value: number }) => [l.test, l.value])).toEqual([
      ['hba1c', 7.4],
      ['ldl_cholesterol', 130],
      ['tsh', 4.5],
    ]);
    expect(json.labs.hba1c.map((h: { percent: number }) => h.percent)).toEqual([8.1, 7, 7.4]);
    expect(json.labs.hba1c_target).toBe(7);

    const file = await pdf('days=90');
    expect(pages(file)).toBeLessThanOrEqual(2);
    const txt = text(file);
    expect(txt).toContain(STRINGS.en.labs);
    expect(txt).toContain('HbA1c 7.4 % —');
    expect(txt).toContain('(SRL)');
    expect(txt).toContain('TSH 4.5 µIU/mL');
    expect(text(file, true)).toMatch(
      /HbA1c trend: 8\.1 % \(.+\) → 7 % \(.+\) → 7\.4 % \(.+\); target set by the doctor: 7 %/,
    );
    expect(txt).not.toContain('Creatinine');
  });
});

import { BANDS, type DoctorReport, type LabSection } from './doctor-report.service.js';
import type { ReportStrings } from './report-i18n.js';
import { lineChartSvg } from './report-charts.js';
import { formatter, STRINGS } from './report-i18n.js';

/** The report as text lines, tables and charts: rendered alike by the HTML and the PDF writers. */
export interface ReportView {
  lang: string;
  title: string;
  subtitle: string;
  header: { label: string; value: string }[];
  adherence: { title: string; head: string[]; rows: string[][] };
  charts: { title: string; svg: string | null; width: number; height: number }[];
  sections: { title: string; lines: string[] }[];
  footer: string;
}

/** Lists longer than this are cut (the report must fit two pages). */
const MAX_LINES = 10;
const CHART_WIDTH = 523;

const cut = (lines: string[], more: string): string[] =>
  lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `+${lines.length - MAX_LINES} ${more}`] : lines;

const percent = (n: number | null): string => (n === null ? '–' : `${n}%`);

/** The lab section: one line per test (latest value and date), then the HbA1c trend against the doctor's target. */
function labLines(l: LabSection, s: ReportStrings, day: (d: string) => string): string[] {
  if (!l.latest.length) return [s.noLabs];
  const lines = l.latest.map(
    (x) => `${x.name} ${x.value} ${x.unit} — ${day(x.at)}${x.lab_name ? ` (${x.lab_name})` : ''}`,
  );
  if (l.hba1c.length > 1 || l.hba1c_target !== null) {
    const trend = l.hba1c.map((h) => `${h.percent} % (${day(h.at)})`).join(' → ');
    const target = l.hba1c_target === null ? s.noTarget : `${s.hba1cTarget}: ${l.hba1c_target} %`;
    lines.push(`${s.hba1cTrend}: ${trend || '–'}; ${target}`);
  }
  return lines;
}

export function reportView(r: DoctorReport): ReportView {
  const s = STRINGS[r.lang];
  const when = formatter(r.lang, r.zone);
  const day = formatter(r.lang, r.zone, false);
  const p = r.patient;
  const gender = p.gender ? ((s as Record<string, string>)[p.gender.toLowerCase()] ?? p.gender) : null;
  const list = (xs: string[]): string => (xs.length ? xs.join(', ') : s.none);
  const chart = (
    title: string,
    height: number,
    series: { points: DoctorReport['series']['weight']; color: string }[],
    bands: { lo: number; hi: number; color: string }[],
  ) => ({
    title,
    width: CHART_WIDTH,
    height,
    svg: lineChartSvg({
      width: CHART_WIDTH,
      height,
      start: r.period.start,
      end: r.period.end,
      zone: r.zone,
      series,
      bands,
    }),
  });
  const h = p.height_cm ? p.height_cm / 100 : null;
  const a = r.adherence;
  return {
    lang: r.lang,
    title: `${s.title}: ${p.name}`,
    subtitle: `${s.period}: ${day(`${r.period.from}T12:00:00Z`)} – ${day(`${r.period.to}T12:00:00Z`)} (${r.period.days} ${s.days})`,
    header: [
      {
        label: `${s.age} / ${s.gender}`,
        value: `${p.age ?? '–'} ${s.years}${gender ? `, ${gender}` : ''}`,
      },
      { label: s.conditions, value: list(p.conditions) },
      { label: s.allergies, value: list(p.allergies) },
      {
        label: s.medications,
        value: list(
          r.medications.map((m) =>
            [m.name, m.dosage, m.times.length ? m.times.join('/') : m.frequency].filter(Boolean).join(' '),
          ),
        ),
      },
    ],
    adherence: {
      title: s.adherence,
      head: [s.medicine, s.onTime, s.taken, s.missed],
      rows: [
        ...a.medicines.map((m) => [
          m.name,
          percent(m.on_time_percent),
          percent(m.taken_percent),
          String(m.missed),
        ]),
        ...(a.overall
          ? [
              [
                s.overall,
                percent(a.overall.on_time_percent),
                percent(a.overall.taken_percent),
                String(a.overall.missed),
              ],
            ]
          : []),
      ],
    },
    charts: [
      chart(
        `${s.bp} — ${s.target}`,
        120,
        [
          { points: r.series.systolic, color: '#c0392b' },
          { points: r.series.diastolic, color: '#2471a3' },
        ],
        [
          { lo: BANDS.systolic[0], hi: BANDS.systolic[1], color: '#f5b7b1' },
          { lo: BANDS.diastolic[0], hi: BANDS.diastolic[1], color: '#aed6f1' },
        ],
      ),
      chart(
        `${s.glucose}`,
        95,
        [{ points: r.series.glucose, color: '#7d3c98' }],
        [{ lo: BANDS.glucose[0], hi: BANDS.glucose[1], color: '#d7bde2' }],
      ),
      chart(
        `${s.weight}`,
        80,
        [{ points: r.series.weight, color: '#117a65' }],
        // Healthy weight for the profile height (BMI 18.5–24.9), when the height is known.
        h ? [{ lo: Math.round(18.5 * h * h), hi: Math.round(24.9 * h * h), color: '#a2d9ce' }] : [],
      ),
    ],
    sections: [
      {
        title: s.outOfRange,
        lines: cut(
          r.out_of_range.map(
            (o) => `${when(o.at)} — ${(s as Record<string, string>)[o.what]} ${o.value} (${s[o.direction]})`,
          ),
          s.more,
        ),
      },
      {
        title: s.sleepActivity,
        lines: [
          r.sleep.avg_hours === null
            ? `${s.sleepAvg}: ${s.noData}`
            : `${s.sleepAvg}: ${r.sleep.avg_hours} ${s.hoursPerNight} (${r.sleep.nights} ${s.nights}); ${r.sleep.short_nights} ${s.shortNights}`,
          r.activity.minutes_per_week === null
            ? `${s.exercise}: ${s.noData}`
            : `${s.exercise}: ${r.activity.minutes_per_week} ${s.minPerWeek} (${r.activity.sessions} ${s.sessions})`,
        ],
      },
      ...(r.labs ? [{ title: s.labs, lines: labLines(r.labs, s, day) }] : []),
      {
        title: s.alarms,
        lines: cut(
          r.alarms.map((x) => `${when(x.at)} — ${x.kind === 'triage' ? s.triage : s.emergency}: ${x.text}`),
          s.more,
        ),
      },
    ],
    footer: `${s.generated} ${when(r.generated_at)} (${r.zone}). ${s.disclaimer}`,
  };
}

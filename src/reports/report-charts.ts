import { scaleLinear, scaleTime } from 'd3-scale';
import { line } from 'd3-shape';
import type { Point } from './doctor-report.service.js';

export interface ChartSeries {
  points: Point[];
  color: string;
}

export interface ChartSpec {
  width: number;
  height: number;
  /** Period shown (epoch ms). */
  start: number;
  end: number;
  zone: string;
  series: ChartSeries[];
  /** Target ranges, shaded. */
  bands: { lo: number; hi: number; color: string }[];
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A line chart with shaded target bands as a self-contained SVG string (d3-scale + d3-shape, drawn on the
 * server; no fonts beyond digits, no network). The same SVG goes inline into the HTML and through
 * svg-to-pdfkit into the PDF. Null when there is nothing to draw.
 */
export function lineChartSvg(spec: ChartSpec): string | null {
  const all = spec.series.flatMap((s) => s.points);
  if (!all.length) return null;
  const m = { top: 6, right: 8, bottom: 16, left: 30 };
  const values = [...all.map((p) => p.v), ...spec.bands.flatMap((b) => [b.lo, b.hi])];
  const y = scaleLinear()
    .domain([Math.min(...values), Math.max(...values)])
    .nice(4)
    .range([spec.height - m.bottom, m.top]);
  const x = scaleTime()
    .domain([new Date(spec.start), new Date(spec.end)])
    .range([m.left, spec.width - m.right]);
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: spec.zone, day: '2-digit', month: '2-digit' });
  const parts: string[] = [];
  const [y0, y1] = y.range();
  for (const b of spec.bands) {
    const top = y(Math.min(b.hi, y.domain()[1]));
    const bottom = y(Math.max(b.lo, y.domain()[0]));
    parts.push(
      `<rect x="${m.left}" y="${top.toFixed(1)}" width="${spec.width - m.left - m.right}" height="${(bottom - top).toFixed(1)}" fill="${b.color}" fill-opacity="0.35"/>`,
    );
  }
  for (const t of y.ticks(4)) {
    const yy = y(t).toFixed(1);
    parts.push(
      `<line x1="${m.left}" x2="${spec.width - m.right}" y1="${yy}" y2="${yy}" stroke="#ddd" stroke-width="0.5"/>`,
      `<text x="${m.left - 3}" y="${yy}" dy="3" font-size="7" text-anchor="end" fill="#555">${t}</text>`,
    );
  }
  const ticks = 6;
  for (let i = 0; i <= ticks; i++) {
    const t = spec.start + ((spec.end - spec.start) * i) / ticks;
    parts.push(
      `<text x="${x(new Date(t)).toFixed(1)}" y="${spec.height - 4}" font-size="7" text-anchor="middle" fill="#555">${esc(day.format(t))}</text>`,
    );
  }
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${y1}" y2="${y0}" stroke="#999" stroke-width="0.5"/>`);
  const path = line<Point>()
    .x((p) => x(new Date(p.t)))
    .y((p) => y(p.v));
  for (const s of spec.series) {
    if (!s.points.length) continue;
    parts.push(`<path d="${path(s.points)}" fill="none" stroke="${s.color}" stroke-width="1.2"/>`);
    if (s.points.length <= 40)
      for (const p of s.points)
        parts.push(
          `<circle cx="${x(new Date(p.t)).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="1.4" fill="${s.color}"/>`,
        );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.width}" height="${spec.height}" viewBox="0 0 ${spec.width} ${spec.height}" font-family="sans-serif">${parts.join('')}</svg>`;
}

import type { ReportView } from './report-view.js';

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The report as one self-contained HTML page (inline CSS and SVG; prints on two A4 pages). */
export function renderReportHtml(v: ReportView): string {
  const empty = (lines: unknown[]): string => (lines.length ? '' : '<p class="muted">–</p>');
  return `<!doctype html>
<html lang="${v.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(v.title)}</title>
<style>
body{font-family:"Noto Sans","Noto Sans Devanagari",sans-serif;max-width:800px;margin:1em auto;padding:0 1em;color:#222;font-size:14px}
h1{font-size:20px;margin:0}h2{font-size:15px;margin:1em 0 .3em;border-bottom:1px solid #ccc}
.muted{color:#666}table{border-collapse:collapse;width:100%}td,th{padding:2px 6px;border-bottom:1px solid #eee;text-align:left}
th{font-weight:600}dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:.5em 0}dt{font-weight:600}
svg{width:100%;height:auto}ul{margin:0;padding-left:1.2em}
@media print{@page{size:A4;margin:12mm}body{margin:0;font-size:11px}}
</style></head><body>
<h1>${esc(v.title)}</h1><p class="muted">${esc(v.subtitle)}</p>
<dl>${v.header.map((h) => `<dt>${esc(h.label)}</dt><dd>${esc(h.value)}</dd>`).join('')}</dl>
<h2>${esc(v.adherence.title)}</h2>
<table><thead><tr>${v.adherence.head.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>
${v.adherence.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>${empty(v.adherence.rows)}
${v.charts.map((c) => `<h2>${esc(c.title)}</h2>${c.svg ?? '<p class="muted">–</p>'}`).join('\n')}
${v.sections
  .map(
    (s) =>
      `<h2>${esc(s.title)}</h2><ul>${s.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>${empty(s.lines)}`,
  )
  .join('\n')}
<p class="muted">${esc(v.footer)}</p>
</body></html>`;
}

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { create as parseFont } from 'fontkit';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { ReportView } from './report-view.js';
import { woffToSfnt } from './woff.js';

const require = createRequire(import.meta.url);
/** Fonts shipped by npm packages (no system fonts, no network): Noto Sans for Latin, Noto Sans Devanagari. */
const FONTS = {
  latin: require.resolve('@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff'),
  'latin-bold': require.resolve('@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff'),
  deva: require.resolve('@fontsource/noto-sans-devanagari/files/noto-sans-devanagari-devanagari-400-normal.woff'),
  'deva-bold':
    require.resolve('@fontsource/noto-sans-devanagari/files/noto-sans-devanagari-devanagari-700-normal.woff'),
};

type ParsedFont = ReturnType<typeof parseFont>;
let fonts: [string, ParsedFont][] | null = null;
/**
 * The fonts unpacked (zlib) and parsed (fontkit) on first use and kept for the life of the process: parsing the
 * Devanagari font's shaping tables for every document cost ~1 s. pdfkit subsets them per document.
 */
function loadFonts(): [string, ParsedFont][] {
  fonts ??= Object.entries(FONTS).map(([name, file]) => [name, parseFont(woffToSfnt(readFileSync(file)))]);
  return fonts;
}

const DEVANAGARI = /[\p{Script=Devanagari}\u0964\u0965]/u;
/** Runs of Devanagari (spaces and joiners inside a Devanagari phrase stay with it) and of everything else. */
const RUNS =
  /([\p{Script=Devanagari}\u0964\u0965](?:[\p{Script=Devanagari}\u0964\u0965\p{Mn}\p{Mc}\u200C\u200D]|\s+(?=[\p{Script=Devanagari}\u0964\u0965]))*)/u;

const MARGIN = 36;
const WIDTH = 595.28 - 2 * MARGIN;

interface TextStyle {
  size: number;
  bold?: boolean;
  color?: string;
}

/**
 * Writes the report view as an A4 PDF of at most two pages (page 1: who, medicines, adherence, charts; page 2:
 * readings out of range, sleep and activity, alarms). Text is shaped by fontkit (Devanagari conjuncts and
 * matras) and each line carries its Unicode string as ActualText, so copy and text extraction give back the
 * logical order (a shaped पि is drawn matra-first).
 */
export function renderReportPdf(v: ReportView): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    lang: v.lang === 'hi' ? 'hi-IN' : 'en-IN',
    info: { Title: v.title, Creator: 'Podd' },
  });
  // @types/pdfkit's PDFFontSource lists file paths and buffers, not the fontkit font object PDFKit also takes.
  for (const [name, font] of loadFonts()) doc.registerFont(name, font as never);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const runsOf = (text: string): { text: string; font: string }[] =>
    text
      .split(RUNS)
      .filter(Boolean)
      .map((t) => ({ text: t, font: DEVANAGARI.test(t) ? 'deva' : 'latin' }));
  const widthOf = (text: string, st: TextStyle): number =>
    runsOf(text).reduce((w, r) => {
      doc.font(st.bold ? `${r.font}-bold` : r.font).fontSize(st.size);
      return w + doc.widthOfString(r.text);
    }, 0);
  /** One line at (x, y) (baseline-aligned runs), cut with … to `width`. Returns the width used. */
  const write = (text: string, x: number, y: number, st: TextStyle, width = WIDTH - (x - MARGIN)): number => {
    let t = text;
    if (widthOf(t, st) > width) {
      while (t.length > 1 && widthOf(`${t}…`, st) > width) t = t.slice(0, -1);
      t = `${t.trimEnd()}…`;
    }
    doc.fillColor(st.color ?? '#222');
    doc.markContent('Span', { actual: t });
    let cx = x;
    for (const r of runsOf(t)) {
      doc.font(st.bold ? `${r.font}-bold` : r.font).fontSize(st.size);
      doc.text(r.text, cx, y + st.size, { lineBreak: false, baseline: 'alphabetic' });
      cx += doc.widthOfString(r.text);
    }
    doc.endMarkedContent();
    return cx - x;
  };
  let y = MARGIN;
  const heading = (text: string): void => {
    y += 6;
    write(text, MARGIN, y, { size: 11.5, bold: true, color: '#1a5276' });
    y += 16;
    doc
      .moveTo(MARGIN, y - 2)
      .lineTo(MARGIN + WIDTH, y - 2)
      .lineWidth(0.5)
      .strokeColor('#aab7b8')
      .stroke();
  };

  write(v.title, MARGIN, y, { size: 16, bold: true });
  y += 22;
  write(v.subtitle, MARGIN, y, { size: 10, color: '#555' });
  y += 18;
  for (const h of v.header) {
    const w = write(`${h.label}:`, MARGIN, y, { size: 10, bold: true });
    write(h.value, MARGIN + Math.max(w + 6, 120), y, { size: 10 }, WIDTH - Math.max(w + 6, 120));
    y += 14;
  }

  heading(v.adherence.title);
  const cols = [0, 250, 340, 430];
  v.adherence.head.forEach((c, i) => write(c, MARGIN + cols[i], y, { size: 9.5, bold: true }, 180));
  y += 13;
  for (const row of v.adherence.rows) {
    row.forEach((c, i) => write(c, MARGIN + cols[i], y, { size: 9.5 }, i ? 85 : 240));
    y += 13;
  }
  if (!v.adherence.rows.length) y += 13;

  for (const c of v.charts) {
    heading(c.title);
    if (c.svg) {
      SVGtoPDF(doc, c.svg, MARGIN, y, {
        width: c.width,
        height: c.height,
        assumePt: true,
        fontCallback: () => 'latin',
      });
      y += c.height + 2;
    } else {
      write('–', MARGIN, y, { size: 10 });
      y += 14;
    }
  }

  doc.addPage();
  y = MARGIN;
  for (const s of v.sections) {
    heading(s.title);
    for (const l of s.lines.length ? s.lines : ['–']) {
      write(l, MARGIN, y, { size: 9.5 });
      y += 13;
    }
  }
  y += 10;
  write(v.footer, MARGIN, y, { size: 8.5, color: '#666' });
  doc.end();
  return done;
}

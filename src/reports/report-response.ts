import type { FastifyReply } from 'fastify';
import type { DoctorReport } from './doctor-report.service.js';
import { renderReportHtml } from './report-html.js';
import { renderReportPdf } from './report-pdf.js';
import { reportView } from './report-view.js';

/** Writes the report in the representation asked for: PDF, HTML, else the JSON data. */
export async function sendReport(
  report: DoctorReport,
  accept: string | undefined,
  reply: FastifyReply,
): Promise<Buffer | string | DoctorReport> {
  reply.header('cache-control', 'no-store');
  const a = accept ?? '';
  if (a.includes('application/pdf')) {
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `inline; filename="podd-report-${report.period.to}.pdf"`);
    return renderReportPdf(reportView(report));
  }
  if (a.includes('text/html')) {
    reply.header('content-type', 'text/html; charset=utf-8');
    // The page's own <style> and inline SVG; still nothing loaded, run or framed.
    reply.header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    );
    return renderReportHtml(reportView(report));
  }
  return report;
}

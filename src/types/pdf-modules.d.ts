declare module 'svg-to-pdfkit' {
  /** Draws an SVG document onto a PDFKit document (svg-to-pdfkit ships no types). */
  export default function SVGtoPDF(
    doc: PDFKit.PDFDocument,
    svg: string,
    x: number,
    y: number,
    options?: {
      width?: number;
      height?: number;
      assumePt?: boolean;
      fontCallback?: (family: string, bold: boolean, italic: boolean) => string;
    },
  ): void;
}

declare module 'fontkit' {
  /** The part of fontkit Podd uses: parse a font once; pdfkit accepts the parsed font in registerFont. */
  export function create(buffer: Uint8Array): { layout: (text: string) => unknown };
}

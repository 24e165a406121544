/** The part of fontkit (pdfkit's font engine) that receipt-pdf.server.ts uses. */
declare module "fontkit" {
  export interface Font {
    layout(text: string): unknown;
    postscriptName: string;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}

/**
 * Sponsor logos: PNG, JPEG or SVG up to 1 MB, recognised by their bytes (never by the name or
 * the browser's Content-Type). An SVG is never stored or served as SVG: it is rasterised to a
 * PNG with resvg (@resvg/resvg-js, a maintained SVG renderer with no script engine and no network
 * or file access: external images, stylesheets and entities are never fetched). A pattern filter
 * is not enough: namespace prefixes (`<svg:script>`) and entity-encoded `javascript:` URLs
 * slipped past the one this replaces. What is served is pixels, with a script-free CSP as well.
 */
import { Resvg } from "@resvg/resvg-js";
import { LOGO_MAX_BYTES } from "./corporate.fields";

export type LogoCheck = { ok: true; bytes: Buffer; mime: "image/png" | "image/jpeg" } | { ok: false; error: "logoType" | "logoTooLarge" };

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The largest a rasterised logo is drawn: the sponsors page shows logos 64 pixels high, so this stays sharp on any screen. */
const RASTER_BOX = { width: 800, height: 400 };

/** An SVG's pixels as a PNG fitting RASTER_BOX (small drawings are scaled up, up to 8×); null when it is not an SVG resvg can read. */
export function rasteriseSvg(text: string): Buffer | null {
  try {
    const natural = new Resvg(text);
    const { width, height } = natural;
    if (!(width > 0 && height > 0)) return null;
    const zoom = Math.min(RASTER_BOX.width / width, RASTER_BOX.height / height, 8);
    const png = new Resvg(text, { fitTo: { mode: "zoom", value: zoom }, font: { loadSystemFonts: true } }).render().asPng();
    return Buffer.from(png);
  } catch {
    return null;
  }
}

export function checkLogo(bytes: Buffer): LogoCheck {
  if (bytes.length > LOGO_MAX_BYTES) return { ok: false, error: "logoTooLarge" };
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG)) return { ok: true, bytes, mime: "image/png" };
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { ok: true, bytes, mime: "image/jpeg" };
  const text = bytes.toString("utf8");
  if (text.includes("\u0000") || text.includes("\ufffd")) return { ok: false, error: "logoType" };
  const png = rasteriseSvg(text);
  return png ? { ok: true, bytes: png, mime: "image/png" } : { ok: false, error: "logoType" };
}

/** Headers for serving a stored logo: no sniffing, no scripts, cached briefly. */
export function logoHeaders(mime: string, length: number): Record<string, string> {
  return {
    "Content-Type": mime,
    "Content-Length": String(length),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
    "Cache-Control": "public, max-age=300",
  };
}

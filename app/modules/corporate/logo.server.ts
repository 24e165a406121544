/**
 * Sponsor logos: PNG, JPEG or SVG up to 1 MB, recognised by their bytes (never by the name or
 * the browser's Content-Type). An SVG that could run anything (script, foreignObject, event
 * handler attributes, javascript: or data: links, external references, DOCTYPE/entities) is
 * refused rather than cleaned: a sponsor can export a plain one, and nothing half-sanitised is
 * ever served. Logos are served with a CSP that forbids scripts as a second guard.
 */
import { LOGO_MAX_BYTES } from "./corporate.schema";

export type LogoCheck =
  | { ok: true; bytes: Buffer; mime: "image/png" | "image/jpeg" | "image/svg+xml" }
  | { ok: false; error: "logoType" | "logoTooLarge" | "logoUnsafe" };

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const SVG_DANGERS = [
  /<\s*script/i,
  /<\s*foreignObject/i,
  /<\s*(iframe|embed|object|audio|video|handler|listener)\b/i,
  /\son[a-z]+\s*=/i,
  /(javascript|vbscript|data)\s*:/i,
  /<!DOCTYPE|<!ENTITY/i,
  /<\?xml-stylesheet/i,
  /@import|url\s*\(\s*['"]?\s*(https?:|\/\/)/i,
  /(xlink:)?href\s*=\s*["']\s*(https?:|\/\/)/i,
];

export function checkLogo(bytes: Buffer): LogoCheck {
  if (bytes.length > LOGO_MAX_BYTES) return { ok: false, error: "logoTooLarge" };
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG)) return { ok: true, bytes, mime: "image/png" };
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { ok: true, bytes, mime: "image/jpeg" };
  const text = bytes.toString("utf8");
  if (text.includes("\u0000") || text.includes("\ufffd")) return { ok: false, error: "logoType" };
  // An SVG: optional BOM, XML declaration and comments, then the <svg root element.
  const start = text.replace(/^\ufeff/, "").replace(/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*/, "");
  if (!/^<svg[\s>]/i.test(start)) return { ok: false, error: "logoType" };
  if (SVG_DANGERS.some((danger) => danger.test(text))) return { ok: false, error: "logoUnsafe" };
  return { ok: true, bytes, mime: "image/svg+xml" };
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

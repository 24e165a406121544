/**
 * What every request with a body meets before Remix sees it (Stripe's webhooks have their own
 * door, main.ts). Each refusal is a short page in the visitor's language and changes nothing:
 * - a post from another site (Origin or Sec-Fetch-Site says so) → 403;
 * - a body that is not a form (urlencoded or multipart) → 415; a form that cannot be read → 400;
 * - a body over its route's limit → 413, from Content-Length before reading a byte, or (chunked)
 *   as soon as the count passes the limit; the rest is discarded unread (see refuse).
 * Control characters other than tab, line feed and carriage return (NUL, ESC, DEL, the C1 range)
 * carry no meaning in a name, address, note or search and break PostgreSQL text: they are stripped
 * from form values (the cleaned form goes on to the route's own validation) and from query strings
 * (a 303 to the same page without them).
 */
import { Readable } from "node:stream";
import type { NextFunction, Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from "express";
import getRawBody from "raw-body";
import { dictionary, type Locale } from "../modules/i18n/i18n";
import { LOGO_MAX_BYTES } from "../modules/corporate/corporate.fields";

/** Form bodies: generous for the longest staff form (tier descriptions); the sponsor form carries a logo. */
export const FORM_BODY_LIMIT = 256 * 1024;
const SPONSOR_BODY_LIMIT = LOGO_MAX_BYTES + FORM_BODY_LIMIT;
/** Routes whose body is not a form: their own code reads and checks it (signed JSON). */
const NOT_FORMS = new Set(["/demo-gateway/renew"]);

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

export const bodyLimitFor = (path: string) => (/^\/(ja\/)?sponsor\/?$/.test(path) ? SPONSOR_BODY_LIMIT : FORM_BODY_LIMIT);

type Refusal = "crossOrigin" | "unsupportedType" | "unreadable" | "tooLarge";
const STATUS: Record<Refusal, number> = { crossOrigin: 403, unsupportedType: 415, unreadable: 400, tooLarge: 413 };

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** The refusal page: the page's language first (Japanese under /ja), the other after it, for staff and links shared across languages. */
export function refusalPage(refusal: Refusal, path: string): string {
  const first: Locale = path === "/ja" || path.startsWith("/ja/") ? "ja" : "en";
  const order: Locale[] = first === "ja" ? ["ja", "en"] : ["en", "ja"];
  const sections = order.map((locale, i) => {
    const t = dictionary(locale).requestRefused;
    const h = i === 0 ? "h1" : "h2";
    return `<section lang="${locale}"><${h}>${escapeHtml(t[refusal].title)}</${h}><p>${escapeHtml(t[refusal].text)}</p><p><a href="${locale === "ja" ? "/ja" : "/"}">${escapeHtml(t.backHome)}</a></p></section>`;
  });
  return `<!DOCTYPE html><html lang="${first}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(dictionary(first).requestRefused[refusal].title)}</title><style>body{font-family:system-ui,"Noto Sans JP",sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.7;color:#1b1b1b}h1,h2{font-size:1.4rem;line-height:1.4;word-break:auto-phrase}section+section{border-top:1px solid #ccc;margin-top:2rem;padding-top:1rem}a{color:#a4001d}</style></head><body>${sections.join("")}</body></html>`;
}

function refuse(res: ExpressResponse, req: ExpressRequest, refusal: Refusal, unread = false) {
  const body = refusalPage(refusal, req.path);
  res.status(STATUS[refusal]).type("html").setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  res.end(body);
  if (unread) {
    // Answered before the body is read: the rest is discarded as it arrives (never buffered or
    // parsed), so the sender gets to read this answer instead of a broken connection, as nginx's
    // lingering close does; a sender still going after 5 s is cut off.
    const cutOff = setTimeout(() => req.socket.destroy(), 5_000);
    cutOff.unref();
    const done = () => clearTimeout(cutOff);
    req.once("end", done).once("close", done);
    req.resume();
  }
}

/**
 * Whether a post comes from another site: the browser says so, or its Origin is neither this
 * request's nor APP_URL's (the address people use, e.g. behind a proxy). No Origin, or "null":
 * not decided here (staff actions also check the Referer, auth.server.ts).
 */
function crossOrigin(req: ExpressRequest, appOrigin: string | null): boolean {
  if (req.get("sec-fetch-site") === "cross-site") return true;
  const origin = req.get("origin");
  if (origin === undefined || origin === "null") return false;
  return origin !== `${req.protocol}://${req.get("host")}` && origin !== appOrigin;
}

const clean = (value: string) => value.replace(CONTROL, "");

/** The URL with control characters stripped from its query's names and values; null when it has none. */
function cleanQuery(url: string): string | null {
  const at = url.indexOf("?");
  if (at < 0) return null;
  const params = new URLSearchParams(url.slice(at + 1));
  let dirty = false;
  const cleaned = new URLSearchParams();
  for (const [k, v] of params) {
    dirty ||= clean(k) !== k || clean(v) !== v;
    cleaned.append(clean(k), clean(v));
  }
  if (!dirty) return null;
  const query = cleaned.toString();
  // One leading slash: "//evil.example" as a Location would leave the site.
  return url.slice(0, at).replace(/^[/\\]+/, "/") + (query ? `?${query}` : "");
}

/** The form with control characters stripped from its names and values, as a body and its Content-Type; null when it cannot be read. */
async function cleanForm(body: Buffer, contentType: string): Promise<{ body: Buffer; contentType: string } | null> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "Content-Type": contentType } }).formData();
  } catch {
    return null;
  }
  let dirty = false;
  const cleaned = new FormData();
  for (const [k, v] of form) {
    dirty ||= clean(k) !== k || (typeof v === "string" && clean(v) !== v);
    cleaned.append(clean(k), typeof v === "string" ? clean(v) : v);
  }
  if (!dirty) return { body, contentType };
  if (contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    const params = new URLSearchParams();
    for (const [k, v] of cleaned) params.append(k, v as string);
    return { body: Buffer.from(params.toString()), contentType: "application/x-www-form-urlencoded" };
  }
  const encoded = new Response(cleaned);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get("content-type")! };
}

/**
 * Wraps the Remix handler: requests without a body pass straight on; the others are checked, read
 * (within their limit), cleaned and handed on with the cleaned body.
 */
export function guardRequests(remix: RequestHandler, options: { appUrl?: string }): RequestHandler {
  const appOrigin = options.appUrl ? new URL(options.appUrl).origin : null;
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || NOT_FORMS.has(req.path)) {
      const cleaned = cleanQuery(req.originalUrl);
      // The same page without the control characters (a search for "a<NUL>b" is a search for "ab").
      if (cleaned !== null) return res.redirect(303, cleaned);
      return remix(req, res, next);
    }
    if (crossOrigin(req, appOrigin)) return refuse(res, req, "crossOrigin", true);
    const limit = bodyLimitFor(req.path);
    const declared = Number(req.get("content-length") ?? NaN);
    if (declared > limit) return refuse(res, req, "tooLarge", true);
    // The boundary is case-sensitive: only the type is compared without case.
    const contentType = req.get("content-type") ?? "";
    const type = contentType.toLowerCase();
    const isForm = type.startsWith("application/x-www-form-urlencoded") || (type.startsWith("multipart/form-data") && /boundary=/.test(type));
    const empty = declared === 0 || (req.get("content-length") === undefined && req.get("transfer-encoding") === undefined);
    if (!isForm && !empty) return refuse(res, req, "unsupportedType", true);
    let body: Buffer;
    try {
      body = await getRawBody(req, { limit });
    } catch (error) {
      const tooLarge = (error as { type?: string }).type === "entity.too.large";
      return refuse(res, req, tooLarge ? "tooLarge" : "unreadable", true);
    }
    const form = empty && body.length === 0 ? { body, contentType: "application/x-www-form-urlencoded" } : await cleanForm(body, contentType);
    if (!form) return refuse(res, req, "unreadable");
    // The Remix adapter reads the body from the request stream: it gets a stream of the cleaned body
    // with the request's other parts (see createRemixRequest in @remix-run/express).
    const headers = { ...req.headers, "content-type": form.contentType, "content-length": String(form.body.length) };
    delete headers["transfer-encoding"];
    const replay = Object.assign(Readable.from([form.body]), {
      method: req.method,
      url: req.url,
      originalUrl: req.originalUrl,
      headers,
      protocol: req.protocol,
      hostname: req.hostname,
      ip: req.ip,
      get: (name: string) => headers[name.toLowerCase() as keyof typeof headers] as string | undefined,
    });
    return remix(replay as unknown as ExpressRequest, res, next);
  };
}

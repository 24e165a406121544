/**
 * What every response of the running app carries: a Content-Security-Policy whose nonce is on
 * each of Remix's inline scripts (and the page still runs under it: the browser tests), staff
 * pages never cached, HTML/JS/CSS compressed, and a favicon.
 */
import http from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, inject, it } from "vitest";
import { hasChromium, launchBrowser } from "./browser";

const appUrl = inject("appUrl");

/** A GET over node:http, so the body comes as it was sent (fetch would decompress it). */
function get(path: string, encoding?: string): Promise<{ response: { status: number; headers: { get: (name: string) => string | null } }; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${appUrl}${path}`, { headers: encoding ? { "Accept-Encoding": encoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const header = (name: string) => {
          const value = res.headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
        };
        resolve({ response: { status: res.statusCode ?? 0, headers: { get: header } }, body: Buffer.concat(chunks) });
      });
      res.on("error", reject);
    });
    request.on("error", reject);
    request.setTimeout(15_000, () => request.destroy(new Error(`GET ${path} timed out`)));
  });
}

describe("HTTP headers of the running app", () => {
  it("every page has a CSP whose nonce is on each inline script, and no inline script without it", async () => {
    for (const path of ["/", "/ja/join", "/donate", "/staff/sign-in"]) {
      const { response, body } = await get(path);
      expect(response.status, path).toBe(200);
      const csp = response.headers.get("content-security-policy") ?? "";
      const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      expect(nonce, path).toBeTruthy();
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      const html = body.toString("utf8");
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]!);
      expect(inline.length, path).toBeGreaterThan(0);
      for (const attributes of inline) expect(attributes, path).toContain(`nonce="${nonce}"`);
      // A fresh nonce per response.
      const again = (await get(path)).response.headers.get("content-security-policy");
      expect(again, path).not.toBe(csp);
    }
  });

  it("staff pages are never cached; public pages and assets may be", async () => {
    expect((await get("/staff/sign-in")).response.headers.get("cache-control")).toBe("no-store");
    expect((await get("/staff/members")).response.headers.get("cache-control")).toBe("no-store"); // the redirect to sign-in too
    expect((await get("/ja/join")).response.headers.get("cache-control")).not.toBe("no-store");
  });

  it("compresses HTML, JavaScript and CSS with brotli or gzip, as asked", async () => {
    const raw = await get("/ja/join", "identity");
    expect(raw.response.headers.get("content-encoding")).toBeNull();
    const br = await get("/ja/join", "br");
    expect(br.response.headers.get("content-encoding")).toBe("br");
    const gzip = await get("/ja/join", "gzip");
    expect(gzip.response.headers.get("content-encoding")).toBe("gzip");
    // The same document (but for its nonces), a fraction of the bytes.
    const strip = (html: string) => html.replace(/nonce-[^']+'|nonce="[^"]+"/g, "");
    expect(strip(brotliDecompressSync(br.body).toString("utf8"))).toBe(strip(raw.body.toString("utf8")));
    expect(strip(gunzipSync(gzip.body).toString("utf8"))).toBe(strip(raw.body.toString("utf8")));
    expect(br.body.length).toBeLessThan(raw.body.length / 3);
    console.log(`/ja/join: ${raw.body.length} bytes raw, ${gzip.body.length} gzip, ${br.body.length} brotli`);
    // Remix loads its modules by modulepreload links and an inline import().
    const scripts = [...new Set([...raw.body.toString("utf8").matchAll(/\/build\/[^"'\s]+\.js/g)].map((m) => m[0]))];
    expect(scripts.length).toBeGreaterThan(2);
    let rawJs = 0;
    let brJs = 0;
    for (const src of scripts) {
      const plain = await get(src, "identity");
      const packed = await get(src, "br");
      // Under a kilobyte a file is not worth compressing (the middleware's threshold).
      if (plain.body.length >= 1024) expect(packed.response.headers.get("content-encoding"), src).toBe("br");
      rawJs += plain.body.length;
      brJs += packed.body.length;
    }
    console.log(`/ja/join's JavaScript (${scripts.length} files): ${rawJs} bytes raw, ${brJs} brotli`);
    expect(brJs).toBeLessThan(rawJs / 2);
    const css = [...raw.body.toString("utf8").matchAll(/href="(\/build\/[^"]+\.css)"/g)].map((m) => m[1]!);
    expect((await get(css[0]!, "gzip")).response.headers.get("content-encoding")).toBe("gzip");
  });

  it("has a favicon", async () => {
    const { response, body } = await get("/favicon.svg");
    expect(response.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(body.toString("utf8")).toMatch(/^<svg /);
    const ico = await get("/favicon.ico");
    expect(ico.response.status).toBe(301);
    expect(ico.response.headers.get("location")).toBe("/favicon.svg");
  });

  it.skipIf(!hasChromium)("pages run under the policy in Chromium: no CSP violation on the join page, whose form checks itself in the browser", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(`${appUrl}/join`);
      await page.getByRole("button", { name: "Continue to payment" }).click();
      // The browser's own check (hydrated React) shows the errors without a round trip.
      await page.locator(".error-summary").waitFor();
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

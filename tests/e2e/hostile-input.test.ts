/**
 * Hostile input against the running app (the real server, over HTTP): every form field and query
 * parameter found on its pages, public and staff, gets generated hostile values (fast-check);
 * every form action gets bodies of the wrong type, oversized bodies and cross-origin posts; ids in
 * paths get malformed ones. Whatever is sent: no 5xx, and a rejected request (4xx) writes nothing.
 */
import { request as httpRequest } from "node:http";
import fc from "fast-check";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connect, type DatabaseHandle } from "../../db/client";
import { staffUsers } from "../../db/schema";
import { makeMember } from "../fixtures/staff";
import { freePort } from "../setup/pg-server";
import { defaultValues, encodeForm, readPage, signInStaff, WriteWatch, type FoundForm } from "./hostile";
import { startInstance, stop } from "./instance";

let appUrl = "";
let instance: Awaited<ReturnType<typeof startInstance>> | undefined;
let dbName = "";
const STAFF_EMAIL = "fuzz-admin@kizuna.example";
/** fast-check runs per property (each run is one request); FUZZ_RUNS raises them for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);

let sql: postgres.Sql;
let handle: DatabaseHandle;
let watch: WriteWatch;
let staffCookie = "";
const forms: FoundForm[] = [];
const getTargets: { path: string; params: string[]; staff: boolean }[] = [];
const idPaths: { path: string; staff: boolean }[] = [];
const failures: string[] = [];
let requestsSent = 0;

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const pattern = (path: string) =>
  path
    .split("?")[0]!
    .replace(UUID_RE, ":id")
    .replace(/\/R-\d+[-\d]*/g, "/:number")
    .replace(/\/[A-Za-z0-9_-]{40,}(\.[A-Za-z0-9_.-]+)?/g, "/:token");
const isStaff = (path: string) => path.startsWith("/staff");

type Init = Omit<RequestInit, "headers"> & { headers?: Record<string, string>; duplex?: "half" };

async function send(path: string, init: Init = {}, staff = isStaff(path), onSignIn?: () => Promise<void>): Promise<Response> {
  const headers: Record<string, string> = { ...(init.method === "POST" ? { Origin: appUrl } : {}), ...init.headers };
  if (staff) headers.Cookie = staffCookie;
  requestsSent += 1;
  let response = await fetch(`${appUrl}${path}`, { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(20_000) });
  // A staff form may have ended the fuzzing user's session (their own role, say): sign in again and resend.
  if (
    staff &&
    response.status >= 300 &&
    response.status < 400 &&
    response.headers.get("location")?.includes("/staff/sign-in") &&
    !(init.body instanceof ReadableStream)
  ) {
    await response.arrayBuffer();
    staffCookie = await signInStaff(appUrl, sql, STAFF_EMAIL);
    await onSignIn?.();
    headers.Cookie = staffCookie;
    requestsSent += 1;
    response = await fetch(`${appUrl}${path}`, { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(20_000) });
  }
  return response;
}

/** Sends, then holds the app to the rules: never a 5xx; a refusal writes nothing. */
async function probe(label: string, path: string, init: Init = {}) {
  let mark = await watch.mark();
  const response = await send(path, init, isStaff(path), async () => {
    mark = await watch.mark(); // signing in again writes its session: not the request's doing
  });
  const text = await response.text();
  // An export completes its audit entry just after its last byte: let it, before the next request's mark.
  if (path.includes("/export") && response.status < 400) await new Promise((r) => setTimeout(r, 300));
  if (response.status >= 500) failures.push(`${response.status} ${label}: ${text.slice(0, 200).replace(/\s+/g, " ")}`);
  // A 429 is not a refusal of what was sent: the sign-in limit counts attempts, and records this one by design.
  else if (response.status >= 400 && response.status !== 429) {
    const written = await watch.writtenSince(mark);
    if (written.length > 0) failures.push(`${response.status} ${label} wrote to ${written.join(", ")}`);
  }
  return { status: response.status, text, headers: response.headers };
}

/**
 * A 3 MB form body, declared (Content-Length) or chunked, sent with node:http: the app answers 413
 * and closes the connection without reading the rest, so the upload may fail after the answer
 * (EPIPE), which fetch reports as an error instead of the answer. Checks that nothing was written.
 */
async function oversized(path: string, chunked: boolean): Promise<number> {
  const mark = await watch.mark();
  const chunk = Buffer.from(`a=${"x".repeat(100_000)}&`);
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    Origin: appUrl,
    ...(isStaff(path) ? { Cookie: staffCookie } : {}),
  };
  if (!chunked) headers["Content-Length"] = String(chunk.length * 30);
  requestsSent += 1;
  const status = await new Promise<number>((resolve, reject) => {
    let answered = 0;
    const req = httpRequest(`${appUrl}${path}`, { method: "POST", headers, timeout: 20_000 }, (res) => {
      answered = res.statusCode ?? 0;
      res.resume();
      res.on("end", () => resolve(answered));
      res.on("error", () => resolve(answered));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer to a 3 MB post to ${path} in 20 s`)));
    req.on("error", (error) => (answered ? resolve(answered) : reject(error)));
    const write = async () => {
      for (let i = 0; i < 30 && !answered && !req.destroyed; i++) {
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r).once("close", r));
      }
      if (!req.destroyed) req.end();
    };
    void write().catch(() => {});
  });
  const written = await watch.writtenSince(mark);
  if (written.length > 0) failures.push(`${status} POST ${path} 3 MB wrote to ${written.join(", ")}`);
  return status;
}

/** Values people and tools send that a form never expects. */
const hostileString = fc.oneof(
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\u0001\u0002\u0003",
    "\u007f",
    "\u001b[31mred",
    "\u0008",
    "line\u2028sep",
    "\u202eevil",
    "\ud800",
    "99999999999999999999",
    "-99999999999999999999",
    "2147483648",
    "9223372036854775808",
    "-1",
    "0",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "1,000,000,000,000,000",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "2026-02-29",
    "20260230",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "%",
    "00000000-0000-0000-0000-000000000000",
    "not-a-uuid",
    "😀",
    "x".repeat(5000),
    "",
    " ",
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 5 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.double().map(String),
  fc
    .tuple(fc.integer({ min: 0, max: 99999 }), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 39 }))
    .map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`),
);

/** A member who paid, a gift and a company, made as people make them (the forms and the demo checkout), so their pages' forms are there to attack. */
async function seedThroughForms() {
  const submit = async (path: string, fields: Record<string, string>) => {
    const response = await send(path, {
      method: "POST",
      body: new URLSearchParams(fields).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    await response.arrayBuffer();
    const location = response.headers.get("location");
    if (response.status !== 303 || !location) throw new Error(`${path} answered ${response.status}`);
    return new URL(location, appUrl).pathname;
  };
  const person = {
    familyName: "山田",
    givenName: "太郎",
    email: "fuzz-taro@example.jp",
    country: "JP",
    postalCode: "150-0001",
    prefecture: "13",
    state: "",
    city: "渋谷区",
    addressLine1: "神宮前1-2-3",
    addressLine2: "",
    preferredLocale: "ja",
  };
  const checkout = await submit("/ja/join", {
    ...person,
    tier: "individual",
    currency: "JPY",
    interval: "year",
    familyNameKana: "ヤマダ",
    givenNameKana: "タロウ",
    partnership: "",
  });
  await submit(checkout, { outcome: "pay" });
  const gift = await submit("/ja/donate", {
    ...person,
    currency: "JPY",
    preset: "",
    amount: "5000",
    interval: "once",
    fund: "general",
    tributeKind: "",
    tributeName: "",
    notifyEmail: "",
    notifyName: "",
    notifyLocale: "",
  });
  await submit(gift, { outcome: "pay" });
  await submit("/sponsor", {
    tier: "gold",
    currency: "USD",
    payment: "invoice",
    legalNameEn: "Fuzz Industries",
    legalNameJa: "",
    legalNameKana: "",
    website: "",
    jpCorporateNumber: "",
    country: "US",
    postalCode: "55102",
    region: "MN",
    city: "St. Paul",
    addressLine1: "1 Main St",
    addressLine2: "",
    primaryFamilyName: "Smith",
    primaryGivenName: "Ann",
    primaryEmail: "ann@fuzz.example",
    preferredLocale: "en",
    billingSame: "on",
    poNumber: "",
    showOnSponsorsPage: "on",
  });
}

beforeAll(async () => {
  const admin = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
  dbName = `${inject("pgRunPrefix")}_hostile`;
  await admin.unsafe(`create database "${dbName}" template "${inject("pgTemplate")}"`);
  await admin.end({ timeout: 5 });
  const dbUrl = Object.assign(new URL(inject("pgAdminUrl")), { pathname: `/${dbName}` }).toString();
  const port = await freePort();
  instance = await startInstance({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: dbUrl,
    APP_URL: `http://127.0.0.1:${port}`,
    STRIPE_WEBHOOK_SECRET: "whsec_hostile_fake_0123456789abcdef",
  });
  appUrl = instance.url;
  sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  handle = connect(dbUrl);
  watch = new WriteWatch(sql);
  await watch.init();
  await handle.db.insert(staffUsers).values({ email: STAFF_EMAIL, name: "Fuzz Admin", role: "admin", locale: "en" }).onConflictDoNothing();
  await makeMember(handle.db, { familyName: "Fuzz", givenName: "Target", email: "fuzz-member@example.com", status: "active" });
  staffCookie = await signInStaff(appUrl, sql, STAFF_EMAIL);
  await seedThroughForms();

  // Read the app as a visitor and as staff: its forms, query parameters and ids in paths.
  const seeds = [
    "/",
    "/ja",
    "/join",
    "/ja/join",
    "/donate",
    "/ja/donate",
    "/sponsor",
    "/ja/sponsor",
    "/sponsors",
    "/membership",
    "/staff",
    "/staff/members?q=fuzz",
    "/staff/members?q=Fuzz%20Industries",
    "/staff/donations/statement",
  ];
  // The sign-in form, as someone not signed in sees it.
  const signIn = await fetch(`${appUrl}/staff/sign-in`);
  forms.push(...readPage(await signIn.text(), `${appUrl}/staff/sign-in`, new URL(appUrl).origin).forms.filter((f) => f.method === "POST"));
  // The links in the emails the seeding sent (receipts, managing a gift, seats...), opened as their reader would.
  const mailed = await sql<{ url: string }[]>`select distinct value as url from email_outbox, jsonb_each_text(props) where value like ${`${appUrl}/%`}`;
  const queue = [...seeds, ...mailed.map((m) => m.url.slice(appUrl.length))];
  const seen = new Set<string>();
  const perPattern = new Map<string, number>();
  const params = new Map<string, Set<string>>();
  while (queue.length > 0 && seen.size < 150) {
    const path = queue.shift()!;
    const key = pattern(path);
    if (seen.has(path) || (perPattern.get(key) ?? 0) >= 3 || path.includes("/sign-out") || path.includes("export")) continue;
    seen.add(path);
    perPattern.set(key, (perPattern.get(key) ?? 0) + 1);
    const response = await send(path);
    if (!(response.headers.get("content-type") ?? "").includes("text/html")) {
      await response.arrayBuffer();
      continue;
    }
    const page = readPage(await response.text(), `${appUrl}${path}`, new URL(appUrl).origin);
    for (const form of page.forms) {
      if (form.action.includes("/sign-out")) continue;
      if (form.method === "GET") {
        const target = form.action.split("?")[0]!;
        const names = params.get(target) ?? new Set<string>();
        for (const f of form.fields) names.add(f.name);
        params.set(target, names);
      } else if (
        !forms.some((f) => pattern(f.action) === pattern(form.action) && f.fields.map((x) => x.name).join() === form.fields.map((x) => x.name).join())
      ) {
        forms.push(form);
      }
    }
    for (const link of page.links) {
      const url = new URL(link, appUrl);
      if (url.search) {
        const names = params.get(url.pathname) ?? new Set<string>();
        for (const name of url.searchParams.keys()) names.add(name);
        params.set(url.pathname, names);
      }
      queue.push(link);
    }
    if (key !== path.split("?")[0]) idPaths.push({ path: path.split("?")[0]!, staff: isStaff(path) });
  }
  for (const [path, names] of params) getTargets.push({ path, params: [...names].filter(Boolean), staff: isStaff(path) });
  if (process.env.FUZZ_DEBUG)
    console.log({ seen: [...seen], forms: forms.map((f) => `${f.action} ${f.fields.map((x) => x.name).join(",")}`), getTargets, idPaths });
}, 120_000);

afterAll(async () => {
  await handle?.close();
  await sql?.end({ timeout: 5 });
  if (instance) await stop(instance.child);
  const admin = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
  await admin.end({ timeout: 5 });
}, 60_000);

describe("hostile input never reaches a 5xx, and a refused request changes nothing", () => {
  it("found the app's forms, query parameters and ids to attack", () => {
    expect(forms.length).toBeGreaterThan(15);
    expect(forms.some((f) => f.action.startsWith("/staff/members/"))).toBe(true);
    expect(forms.some((f) => f.multipart)).toBe(true);
    expect(getTargets.some((t) => t.path === "/staff/members" && t.params.includes("q"))).toBe(true);
    expect(idPaths.length).toBeGreaterThan(3);
  });

  it("every form field, one at a time, with generated hostile values", async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), hostileString, async (formPick, fieldPick, value) => {
        const form = forms[formPick % forms.length]!;
        const values = defaultValues(form);
        const names = [...new Set(form.fields.map((f) => f.name))];
        const name = names[fieldPick % names.length]!;
        values.set(name, value);
        const { body, headers } = encodeForm(values, form.multipart);
        await probe(`POST ${form.action} ${name}=${JSON.stringify(value).slice(0, 60)}`, form.action, { method: "POST", body, headers });
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    console.log(`hostile form fields: ${RUNS} cases over ${forms.length} forms in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(failures).toEqual([]);
  }, 600_000);

  it("every query parameter, and ids in paths, with generated hostile values", async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), hostileString, fc.boolean(), async (targetPick, paramPick, value, inPath) => {
        if (inPath && idPaths.length > 0) {
          const target = idPaths[targetPick % idPaths.length]!;
          const segments = target.path.split("/");
          segments[segments.length - 1] = encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, "\uFFFD")) || "%20";
          const path = segments.join("/");
          await probe(`GET ${path.slice(0, 100)}`, path);
          return;
        }
        const target = getTargets[targetPick % getTargets.length]!;
        if (target.params.length === 0) return;
        const name = target.params[paramPick % target.params.length]!;
        const path = `${target.path}?${new URLSearchParams({ [name]: value })}`;
        await probe(`GET ${target.path} ${name}=${JSON.stringify(value).slice(0, 60)}`, path);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    console.log(
      `hostile query parameters and path ids: ${RUNS} cases over ${getTargets.length} pages and ${idPaths.length} id paths in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(failures).toEqual([]);
  }, 600_000);

  it("every form action: bodies of the wrong type, broken multipart, oversized bodies (declared or chunked) and cross-origin posts", async () => {
    const actions = [...new Map(forms.map((f) => [pattern(f.action), f])).values()];
    for (const form of actions) {
      const label = `POST ${form.action}`;
      const typed = await probe(`${label} text/plain`, form.action, { method: "POST", body: "a=1", headers: { "Content-Type": "text/plain" } });
      expect([400, 415], `${label} text/plain`).toContain(typed.status);
      const json = await probe(`${label} json`, form.action, { method: "POST", body: '{"a":1}', headers: { "Content-Type": "application/json" } });
      expect([400, 415], `${label} json`).toContain(json.status);
      const broken = await probe(`${label} broken multipart`, form.action, {
        method: "POST",
        body: '--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\nunfinished',
        headers: { "Content-Type": "multipart/form-data; boundary=xx" },
      });
      expect([400, 415], `${label} broken multipart`).toContain(broken.status);
      const foreign = await probe(`${label} cross-origin`, form.action, {
        method: "POST",
        body: encodeForm(defaultValues(form), false).body as string,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
      });
      expect(foreign.status, `${label} cross-origin`).toBe(403);
      expect(foreign.text, `${label} cross-origin page`).toMatch(form.action.startsWith("/ja") ? /別のサイト/ : /another site/);
      const huge = await oversized(form.action, false);
      expect(huge, `${label} 3 MB`).toBe(413);
      const chunked = await oversized(form.action, true);
      expect(chunked, `${label} chunked 3 MB`).toBe(413);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

describe("control characters", () => {
  it("are stripped from a query string (a 303 to the same page without them), never sending anyone off the site", async () => {
    const search = await send("/staff/members?q=%E5%B1%B1%00%E7%94%B0&status=active%1B");
    expect(search.status).toBe(303);
    expect(search.headers.get("location")).toBe(`/staff/members?q=${encodeURIComponent("山田")}&status=active`);
    const offsite = await fetch(`${appUrl}//evil.example/?q=%00`, { redirect: "manual" });
    expect(offsite.headers.get("location")).toBe("/evil.example/?q=");
  });

  it("are stripped from form values before the route sees them: a name with a NUL is saved without it", async () => {
    const [member] = await sql<{ id: string }[]>`select id from people where email = 'fuzz-member@example.com'`;
    const page = readPage(await (await send(`/staff/members/${member!.id}`)).text(), `${appUrl}/staff/members/${member!.id}`, new URL(appUrl).origin);
    const edit = page.forms.find((f) => f.method === "POST" && f.fields.some((x) => x.name === "intent" && x.value === "edit"))!;
    const values = defaultValues(edit);
    values.set("familyName", "Fu\u0000zz\u001b");
    values.set("confirm", "yes");
    const { body, headers } = encodeForm(values, edit.multipart);
    const saved = await send(edit.action, { method: "POST", body, headers });
    expect(saved.status, await saved.clone().text()).toBeLessThan(400);
    const [row] = await sql<{ family_name: string }[]>`select family_name from people where id = ${member!.id}`;
    expect(row!.family_name).toBe("Fuzz");
  });
});

afterAll(() => {
  if (process.env.FUZZ_DEBUG) console.log(failures.join("\n"));
  console.log(`hostile input: ${requestsSent} requests to ${forms.length} forms, ${getTargets.length} pages with query parameters, ${idPaths.length} id paths`);
});

/**
 * Tools for sending hostile requests to the running app: finding its forms and query parameters
 * by reading its pages (as a browser would see them), signing a staff user in over HTTP, and
 * telling whether a request wrote anything to the database.
 */
import * as htmlparser2 from "htmlparser2";
import type { Element } from "domhandler";
import type { Sql } from "postgres";

const { DomUtils } = htmlparser2;

export interface FormField {
  name: string;
  /** input type, or "select" / "textarea". */
  kind: string;
  value: string;
  checked: boolean;
}

export interface FoundForm {
  /** The page it was found on. */
  page: string;
  method: "GET" | "POST";
  action: string;
  multipart: boolean;
  fields: FormField[];
}

/** Forms and same-origin links on a page's HTML. */
export function readPage(html: string, pageUrl: string, origin: string): { forms: FoundForm[]; links: string[] } {
  const doc = htmlparser2.parseDocument(html);
  const forms: FoundForm[] = [];
  for (const form of DomUtils.findAll((e) => e.name === "form", doc.children)) {
    const action = new URL(form.attribs.action || pageUrl, pageUrl);
    if (action.origin !== origin) continue;
    const fields: FormField[] = [];
    const controls = DomUtils.findAll((e) => ["input", "select", "textarea", "button"].includes(e.name) && Boolean(e.attribs.name), form.children);
    for (const control of controls) {
      const name = control.attribs.name!;
      if (control.name === "select") {
        const options = DomUtils.findAll((e) => e.name === "option", control.children);
        const chosen = options.find((o: Element) => "selected" in o.attribs) ?? options[0];
        fields.push({ name, kind: "select", value: chosen ? (chosen.attribs.value ?? DomUtils.textContent(chosen)) : "", checked: true });
      } else if (control.name === "textarea") {
        fields.push({ name, kind: "textarea", value: DomUtils.textContent(control), checked: true });
      } else if (control.name === "button") {
        fields.push({ name, kind: "submit", value: control.attribs.value ?? "", checked: true });
      } else {
        const type = (control.attribs.type ?? "text").toLowerCase();
        if (type === "file") continue;
        const checkable = type === "checkbox" || type === "radio";
        fields.push({ name, kind: type, value: control.attribs.value ?? (checkable ? "on" : ""), checked: !checkable || "checked" in control.attribs });
      }
    }
    forms.push({
      page: pageUrl,
      method: (form.attribs.method ?? "get").toUpperCase() === "POST" ? "POST" : "GET",
      action: action.pathname + action.search,
      multipart: (form.attribs.enctype ?? "").toLowerCase() === "multipart/form-data",
      fields,
    });
  }
  const links = DomUtils.findAll((e) => e.name === "a" && Boolean(e.attribs.href), doc.children)
    .map((a) => new URL(a.attribs.href!, pageUrl))
    .filter((u) => u.origin === origin)
    .map((u) => u.pathname + u.search);
  return { forms, links };
}

/** The values a browser would send for a form as it stands: one value per name (the first submit button, checked boxes, the first radio). */
export function defaultValues(form: FoundForm): Map<string, string> {
  const values = new Map<string, string>();
  let submitted = false;
  for (const field of form.fields) {
    if (field.kind === "submit") {
      if (!submitted && field.name) values.set(field.name, field.value);
      submitted = true;
      continue;
    }
    if (field.kind === "radio") {
      if (field.checked || !values.has(field.name)) values.set(field.name, field.value);
      continue;
    }
    if (field.kind === "checkbox" && !field.checked) continue;
    if (!values.has(field.name)) values.set(field.name, field.value);
  }
  return values;
}

export function encodeForm(values: Map<string, string>, multipart: boolean): { body: string | FormData; headers: Record<string, string> } {
  if (multipart) {
    const data = new FormData();
    for (const [k, v] of values) data.append(k, v);
    return { body: data, headers: {} };
  }
  const params = new URLSearchParams();
  for (const [k, v] of values) params.append(k, v);
  return { body: params.toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } };
}

/** Tables a request may write; background work (the email worker, the shared rate clock) writes the others. */
const WATCHED_EXCLUDED = new Set(["email_outbox", "rate_clocks", "stripe_events"]);

/**
 * Whether anything was written since `since`: a row whose xmin (the transaction that wrote this
 * version of it) is newer, in any table a request can write, or a row count that changed.
 */
export class WriteWatch {
  private tables: string[] = [];
  constructor(private sql: Sql) {}

  async init() {
    const rows = await this.sql<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public' order by tablename`;
    this.tables = rows.map((r) => r.tablename).filter((t) => !WATCHED_EXCLUDED.has(t) && !t.startsWith("__"));
  }

  /** A mark to compare with after a request: the current transaction id and each table's row count. */
  async mark(): Promise<{ xid: bigint; counts: string }> {
    const [row] = await this.sql.unsafe<{ xid: string; counts: string }[]>(
      `select (txid_current() & 4294967295)::text as xid, concat_ws(',', ${this.tables.map((t) => `(select count(*) from "${t}")`).join(", ")}) as counts`,
    );
    return { xid: BigInt(row!.xid), counts: row!.counts };
  }

  /** The tables written since the mark (empty when nothing was). */
  async writtenSince(mark: { xid: bigint; counts: string }): Promise<string[]> {
    const checks = this.tables.map((t) => `select '${t}' as t where exists (select 1 from "${t}" where xmin::text::bigint > ${mark.xid})`);
    const rows = await this.sql.unsafe<{ t: string }[]>(checks.join(" union all "));
    const written = rows.map((r) => r.t);
    const now = await this.mark();
    if (now.counts !== mark.counts && written.length === 0) written.push("(a row deleted)");
    return written;
  }
}

/** A staff user's session cookie, got as a person gets it: the sign-in form, the emailed link, its button. */
export async function signInStaff(appUrl: string, sql: Sql, email: string): Promise<string> {
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${appUrl}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: appUrl },
      body: new URLSearchParams(form),
    });
  await sql`delete from sign_in_requests`;
  const asked = await post("/staff/sign-in", { email });
  if (asked.status >= 400) throw new Error(`sign-in form answered ${asked.status}`);
  const [mail] = await sql<
    { url: string }[]
  >`select props->>'url' as url from email_outbox where to_email = ${email} and template = 'sign-in-link' order by created_at desc limit 1`;
  if (!mail) throw new Error(`no sign-in email for ${email}`);
  const token = new URL(mail.url).searchParams.get("token")!;
  const verified = await post("/staff/verify", { token });
  const cookie = verified.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`verify answered ${verified.status} without a session`);
  return cookie;
}

import { eq } from "drizzle-orm";
import { extractText } from "unpdf";
import { beforeEach, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { templates } from "../../emails";
import { parseEnv } from "~/modules/config/env.server";
import { queueEmail, QueueEmailError, type QueueEmail } from "~/modules/email/outbox.server";
import { EmailWorker, retryDelayMs, type WorkerOptions } from "~/modules/mailer/worker.server";
import { issueReceiptForPayment } from "~/modules/receipts/receipts.server";
import { createMembership, createPayment, createPerson } from "../fixtures/members";
import { fakeResend, RESEND_TEST_BASE_URL, RESEND_TEST_KEY } from "../mocks/resend";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const resend = fakeResend();

const env = parseEnv({
  NODE_ENV: "test",
  APP_URL: "http://localhost:3000",
  RESEND_API_KEY: RESEND_TEST_KEY,
  RESEND_BASE_URL: RESEND_TEST_BASE_URL,
  EMAIL_RATE_PER_SECOND: "100",
  EMAIL_MAX_ATTEMPTS: "5",
});

/** A clock the test moves; the worker reads time only through it. */
function testClock(start = new Date(Date.now() + 1_000)) {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

function worker(options: Partial<WorkerOptions> & { clock: () => Date }) {
  return new EmailWorker({ db: t.db, env, random: () => 0.5, backoff: { baseMs: 1_000, maxMs: 60_000 }, leaseMs: 60_000, ...options });
}

const welcomeProps = (locale: "en" | "ja") => {
  const { locale: _omit, ...props } = templates.welcome.previews[locale] as Record<string, unknown>;
  return props;
};

async function queue(to: string, overrides: { locale?: "en" | "ja"; props?: Record<string, unknown> } = {}) {
  const id = await queueEmail(t.db, { template: "welcome", locale: "en", to, props: welcomeProps("en"), ...overrides } as QueueEmail<"welcome">);
  return id!;
}

/** A row written as an older version (or a hand-made insert) might have left it: queueEmail would refuse it. */
async function insertRow(values: { template: string; locale?: string; to: string; props: Record<string, unknown> }) {
  const [r] = await t.db
    .insert(s.emailOutbox)
    .values({ template: values.template, locale: values.locale ?? "en", toEmail: values.to, props: values.props })
    .returning({ id: s.emailOutbox.id });
  return r!.id;
}

async function row(id: string) {
  const [r] = await t.db.select().from(s.emailOutbox).where(eq(s.emailOutbox.id, id));
  return r!;
}

beforeEach(async () => {
  resend.reset();
  await t.db.delete(s.emailOutbox);
});

describe("outbox worker", () => {
  it("sends each queued email once, with the outbox id as the Idempotency-Key and ASCII tags", async () => {
    const clock = testClock();
    const a = await queue("jane@example.com");
    const b = await queue("taro@example.jp", { locale: "ja", props: welcomeProps("ja") });
    const result = await worker({ clock: clock.now }).drain();
    expect(result).toMatchObject({ sent: 2, failed: 0 });
    expect(resend.delivered.map((d) => d.idempotencyKey).sort()).toEqual([a, b].sort());
    const ja = resend.delivered.find((d) => d.idempotencyKey === b)!;
    expect(ja.subject).toContain("日米姉妹都市協会");
    expect(ja.text).toContain("山田 太郎 様");
    for (const d of resend.delivered) for (const tag of d.tags ?? []) expect(tag.value).toMatch(/^[\x20-\x7e]+$/);
    const sent = await row(b);
    expect(sent).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect(sent.resendId).toBe(ja.id);
    expect(sent.html).toContain('lang="ja"');
  });

  it("does not send twice when the worker dies after Resend accepted but before marking the row", async () => {
    const clock = testClock();
    const id = await queue("jane@example.com");
    const dying = worker({
      clock: clock.now,
      afterAccept: () => {
        throw new Error("worker process killed");
      },
    });
    await expect(dying.runOnce()).rejects.toThrow("worker process killed");
    expect((await row(id)).status).toBe("sending");
    expect(resend.delivered).toHaveLength(1);

    // Within the lease nobody touches it; after the lease another worker takes it over.
    expect((await worker({ clock: clock.now }).runOnce()).claimed).toBe(0);
    clock.advance(61_000);
    await worker({ clock: clock.now }).drain();

    const keys = resend.requests.map((r) => r.idempotencyKey);
    expect(keys).toEqual([id, id]); // the same key both times…
    expect(resend.delivered).toHaveLength(1); // …so Resend delivered it once
    const final = await row(id);
    expect(final.status).toBe("sent");
    expect(final.resendId).toBe(resend.delivered[0]!.id);
  });

  it("sends each email once when two workers race over the same rows", async () => {
    const clock = testClock();
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => queue(`racer${i}@example.com`)));
    const [r1, r2] = await Promise.all([worker({ clock: clock.now, batchSize: 3 }).drain(), worker({ clock: clock.now, batchSize: 3 }).drain()]);
    expect(r1.sent + r2.sent).toBe(30);
    expect(r1.sent).toBeGreaterThan(0);
    expect(r2.sent).toBeGreaterThan(0);
    expect(resend.requests).toHaveLength(30); // not even a duplicate request
    expect(new Set(resend.delivered.map((d) => d.idempotencyKey))).toEqual(new Set(ids));
  });

  it("rides out Resend being down (500, then 429 with Retry-After, then 200): every email sent exactly once", async () => {
    const clock = testClock();
    const ids = [await queue("one@example.com"), await queue("two@example.com"), await queue("three@example.com")];
    resend.failNext(500);
    resend.failNext(429, { retryAfter: 20 });
    const w = worker({ clock: clock.now });
    const first = await w.runOnce();
    expect(first).toMatchObject({ claimed: 3, sent: 1, retried: 2 });
    const rows = await Promise.all(ids.map(row));
    const after500 = rows.find((r) => r.lastError?.includes("Resend 500"))!;
    const after429 = rows.find((r) => r.lastError?.includes("Resend 429"))!;
    expect(after500).toMatchObject({ status: "pending", attempts: 1 });
    expect(after429).toMatchObject({ status: "pending", attempts: 1 });
    // Retry-After (20 s) is honoured even though the backoff alone would be sooner.
    expect(after429.nextAttemptAt.getTime() - clock.now().getTime()).toBeGreaterThanOrEqual(20_000);
    expect(after500.nextAttemptAt.getTime() - clock.now().getTime()).toBeLessThan(20_000);

    clock.advance(5_000);
    expect(await w.runOnce()).toMatchObject({ claimed: 1, sent: 1 }); // the 500 one; the 429 one still waits
    clock.advance(20_000);
    expect(await w.drain()).toMatchObject({ sent: 1 });
    expect(resend.delivered.map((d) => d.idempotencyKey).sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await row(id)).status).toBe("sent");
  });

  it("marks a 422 failed with Resend's reason and never retries it", async () => {
    const clock = testClock();
    const bad = await queue("not-an-address");
    const good = await queue("fine@example.com");
    await worker({ clock: clock.now }).drain();
    clock.advance(24 * 3600_000);
    await worker({ clock: clock.now }).drain();
    const failed = await row(bad);
    expect(failed.status).toBe("failed");
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/Resend 422 validation_error: Invalid `to` field/);
    expect(resend.requests.filter((r) => r.idempotencyKey === bad)).toHaveLength(1);
    expect((await row(good)).status).toBe("sent");
  });

  it("refuses, when queued, an email whose props its template would refuse, naming the problem, and queues nothing", async () => {
    const bad = [
      { template: "welcome", props: { ...welcomeProps("en"), recipient: { kind: "person" } } },
      { template: "welcome", props: { ...welcomeProps("en"), manageUrl: "not a url" } },
      { template: "receipt", props: { recipient: { kind: "organisation", name: "X" }, receiptId: "12" } },
      { template: "newsletter", props: {} },
    ];
    for (const email of bad) {
      await expect(queueEmail(t.db, { locale: "en", to: "x@example.com", ...email } as unknown as QueueEmail)).rejects.toThrow(QueueEmailError);
    }
    await expect(queueEmail(t.db, { locale: "en", to: "x@example.com", ...bad[0]! } as unknown as QueueEmail)).rejects.toThrow(
      /email "welcome" queued with props its template refuses: recipient\.familyName/,
    );
    await expect(queueEmail(t.db, { locale: "en", to: "x@example.com", ...bad[2]! } as unknown as QueueEmail)).rejects.toThrow(/receiptId/);
    expect(await t.db.select().from(s.emailOutbox)).toEqual([]);
  });

  it("fails rows with bad data (unknown template, locale neither en nor ja, bad props) with a clear error, and sends the rest", async () => {
    const clock = testClock();
    const unknown = await insertRow({ template: "newsletter", to: "a@example.com", props: welcomeProps("en") });
    const french = [{ id: await insertRow({ template: "welcome", locale: "fr", to: "b@example.com", props: welcomeProps("en") }) }];
    const noName = await insertRow({ template: "welcome", to: "c@example.com", props: { ...welcomeProps("en"), recipient: { kind: "person" } } });
    const missingReceipt = (await queueEmail(t.db, {
      template: "receipt",
      locale: "en",
      to: "d@example.com",
      props: { recipient: { kind: "organisation", name: "X" }, receiptId: "00000000-0000-0000-0000-000000000000" },
    }))!;
    const good = await queue("e@example.com");
    const result = await worker({ clock: clock.now }).drain();
    expect(result).toMatchObject({ sent: 1, failed: 4 });
    expect((await row(unknown)).lastError).toMatch(/unknown email template "newsletter"/);
    expect((await row(french[0]!.id)).lastError).toMatch(/unsupported email locale "fr"/);
    expect((await row(noName)).lastError).toMatch(/invalid props for template "welcome": recipient\.familyName/);
    expect((await row(missingReceipt)).lastError).toMatch(/receipt 0{8}-.* does not exist/);
    expect((await row(good)).status).toBe("sent");
    expect(resend.requests).toHaveLength(1);
  });

  it("gives up after the last attempt and marks the row failed", async () => {
    const clock = testClock();
    const id = await queue("jane@example.com");
    const w = worker({ clock: clock.now });
    for (let i = 0; i < 5; i++) {
      resend.failNext(503);
      await w.runOnce();
      clock.advance(3600_000);
    }
    const final = await row(id);
    expect(final.status).toBe("failed");
    expect(final.attempts).toBe(5);
    expect(final.lastError).toMatch(/gave up after 5 attempts; last: Resend 503/);
    expect(resend.delivered).toHaveLength(0);
  });

  it("keeps emails locally, rendered, when there is no RESEND_API_KEY", async () => {
    const clock = testClock();
    const id = await queue("jane@example.com");
    const local = new EmailWorker({ db: t.db, env: parseEnv({ NODE_ENV: "test" }), clock: clock.now });
    expect(await local.drain()).toMatchObject({ kept: 1 });
    const kept = await row(id);
    expect(kept.status).toBe("kept_locally");
    expect(kept.subject).toMatch(/Welcome/);
    expect(kept.text).toContain("Dear Jane,");
    expect(resend.requests).toHaveLength(0);
  });

  it("attaches the bilingual PDF to a receipt email; it names the payer in Japanese and the deductible $220.00", async () => {
    const clock = testClock();
    const person = await createPerson(t.db, { familyName: "山田", givenName: "太郎", preferredLocale: "ja" });
    const membership = await createMembership(t.db, person.id, { tierSlug: "patron" });
    const payment = await createPayment(t.db, { personId: person.id, membershipId: membership.id, amount: 25000, currency: "USD" });
    const receipt = await t.db.transaction((tx) => issueReceiptForPayment(tx, payment.id));
    expect(receipt).toMatchObject({ amount: 25000, benefitsValue: 3000, deductibleAmount: 22000, locale: "ja" });
    const id = await queueEmail(t.db, {
      template: "receipt",
      locale: "ja",
      to: person.email,
      personId: person.id,
      props: { recipient: { kind: "person", familyName: "山田", givenName: "太郎" }, receiptId: receipt.id },
    });
    await worker({ clock: clock.now }).drain();
    expect((await row(id!)).status).toBe("sent");
    const mail = resend.delivered[0]!;
    expect(mail.subject).toBe(`領収書 ${receipt.number} / Receipt ${receipt.number}`);
    expect(mail.text).toContain("$220.00");
    expect(mail.text).toContain(`/ja/receipts/${receipt.number}?token=`);
    const attachment = mail.attachments?.[0];
    expect(attachment?.filename).toBe(`receipt-${receipt.number}.pdf`);
    const pdf = Buffer.from(attachment!.content, "base64");
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const { text } = await extractText(new Uint8Array(pdf), { mergePages: true });
    expect(text).toContain("山田 太郎 様");
    expect(text).toContain("$220.00");
    expect(text).toContain("領収書");
  });
});

describe("retry delay", () => {
  it("grows exponentially with jitter, is capped, and is never sooner than Retry-After", () => {
    const backoff = { baseMs: 1000, maxMs: 30_000 };
    expect(retryDelayMs(1, null, backoff, () => 0)).toBe(500);
    expect(retryDelayMs(1, null, backoff, () => 1)).toBe(1000);
    expect(retryDelayMs(4, null, backoff, () => 1)).toBe(8000);
    expect(retryDelayMs(20, null, backoff, () => 1)).toBe(30_000);
    expect(retryDelayMs(1, 10, backoff, () => 1)).toBe(10_000);
  });
});

describe("staff view of the outbox", () => {
  it("lists failed emails with their reason, and a retry after fixing the address sends it under a new key", async () => {
    const { listEmails, retryFailedEmail } = await import("~/modules/email/outbox.queries.server");
    const clock = testClock();
    const bad = await queue("jane.example.com");
    await worker({ clock: clock.now }).drain();
    const failed = await listEmails(t.db, { status: "failed" });
    expect(failed.map((e) => [e.id, e.toEmail])).toEqual([[bad, "jane.example.com"]]);
    expect(failed[0]!.lastError).toMatch(/422/);
    const retryId = await retryFailedEmail(t.db, bad, { toEmail: "jane@example.com" });
    expect(retryId).not.toBeNull();
    expect(await retryFailedEmail(t.db, retryId!)).toBeNull(); // only failed rows
    await worker({ clock: clock.now }).drain();
    expect((await row(retryId!)).status).toBe("sent");
    expect(resend.delivered.map((d) => [d.idempotencyKey, d.to[0]])).toEqual([[retryId, "jane@example.com"]]);
    expect((await row(bad)).lastError).toContain(`retried as ${retryId}`);
  });
});

describe("the worker loop", () => {
  it("delivers what is queued while it runs, and stops cleanly", async () => {
    const { startEmailWorker } = await import("~/modules/mailer/worker.server");
    const loop = startEmailWorker({ db: t.db, env, pollMs: 20 });
    const id = await queue("loop@example.com");
    for (let i = 0; i < 200 && (await row(id)).status !== "sent"; i++) await new Promise((r) => setTimeout(r, 20));
    await loop.stop();
    expect((await row(id)).status).toBe("sent");
    const after = await queue("after-stop@example.com");
    await new Promise((r) => setTimeout(r, 100));
    expect((await row(after)).status).toBe("pending");
  });
});

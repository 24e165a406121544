import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { renderEmail } from "../../emails";
import { parseEnv } from "~/modules/config/env.server";
import { queueRenewalReminders } from "~/modules/email/reminders.server";
import { createMembership, createPerson } from "../fixtures/members";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const env = parseEnv({ NODE_ENV: "test", APP_URL: "https://kizuna.example.org" });
const DAY = 24 * 3600_000;

async function reminders() {
  return t.db.select().from(s.emailOutbox).where(eq(s.emailOutbox.template, "renewal-reminder"));
}

describe("renewal reminders", () => {
  it("queue a yearly membership's reminder 30 and 7 days before its period ends, each once per period", async () => {
    const periodEnd = new Date("2027-01-31T00:00:00Z");
    const person = await createPerson(t.db, { familyName: "山田", givenName: "花子", preferredLocale: "ja" });
    const yearly = await createMembership(t.db, person.id, { tierSlug: "individual", currency: "JPY", currentPeriodEnd: periodEnd });
    // Not reminded: monthly, canceling at period end, lapsed.
    const other = await createPerson(t.db, { preferredLocale: "en", familyName: "Smith", givenName: "Jo", country: "US" });
    await createMembership(t.db, other.id, { tierSlug: "individual", interval: "month", currentPeriodEnd: periodEnd });
    await createMembership(t.db, other.id, { tierSlug: "individual", cancelAtPeriodEnd: true, currentPeriodEnd: periodEnd });
    await createMembership(t.db, other.id, { tierSlug: "individual", status: "lapsed", currentPeriodEnd: periodEnd });

    expect(await queueRenewalReminders(t.db, env, new Date(periodEnd.getTime() - 40 * DAY))).toBe(0);
    const thirtyOut = new Date(periodEnd.getTime() - 29.5 * DAY);
    expect(await queueRenewalReminders(t.db, env, thirtyOut)).toBe(1);
    // The daily schedule runs again (and on another instance): nothing new.
    expect(await queueRenewalReminders(t.db, env, new Date(thirtyOut.getTime() + DAY))).toBe(0);
    expect(await queueRenewalReminders(t.db, env, new Date(thirtyOut.getTime() + DAY))).toBe(0);
    expect(await queueRenewalReminders(t.db, env, new Date(periodEnd.getTime() - 6.5 * DAY))).toBe(1);
    expect(await queueRenewalReminders(t.db, env, new Date(periodEnd.getTime() - 1 * DAY))).toBe(0);

    const rows = await reminders();
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual([
      `renewal-30:${yearly.id}:${periodEnd.toISOString()}`,
      `renewal-7:${yearly.id}:${periodEnd.toISOString()}`,
    ]);
    const seven = rows.find((r) => r.dedupeKey?.startsWith("renewal-7"))!;
    expect(seven).toMatchObject({ locale: "ja", toEmail: person.email, personId: person.id });
    expect(seven.props).toMatchObject({ daysBefore: 7, amount: 8000, currency: "JPY", manageUrl: "https://kizuna.example.org/ja/account" });
    const email = await renderEmail(seven.template, seven.locale, seven.props);
    expect(email.text).toContain("山田 花子 様");
    expect(email.text).toContain("2027年1月31日");
    expect(email.text).toContain("￥8,000");

    // The next period gets its own reminders.
    const nextEnd = new Date("2028-01-31T00:00:00Z");
    await t.db.update(s.memberships).set({ currentPeriodEnd: nextEnd }).where(eq(s.memberships.id, yearly.id));
    expect(await queueRenewalReminders(t.db, env, new Date(nextEnd.getTime() - 20 * DAY))).toBe(1);
  });
});

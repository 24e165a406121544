/**
 * Renewal reminders: once a day, queue `renewal-reminder` for every active yearly membership
 * whose period ends within 30 days (daysBefore 30) or 7 days (daysBefore 7). The outbox's
 * dedupe key (`renewal-30:<membership>:<period end>`) makes each reminder once per period,
 * however often the schedule runs and on however many instances.
 */
import type { Database } from "../../../db/client";
import type { Locale, Membership } from "../../../db/schema";
import type { Env } from "../config/env.server";
import { queueEmail } from "./outbox.server";
import { getActiveYearlyPrice, getBillingContactLocale, getTierPrice, listMembershipsRenewingBetween } from "./reminders.queries.server";
import type { Recipient } from "../../../emails";

const DAY = 24 * 3600_000;

export async function queueRenewalReminders(db: Database, env: Env, now = new Date()): Promise<number> {
  const rows = await listMembershipsRenewingBetween(db, now, new Date(now.getTime() + 30 * DAY));
  const appUrl = (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
  let queued = 0;
  for (const { membership: m, tier, person, organisation } of rows) {
    if (m.seatOfMembershipId) continue; // seats renew with their organisation
    // A company paying by invoice is not charged automatically: its renewal invoice email
    // (corporate/renewals.server.ts) is its reminder.
    if (m.organisationId && !m.stripeSubscriptionId) continue;
    const periodEnd = m.currentPeriodEnd!;
    const daysBefore = periodEnd.getTime() - now.getTime() <= 7 * DAY ? 7 : 30;
    const price = await priceFor(db, m);
    if (!price) continue;

    let to: string;
    let locale: Locale;
    let recipient: Recipient;
    if (person) {
      to = person.email;
      locale = person.preferredLocale;
      recipient = { kind: "person", familyName: person.familyName, givenName: person.givenName };
    } else if (organisation) {
      const contact = await getBillingContactLocale(db, organisation.id);
      to = organisation.billingEmail;
      locale = contact?.locale ?? (organisation.country === "JP" ? "ja" : "en");
      recipient = { kind: "organisation", name: locale === "ja" ? (organisation.legalNameJa ?? organisation.legalNameEn) : organisation.legalNameEn };
    } else continue;

    const id = await queueEmail(db, {
      template: "renewal-reminder",
      locale,
      to,
      personId: person?.id ?? null,
      organisationId: organisation?.id ?? null,
      dedupeKey: `renewal-${daysBefore}:${m.id}:${periodEnd.toISOString()}`,
      props: {
        recipient,
        tierName: { en: tier.nameEn, ja: tier.nameJa },
        renewsAt: periodEnd.toISOString(),
        amount: price.amount,
        currency: price.currency,
        daysBefore,
        // Managed in the member area (signing in first): a person's own, or a company's by its contact.
        manageUrl: `${appUrl}${locale === "ja" ? "/ja" : ""}/account`,
      },
    });
    if (id) queued += 1;
  }
  return queued;
}

async function priceFor(db: Database, m: Membership) {
  if (m.priceId) {
    const p = await getTierPrice(db, m.priceId);
    if (p) return p;
  }
  if (!m.currency) return null;
  return getActiveYearlyPrice(db, m.tierId, m.currency);
}

/** Runs the reminders now and then every `intervalMs` (a day); stop() cancels the timer. */
export function startRenewalReminderSchedule(options: { db: Database; env: Env; intervalMs?: number; onError?: (error: unknown) => void }) {
  const run = () => queueRenewalReminders(options.db, options.env).catch(options.onError ?? ((e) => console.error("renewal reminders:", e)));
  let running = run();
  const timer = setInterval(() => {
    running = run();
  }, options.intervalMs ?? DAY);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * Renewal reminders: once a day, queue `renewal-reminder` for every active yearly membership
 * whose period ends within 30 days (daysBefore 30) or 7 days (daysBefore 7). The outbox's
 * dedupe key (`renewal-30:<membership>:<period end>`) makes each reminder once per period,
 * however often the schedule runs and on however many instances.
 */
import { and, eq, gt, lte } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { memberships, organisationContacts, organisations, people, tierPrices, tiers, type Locale } from "../../../db/schema";
import type { Env } from "../config/env.server";
import { queueEmail } from "./outbox.server";
import type { Recipient } from "../../../emails";

const DAY = 24 * 3600_000;

export async function queueRenewalReminders(db: Database, env: Env, now = new Date()): Promise<number> {
  const rows = await db
    .select({ membership: memberships, tier: tiers, person: people, organisation: organisations })
    .from(memberships)
    .innerJoin(tiers, eq(tiers.id, memberships.tierId))
    .leftJoin(people, eq(people.id, memberships.personId))
    .leftJoin(organisations, eq(organisations.id, memberships.organisationId))
    .where(
      and(
        eq(memberships.status, "active"),
        eq(memberships.interval, "year"),
        eq(memberships.cancelAtPeriodEnd, false),
        gt(memberships.currentPeriodEnd, now),
        lte(memberships.currentPeriodEnd, new Date(now.getTime() + 30 * DAY)),
      ),
    );
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
      const [contact] = await db
        .select({ locale: people.preferredLocale })
        .from(organisationContacts)
        .innerJoin(people, eq(people.id, organisationContacts.personId))
        .where(and(eq(organisationContacts.organisationId, organisation.id), eq(organisationContacts.role, "billing")));
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
        manageUrl: `${appUrl}${locale === "ja" ? "/ja" : ""}/membership`,
      },
    });
    if (id) queued += 1;
  }
  return queued;
}

async function priceFor(db: Database, m: typeof memberships.$inferSelect) {
  if (m.priceId) {
    const [p] = await db.select().from(tierPrices).where(eq(tierPrices.id, m.priceId));
    if (p) return p;
  }
  if (!m.currency) return null;
  const [p] = await db
    .select()
    .from(tierPrices)
    .where(and(eq(tierPrices.tierId, m.tierId), eq(tierPrices.currency, m.currency), eq(tierPrices.interval, "year"), eq(tierPrices.active, true)));
  return p ?? null;
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

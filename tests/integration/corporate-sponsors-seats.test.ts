import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { emailOutbox, memberships, organisationContacts, organisations, people, tiers } from "../../db/schema";
import { parseEnv } from "~/modules/config/env.server";
import { endInvoiceTerms, expireGracePeriods } from "~/modules/billing/lifecycle.server";
import { addInterval, stripeEvent, subscriptionShape } from "~/modules/billing/stripe-shapes.server";
import { checkLogo } from "~/modules/corporate/logo.server";
import { acceptSeatInvitation, inviteSeat, removeSeat } from "~/modules/corporate/seats.server";
import { seatInviteToken, seatManageToken } from "~/modules/corporate/tokens.server";
import { loader as sponsorsLoader } from "~/routes/($lang).sponsors";
import { loader as logoLoader } from "~/routes/sponsors.logo.$id";
import { action as seatsAction, loader as seatsLoader } from "~/routes/($lang).sponsor_.seats.$token";
import { dictionary } from "~/modules/i18n/i18n";
import { useTestDatabase } from "../setup/test-db";
import { billingEnv, deliverInOrder, getMembership, createPendingMembership } from "../fixtures/billing";
import { useStripeMock } from "../mocks/stripe";
import { PNG_BYTES, sakura, submitSponsor } from "../fixtures/corporate";

const t = useTestDatabase();
useStripeMock();
const env = billingEnv();
const demoEnv = parseEnv({ NODE_ENV: "test", APP_URL: "http://localhost:3000", DATA_DIR: mkdtempSync(path.join(tmpdir(), "kizuna-demo-")) });

async function company(
  name: string,
  options: {
    tier?: string;
    status?: "active" | "past_due" | "lapsed" | "canceled" | "pending" | "comped";
    show?: boolean;
    nameJa?: string;
    website?: string;
    logo?: Buffer;
  } = {},
) {
  const [tier] = await t.db
    .select()
    .from(tiers)
    .where(eq(tiers.slug, options.tier ?? "gold"));
  const [org] = await t.db
    .insert(organisations)
    .values({
      legalNameEn: name,
      legalNameJa: options.nameJa ?? null,
      website: options.website ?? null,
      billingEmail: `billing@${name.toLowerCase().replace(/\W/g, "")}.example`,
      country: "JP",
      showOnSponsorsPage: options.show ?? true,
      logo: options.logo ?? null,
      logoMime: options.logo ? "image/png" : null,
    })
    .returning();
  const [m] = await t.db
    .insert(memberships)
    .values({
      organisationId: org!.id,
      tierId: tier!.id,
      status: options.status ?? "active",
      currency: "JPY",
      interval: "year",
      currentPeriodStart: new Date(),
      currentPeriodEnd: new Date(Date.now() + 365 * 86_400_000),
    })
    .returning();
  return { org: org!, membership: m!, tier: tier! };
}

describe("the sponsors page", () => {
  it("shows exactly the active opted-in companies, grouped by tier (highest first), in the page's language, with logo and link", async () => {
    const gold = await company("Gold Active", { tier: "gold", nameJa: "ゴールド株式会社", website: "https://gold.example.com/", logo: PNG_BYTES });
    const platinum = await company("Platinum Active", { tier: "platinum" });
    const bronze = await company("Bronze Grace", { tier: "bronze", status: "past_due" });
    await company("Hidden Active", { show: false });
    await company("Lapsed Sponsor", { status: "lapsed" });
    await company("Canceled Sponsor", { status: "canceled" });
    await company("Pending Sponsor", { status: "pending" });
    // Paid by check through the use-case: appears like any other.
    const staffPaid = await submitSponsor(t.db, demoEnv, {
      ...sakura,
      tier: "silver",
      legalNameEn: "Check Payer KK",
      legalNameJa: "小切手株式会社",
      primaryEmail: "check@payer.example.jp",
      billingSame: "on",
    });
    const checkMembershipId = /m=([0-9a-f-]{36})/.exec(staffPaid.location!)![1]!;
    const { recordOfflineInvoicePayment } = await import("~/modules/corporate/corporate-billing.server");
    const { staffUsers } = await import("../../db/schema");
    const [staff] = await t.db.insert(staffUsers).values({ email: "s@kizuna.example", name: "S", role: "staff" }).returning();
    expect(
      await recordOfflineInvoicePayment(
        { db: t.db, env: demoEnv },
        { membershipId: checkMembershipId, method: "check", paidAt: new Date(), reference: "#9", staffUserId: staff!.id },
      ),
    ).toMatchObject({ ok: true });

    const ja = await sponsorsLoader({ request: new Request("http://localhost/ja/sponsors"), params: { lang: "ja" }, context: { db: t.db, env } });
    expect(ja.groups.map((g) => [g.slug, g.sponsors.map((s) => s.name.ja)])).toEqual([
      ["platinum", ["Platinum Active"]],
      ["gold", ["ゴールド株式会社"]],
      ["silver", ["小切手株式会社"]],
      ["bronze", ["Bronze Grace"]],
    ]);
    const goldEntry = ja.groups[1]!.sponsors[0]!;
    expect(goldEntry).toMatchObject({ website: "https://gold.example.com/", name: { en: "Gold Active" } });
    expect(goldEntry.logoUrl).toMatch(new RegExp(`^/sponsors/logo/${gold.org.id}\\?v=`));

    const logo = await logoLoader({ request: new Request(`http://localhost${goldEntry.logoUrl}`), params: { id: gold.org.id }, context: { db: t.db, env } });
    expect(logo.status).toBe(200);
    expect(logo.headers.get("Content-Type")).toBe("image/png");
    expect(logo.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(logo.headers.get("Content-Security-Policy")).toContain("default-src 'none'");

    // A sponsor that lapses disappears at once, logo included.
    await t.db.update(memberships).set({ status: "lapsed" }).where(eq(memberships.id, platinum.membership.id));
    await t.db.update(memberships).set({ status: "canceled" }).where(eq(memberships.id, gold.membership.id));
    const after = await sponsorsLoader({ request: new Request("http://localhost/sponsors"), params: {}, context: { db: t.db, env } });
    expect(after.groups.map((g) => g.slug)).toEqual(["silver", "bronze"]);
    expect(after.groups[1]!.sponsors[0]!.id).toBe(bronze.org.id);
    const gone = await logoLoader({ request: new Request("http://localhost/"), params: { id: gold.org.id }, context: { db: t.db, env } });
    expect(gone.status).toBe(404);
  });
});

describe("logo uploads", () => {
  const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });
  const isPng = (bytes: Buffer) => bytes.subarray(0, 8).equals(PNG_BYTES.subarray(0, 8));

  it("keeps PNG and JPEG as sent; turns an SVG into a PNG of its drawing; refuses other files", () => {
    expect(checkLogo(PNG_BYTES)).toEqual({ ok: true, bytes: PNG_BYTES, mime: "image/png" });
    expect(checkLogo(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toMatchObject({ ok: true, mime: "image/jpeg" });
    const red = checkLogo(
      Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"><rect width="100" height="50" fill="#c00"/></svg>'),
    );
    const blue = checkLogo(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50"><rect width="100" height="50" fill="#00c"/></svg>'));
    if (!red.ok || !blue.ok) throw new Error("a plain SVG was refused");
    expect(red.mime).toBe("image/png");
    expect(isPng(red.bytes)).toBe(true);
    expect(pngSize(red.bytes)).toEqual({ width: 800, height: 400 }); // scaled to fit 800×400, its shape kept
    expect(Buffer.compare(red.bytes, blue.bytes)).not.toBe(0); // the drawing, not a blank
    const tall = checkLogo(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10000" height="40000"><rect width="10" height="10"/></svg>'));
    expect(tall.ok && pngSize(tall.bytes)).toEqual({ width: 100, height: 400 });
    for (const notImage of [
      "%PDF-1.7 not an image",
      "<html><body>hi</body></html>",
      '<svg xmlns="http://www.w3.org/2000/svg"><rect',
      '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
    ]) {
      expect(checkLogo(Buffer.from(notImage))).toEqual({ ok: false, error: "logoType" });
    }
    expect(checkLogo(Buffer.alloc(1024 * 1024 + 1, 0x89))).toEqual({ ok: false, error: "logoTooLarge" });
  });

  it("the known filter bypasses (namespace prefixes, entity-encoded javascript: and external URLs) become pixels: no markup survives, nothing is fetched", async () => {
    let fetched = 0;
    const server = createServer((_req, res) => {
      fetched += 1;
      res.writeHead(200, { "Content-Type": "image/png" }).end(PNG_BYTES);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const hostile = [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="10" height="10"/>',
        '<s:svg xmlns:s="http://www.w3.org/2000/svg" width="10" height="10"><s:script>alert(1)</s:script><s:rect width="10" height="10"/></s:svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml" width="10" height="10"><h:script>alert(1)</h:script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" width="10" height="10"><a x:href="&#106;avascript&#x3a;alert(1)"><text y="8">x</text></a></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml" onclick="alert(1)">x</div></foreignObject></svg>',
        `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="${origin.replace("http", "&#104;ttp")}/a.png" width="10" height="10"/></svg>`,
        `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><use xlink:href="${origin}/b.svg#x"/></svg>`,
        `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><style>@import url(${origin}/c.css); rect { fill: url(${origin}/d.svg#g) }</style><rect width="10" height="10"/></svg>`,
        `<!DOCTYPE svg [<!ENTITY ext "${origin}/e.png">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="&ext;" width="10" height="10"/></svg>`,
      ];
      for (const svg of hostile) {
        const checked = checkLogo(Buffer.from(svg));
        if (!checked.ok) throw new Error(`refused instead of drawn: ${svg}`);
        expect(checked.mime).toBe("image/png");
        expect(isPng(checked.bytes)).toBe(true);
        expect(checked.bytes.toString("latin1")).not.toMatch(/script|javascript|alert|127\.0\.0\.1|<svg/i);
      }
      expect(fetched).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("/sponsor refuses a non-image with a translated message, creating nothing; an SVG with a script is stored as a PNG", async () => {
    const fields = { ...sakura, primaryEmail: "logo@x.example.jp", billingSame: "on" };
    const text = await submitSponsor(t.db, env, fields, { lang: "ja", logo: { bytes: "just text", name: "logo.png", type: "image/png" } });
    expect(text.status).toBe(400);
    expect(text.data!.errors.logo).toBe("logoType");
    expect(dictionary("ja").sponsor.errors.logoType).toContain("SVG");
    expect(await t.db.select().from(people).where(eq(people.email, "logo@x.example.jp"))).toHaveLength(0);

    const svg = await submitSponsor(
      t.db,
      demoEnv,
      { ...fields, legalNameEn: "Svg KK" },
      {
        lang: "ja",
        logo: {
          bytes: '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><script>alert(1)</script><rect width="20" height="10" fill="red"/></svg>',
          name: "logo.svg",
          type: "image/svg+xml",
        },
      },
    );
    expect(svg.status).toBe(303);
    const [org] = await t.db.select().from(organisations).where(eq(organisations.legalNameEn, "Svg KK"));
    expect(org!.logoMime).toBe("image/png");
    expect(isPng(org!.logo!)).toBe(true);
    expect(pngSize(org!.logo!)).toEqual({ width: 160, height: 80 }); // small drawings are scaled up at most 8×
  });

  it("a logo stored as SVG before rasterising began is served as a PNG, converted once", async () => {
    const legacy = await company("Legacy Svg", { tier: "gold" });
    await t.db
      .update(organisations)
      .set({
        logo: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'),
        logoMime: "image/svg+xml",
      })
      .where(eq(organisations.id, legacy.org.id));
    const served = await logoLoader({ request: new Request("http://localhost/"), params: { id: legacy.org.id }, context: { db: t.db, env } });
    expect(served.status).toBe(200);
    expect(served.headers.get("Content-Type")).toBe("image/png");
    expect(isPng(Buffer.from(await served.arrayBuffer()))).toBe(true);
    const [org] = await t.db.select().from(organisations).where(eq(organisations.id, legacy.org.id));
    expect(org!.logoMime).toBe("image/png");
  });

  it("stores an accepted logo on the organisation (demo gateway)", async () => {
    const outcome = await submitSponsor(
      t.db,
      demoEnv,
      { ...sakura, primaryEmail: "png@x.example.jp", billingSame: "on", legalNameEn: "Png KK" },
      { logo: { bytes: PNG_BYTES, name: "logo.png", type: "image/png" } },
    );
    expect(outcome.status).toBe(303);
    const [org] = await t.db.select().from(organisations).where(eq(organisations.legalNameEn, "Png KK"));
    expect(org!.logoMime).toBe("image/png");
    expect(Buffer.compare(org!.logo!, PNG_BYTES)).toBe(0);
  });
});

describe("employee seats", () => {
  async function invitePerson(membershipId: string, email: string, familyName: string) {
    expect(await inviteSeat({ db: t.db, env }, membershipId, { email, locale: "ja" })).toEqual({ ok: true });
    const token = seatInviteToken(env, membershipId, email);
    const accepted = await acceptSeatInvitation({ db: t.db, env }, token, { familyName, givenName: "社員", preferredLocale: "ja" });
    expect(accepted).toMatchObject({ ok: true });
    return (accepted as { seatMembershipId: string }).seatMembershipId;
  }

  it("lists invitations sent and not yet accepted on the seats page, until they are accepted or their link expires", async () => {
    const { membership } = await company("Pending Seats KK", { tier: "community-partner" });
    expect(await inviteSeat({ db: t.db, env }, membership.id, { email: "waiting@seat.example.jp", locale: "ja" })).toEqual({ ok: true });
    expect(await inviteSeat({ db: t.db, env }, membership.id, { email: "Later@Seat.example.jp", locale: "en" })).toEqual({ ok: true });
    const token = seatManageToken(env, membership.id);
    const load = async () =>
      (await seatsLoader({ request: new Request("http://localhost/ja/"), params: { lang: "ja", token }, context: { db: t.db, env } })).overview;
    const before = await load();
    expect(before.pending.map((p) => p.email).sort()).toEqual(["later@seat.example.jp", "waiting@seat.example.jp"]);
    const waiting = before.pending.find((p) => p.email === "waiting@seat.example.jp")!;
    expect(Date.parse(waiting.expiresAt) - Date.parse(waiting.sentAt)).toBe(14 * 86_400_000);
    // Pending invitations take no seat.
    expect(before.holders).toEqual([]);

    await acceptSeatInvitation({ db: t.db, env }, seatInviteToken(env, membership.id, "later@seat.example.jp"), {
      familyName: "後藤",
      givenName: "社員",
      preferredLocale: "ja",
    });
    expect((await load()).pending.map((p) => p.email)).toEqual(["waiting@seat.example.jp"]);
    // Past its link's 14 days, an invitation is no longer listed.
    await t.db
      .update(emailOutbox)
      .set({ createdAt: new Date(Date.now() - 15 * 86_400_000) })
      .where(eq(emailOutbox.toEmail, "waiting@seat.example.jp"));
    expect((await load()).pending).toEqual([]);
  });

  it("invites up to the tier's seats; beyond is refused with a clear message; removing a seat frees it", async () => {
    const { membership, org } = await company("Seat Partner", { tier: "community-partner" }); // 2 seats
    const first = await invitePerson(membership.id, "a@seat.example.jp", "青木");
    await invitePerson(membership.id, "b@seat.example.jp", "馬場");
    const invitation = (
      await t.db
        .select()
        .from(emailOutbox)
        .where(and(eq(emailOutbox.organisationId, org.id), eq(emailOutbox.template, "seat-invitation")))
    )[0]!;
    expect(invitation.toEmail).toBe("a@seat.example.jp");
    expect(String(invitation.props.acceptUrl)).toMatch(/^http:\/\/localhost:3000\/ja\/sponsor\/seat\//);
    const seat = await getMembership(t.db, first);
    expect(seat).toMatchObject({ status: "active", seatOfMembershipId: membership.id, tierId: membership.tierId, organisationId: null });
    const [contact] = await t.db
      .select()
      .from(organisationContacts)
      .where(and(eq(organisationContacts.organisationId, org.id), eq(organisationContacts.role, "seat"), eq(organisationContacts.personId, seat.personId!)));
    expect(contact!.acceptedAt).not.toBeNull();

    // Through the management link: the third invitation is refused, in Japanese, with the seat count.
    const token = seatManageToken(env, membership.id);
    const form = new URLSearchParams({ intent: "invite", email: "c@seat.example.jp", locale: "ja" });
    const refused = (await seatsAction({
      request: new Request(`http://localhost/ja/sponsor/seats/${token}`, { method: "POST", body: form }),
      params: { lang: "ja", token },
      context: { db: t.db, env },
    })) as unknown as { data: { kind: string; error: string; seats: number }; init: { status: number } };
    expect(refused.init.status).toBe(409);
    expect(refused.data).toMatchObject({ kind: "error", error: "seatsFull", seats: 2 });
    expect(dictionary("ja").seats.errors.seatsFull(2)).toContain("2枠すべてが使用中です");
    expect(dictionary("en").seats.errors.seatsFull(2)).toContain("All 2 seats are in use");
    // An invitation accepted after the seats filled up is refused as well.
    const late = await acceptSeatInvitation({ db: t.db, env }, seatInviteToken(env, membership.id, "late@seat.example.jp"), {
      familyName: "遅",
      givenName: "太",
      preferredLocale: "ja",
    });
    expect(late).toMatchObject({ ok: false, error: "seatsFull" });

    expect(await removeSeat({ db: t.db, env }, membership.id, first)).toBe(true);
    expect((await getMembership(t.db, first)).status).toBe("canceled");
    await invitePerson(membership.id, "c@seat.example.jp", "千葉");
    const overview = await seatsLoader({ request: new Request("http://localhost/"), params: { token }, context: { db: t.db, env } });
    expect(overview.overview.holders.map((h) => h.email).sort()).toEqual(["b@seat.example.jp", "c@seat.example.jp"]);
    // Accepted invitations (even of a seat since removed) are not pending; the refused third was never sent.
    expect(overview.overview.pending).toEqual([]);
    // A forged link finds nothing.
    await expect(seatsLoader({ request: new Request("http://localhost/"), params: { token: `${token}x` }, context: { db: t.db, env } })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("a seat holder loses the benefit when the company lapses, and gets it back when it is paid again", async () => {
    const { membership } = await company("Lapsing KK", { tier: "bronze" });
    const seatId = await invitePerson(membership.id, "d@lapse.example.jp", "土井");
    await t.db
      .update(memberships)
      .set({ status: "past_due", graceUntil: new Date(Date.now() - 1000) })
      .where(eq(memberships.id, membership.id));
    await expireGracePeriods(t.db, env);
    expect((await getMembership(t.db, membership.id)).status).toBe("lapsed");
    expect((await getMembership(t.db, seatId)).status).toBe("lapsed");
    const { transition } = await import("~/modules/billing/lifecycle.server");
    await transition(t.db, await getMembership(t.db, membership.id), "active", { cause: "system" });
    expect((await getMembership(t.db, seatId)).status).toBe("active");
  });

  it("a year paid by invoice goes past due at its end (grace, seats kept), then lapses with its seats; a subscription's end is left to Stripe", async () => {
    const { membership } = await company("Term Ends KK", { tier: "bronze" });
    const seatId = await invitePerson(membership.id, "f@term.example.jp", "藤田");
    const byCard = await company("Card Sub KK", { tier: "bronze" });
    await t.db.update(memberships).set({ stripeSubscriptionId: "sub_test_termends" }).where(eq(memberships.id, byCard.membership.id));
    const later = new Date(Date.now() + 366 * 86_400_000);
    expect(await endInvoiceTerms(t.db, env, later)).toBeGreaterThanOrEqual(1);
    const pastDue = await getMembership(t.db, membership.id);
    expect(pastDue.status).toBe("past_due");
    expect(pastDue.graceUntil!.getTime()).toBe(later.getTime() + env.MEMBERSHIP_GRACE_DAYS * 86_400_000);
    expect((await getMembership(t.db, seatId)).status).toBe("past_due");
    expect(await expireGracePeriods(t.db, env, new Date(pastDue.graceUntil!.getTime() + 1000))).toBeGreaterThanOrEqual(1);
    expect((await getMembership(t.db, membership.id)).status).toBe("lapsed");
    expect((await getMembership(t.db, seatId)).status).toBe("lapsed");
    expect((await getMembership(t.db, byCard.membership.id)).status).toBe("active");
  });

  it("a seat holder's own membership is separate: cancelling it never touches the company's or the seat", async () => {
    const { membership } = await company("Separate KK", { tier: "bronze" });
    const seatId = await invitePerson(membership.id, "e@separate.example.jp", "江藤");
    const seat = await getMembership(t.db, seatId);
    // The seat holder also joins in their own right (allowed despite the seat) and then cancels.
    const own = await createPendingMembership(t.db, { email: "own-e@separate.example.jp" });
    await t.db
      .update(memberships)
      .set({ personId: seat.personId, status: "active", stripeSubscriptionId: own.refs.subscriptionId })
      .where(eq(memberships.id, own.membership.id));
    await t.db.delete(people).where(eq(people.id, own.person.id));
    const now = Math.floor(Date.now() / 1000);
    const deleted = stripeEvent(
      "customer.subscription.deleted",
      subscriptionShape(own.refs, { status: "canceled", periodStart: now, periodEnd: addInterval(now, "year"), created: now, endedAt: now }),
      now,
    );
    expect((await deliverInOrder(t.db, env, deleted)).status).toBe(200);
    expect((await getMembership(t.db, own.membership.id)).status).toBe("canceled");
    expect((await getMembership(t.db, membership.id)).status).toBe("active");
    expect((await getMembership(t.db, seatId)).status).toBe("active");
  });
});

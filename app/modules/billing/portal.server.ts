/** Opens the Customer Portal for the membership a signed link names (Stripe call outside any transaction). */
import { getMembershipCustomers } from "./billing.queries.server";
import { organisationBillingContact } from "./lifecycle.server";
import { getGateway } from "./gateway.server";
import { appUrl, baseUrl } from "../shared/links.server";
import { verifyPortalToken } from "./portal-links.server";
import type { BillingContext } from "./webhook.server";

export async function openCardUpdate(
  ctx: BillingContext,
  token: string,
  /** Where the portal's "return" goes, as a path of this site (the member area); else the membership's status page. */
  options: { returnPath?: string } = {},
): Promise<{ ok: true; url: string } | { ok: false; reason: "invalid" | "unavailable" }> {
  const membershipId = verifyPortalToken(ctx.env, token);
  if (!membershipId) return { ok: false, reason: "invalid" };
  const found = await getMembershipCustomers(ctx.db, membershipId);
  // A company's card: its billing contact follows the link, in the contact's language.
  const contact = found?.organisationId ? await organisationBillingContact(ctx.db, found.organisationId) : null;
  const row = found ? { ...found, locale: found.locale ?? contact?.locale ?? "en" } : null;
  const customerId = row?.customerId ?? row?.personCustomerId ?? row?.organisationCustomerId;
  if (!row || !customerId) return { ok: false, reason: "invalid" };
  try {
    const session = await getGateway(ctx.env).createPortalSession(
      customerId,
      options.returnPath
        ? `${baseUrl(ctx.env)}${options.returnPath}`
        : appUrl(ctx.env, row.locale, row.organisationId ? `/sponsor/thanks?m=${membershipId}` : `/join/success?m=${membershipId}`),
      row.locale,
      token, // the link the member followed, still valid: the demo card page takes the same one
    );
    return { ok: true, url: session.url };
  } catch (error) {
    console.warn(`billing: portal session for membership ${membershipId} failed:`, (error as Error)?.message ?? error);
    return { ok: false, reason: "unavailable" };
  }
}

/**
 * Registers every domain's Stripe event handlers with the billing registry, in the order a
 * type's handlers are tried: a gift's events first (each answers null for an event naming no
 * gift), then memberships and payments, then companies (a company's invoice.paid, which the
 * membership handler passes on). Imported once by each entry point (app/entry.server.tsx, the
 * webhook route, the commands, the tests' setup); billing itself imports none of the domains.
 */
import { registerStripeHandlers } from "./billing/handler-registry.server";
import { membershipHandlers } from "./billing/handlers.server";
import { corporateHandlers } from "./corporate/corporate-events.server";
import { donationHandlers } from "./donations/donation-events.server";

registerStripeHandlers([donationHandlers, membershipHandlers, corporateHandlers]);

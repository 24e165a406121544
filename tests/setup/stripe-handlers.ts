/** What app/entry.server.tsx does at start-up: every domain's Stripe event handlers registered (tests import modules, not the build). */
import "~/modules/stripe-handlers.server";

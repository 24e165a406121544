/**
 * POST /webhooks/stripe: the one door Stripe's deliveries come in by, answered by the server
 * ahead of Express and Remix. Through Remix's router and Express's per-request set-up a
 * delivery cost the app about three times the CPU (2.2 ms against 0.7 ms) and webhook
 * ingestion fell from about 1,100 to 430 events/s (`npm run bench -- webhooks`). The body is
 * read raw (the signature is over its exact bytes) within 2 MB; past that the answer is 413
 * and the rest is not read. Every other method answers 405.
 */
import type http from "node:http";
import getRawBody from "raw-body";
import { answerStripeWebhook, type BillingContext } from "../modules/billing/webhook.server";

const WEBHOOK_BODY_LIMIT = "2mb";

export const isStripeWebhook = (req: http.IncomingMessage) => req.url === "/webhooks/stripe" || req.url?.startsWith("/webhooks/stripe?") === true;

export function stripeWebhookHandler(ctx: BillingContext) {
  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const send = (status: number, body: string, headers: Record<string, string> = {}) =>
      res
        .writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "X-Content-Type-Options": "nosniff", ...headers })
        .end(body);
    if (req.method !== "POST") {
      req.resume();
      return send(405, JSON.stringify({ error: "POST only" }), { Allow: "POST" });
    }
    let body: string;
    try {
      body = await getRawBody(req, { limit: WEBHOOK_BODY_LIMIT, encoding: "utf-8" });
    } catch (error) {
      // The rest of the body is not read: the connection closes after this answer.
      const tooLarge = (error as { type?: string }).type === "entity.too.large";
      return send(tooLarge ? 413 : 400, JSON.stringify({ error: tooLarge ? `body larger than ${WEBHOOK_BODY_LIMIT}` : "unreadable body" }), {
        Connection: "close",
      });
    }
    try {
      const answer = await answerStripeWebhook(ctx, body, (req.headers["stripe-signature"] as string | undefined) ?? null);
      send(answer.status, answer.body);
    } catch (error) {
      // answerStripeWebhook answers every failure itself; this is a last resort.
      console.error("stripe webhook:", error);
      send(500, JSON.stringify({ error: "internal error" }));
    }
  };
}

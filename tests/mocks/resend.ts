/**
 * A stand-in for Resend at the network edge (msw), with Resend's idempotency behaviour: a
 * repeated Idempotency-Key gets the first answer back and delivers nothing new.
 *
 *   const resend = fakeResend();          // starts msw with onUnhandledRequest: "error"
 *   resend.failNext(500); resend.failNext(429, { retryAfter: 1 });
 *   resend.delivered                      // what a recipient would have received
 */
import { randomUUID } from "node:crypto";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";

export const RESEND_TEST_BASE_URL = "https://resend.test";
export const RESEND_TEST_KEY = "re_test_fake";

export interface ResendRequest {
  idempotencyKey: string | null;
  body: {
    from: string;
    to: string[];
    subject: string;
    html?: string;
    text?: string;
    tags?: { name: string; value: string }[];
    attachments?: { filename: string; content: string; content_type?: string }[];
  };
  status: number;
}

export function fakeResend() {
  const state = {
    requests: [] as ResendRequest[],
    delivered: [] as (ResendRequest["body"] & { id: string; idempotencyKey: string | null })[],
    byKey: new Map<string, { id: string; payload: string }>(),
    scripted: [] as { status: number; retryAfter?: number }[],
    /** Recipients Resend refuses (422). */
    rejects: (to: string) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(to),
  };

  const handler = http.post(`${RESEND_TEST_BASE_URL}/emails`, async ({ request }) => {
    const key = request.headers.get("idempotency-key");
    const body = (await request.json()) as ResendRequest["body"];
    const record = (status: number) => state.requests.push({ idempotencyKey: key, body, status });
    if (request.headers.get("authorization") !== `Bearer ${RESEND_TEST_KEY}`) {
      record(401);
      return HttpResponse.json({ statusCode: 401, name: "missing_api_key", message: "Missing API key" }, { status: 401 });
    }
    const next = state.scripted.shift();
    if (next) {
      record(next.status);
      const headers: Record<string, string> = next.retryAfter !== undefined ? { "retry-after": String(next.retryAfter) } : {};
      const name = next.status === 429 ? "rate_limit_exceeded" : "internal_server_error";
      return HttpResponse.json({ statusCode: next.status, name, message: `scripted ${next.status}` }, { status: next.status, headers });
    }
    const to = body.to.find((address) => state.rejects(address));
    if (to !== undefined) {
      record(422);
      return HttpResponse.json(
        {
          statusCode: 422,
          name: "validation_error",
          message: `Invalid \`to\` field. The email address needs to follow the \`email@example.com\` format. (${to})`,
        },
        { status: 422 },
      );
    }
    const payload = JSON.stringify(body);
    if (key) {
      const seen = state.byKey.get(key);
      if (seen) {
        if (seen.payload !== payload) {
          record(409);
          return HttpResponse.json(
            { statusCode: 409, name: "invalid_idempotent_request", message: "Same idempotency key used with a different request payload." },
            { status: 409 },
          );
        }
        record(200);
        return HttpResponse.json({ id: seen.id });
      }
    }
    const id = randomUUID();
    if (key) state.byKey.set(key, { id, payload });
    state.delivered.push({ ...body, id, idempotencyKey: key });
    record(200);
    return HttpResponse.json({ id });
  });

  const server = setupServer(handler);
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    state.scripted = [];
  });
  afterAll(() => server.close());

  return {
    get requests() {
      return state.requests;
    },
    get delivered() {
      return state.delivered;
    },
    failNext(status: number, options: { retryAfter?: number } = {}) {
      state.scripted.push({ status, ...options });
    },
    reset() {
      state.requests.length = 0;
      state.delivered.length = 0;
      state.byKey.clear();
      state.scripted = [];
    },
  };
}

import { extractText } from "unpdf";
import { describe, expect, it } from "vitest";
import { parseEnv } from "~/modules/config/env.server";
import { issueReceiptForPayment, receiptToken } from "~/modules/receipts/receipts.server";
import { loader as pageLoader } from "~/routes/($lang).receipts.$number";
import { loader as pdfLoader } from "~/routes/receipts.$number.pdf";
import { createMembership, createPayment, createPerson } from "../fixtures/members";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const env = parseEnv({ NODE_ENV: "test", APP_URL: "https://kizuna.example.org" });

function args(path: string, params: Record<string, string>) {
  return { request: new Request(`http://localhost${path}`), params, context: { db: t.db, env } };
}

async function thrown(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown Response");
}

/** The token with its first character changed: never the token itself. */
function wrong(token: string): string {
  return (token[0] === "A" ? "B" : "A") + token.slice(1);
}

async function receipt() {
  const person = await createPerson(t.db, { familyName: "山田", givenName: "太郎", preferredLocale: "ja" });
  const membership = await createMembership(t.db, person.id);
  const payment = await createPayment(t.db, { personId: person.id, membershipId: membership.id });
  return t.db.transaction((tx) => issueReceiptForPayment(tx, payment.id));
}

describe("receipt page", () => {
  it("opens with the signed link, in both languages with the payer's first, and links the PDF", async () => {
    const r = await receipt();
    const token = receiptToken(env, r.number);
    const data = await pageLoader(args(`/ja/receipts/${r.number}?token=${token}`, { lang: "ja", number: r.number }));
    expect(data.locale).toBe("ja");
    expect(data.document.locales).toEqual(["ja", "en"]);
    expect(data.document.payer.ja).toBe("山田 太郎 様");
    expect(data.document.deductible.en).toBe("$220.00");
    expect(data.pdfUrl).toBe(`/receipts/${r.number}/pdf?token=${token}`);
  });

  it("is a 404 without the token, with a wrong one, for another number, and for a malformed number", async () => {
    const r = await receipt();
    const token = receiptToken(env, r.number);
    expect((await thrown(pageLoader(args(`/receipts/${r.number}`, { number: r.number })))).status).toBe(404);
    expect((await thrown(pageLoader(args(`/receipts/${r.number}?token=${wrong(token)}`, { number: r.number })))).status).toBe(404);
    const next = r.number.replace(/\d{6}$/, (n) => String(Number(n) + 1).padStart(6, "0"));
    expect((await thrown(pageLoader(args(`/receipts/${next}?token=${token}`, { number: next })))).status).toBe(404);
    expect((await thrown(pageLoader(args(`/receipts/../x?token=${token}`, { number: "../x" })))).status).toBe(404);
    const missing = "2031-000001";
    expect((await thrown(pageLoader(args(`/receipts/${missing}?token=${receiptToken(env, missing)}`, { number: missing })))).status).toBe(404);
  });

  it("serves the PDF behind the same link, private and not cached", async () => {
    const r = await receipt();
    const response = await pdfLoader(args(`/receipts/${r.number}/pdf?token=${receiptToken(env, r.number)}`, { number: r.number }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    const { text } = await extractText(new Uint8Array(await response.arrayBuffer()), { mergePages: true });
    expect(text).toContain("山田 太郎 様");
    const denied = await pdfLoader(args(`/receipts/${r.number}/pdf`, { number: r.number }));
    expect(denied.status).toBe(404);
  });
});

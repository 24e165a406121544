/**
 * The fixture rule: every Stripe object the demo gateway, the tests and the benchmark build is
 * shaped as Stripe sends it in a webhook for the pinned API version. `tsc` holds the first half
 * (each builder `satisfies` the SDK's own type, so a field the SDK does not have fails the type
 * check); this file holds the second: no includable field, ever, and the list of includable
 * fields agrees with what the SDK says.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  addInterval,
  chargeShape,
  checkoutSessionShape,
  corporateInvoiceShape,
  disputeShape,
  INCLUDABLE,
  includableFieldsIn,
  invoicePaidEvents,
  invoicePaymentShape,
  invoiceShape,
  stripeEvent,
  subscriptionShape,
  type SubscriptionRefs,
} from "~/modules/billing/stripe-shapes.server";
import { billingEnv, deliver } from "../fixtures/billing";

const sdk = path.resolve("node_modules/stripe/cjs/resources");
const read = (file: string) => readFileSync(path.join(sdk, file), "utf8");

/** The declared fields of an SDK resource interface (`export interface Invoice {` … `}`), with whether each is optional. */
function declaredFields(file: string, name: string): Map<string, boolean> {
  const source = read(file);
  const start = source.indexOf(`export interface ${name} {`);
  expect(start, `${name} in ${file}`).toBeGreaterThanOrEqual(0);
  const body = source.slice(start, source.indexOf("\n}", start));
  return new Map([...body.matchAll(/^ {4}(\w+)(\??):/gm)].map((m) => [m[1]!, m[2] === "?"]));
}

const files: Record<string, [string, string]> = {
  invoice: ["Invoices.d.ts", "Invoice"],
  charge: ["Charges.d.ts", "Charge"],
  "checkout.session": ["Checkout/Sessions.d.ts", "Session"],
  customer: ["Customers.d.ts", "Customer"],
};

const refs: SubscriptionRefs = {
  membershipId: "0b5e7d3a-1111-4222-8333-444455556666",
  subscriptionId: "sub_test_1",
  customerId: "cus_test_1",
  currency: "jpy",
  amount: 8000,
  interval: "year",
};
const T = 1_795_000_000;

describe("Stripe fixtures are shaped as Stripe sends them", () => {
  it("the includable fields we refuse are ones the SDK declares optional (present only when asked for)", () => {
    for (const [object, fields] of Object.entries(INCLUDABLE)) {
      const [file, name] = files[object]!;
      const declared = declaredFields(file, name);
      for (const field of fields) expect(declared.get(field), `${object}.${field}`).toBe(true);
    }
  });

  it("every field the SDK's doc comments call includable, on an object we build, is in the list", () => {
    const names: Record<string, string> = { invoice: "invoice", "checkout session": "checkout.session", quote: "quote", "payment link": "payment_link" };
    const said = readdirSync(sdk, { recursive: true })
      .filter((f) => String(f).endsWith(".d.ts"))
      .flatMap((f) => [...read(String(f)).matchAll(/When retrieving an? ([\w ]+?), there is an includable (?:\[)?([\w.]+)(?:\]\([^)]*\))? property/g)])
      .map((m) => ({ object: names[m[1]!.toLowerCase()] ?? m[1]!, field: m[2]! }));
    expect(said).toContainEqual({ object: "invoice", field: "payments" });
    const built = new Set(["invoice", "checkout.session", "charge", "subscription", "invoice_payment", "dispute"]);
    for (const { object, field } of said.filter((s) => built.has(s.object))) expect(INCLUDABLE[object], `${object}.${field}`).toContain(field);
  });

  it("finds an includable field at any depth, so the check itself can fail", () => {
    const invoice = invoiceShape(refs, { invoiceId: "in_test_1", status: "paid", periodStart: T, periodEnd: addInterval(T, "year"), created: T });
    expect(includableFieldsIn(invoice)).toEqual([]);
    expect(includableFieldsIn({ ...invoice, payments: { object: "list", data: [] } })).toEqual(["payments (invoice)"]);
    expect(includableFieldsIn({ id: "evt", data: { object: { object: "charge", refunds: null } } })).toEqual(["data.object.refunds (charge)"]);
  });

  it("no builder puts an includable field in an event", () => {
    const invoice = invoiceShape(refs, { invoiceId: "in_test_2", status: "paid", periodStart: T, periodEnd: addInterval(T, "year"), created: T });
    const corporate = corporateInvoiceShape({
      invoiceId: "in_test_3",
      membershipId: refs.membershipId,
      organisationId: refs.membershipId,
      customerId: "cus_c",
      currency: "jpy",
      amount: 700000,
      status: "paid",
      created: T,
      dueDate: T,
      poNumber: "PO-1",
    });
    const objects = [
      checkoutSessionShape({ ...refs, sessionId: "cs_test_1", email: "a@example.org", locale: "ja", paid: true }, T),
      subscriptionShape(refs, { status: "active", periodStart: T, periodEnd: addInterval(T, "year"), created: T }),
      invoice,
      corporate,
      invoicePaymentShape({ invoiceId: invoice.id, paymentIntentId: "pi_test_1", currency: "jpy", amount: 8000, created: T }),
      chargeShape(
        { customerId: "cus_test_1", currency: "jpy", amount: 8000 },
        { chargeId: "ch_test_1", paymentIntentId: "pi_test_1", created: T, amountRefunded: 8000 },
      ),
      disputeShape({ disputeId: "dp_test_1", chargeId: "ch_test_1", paymentIntentId: "pi_test_1", amount: 8000, currency: "jpy", created: T }),
      ...invoicePaidEvents(corporate, { created: T, method: "customer_balance" }).all.map((e) => e.data.object),
    ];
    for (const object of objects) expect(includableFieldsIn(object), String(object.object)).toEqual([]);
    // A Charge names its payment intent and never its invoice; an invoice never its subscription or charge.
    expect(objects.find((o) => o.object === "charge")).not.toHaveProperty("invoice");
    expect(invoice).not.toHaveProperty("subscription");
    expect(invoice).not.toHaveProperty("charge");
    expect(invoice).not.toHaveProperty("payment_intent");
  });

  it("the tests' webhook helper refuses a fixture Stripe would never send", async () => {
    const invoice = invoiceShape(refs, { invoiceId: "in_test_4", status: "paid", periodStart: T, periodEnd: addInterval(T, "year"), created: T });
    const event = stripeEvent("invoice.paid", { ...invoice, payments: { object: "list", data: [], has_more: false, url: "/v1/invoice_payments" } }, T);
    await expect(deliver(null as never, billingEnv(), event)).rejects.toThrow(
      "invoice.paid fixture carries fields Stripe never sends in a webhook: payments (invoice)",
    );
  });
});

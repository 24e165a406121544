/** The demo gateway's checkout page (no STRIPE_SECRET_KEY): pay, be declined, or need authentication. */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { completeDemoCheckout, getDemoCheckout, isDemo } from "~/modules/billing/demo.server";
import { donationIdFromDemoSession } from "~/modules/billing/gateway.server";
import { completeDemoDonation, getDemoDonationCheckout } from "~/modules/donations/donations.server";
import { formatMoney } from "~/modules/i18n/format";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";
import { RouteError } from "~/components/route-error";
import { formStrings } from "~/modules/forms";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["checkout", "donate", "join"] };
export const clientLoader = withStrings(["checkout", "donate", "join"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").demoCheckout.metaTitle },
  { name: "robots", content: "noindex" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  if (!isDemo(context)) throw new Response("Not Found", { status: 404 });
  const session = params.session ?? "";
  if (donationIdFromDemoSession(session)) {
    // A gift: the same page, paid through the same webhook code.
    const gift = await getDemoDonationCheckout(context, session);
    if (!gift) throw new Response("Not Found", { status: 404 });
    if (gift.status !== "pending") throw redirect(localePath(locale, `/donate/thanks?d=${gift.donationId}`));
    const checkout = {
      kind: "donation" as const,
      tierName: gift.fundName,
      amount: gift.amount,
      currency: gift.currency,
      interval: gift.interval,
      email: gift.email,
    };
    return { locale, checkout };
  }
  const membership = await getDemoCheckout(context, session);
  if (!membership) throw new Response("Not Found", { status: 404 });
  if (membership.status !== "pending") throw redirect(localePath(locale, `/join/success?m=${membership.membershipId}`));
  const checkout = {
    kind: "membership" as const,
    membershipId: membership.membershipId,
    tierName: membership.tierName,
    amount: membership.amount,
    currency: membership.currency,
    interval: membership.interval,
    email: membership.email,
  };
  return { locale, checkout };
}

const ActionSchema = z.object({ outcome: z.enum(["pay", "decline", "authenticate", "auth_fail"]) });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  if (!isDemo(context)) throw new Response("Not Found", { status: 404 });
  const parsed = ActionSchema.safeParse(formStrings(await request.formData()));
  if (!parsed.success) return data({ step: "choose" as const, message: null }, { status: 400 });
  const session = params.session ?? "";
  switch (parsed.data.outcome) {
    case "pay":
      if (donationIdFromDemoSession(session)) return redirect(await completeDemoDonation(context, session, locale), 303);
      return redirect(await completeDemoCheckout(context, session, locale), 303);
    case "decline":
      return data({ step: "choose" as const, message: "declined" as const }, { status: 402 });
    case "authenticate":
      return { step: "authenticate" as const, message: null };
    case "auth_fail":
      return data({ step: "choose" as const, message: "authFailed" as const }, { status: 402 });
  }
}

export default function DemoCheckout() {
  const { checkout } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const d = t.demoCheckout;
  return (
    <div className="page narrow">
      <p className="test-banner" role="note">
        {d.banner}
      </p>
      <h1>{checkout.kind === "donation" ? d.giftHeading : d.heading}</h1>
      <section aria-labelledby="summary-heading" className="card">
        <h2 id="summary-heading">{d.summary}</h2>
        <dl>
          <dt>{checkout.kind === "donation" ? t.donate.fundLegend : d.tier}</dt>
          <dd>{checkout.tierName[locale]}</dd>
          <dt>{d.amount}</dt>
          <dd data-amount>{formatMoney(checkout.amount, checkout.currency, locale)}</dd>
          <dt>{d.billed}</dt>
          <dd>{checkout.interval === "year" ? t.join.yearly : checkout.interval === "once" ? t.donate.once : t.join.monthly}</dd>
          <dt>{d.email}</dt>
          <dd>{checkout.email}</dd>
        </dl>
      </section>
      {result?.message ? (
        <p className="error-summary" role="alert">
          {result.message === "declined" ? d.declined : d.authFailed}
        </p>
      ) : null}
      {result?.step === "authenticate" ? (
        <section aria-labelledby="auth-heading">
          <h2 id="auth-heading">{d.authHeading}</h2>
          <p>{d.authText}</p>
          <Form method="post" className="button-stack">
            <button type="submit" name="outcome" value="pay" className="button primary">
              {d.authComplete}
            </button>
            <button type="submit" name="outcome" value="auth_fail" className="button secondary">
              {d.authFail}
            </button>
          </Form>
        </section>
      ) : (
        <Form method="post" className="button-stack">
          <p>{d.choose}</p>
          <button type="submit" name="outcome" value="pay" className="button primary">
            {d.pay}
          </button>
          <button type="submit" name="outcome" value="decline" className="button secondary">
            {d.decline}
          </button>
          <button type="submit" name="outcome" value="authenticate" className="button secondary">
            {d.authenticate}
          </button>
        </Form>
      )}
      <p>
        <Link to={localePath(locale, checkout.kind === "donation" ? "/donate" : `/join?resume=${checkout.membershipId}`)}>{d.back}</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <RouteError
      expected={(t, error) => (error.status === 404 ? { text: t.demoCheckout.unavailable } : null)}
      back={(t) => ({ to: "/join", label: t.join.heading })}
    />
  );
}

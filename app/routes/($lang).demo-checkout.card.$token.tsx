/** The demo gateway's stand-in for Stripe's Customer Portal: pay the overdue amount with the test card. */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, useActionData, useRouteError } from "@remix-run/react";
import { isDemo, simulateRenewal } from "~/modules/billing/demo.server";
import { verifyPortalToken } from "~/modules/billing/links.server";
import { dictionary, localePath } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: dictionary(data?.locale ?? "en").demoCheckout.metaTitle },
  { name: "robots", content: "noindex" },
];

function requireMembership(params: { token?: string }, context: LoaderFunctionArgs["context"]) {
  if (!isDemo(context)) throw new Response("Not Found", { status: 404 });
  const membershipId = verifyPortalToken(context.env, params.token ?? "");
  if (!membershipId) throw new Response("Not Found", { status: 404 });
  return membershipId;
}

export function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  requireMembership(params, context);
  return { locale };
}

export async function action({ params, context }: ActionFunctionArgs) {
  requireLocale(params);
  const membershipId = requireMembership(params, context);
  const result = await simulateRenewal(context, membershipId, "overdue");
  return { done: result.status === "active" };
}

export default function DemoCard() {
  const result = useActionData<typeof action>();
  const t = useT();
  const d = t.demoCheckout;
  return (
    <div className="page narrow">
      <p className="test-banner" role="note">
        {d.banner}
      </p>
      <h1>{d.cardHeading}</h1>
      {result?.done ? (
        <p role="status">{d.cardDone}</p>
      ) : (
        <>
          <p>{d.cardText}</p>
          <Form method="post">
            <button type="submit" className="button primary">
              {d.cardPay}
            </button>
          </Form>
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const locale = useLocale();
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <div className="page narrow">
      <h1>{t.errors.genericTitle}</h1>
      <p>{isRouteErrorResponse(error) ? t.billingPortal.invalid : t.errors.genericText}</p>
      <p>
        <Link to={localePath(locale, "/")}>{t.errors.backHome}</Link>
      </p>
    </div>
  );
}

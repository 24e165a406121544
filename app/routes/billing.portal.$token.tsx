/**
 * The "update your card" link in payment-failed emails: a signed, expiring token naming the
 * membership. Each visit creates a fresh Customer Portal session (its URL is short-lived) and
 * redirects to it; with the demo gateway, to the local stand-in page.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { openCardUpdate } from "~/modules/billing/portal.server";
import { dictionary } from "~/modules/i18n/i18n";

export const meta: MetaFunction = () => [{ name: "robots", content: "noindex" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const result = await openCardUpdate(context, params.token ?? "");
  if (result.ok) return redirect(result.url, 303);
  throw new Response(result.reason, { status: result.reason === "invalid" ? 404 : 503 });
}

export default function Portal() {
  return null;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const invalid = isRouteErrorResponse(error) && error.status === 404;
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <div className="page narrow">
      {(["en", "ja"] as const).map((locale) => (
        <section key={locale} lang={locale}>
          <h1>{dictionary(locale).errors.genericTitle}</h1>
          <p>{invalid ? dictionary(locale).billingPortal.invalid : dictionary(locale).billingPortal.unavailable}</p>
        </section>
      ))}
    </div>
  );
}

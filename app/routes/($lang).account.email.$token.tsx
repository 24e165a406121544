/**
 * The link sent to a member's new email address (account/details.server.ts): opening it changes
 * nothing (mail scanners open links); the button makes the address theirs.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { RouteError } from "~/components/route-error";
import { confirmEmailChange, getEmailChange } from "~/modules/account/details.server";
import { requireSameOrigin } from "~/modules/auth/auth.server";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

export const handle: StringsHandle = { strings: ["account"] };
export const clientLoader = withStrings(["account"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").accountEmail.metaTitle },
  { name: "robots", content: "noindex" },
  // The token never leaves the site in a Referer (same-origin keeps the form's Origin header).
  { name: "referrer", content: "same-origin" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const found = await getEmailChange(context.db, context.env, params.token ?? "");
  return data({ locale, newEmail: found?.newEmail ?? null }, { status: found ? 200 : 404, headers: { "Cache-Control": "private, no-store" } });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  requireLocale(params);
  requireSameOrigin(request, context);
  const { result, newEmail } = await confirmEmailChange(context.db, context.env, params.token ?? "", context.clientIp ?? null);
  const status = { changed: 200, invalid: 404, taken: 409, stripe: 503 }[result];
  // The address comes back with the answer: once changed, the link (and so the loader) names nothing.
  return data({ result, newEmail: result === "changed" ? newEmail : null }, { status });
}

export default function ConfirmEmailChange() {
  const { newEmail } = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const locale = useLocale();
  const t = useT().accountEmail;
  const toAccount = (
    <p>
      <Link to={localePath(locale, "/account")}>{t.toAccount}</Link>
    </p>
  );
  if (done?.result === "changed" && done.newEmail) {
    return (
      <div className="page narrow">
        <h1>{t.heading}</h1>
        <p role="status" className="notice" data-email-change="changed">
          {t.changed(done.newEmail)}
        </p>
        {toAccount}
      </div>
    );
  }
  if (!newEmail || done?.result === "invalid") {
    return (
      <div className="page narrow">
        <h1>{t.heading}</h1>
        <p role="alert" className="notice notice--error" data-email-change="invalid">
          {t.invalid}
        </p>
        {toAccount}
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>{t.heading}</h1>
      <p>{t.lead(newEmail)}</p>
      {done?.result === "taken" || done?.result === "stripe" ? (
        <p role="alert" className="notice notice--error" data-email-change={done.result}>
          {t[done.result]}
        </p>
      ) : null}
      <Form method="post">
        <button type="submit" className="button primary" disabled={busy || done?.result === "taken"}>
          {t.submit}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}

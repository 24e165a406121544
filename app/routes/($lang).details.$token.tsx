/**
 * A person confirms new details sent with a public form without signing in (the signed link in
 * the details-confirm email, members/details.server.ts). Opening the link changes nothing (mail
 * scanners open links); the button does.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { RouteError } from "~/components/route-error";
import { dictionary, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useT } from "~/modules/i18n/use-locale";
import { confirmDetails, getDetailsConfirmation } from "~/modules/people/details.server";
import { strings } from "../../emails/locales";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["details"] };
export const clientLoader = withStrings(["details"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").detailsConfirm.metaTitle },
  { name: "robots", content: "noindex" },
  { name: "referrer", content: "no-referrer" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const found = await getDetailsConfirmation(context.db, context.env, params.token ?? "", locale);
  if (!found) throw new Response("Not Found", { status: 404 });
  // The labels the confirmation email used, so the page names each detail as the email did.
  const labels = strings(locale).detailsConfirm.fields;
  return { locale, kind: found.kind, rows: found.rows.map((row) => ({ ...row, label: labels[row.field] })) };
}

export async function action({ params, context }: ActionFunctionArgs) {
  requireLocale(params);
  const result = await confirmDetails(context.db, context.env, params.token ?? "", context.clientIp ?? null);
  if (result === "invalid") throw new Response("Not Found", { status: 404 });
  return data({ result }, { status: result === "confirmed" ? 200 : 409 });
}

export default function ConfirmDetails() {
  const { kind, rows } = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const t = useT().detailsConfirm;
  if (done) {
    return (
      <div className="page narrow">
        <h1>{t.heading}</h1>
        <p role="status" data-details-result={done.result}>
          {done.result === "confirmed" ? t.confirmed : t.nothing}
        </p>
      </div>
    );
  }
  if (rows.length === 0) {
    return (
      <div className="page narrow">
        <h1>{t.heading}</h1>
        <p role="status" data-details-result="nothing">
          {t.nothing}
        </p>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>{t.heading}</h1>
      <p>{t.lead(kind)}</p>
      <table className="compare">
        <caption>{t.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.field}</th>
            <th scope="col">{t.now}</th>
            <th scope="col">{t.next}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.field}>
              <th scope="row">{row.label}</th>
              <td className={row.field === "postalCode" ? "nowrap" : undefined}>{row.now || t.empty}</td>
              <td className={row.field === "postalCode" ? "nowrap" : undefined}>
                <strong>{row.next || t.empty}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Form method="post" className="compare-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {t.confirm}
        </button>
        <p className="hint">{t.notYou}</p>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError expected={(t, e) => (e.status === 404 ? { title: t.errors.genericTitle, text: t.detailsConfirm.invalidLink } : null)} />;
}

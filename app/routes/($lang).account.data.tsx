/**
 * /account/data: the signed-in member downloads everything Kizuna holds about them (a zip of
 * JSON and CSV, from /account/data/download), and asks for deletion (or withdraws the request
 * until staff carry it out).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { RouteError } from "~/components/route-error";
import { getDataPage, setDeletionRequest } from "~/modules/account/data.server";
import { requireSameOrigin } from "~/modules/auth/auth.server";
import { requireMember } from "~/modules/auth/member-auth.server";
import { formatDate } from "~/modules/i18n/format";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

export const handle: StringsHandle = { strings: ["accountData"] };
export const clientLoader = withStrings(["accountData"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").accountData.metaTitle },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const personId = await requireMember(request, context, locale);
  const page = await getDataPage(context.db, personId);
  if (!page) throw new Response("Not Found", { status: 404 });
  return data(
    {
      locale,
      retentionYears: context.env.RECORD_RETENTION_YEARS,
      requestedAt: page.deletionRequestedAt ? formatDate(page.deletionRequestedAt, locale) : null,
      liveSubscription: page.liveSubscription,
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  requireSameOrigin(request, context);
  const personId = await requireMember(request, context, locale);
  const form = await request.formData();
  const ip = context.clientIp ?? null;
  const intent = form.get("intent");
  if (intent === "request") {
    if (form.get("confirm") !== "yes") return data({ result: null, error: "confirm" as const }, { status: 400 });
    return data({ result: await setDeletionRequest(context.db, personId, true, ip), error: null });
  }
  if (intent === "withdraw") return data({ result: await setDeletionRequest(context.db, personId, false, ip), error: null });
  return data({ result: null, error: "invalid" as const }, { status: 400 });
}

export default function AccountData() {
  const loaded = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const locale = useLocale();
  const t = useT().accountData;
  const confirmError = answer?.error === "confirm";
  return (
    <div className="page narrow account">
      <p>
        <Link to={localePath(locale, "/account")}>{t.back}</Link>
      </p>
      <h1>{t.heading}</h1>
      {answer?.error === "invalid" ? (
        <p role="alert" className="notice notice--error">
          {t.invalid}
        </p>
      ) : null}

      <section aria-labelledby="download-heading">
        <h2 id="download-heading">{t.downloadHeading}</h2>
        <p>{t.downloadLead}</p>
        {/* A resource route answers with the file itself (a page's action would render the page). */}
        <Form method="post" action={localePath(locale, "/account/data/download")} reloadDocument>
          <button type="submit" className="button primary">
            {t.downloadSubmit}
          </button>
        </Form>
      </section>

      <section aria-labelledby="deletion-heading">
        <h2 id="deletion-heading">{t.deletionHeading}</h2>
        {answer?.result === "requested" || answer?.result === "withdrawn" ? (
          <p role="status" className="notice">
            {answer.result === "requested" ? t.requestedNow : t.withdrawnNow}
          </p>
        ) : null}
        {loaded.requestedAt ? (
          <>
            <p className="notice" data-deletion-requested>
              {t.deletionRequested(loaded.requestedAt)}
            </p>
            <Form method="post">
              <p className="hint" id="withdraw-hint">
                {t.withdrawHint}
              </p>
              <button type="submit" name="intent" value="withdraw" className="button secondary" aria-describedby="withdraw-hint" disabled={busy}>
                {t.withdrawSubmit}
              </button>
            </Form>
          </>
        ) : (
          <>
            <p>{t.deletionLead(loaded.retentionYears)}</p>
            {loaded.liveSubscription ? <p className="notice">{t.deletionLive}</p> : null}
            <Form method="post" noValidate>
              <div className="field">
                <label className="choice">
                  <input
                    type="checkbox"
                    name="confirm"
                    value="yes"
                    aria-invalid={confirmError ? true : undefined}
                    aria-describedby={confirmError ? "confirm-error" : undefined}
                  />{" "}
                  {t.deletionConfirm}
                </label>
                {confirmError ? (
                  <p id="confirm-error" className="field-error" role="alert">
                    {t.deletionConfirmRequired}
                  </p>
                ) : null}
              </div>
              <button type="submit" name="intent" value="request" className="button secondary" disabled={busy}>
                {t.deletionSubmit}
              </button>
            </Form>
          </>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}

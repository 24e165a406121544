/**
 * /account: the member area's home: the signed-in person's memberships (stop or resume automatic
 * renewal, update the card), payments and receipts, giving statements, links to their details, and signing out.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { z } from "zod";
import { openMemberCardUpdate, openOverdueInvoice, renewMembership, requestCancelAtPeriodEnd } from "~/modules/account/member-billing.server";
import { requireSameOrigin } from "~/modules/auth/auth.server";
import { RouteError } from "~/components/route-error";
import { getMemberHome } from "~/modules/account/account.server";
import { requireMember } from "~/modules/auth/member-auth.server";
import { dictionary, localePath, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["account"] };
export const clientLoader = withStrings(["account"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  { title: dictionary(loaded?.locale ?? "en").account.metaTitle },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const personId = await requireMember(request, context, locale);
  const home = await getMemberHome(context.db, context.env, personId, locale);
  if (!home) throw new Response("Not Found", { status: 404 });
  return data({ locale, ...home }, { headers: { "Cache-Control": "private, no-store" } });
}

const ChangeSchema = z.object({ intent: z.enum(["cancel", "resume", "card", "pay", "renew"]), membershipId: z.uuid(), formToken: z.uuid().optional() });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  requireSameOrigin(request, context);
  const personId = await requireMember(request, context, locale);
  const form = Object.fromEntries(await request.formData());
  const parsed = ChangeSchema.safeParse(form);
  if (!parsed.success) return data({ error: "notFound" as const, membershipId: null, requested: null }, { status: 400 });
  const { intent, membershipId, formToken } = parsed.data;
  if (intent === "card") {
    const opened = await openMemberCardUpdate(context, personId, membershipId, locale);
    if (opened.ok) throw redirect(opened.url, 303);
    return data({ error: opened.error, membershipId, requested: null }, { status: opened.error === "stripe" ? 503 : 404 });
  }
  if (intent === "pay" || intent === "renew") {
    const opened =
      intent === "pay" ? await openOverdueInvoice(context, personId, membershipId, locale) : await renewMembership(context, personId, membershipId, locale);
    if (opened.ok) throw redirect(opened.url, 303);
    return data({ error: opened.error, membershipId, requested: null }, { status: opened.error === "stripe" ? 503 : opened.error === "notFound" ? 404 : 409 });
  }
  const cancel = intent === "cancel";
  if (!formToken) return data({ error: "notFound" as const, membershipId: null, requested: null }, { status: 400 });
  const result = await requestCancelAtPeriodEnd(context, personId, membershipId, cancel, formToken);
  if (!result.ok) return data({ error: result.error, membershipId, requested: null }, { status: result.error === "stripe" ? 503 : 404 });
  return data({ error: null, membershipId, requested: { cancelAtPeriodEnd: cancel } });
}

export default function AccountHome() {
  const home = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const locale = useLocale();
  const t = useT().account;
  // A change asked of Stripe lands through its webhook: until this page's data shows it, say so and look again.
  const waiting = home.memberships.find((m) => m.id === result?.membershipId && result.requested && m.cancelAtPeriodEnd !== result.requested.cancelAtPeriodEnd);
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1500);
    return () => clearInterval(timer);
  }, [waiting, revalidator]);
  return (
    <div className="page account">
      <h1>{t.heading}</h1>
      <p className="muted">{t.signedInAs(home.name, home.email)}</p>

      <section aria-labelledby="memberships-heading">
        <h2 id="memberships-heading">{t.membershipsHeading}</h2>
        {home.memberships.length === 0 ? (
          <p>
            {t.noMemberships} <Link to={localePath(locale, "/join")}>{t.joinCta}</Link>
          </p>
        ) : (
          <ul className="account-cards">
            {home.memberships.map((m) => (
              <li key={m.id} className="card" data-membership={m.id}>
                <h3>{m.tierName}</h3>
                {m.seatOf ? <p className="muted">{m.seatOf}</p> : null}
                <dl className="facts">
                  <div>
                    <dt>{t.status}</dt>
                    <dd data-status={m.status}>{m.statusText}</dd>
                  </div>
                  <div>
                    <dt>{t.term}</dt>
                    <dd>{m.term}</dd>
                  </div>
                  <div>
                    <dt>{t.payBy}</dt>
                    <dd>{m.payBy}</dd>
                  </div>
                </dl>
                {result?.membershipId === m.id ? (
                  <div role={result.error ? "alert" : "status"} className={result.error ? "notice notice--error" : "notice"} data-change-status>
                    {result.error
                      ? t.changeErrors[result.error]
                      : waiting?.id === m.id
                        ? t.confirming
                        : result.requested?.cancelAtPeriodEnd
                          ? t.confirmedCancel
                          : t.confirmedResume}
                  </div>
                ) : null}
                {m.overdue ? (
                  <div className="renewal">
                    <h4>{t.overdueHeading}</h4>
                    <p>{t.overdueExplain}</p>
                    <Form method="post" reloadDocument>
                      <input type="hidden" name="membershipId" value={m.id} />
                      <button type="submit" name="intent" value="pay" className="button primary">
                        {t.overdueSubmit}
                      </button>
                    </Form>
                  </div>
                ) : null}
                {m.changeable && m.periodEnd ? (
                  <div className="renewal">
                    <h4>{t.renewalHeading}</h4>
                    <p>{m.cancelAtPeriodEnd ? t.resumeExplain(m.periodEnd) : t.cancelExplain(m.periodEnd)}</p>
                    <div className="card__actions">
                      <Form method="post">
                        <input type="hidden" name="membershipId" value={m.id} />
                        <input type="hidden" name="formToken" value={home.formToken} />
                        <button
                          type="submit"
                          name="intent"
                          value={m.cancelAtPeriodEnd ? "resume" : "cancel"}
                          className="button secondary"
                          disabled={busy || waiting?.id === m.id}
                        >
                          {m.cancelAtPeriodEnd ? t.resumeSubmit : t.cancelSubmit}
                        </button>
                      </Form>
                      <Form method="post" reloadDocument>
                        <input type="hidden" name="membershipId" value={m.id} />
                        <button type="submit" name="intent" value="card" className="button secondary" aria-describedby={`card-hint-${m.id}`}>
                          {t.updateCard}
                        </button>
                      </Form>
                    </div>
                    <p className="hint" id={`card-hint-${m.id}`}>
                      {t.updateCardHint}
                    </p>
                  </div>
                ) : null}
                {m.renewable ? (
                  <div className="renewal">
                    <h4>{t.renewHeading}</h4>
                    <p>{t.renewExplain(m.tierName)}</p>
                    <Form method="post" reloadDocument>
                      <input type="hidden" name="membershipId" value={m.id} />
                      <button type="submit" name="intent" value="renew" className="button primary">
                        {t.renewSubmit}
                      </button>
                    </Form>
                  </div>
                ) : null}
                {m.history.length ? (
                  <details>
                    <summary>{t.historyHeading}</summary>
                    <ol className="history">
                      {m.history.map((line, i) => (
                        <li key={i}>{line}</li>
                      ))}
                    </ol>
                  </details>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="payments-heading">
        <h2 id="payments-heading">{t.paymentsHeading}</h2>
        {home.payments.length === 0 ? (
          <p>{t.noPayments}</p>
        ) : (
          <div className="table-scroll">
            <table className="compare payments">
              <caption className="visually-hidden">{t.paymentsCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.date}</th>
                  <th scope="col">{t.purpose}</th>
                  <th scope="col" className="num">
                    {t.amount}
                  </th>
                  <th scope="col">{t.receipt}</th>
                </tr>
              </thead>
              <tbody>
                {home.payments.map((p) => (
                  <tr key={p.id}>
                    <td className="nowrap" data-label={t.date}>
                      {p.date}
                    </td>
                    <td data-label={t.purpose}>{p.purpose}</td>
                    <td className="num nowrap" data-label={t.amount}>
                      {p.amount}
                      {p.refunded ? <div className="muted small">{p.refunded}</div> : null}
                    </td>
                    <td data-label={t.receipt}>
                      {p.receipt ? (
                        <span className="receipt-links">
                          <a href={p.receipt.html}>{t.viewReceipt(p.receipt.number)}</a>
                          <a href={p.receipt.pdf} aria-label={t.receiptPdfLabel(p.receipt.number)}>
                            {t.receiptPdf}
                          </a>
                        </span>
                      ) : (
                        <span className="muted">{t.noReceipt}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="details-heading">
        <h2 id="details-heading">{t.detailsHeading}</h2>
        <p>{t.detailsLead}</p>
        <p>
          <Link to={localePath(locale, "/account/details")}>{t.detailsLink}</Link>
        </p>
        <p>
          <Link to={localePath(locale, "/account/data")}>{t.dataLink}</Link>
        </p>
      </section>

      <section aria-labelledby="statements-heading">
        <h2 id="statements-heading">{t.statementsHeading}</h2>
        <p>{t.statementsLead}</p>
        <Form method="get" action={localePath(locale, "/account/statement")} reloadDocument className="statement-form">
          <div className="field">
            <label htmlFor="statement-year">{t.statementYear}</label>
            <select id="statement-year" name="year" defaultValue={home.statementYears[0]}>
              {home.statementYears.map((year) => (
                <option key={year} value={year}>
                  {locale === "ja" ? `${year}年` : year}
                </option>
              ))}
            </select>
          </div>
          <fieldset className="field">
            <legend>{t.statementKind}</legend>
            <label className="choice">
              <input type="radio" name="fiscal" value="calendar" defaultChecked /> {t.calendarYear}
            </label>
            <label className="choice">
              <input type="radio" name="fiscal" value="april" /> {t.aprilYear}
            </label>
          </fieldset>
          <button type="submit" className="button secondary">
            {t.statementSubmit}
          </button>
        </Form>
      </section>

      <section aria-labelledby="sign-out-heading" className="sign-out">
        <h2 id="sign-out-heading">{t.signOutHeading}</h2>
        <div className="card__actions">
          <Form method="post" action={localePath(locale, "/account/sign-out")} reloadDocument>
            <button type="submit" className="button secondary">
              {t.signOut}
            </button>
          </Form>
          <Form method="post" action={localePath(locale, "/account/sign-out")} reloadDocument>
            <input type="hidden" name="scope" value="everywhere" />
            <button type="submit" className="button secondary" aria-describedby="everywhere-hint">
              {t.signOutEverywhere}
            </button>
          </Form>
        </div>
        <p className="hint" id="everywhere-hint">
          {t.signOutEverywhereHint}
        </p>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}

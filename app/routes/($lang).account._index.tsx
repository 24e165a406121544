/**
 * /account: the member area's home: the signed-in person's memberships (stop or resume automatic
 * renewal, update the card), payments and receipts, giving statements, links to their details, and signing out.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { z } from "zod";
import {
  openMemberCardUpdate,
  openOverdueInvoice,
  planOptions,
  previewPlanChange,
  renewMembership,
  requestCancelAtPeriodEnd,
  requestPlanChange,
} from "~/modules/account/member-billing.server";
import { formatDate, formatMoney } from "~/modules/i18n/format";
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
  const t = dictionary(locale).account;
  // The plans each switchable membership could move to, named and priced in the page's language.
  const plans = Object.fromEntries(
    await Promise.all(
      home.memberships
        .filter((m) => m.switchable)
        .map(async (m) => [
          m.id,
          (await planOptions(context, m)).map((p) => ({
            priceId: p.priceId,
            label: `${locale === "ja" ? p.tierNameJa : p.tierNameEn}${locale === "ja" ? "：" : ": "}${t.price(formatMoney(p.amount, p.currency, locale), p.interval)}`,
          })),
        ]),
    ),
  ) as Record<string, { priceId: number; label: string }[]>;
  return data({ locale, ...home, plans }, { headers: { "Cache-Control": "private, no-store" } });
}

const PlanSchema = z.object({
  intent: z.enum(["preview", "switch"]),
  membershipId: z.uuid(),
  priceId: z.coerce.number().int().positive().max(2_147_483_647),
  prorationDate: z.coerce.number().int().positive().max(4_102_444_800).optional(),
  formToken: z.uuid().optional(),
});
const ChangeSchema = z.object({ intent: z.enum(["cancel", "resume", "card", "pay", "renew"]), membershipId: z.uuid(), formToken: z.uuid().optional() });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  requireSameOrigin(request, context);
  const personId = await requireMember(request, context, locale);
  const form = Object.fromEntries(await request.formData());
  if (form.intent === "preview" || form.intent === "switch") return planAction(context, personId, locale, form);
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

/** A change of plan: first its price (Stripe's preview), then the change itself, which lands through the webhook. */
async function planAction(context: ActionFunctionArgs["context"], personId: string, locale: "en" | "ja", form: Record<string, FormDataEntryValue>) {
  const parsed = PlanSchema.safeParse(form);
  if (!parsed.success) return data({ error: "notOffered" as const, membershipId: null, requested: null }, { status: 400 });
  const { intent, membershipId, priceId, prorationDate, formToken } = parsed.data;
  const t = dictionary(locale).account;
  const status = (error: string) => (error === "stripe" ? 503 : error === "notFound" ? 404 : 409);
  if (intent === "preview") {
    const priced = await previewPlanChange(context, personId, membershipId, priceId);
    if (!priced.ok) return data({ error: priced.error, membershipId, requested: null }, { status: status(priced.error) });
    const p = priced.preview;
    const money = (amount: number) => formatMoney(amount, p.currency, locale);
    return data({
      error: null,
      membershipId,
      requested: null,
      preview: {
        priceId,
        prorationDate: p.prorationDate,
        now: p.dueNow > 0 ? t.planDueNow(money(p.dueNow)) : p.credit > 0 ? t.planCredit(money(p.credit)) : t.planNothingNow,
        next: t.planNext(t.price(money(p.nextAmount), p.nextInterval), formatDate(p.nextDate, locale)),
      },
    });
  }
  // The price shown is good for an hour (Stripe prorates to the second it was priced for).
  if (!prorationDate || !formToken || Math.abs(Date.now() / 1000 - prorationDate) > 3600) {
    return data({ error: "stale" as const, membershipId, requested: null }, { status: 409 });
  }
  const asked = await requestPlanChange(context, personId, membershipId, priceId, prorationDate, formToken);
  if (!asked.ok) return data({ error: asked.error, membershipId, requested: null }, { status: status(asked.error) });
  return data({ error: null, membershipId, requested: { priceId } });
}

export default function AccountHome() {
  const home = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const locale = useLocale();
  const t = useT().account;
  // A change asked of Stripe lands through its webhook: until this page's data shows it, say so and look again.
  const waiting = home.memberships.find((m) => {
    if (m.id !== result?.membershipId || !result.requested) return false;
    const requested = result.requested as { cancelAtPeriodEnd?: boolean; priceId?: number };
    return requested.priceId !== undefined ? m.priceId !== requested.priceId : m.cancelAtPeriodEnd !== requested.cancelAtPeriodEnd;
  });
  const preview = result && "preview" in result ? result.preview : null;
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
                {result?.membershipId === m.id && !preview ? (
                  <div role={result.error ? "alert" : "status"} className={result.error ? "notice notice--error" : "notice"} data-change-status>
                    {result.error
                      ? t.changeErrors[result.error]
                      : waiting?.id === m.id
                        ? t.confirming
                        : result.requested && "priceId" in result.requested
                          ? t.confirmedPlan
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
                {m.switchable && home.plans[m.id]?.length ? (
                  <div className="renewal" data-plan>
                    <h4>{t.planHeading}</h4>
                    <p className="hint">{t.planRule}</p>
                    <Form method="post" className="statement-form">
                      <input type="hidden" name="membershipId" value={m.id} />
                      <fieldset className="field">
                        <legend>{t.planLegend}</legend>
                        {home.plans[m.id]!.map((p) => (
                          <label key={p.priceId} className="choice">
                            <input type="radio" name="priceId" value={p.priceId} defaultChecked={preview?.priceId === p.priceId} required /> {p.label}
                          </label>
                        ))}
                      </fieldset>
                      <button type="submit" name="intent" value="preview" className="button secondary" disabled={busy || waiting?.id === m.id}>
                        {t.planPreviewSubmit}
                      </button>
                    </Form>
                    {preview && result?.membershipId === m.id ? (
                      <div className="plan-preview notice" role="status" data-plan-preview>
                        <h5>{t.planSummary(home.plans[m.id]!.find((p) => p.priceId === preview.priceId)?.label ?? "")}</h5>
                        <p>{preview.now}</p>
                        <p>{preview.next}</p>
                        <Form method="post">
                          <input type="hidden" name="membershipId" value={m.id} />
                          <input type="hidden" name="priceId" value={preview.priceId} />
                          <input type="hidden" name="prorationDate" value={preview.prorationDate} />
                          <input type="hidden" name="formToken" value={home.formToken} />
                          <button type="submit" name="intent" value="switch" className="button primary" disabled={busy}>
                            {t.planConfirm}
                          </button>
                        </Form>
                      </div>
                    ) : null}
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

      {home.companies.length ? (
        <section aria-labelledby="companies-heading">
          <h2 id="companies-heading">{t.companiesHeading}</h2>
          <ul className="account-cards">
            {home.companies.map((c) => (
              <li key={c.id} className="card" data-company={c.id}>
                <h3>{c.name}</h3>
                <p className="muted">{t.companyRole[c.role]}</p>
                <dl className="facts">
                  <div>
                    <dt>{t.tier}</dt>
                    <dd>{c.tierName}</dd>
                  </div>
                  <div>
                    <dt>{t.status}</dt>
                    <dd data-status={c.status}>{c.statusText}</dd>
                  </div>
                  <div>
                    <dt>{t.term}</dt>
                    <dd>{c.term}</dd>
                  </div>
                </dl>
                <p>
                  <a href={c.manage}>{t.companyManage(c.name)}</a>
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

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

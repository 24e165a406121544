/** /staff/members/:memberId: a person or organisation, with confirmed, audited actions. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ConfirmBox, Field, StaffErrorBoundary, type FieldErrors } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { can } from "~/modules/auth/permissions";
import { dictionary } from "~/modules/i18n/i18n";
import { formatMoney, formatPersonName, minorUnitDigits } from "~/modules/i18n/format";
import { countryName, regionName } from "~/modules/members/regions";
import { isDemo } from "~/modules/billing/demo.server";
import { compMembershipAsStaff, endCompAsStaff } from "~/modules/billing/comps.server";
import { refundPaymentAsStaff } from "~/modules/billing/refunds.server";
import { cancelMembershipAsStaff, simulateRenewalAsStaff } from "~/modules/billing/staff-billing.server";
import { MemberActionSchema } from "~/modules/members/member-actions.schema";
import { ActionError, editProfile, getMemberPage, recordOfflinePayment, resendReceipt } from "~/modules/members/member-page.server";
import { intlLocale, useStaffLayout, useStaffT } from "~/modules/staff/use-staff";
import { recordStaffPaymentAgainstInvoice } from "~/modules/corporate/corporate-billing.server";
import {
  changeOrganisationContact,
  getOrganisationExtras,
  issueRenewalInvoiceAsStaff,
  setRenewalTier,
} from "~/modules/corporate/staff-corporate.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "read");
  const page = await getMemberPage(context.db, params.memberId ?? "");
  if (!page) throw new Response("Not found", { status: 404 });
  const corporate = page.organisation ? await getOrganisationExtras(context.db, page.organisation.id) : null;
  return { ...page, corporate, canWrite: can(staff.role, "members:write"), demo: isDemo(context) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request, context, "members:write");
  const memberId = params.memberId ?? "";
  const t = dictionary(staff.locale).staff.member;
  const tc = dictionary(staff.locale).staffCorporate;
  const message = (key: string) => t.errors[key] ?? tc.errors[key] ?? t.errors.required;
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  const parsed = MemberActionSchema.safeParse(form);
  if (!parsed.success) {
    const errors: FieldErrors = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form");
      errors[field] ??= field === "confirm" ? t.confirmRequired : message(issue.message);
    }
    return Response.json({ intent: form.intent ?? null, errors, values: form }, { status: 400 });
  }
  const input = parsed.data;
  const actor = { staff, ip: context.clientIp ?? null };
  try {
    if (input.intent === "edit") await editProfile(context.db, actor, memberId, input);
    else if (input.intent === "comp") await compMembershipAsStaff(context, actor, memberId, input);
    else if (input.intent === "endComp") await endCompAsStaff(context, actor, memberId, input);
    else if (input.intent === "refund") await refundPaymentAsStaff(context, actor, memberId, input);
    else if (input.intent === "cancel") await cancelMembershipAsStaff(context, actor, memberId, input);
    else if (input.intent === "simulate") await simulateRenewalAsStaff(context, actor, memberId, input);
    else if (input.intent === "contact") await changeOrganisationContact(context.db, actor, memberId, input);
    else if (input.intent === "renewalTier") await setRenewalTier(context, actor, memberId, input);
    else if (input.intent === "renewalInvoice") await issueRenewalInvoiceAsStaff(context, actor, memberId, input);
    else if (input.intent === "payment") {
      // A company waiting on its Stripe invoice: the check or wire pays that invoice (out of band), once.
      const againstInvoice = await recordStaffPaymentAgainstInvoice(context, {
        memberId,
        membershipId: input.membershipId,
        method: input.method,
        paidAt: new Date(`${input.paidAt}T12:00:00+09:00`),
        reference: input.reference ?? "",
        staffUserId: staff.id,
        ip: actor.ip,
      });
      if (againstInvoice && !againstInvoice.ok) throw new ActionError("membershipId", "stripe");
      if (!againstInvoice) await recordOfflinePayment(context, actor, memberId, input);
    }
    else if (input.intent === "resend") await resendReceipt(context.db, actor, memberId, input.receiptId);
  } catch (error) {
    if (error instanceof ActionError) {
      return Response.json({ intent: input.intent, errors: { [error.field]: message(error.key) }, values: form }, { status: 400 });
    }
    throw error;
  }
  return redirect(`/staff/members/${memberId}?done=${input.intent}`);
}

type ActionData = { intent: string | null; errors: FieldErrors; values: Record<string, string> };

export default function MemberPage() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<ActionData>();
  const t = useStaffT();
  const { locale } = useStaffLayout();
  const [params] = useSearchParams();
  const done = params.get("done");
  const errorsFor = (intent: string) => (failed?.intent === intent ? failed.errors : undefined);
  const valueFor = (intent: string, name: string, fallback: string | null | undefined) =>
    failed?.intent === intent && failed.values[name] !== undefined ? failed.values[name] : (fallback ?? "");
  const dt = (d: string | Date | null) => (d ? new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeZone: "Asia/Tokyo" }).format(new Date(d)) : "—");
  const dtt = (d: string | Date | null) =>
    d ? new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Tokyo" }).format(new Date(d)) : "—";
  const p = data.person;
  const o = data.organisation;
  const c = data.corporate;
  const tc = dictionary(locale).staffCorporate;
  const methods = dictionary(locale).receipt.methods;
  const doneText = done ? (t.member.done[done] ?? tc.done[done]) : null;
  const tierName = (id: number | null) => {
    const tier = c?.corporateTiers.find((x) => x.id === id);
    return tier ? (locale === "ja" ? tier.nameJa : tier.nameEn) : null;
  };
  const title = p ? formatPersonName(p, locale) : (locale === "ja" ? (o!.legalNameJa ?? o!.legalNameEn) : o!.legalNameEn);
  const membershipOptions = data.memberships.map((m) => (
    <option key={m.id} value={m.id}>
      {`${locale === "ja" ? m.tierNameJa : m.tierNameEn} — ${t.statuses[m.status] ?? m.status}`}
    </option>
  ));
  return (
    <div className="staff-page">
      <p>
        <Link to="/staff/members">← {t.members}</Link>
      </p>
      <h1>{title}</h1>
      {doneText ? (
        <p role="status" className="notice">
          {doneText}
        </p>
      ) : null}
      {failed ? (
        <p role="alert" className="notice notice--error">
          {t.fixErrors}
        </p>
      ) : null}

      <section aria-labelledby="profile-h">
        <h2 id="profile-h">{t.member.profile}</h2>
        <dl className="profile">
          {p ? (
            <>
              <dt>{t.member.familyName}</dt>
              <dd>
                {p.familyName}
                {p.familyNameKana ? `（${p.familyNameKana}）` : ""}
              </dd>
              <dt>{t.member.givenName}</dt>
              <dd>
                {p.givenName}
                {p.givenNameKana ? `（${p.givenNameKana}）` : ""}
              </dd>
              <dt>{t.member.email}</dt>
              <dd>{p.email}</dd>
              <dt>{t.member.locale}</dt>
              <dd>{t.languages[p.preferredLocale]}</dd>
            </>
          ) : (
            <>
              <dt>{t.columns.organisation}</dt>
              <dd>
                {o!.legalNameEn}
                {o!.legalNameJa ? ` / ${o!.legalNameJa}` : ""}
              </dd>
              <dt>{t.member.email}</dt>
              <dd>{o!.billingEmail}</dd>
            </>
          )}
          <dt>{t.member.country}</dt>
          <dd>{countryName((p ?? o)!.country, locale)}</dd>
          <dt>{t.member.addressLine1}</dt>
          <dd>{[(p ?? o)!.postalCode, regionName((p ?? o)!.country, (p ?? o)!.region, locale), (p ?? o)!.city, (p ?? o)!.addressLine1, (p ?? o)!.addressLine2].filter(Boolean).join(" ") || "—"}</dd>
        </dl>
      </section>

      {c ? (
        <section aria-labelledby="contacts-h">
          <h2 id="contacts-h">{tc.contacts}</h2>
          <dl className="profile">
            {(["primary", "billing"] as const).map((role) => {
              const who = c[role];
              return (
                <div key={role} data-contact={role}>
                  <dt>{tc[role]}</dt>
                  <dd>{who ? `${formatPersonName(who, locale)} <${who.email}> (${t.languages[who.preferredLocale]})` : "—"}</dd>
                </div>
              );
            })}
          </dl>
          {data.canWrite
            ? (["primary", "billing"] as const).map((role) => {
                const prefix = `contact-${role}`;
                const errs = failed?.intent === "contact" && failed.values.role === role ? failed.errors : undefined;
                const val = (name: string, fallback: string) => (errs && failed!.values[name] !== undefined ? failed!.values[name]! : fallback);
                return (
                  <Form method="post" noValidate key={role}>
                    <input type="hidden" name="intent" value="contact" />
                    <input type="hidden" name="role" value={role} />
                    <fieldset>
                      <legend>{role === "primary" ? tc.changePrimary : tc.changeBilling}</legend>
                      <p className="hint" id={`${prefix}-hint`}>
                        {tc.contactHint}
                      </p>
                      <Field name="personId" label={tc.pick} idPrefix={prefix} errors={errs} defaultValue={val("personId", "new")}>
                        {c.candidates.map((x) => (
                          <option key={x.personId} value={x.personId}>
                            {`${formatPersonName(x, locale)} <${x.email}>`}
                          </option>
                        ))}
                        <option value="new">{tc.someoneNew}</option>
                      </Field>
                      <fieldset>
                        <legend>{tc.newPerson}</legend>
                        <Field name="familyName" label={tc.familyName} idPrefix={prefix} errors={errs} defaultValue={val("familyName", "")} autoComplete="off" />
                        <Field name="givenName" label={tc.givenName} idPrefix={prefix} errors={errs} defaultValue={val("givenName", "")} autoComplete="off" />
                        <Field name="email" type="email" label={tc.email} idPrefix={prefix} errors={errs} defaultValue={val("email", "")} autoComplete="off" />
                        <Field name="preferredLocale" label={tc.language} idPrefix={prefix} errors={errs} defaultValue={val("preferredLocale", o!.country === "JP" ? "ja" : "en")}>
                          <option value="en">{t.languages.en}</option>
                          <option value="ja">{t.languages.ja}</option>
                        </Field>
                      </fieldset>
                      <ConfirmBox idPrefix={prefix} errors={errs} />
                      <button type="submit">{role === "primary" ? tc.changePrimary : tc.changeBilling}</button>
                    </fieldset>
                  </Form>
                );
              })
            : null}
        </section>
      ) : null}

      {c ? (
        <section aria-labelledby="seats-h">
          <h2 id="seats-h">{tc.seats}</h2>
          {c.seats.length === 0 ? (
            <p>{tc.noSeats}</p>
          ) : (
            <table>
              <caption>{tc.seats}</caption>
              <thead>
                <tr>
                  <th scope="col">{tc.seatName}</th>
                  <th scope="col">{tc.email}</th>
                  <th scope="col">{tc.seatSince}</th>
                  <th scope="col">{tc.seatStatus}</th>
                </tr>
              </thead>
              <tbody>
                {c.seats.map((seat) => (
                  <tr key={seat.membershipId}>
                    <td>
                      <Link to={`/staff/members/${seat.personId}`}>{formatPersonName(seat, locale)}</Link>
                    </td>
                    <td>{seat.email}</td>
                    <td>{dt(seat.since)}</td>
                    <td>{t.statuses[seat.status] ?? seat.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}

      {c ? (
        <section aria-labelledby="invoices-h">
          <h2 id="invoices-h">{tc.invoices}</h2>
          {c.invoices.length === 0 ? (
            <p>{tc.noInvoices}</p>
          ) : (
            <table>
              <caption>{tc.invoices}</caption>
              <thead>
                <tr>
                  <th scope="col">{tc.invoiceId}</th>
                  <th scope="col">{tc.invoiceNumber}</th>
                  <th scope="col">{tc.invoiceKind}</th>
                  <th scope="col">{tc.amount}</th>
                  <th scope="col">{tc.currency}</th>
                  <th scope="col">{tc.invoiceStatus}</th>
                  <th scope="col">{tc.dueDate}</th>
                  <th scope="col">{tc.po}</th>
                  <th scope="col">{tc.link}</th>
                </tr>
              </thead>
              <tbody>
                {c.invoices.map((inv) => (
                  <tr key={inv.id} data-invoice={inv.stripeInvoiceId ?? inv.id}>
                    <td>
                      <code>{inv.stripeInvoiceId ?? "—"}</code>
                    </td>
                    <td>{inv.number ?? "—"}</td>
                    <td>
                      {tc.kinds[inv.kind] ?? inv.kind}
                      {inv.periodStart && inv.periodEnd ? ` (${dt(inv.periodStart)} – ${dt(inv.periodEnd)})` : ""}
                    </td>
                    <td>{formatMoney(inv.amount, inv.currency, locale)}</td>
                    <td>{inv.currency}</td>
                    <td>{tc.invoiceStatuses[inv.status] ?? inv.status}</td>
                    <td>{dt(inv.dueDate)}</td>
                    <td>{inv.poNumber ?? "—"}</td>
                    <td>
                      {inv.hostedInvoiceUrl ? (
                        <a href={inv.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                          {tc.open}
                          <span className="visually-hidden">{` ${inv.number ?? inv.stripeInvoiceId ?? ""}`}</span>
                        </a>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}

      <section aria-labelledby="memberships-h">
        <h2 id="memberships-h">{t.member.memberships}</h2>
        {data.memberships.length === 0 ? <p>{t.member.noMemberships}</p> : null}
        {data.memberships.map((m) => (
          <div key={m.id} className="membership" data-membership={m.id}>
            <h3>
              {locale === "ja" ? m.tierNameJa : m.tierNameEn} — <span data-status>{t.statuses[m.status] ?? m.status}</span>
            </h3>
            <dl>
              <dt>{t.member.period}</dt>
              <dd>
                {dt(m.currentPeriodStart)} – {dt(m.currentPeriodEnd)}
              </dd>
              {m.compedUntil ? (
                <>
                  <dt>{t.member.comped}</dt>
                  <dd>{dt(m.compedUntil)}</dd>
                </>
              ) : null}
              {m.cancelAtPeriodEnd ? (
                <>
                  <dt>{t.member.cancelAtPeriodEnd}</dt>
                  <dd>{t.yes}</dd>
                </>
              ) : null}
              {c ? (
                <>
                  <dt>{tc.renewalTier}</dt>
                  <dd data-renewal-tier>{tierName(m.renewalTierId) ?? tc.renewalTierSame}</dd>
                </>
              ) : null}
            </dl>
            {m.history.length ? (
              <table>
                <caption>{t.member.history}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.member.at}</th>
                    <th scope="col">{t.member.from}</th>
                    <th scope="col">{t.member.to}</th>
                    <th scope="col">{t.member.cause}</th>
                    <th scope="col">{t.member.note}</th>
                  </tr>
                </thead>
                <tbody>
                  {m.history.map((h) => (
                    <tr key={h.id}>
                      <td>{dtt(h.at)}</td>
                      <td>{h.fromStatus ? (t.statuses[h.fromStatus] ?? h.fromStatus) : "—"}</td>
                      <td>{t.statuses[h.toStatus] ?? h.toStatus}</td>
                      <td>{h.staffName ? `${h.cause} (${h.staffName})` : h.cause}</td>
                      <td>{h.note ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </div>
        ))}
      </section>

      <section aria-labelledby="payments-h">
        <h2 id="payments-h">{t.member.payments}</h2>
        {data.payments.length === 0 ? (
          <p>{t.member.noPayments}</p>
        ) : (
          <table className="payments">
            <caption>{t.member.payments}</caption>
            <thead>
              <tr>
                <th scope="col">{t.member.paidAt}</th>
                <th scope="col">{t.member.amount}</th>
                <th scope="col">{t.member.method}</th>
                <th scope="col">{t.member.receipt}</th>
                <th scope="col">{t.member.refunded}</th>
              </tr>
            </thead>
            <tbody>
              {data.payments.map((pay) => {
                const pending = pay.refunds.filter((r) => r.via === "stripe" && r.status === "pending").reduce((n, r) => n + r.amount, 0);
                const remaining = Math.max(0, pay.amount - pay.refundedAmount - pending);
                const refundErrors = failed?.intent === "refund" && failed.values.paymentId === pay.id ? failed.errors : undefined;
                const major = (minor: number) => (minor / 10 ** minorUnitDigits(pay.currency)).toFixed(minorUnitDigits(pay.currency));
                const prefix = `refund-${pay.id}`;
                return (
                  <tr key={pay.id} data-payment={pay.id}>
                    <td data-label={t.member.paidAt}>{dt(pay.paidAt)}</td>
                    <td data-label={t.member.amount}>{formatMoney(pay.amount, pay.currency, locale)}</td>
                    <td data-label={t.member.method}>
                      {methods[pay.method] ?? pay.method}
                      {pay.cardBrand && pay.cardLast4 ? ` ${pay.cardBrand.toUpperCase()} •••• ${pay.cardLast4}` : ""}
                    </td>
                    <td data-label={t.member.receipt}>
                      {pay.receiptNumber ?? "—"}
                      {pay.corrections.map((c) => (
                        <div key={c.id} className="muted">
                          {`${t.member.corrected} ${c.number}`}
                        </div>
                      ))}
                      {pay.receiptId && data.canWrite ? (
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="resend" />
                          <input type="hidden" name="receiptId" value={pay.corrections.at(-1)?.id ?? pay.receiptId} />
                          <ConfirmBox idPrefix={`resend-${pay.id}`} errors={failed?.values.receiptId && failed.intent === "resend" && pay.receiptId ? errorsFor("resend") : undefined} />
                          <button type="submit">{t.member.resend}</button>
                        </Form>
                      ) : null}
                    </td>
                    <td data-label={t.member.refunded}>
                      {pay.refundedAmount > 0 ? <div data-refunded>{formatMoney(pay.refundedAmount, pay.currency, locale)}</div> : null}
                      {pay.refunds.length ? (
                        <ul className="plain">
                          {pay.refunds.map((r) => (
                            <li key={r.id}>
                              {`${formatMoney(r.amount, r.currency, locale)} · ${t.member.reasons[r.reason] ?? r.reason}${r.note ? ` (${r.note})` : ""} · ${t.member.refundStatuses[r.status] ?? r.status}${r.staffName ? ` · ${r.staffName}` : ""}`}
                            </li>
                          ))}
                        </ul>
                      ) : pay.refundedAmount > 0 ? null : (
                        "—"
                      )}
                      {data.canWrite && remaining > 0 ? (
                        <details className="refund" open={refundErrors ? true : undefined}>
                          <summary>{t.member.refund}</summary>
                          <Form method="post" noValidate>
                            <input type="hidden" name="intent" value="refund" />
                            <input type="hidden" name="paymentId" value={pay.id} />
                            <input type="hidden" name="token" value={data.formToken} />
                            <p className="hint">
                              {pay.refundsVia === "stripe" ? t.member.refundHintStripe : t.member.refundHintOffline}
                              {locale === "ja" ? "" : " "}
                              {t.member.refundable(formatMoney(remaining, pay.currency, locale))}
                            </p>
                            <Field name="amount" label={`${t.member.refundAmount} (${pay.currency})`} idPrefix={prefix} errors={refundErrors} defaultValue={refundErrors ? (failed!.values.amount ?? "") : major(remaining)} />
                            <Field name="reason" label={t.member.refundReason} idPrefix={prefix} errors={refundErrors} defaultValue={refundErrors ? (failed!.values.reason ?? "") : "requested_by_customer"}>
                              {(["requested_by_customer", "duplicate", "fraudulent", "other"] as const).map((reason) => (
                                <option key={reason} value={reason}>
                                  {t.member.reasons[reason]}
                                </option>
                              ))}
                            </Field>
                            <Field name="note" label={t.member.refundNote} idPrefix={prefix} errors={refundErrors} defaultValue={refundErrors ? (failed!.values.note ?? "") : ""} />
                            <ConfirmBox idPrefix={prefix} errors={refundErrors} />
                            <button type="submit">{t.member.refundSubmit}</button>
                          </Form>
                        </details>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      {data.canWrite && data.memberships.length ? (
        <section aria-labelledby="actions-h" className="actions">
          <h2 id="actions-h">{t.member.comp}</h2>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="comp" />
            <Field name="membershipId" label={t.member.membershipFor} idPrefix="comp" errors={errorsFor("comp")} defaultValue={valueFor("comp", "membershipId", data.memberships[0]?.id)}>
              {membershipOptions}
            </Field>
            <Field name="until" type="date" label={t.member.compUntil} hint={t.member.compHint} idPrefix="comp" errors={errorsFor("comp")} defaultValue={valueFor("comp", "until", "")} />
            <ConfirmBox idPrefix="comp" errors={errorsFor("comp")} />
            <button type="submit">{t.member.comp}</button>
          </Form>

          {data.memberships.some((m) => m.status === "comped") ? (
            <>
              <h2>{t.member.endComp}</h2>
              <p className="hint">{t.member.endCompHint}</p>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="endComp" />
                <Field name="membershipId" label={t.member.membershipFor} idPrefix="endcomp" errors={errorsFor("endComp")} defaultValue={valueFor("endComp", "membershipId", data.memberships.find((m) => m.status === "comped")?.id)}>
                  {data.memberships
                    .filter((m) => m.status === "comped")
                    .map((m) => (
                      <option key={m.id} value={m.id}>
                        {`${locale === "ja" ? m.tierNameJa : m.tierNameEn} — ${t.statuses[m.status] ?? m.status}`}
                      </option>
                    ))}
                </Field>
                <ConfirmBox idPrefix="endcomp" errors={errorsFor("endComp")} />
                <button type="submit">{t.member.endComp}</button>
              </Form>
            </>
          ) : null}

          <h2>{t.member.cancelTitle}</h2>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="cancel" />
            <Field name="membershipId" label={t.member.membershipFor} idPrefix="cancel" errors={errorsFor("cancel")} defaultValue={valueFor("cancel", "membershipId", data.memberships[0]?.id)}>
              {membershipOptions}
            </Field>
            <Field name="when" label={t.member.cancelWhen} idPrefix="cancel" errors={errorsFor("cancel")} defaultValue={valueFor("cancel", "when", "period_end")}>
              <option value="period_end">{t.member.cancelAtEnd}</option>
              <option value="now">{t.member.cancelNow}</option>
            </Field>
            <ConfirmBox idPrefix="cancel" errors={errorsFor("cancel")} />
            <button type="submit">{t.member.cancelTitle}</button>
          </Form>

          {data.demo ? (
            <>
              <h2>{t.member.simulate}</h2>
              <p className="hint">{t.member.simulateHint}</p>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="simulate" />
                <Field name="membershipId" label={t.member.membershipFor} idPrefix="simulate" errors={errorsFor("simulate")} defaultValue={valueFor("simulate", "membershipId", data.memberships[0]?.id)}>
                  {membershipOptions}
                </Field>
                <Field name="outcome" label={t.member.simulateOutcome} idPrefix="simulate" errors={errorsFor("simulate")} defaultValue={valueFor("simulate", "outcome", "paid")}>
                  <option value="paid">{t.member.simulatePaid}</option>
                  <option value="failed">{t.member.simulateFailed}</option>
                </Field>
                <ConfirmBox idPrefix="simulate" errors={errorsFor("simulate")} />
                <button type="submit">{t.member.simulate}</button>
              </Form>
            </>
          ) : null}

          {c ? (
            <>
              <h2>{tc.changeRenewalTier}</h2>
              <p className="hint">{tc.renewalTierHint}</p>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="renewalTier" />
                <Field name="membershipId" label={t.member.membershipFor} idPrefix="rtier" errors={errorsFor("renewalTier")} defaultValue={valueFor("renewalTier", "membershipId", data.memberships[0]?.id)}>
                  {membershipOptions}
                </Field>
                <Field name="tierId" label={tc.tier} idPrefix="rtier" errors={errorsFor("renewalTier")} defaultValue={valueFor("renewalTier", "tierId", String(data.memberships[0]?.renewalTierId ?? data.memberships[0]?.tierId ?? ""))}>
                  {c.corporateTiers.map((tier) => (
                    <option key={tier.id} value={tier.id}>
                      {locale === "ja" ? tier.nameJa : tier.nameEn}
                    </option>
                  ))}
                </Field>
                <ConfirmBox idPrefix="rtier" errors={errorsFor("renewalTier")} />
                <button type="submit">{tc.changeRenewalTier}</button>
              </Form>

              <h2>{tc.issueRenewal}</h2>
              <p className="hint">{tc.issueRenewalHint}</p>
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="renewalInvoice" />
                <Field name="membershipId" label={t.member.membershipFor} idPrefix="rinv" errors={errorsFor("renewalInvoice")} defaultValue={valueFor("renewalInvoice", "membershipId", data.memberships[0]?.id)}>
                  {membershipOptions}
                </Field>
                <ConfirmBox idPrefix="rinv" errors={errorsFor("renewalInvoice")} />
                <button type="submit">{tc.issueRenewal}</button>
              </Form>
            </>
          ) : null}

          <h2>{t.member.offline}</h2>
          <p className="hint">{t.member.offlineHint}</p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="payment" />
            <input type="hidden" name="token" value={data.formToken} />
            <Field name="membershipId" label={t.member.membershipFor} idPrefix="pay" errors={errorsFor("payment")} defaultValue={valueFor("payment", "membershipId", data.memberships[0]?.id)}>
              {membershipOptions}
            </Field>
            <Field name="amount" type="text" label={t.member.amountMajor} idPrefix="pay" errors={errorsFor("payment")} defaultValue={valueFor("payment", "amount", "")} />
            <Field name="currency" label={t.member.currency} idPrefix="pay" errors={errorsFor("payment")} defaultValue={valueFor("payment", "currency", data.memberships[0]?.currency ?? "USD")}>
              <option value="USD">USD</option>
              <option value="JPY">JPY</option>
            </Field>
            <Field name="method" label={t.member.method} idPrefix="pay" errors={errorsFor("payment")} defaultValue={valueFor("payment", "method", "bank_transfer")}>
              <option value="bank_transfer">{t.member.methodBank}</option>
              <option value="check">{t.member.methodCheck}</option>
              <option value="cash">{t.member.methodCash}</option>
            </Field>
            <Field name="paidAt" type="date" label={t.member.paidAt} idPrefix="pay" errors={errorsFor("payment")} defaultValue={valueFor("payment", "paidAt", "")} />
            <Field name="reference" label={t.member.reference} idPrefix="pay" errors={errorsFor("payment")} defaultValue={valueFor("payment", "reference", "")} />
            <ConfirmBox idPrefix="pay" errors={errorsFor("payment")} />
            <button type="submit">{t.member.offline}</button>
          </Form>
        </section>
      ) : null}

      {data.canWrite && p ? (
        <section aria-labelledby="edit-h">
          <h2 id="edit-h">{t.member.edit}</h2>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="edit" />
            {(["familyName", "givenName", "familyNameKana", "givenNameKana", "email", "country", "postalCode", "region", "city", "addressLine1", "addressLine2"] as const).map((name) => (
              <Field key={name} name={name} label={t.member[name]} idPrefix="edit" errors={errorsFor("edit")} defaultValue={valueFor("edit", name, p[name])} />
            ))}
            <Field name="preferredLocale" label={t.member.locale} idPrefix="edit" errors={errorsFor("edit")} defaultValue={valueFor("edit", "preferredLocale", p.preferredLocale)}>
              <option value="en">{t.languages.en}</option>
              <option value="ja">{t.languages.ja}</option>
            </Field>
            <ConfirmBox idPrefix="edit" errors={errorsFor("edit")} />
            <button type="submit">{t.save}</button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="emails-h">
        <h2 id="emails-h">{t.member.emails}</h2>
        {data.emails.length === 0 ? (
          <p>{t.member.noEmails}</p>
        ) : (
          <table>
            <caption>{t.member.emails}</caption>
            <thead>
              <tr>
                <th scope="col">{t.member.at}</th>
                <th scope="col">{t.member.template}</th>
                <th scope="col">{t.member.subject}</th>
                <th scope="col">{t.member.status}</th>
              </tr>
            </thead>
            <tbody>
              {data.emails.map((e) => (
                <tr key={e.id}>
                  <td>{dtt(e.createdAt)}</td>
                  <td>{e.template}</td>
                  <td>
                    <Link to={`/staff/emails/${e.id}`}>{e.subject ?? e.template}</Link>
                  </td>
                  <td>{t.emails_.statuses[e.status] ?? e.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="audit-h">
        <h2 id="audit-h">{t.member.audit}</h2>
        {data.audits.length === 0 ? (
          <p>{t.member.noAudit}</p>
        ) : (
          <table>
            <caption>{t.member.audit}</caption>
            <thead>
              <tr>
                <th scope="col">{t.member.at}</th>
                <th scope="col">{t.member.action}</th>
                <th scope="col">{t.member.actor}</th>
                <th scope="col">{t.member.details}</th>
              </tr>
            </thead>
            <tbody>
              {data.audits.map((a) => (
                <tr key={a.id}>
                  <td>{dtt(a.at)}</td>
                  <td>{a.action}</td>
                  <td>{a.actorName ?? "—"}</td>
                  <td>
                    <code>{JSON.stringify(a.details)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

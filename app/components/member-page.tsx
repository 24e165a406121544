/**
 * The staff member page's sections (app/routes/staff.members.$memberId.tsx composes them): each
 * reads the page's data and the view state (the last action's errors and values, formatters)
 * from useMemberView.
 */
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ActionPanel, AuditActionName, AuditDetails, ConfirmBox, Field, StatusBadge, type FieldErrors } from "~/components/staff-ui";
import { formatPostalAddress } from "~/modules/exports/regions";
import { formatDateTime, formatMoney, formatPersonName, minorUnitDigits } from "~/modules/i18n/format";
import { dictionary } from "~/modules/i18n/i18n";
import { countryName, regionName } from "~/modules/people/regions";
import { intlLocale, useStaffLayout, useStaffT } from "~/modules/staff/use-staff";
import type { action, loader } from "~/routes/staff.members.$memberId";

/** What the action answers when it refuses: the intent, each field's message, the values sent. */
export type MemberActionData = { intent: string | null; errors: FieldErrors; values: Record<string, string> };

export function useMemberView() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useStaffT();
  const { locale } = useStaffLayout();
  const [params] = useSearchParams();
  const done = params.get("done");
  const errorsFor = (intent: string) => (failed?.intent === intent ? failed.errors : undefined);
  const valueFor = (intent: string, name: string, fallback: string | null | undefined) =>
    failed?.intent === intent && failed.values[name] !== undefined ? failed.values[name] : (fallback ?? "");
  const dt = (d: string | Date | null) =>
    d ? new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "medium", timeZone: "Asia/Tokyo" }).format(new Date(d)) : "—";
  const dtt = (d: string | Date | null) => (d ? formatDateTime(d, locale) : "—");
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
  const title = p ? formatPersonName(p, locale) : locale === "ja" ? (o!.legalNameJa ?? o!.legalNameEn) : o!.legalNameEn;
  return { data, failed, t, locale, done, errorsFor, valueFor, dt, dtt, p, o, c, tc, methods, doneText, tierName, title };
}

export type MemberView = ReturnType<typeof useMemberView>;

export function ProfileSection({ v }: { v: MemberView }) {
  const { data, t, locale, errorsFor, valueFor, p, o } = v;
  return (
    <section aria-labelledby="profile-h" className="panel">
      <h2 id="profile-h">{t.member.profile}</h2>
      <dl className="dl-grid">
        {p ? (
          <>
            <div>
              <dt>{t.member.familyName}</dt>
              <dd>
                {p.familyName}
                {p.familyNameKana ? <span className="kana">{`（${p.familyNameKana}）`}</span> : null}
              </dd>
            </div>
            <div>
              <dt>{t.member.givenName}</dt>
              <dd>
                {p.givenName}
                {p.givenNameKana ? <span className="kana">{`（${p.givenNameKana}）`}</span> : null}
              </dd>
            </div>
            <div>
              <dt>{t.member.email}</dt>
              <dd>{p.email}</dd>
            </div>
            <div>
              <dt>{t.member.locale}</dt>
              <dd>{t.languages[p.preferredLocale]}</dd>
            </div>
          </>
        ) : (
          <>
            <div>
              <dt>{t.columns.organisation}</dt>
              <dd>
                {o!.legalNameEn}
                {o!.legalNameJa ? ` / ${o!.legalNameJa}` : ""}
              </dd>
            </div>
            <div>
              <dt>{t.member.email}</dt>
              <dd>{o!.billingEmail}</dd>
            </div>
          </>
        )}
        <div>
          <dt>{t.member.countryName}</dt>
          <dd>{countryName((p ?? o)!.country, locale)}</dd>
        </div>
        <div>
          <dt>{t.member.address}</dt>
          <dd className="address">
            {formatPostalAddress({
              ...(p ?? o)!,
              region: (p ?? o)!.country === "JP" ? (p ?? o)!.region : regionName((p ?? o)!.country, (p ?? o)!.region, locale),
            }) || "—"}
          </dd>
        </div>
      </dl>
      {data.canWrite && p ? (
        <div className="actions-row">
          <ActionPanel title={t.member.edit} submit={t.save} intent="edit" idPrefix="edit" errors={errorsFor("edit")}>
            <div className="field-row">
              {(
                [
                  "familyName",
                  "givenName",
                  "familyNameKana",
                  "givenNameKana",
                  "email",
                  "country",
                  "postalCode",
                  "region",
                  "city",
                  "addressLine1",
                  "addressLine2",
                ] as const
              ).map((name) => (
                <Field
                  key={name}
                  name={name}
                  label={t.member[name]}
                  idPrefix="edit"
                  errors={errorsFor("edit")}
                  defaultValue={valueFor("edit", name, p[name])}
                />
              ))}
              <Field
                name="preferredLocale"
                label={t.member.locale}
                idPrefix="edit"
                errors={errorsFor("edit")}
                defaultValue={valueFor("edit", "preferredLocale", p.preferredLocale)}
              >
                <option value="en">{t.languages.en}</option>
                <option value="ja">{t.languages.ja}</option>
              </Field>
            </div>
          </ActionPanel>
        </div>
      ) : null}
    </section>
  );
}

export function ContactsSection({ v }: { v: MemberView }) {
  const { data, failed, t, locale, o, c, tc } = v;
  if (!c) return null;
  return (
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
      {data.canWrite ? (
        <div className="actions-row">
          {(["primary", "billing"] as const).map((role) => {
            const prefix = `contact-${role}`;
            const errs = failed?.intent === "contact" && failed.values.role === role ? failed.errors : undefined;
            const val = (name: string, fallback: string) => (errs && failed!.values[name] !== undefined ? failed!.values[name]! : fallback);
            return (
              <ActionPanel
                key={role}
                title={role === "primary" ? tc.changePrimary : tc.changeBilling}
                intent="contact"
                idPrefix={prefix}
                errors={errs}
                hint={tc.contactHint}
                hidden={{ role }}
              >
                <Field name="personId" label={tc.pick} idPrefix={prefix} errors={errs} defaultValue={val("personId", "new")}>
                  {c.candidates.map((x) => (
                    <option key={x.personId} value={x.personId}>
                      {`${formatPersonName(x, locale)} <${x.email}>`}
                    </option>
                  ))}
                  <option value="new">{tc.someoneNew}</option>
                </Field>
                <fieldset className="subfields">
                  <legend>{tc.newPerson}</legend>
                  <Field name="familyName" label={tc.familyName} idPrefix={prefix} errors={errs} defaultValue={val("familyName", "")} autoComplete="off" />
                  <Field name="givenName" label={tc.givenName} idPrefix={prefix} errors={errs} defaultValue={val("givenName", "")} autoComplete="off" />
                  <Field name="email" type="email" label={tc.email} idPrefix={prefix} errors={errs} defaultValue={val("email", "")} autoComplete="off" />
                  <Field
                    name="preferredLocale"
                    label={tc.language}
                    idPrefix={prefix}
                    errors={errs}
                    defaultValue={val("preferredLocale", o!.country === "JP" ? "ja" : "en")}
                  >
                    <option value="en">{t.languages.en}</option>
                    <option value="ja">{t.languages.ja}</option>
                  </Field>
                </fieldset>
              </ActionPanel>
            );
          })}
        </div>
      ) : null}
    </section>
  );
}

export function SeatsSection({ v }: { v: MemberView }) {
  const { t, locale, dt, c, tc } = v;
  if (!c) return null;
  return (
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
  );
}

export function InvoicesSection({ v }: { v: MemberView }) {
  const { locale, dt, c, tc } = v;
  if (!c) return null;
  return (
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
  );
}

export function MembershipsSection({ v }: { v: MemberView }) {
  const { data, failed, t, locale, dt, dtt, c, tc, tierName } = v;
  return (
    <section aria-labelledby="memberships-h">
      <h2 id="memberships-h">{t.member.memberships}</h2>
      {data.memberships.length === 0 ? <p>{t.member.noMemberships}</p> : null}
      {data.memberships.map((m) => {
        // Each action sits with the membership it changes; errors and kept values come back to this one.
        const mine = (intent: string) => failed?.intent === intent && failed.values.membershipId === m.id;
        const errs = (intent: string) => (mine(intent) ? failed!.errors : undefined);
        const val = (intent: string, name: string, fallback: string | null | undefined) =>
          mine(intent) && failed!.values[name] !== undefined ? failed!.values[name]! : (fallback ?? "");
        const px = (name: string) => `${name}-${m.id.slice(0, 8)}`;
        const hidden = { membershipId: m.id };
        return (
          <article key={m.id} className="panel membership" data-membership={m.id} aria-labelledby={`m-${m.id}`}>
            <h3 id={`m-${m.id}`}>
              {locale === "ja" ? m.tierNameJa : m.tierNameEn} <StatusBadge status={m.status} label={t.statuses[m.status] ?? m.status} />
            </h3>
            <dl className="dl-grid">
              <div>
                <dt>{t.member.period}</dt>
                <dd>
                  {dt(m.currentPeriodStart)} – {dt(m.currentPeriodEnd)}
                </dd>
              </div>
              {m.compedUntil ? (
                <div>
                  <dt>{t.member.comped}</dt>
                  <dd>{dt(m.compedUntil)}</dd>
                </div>
              ) : null}
              {m.cancelAtPeriodEnd ? (
                <div>
                  <dt>{t.member.cancelAtPeriodEnd}</dt>
                  <dd>{t.yes}</dd>
                </div>
              ) : null}
              {c ? (
                <div>
                  <dt>{tc.renewalTier}</dt>
                  <dd data-renewal-tier>{tierName(m.renewalTierId) ?? tc.renewalTierSame}</dd>
                </div>
              ) : null}
            </dl>
            {data.canWrite ? (
              <div className="actions-row">
                <ActionPanel
                  title={t.member.offline}
                  intent="payment"
                  idPrefix={px("pay")}
                  errors={errs("payment")}
                  hint={t.member.offlineHint}
                  hidden={{ ...hidden, token: data.formToken }}
                >
                  <div className="field-row">
                    <Field
                      name="amount"
                      type="text"
                      label={t.member.amountMajor}
                      idPrefix={px("pay")}
                      errors={errs("payment")}
                      defaultValue={val("payment", "amount", "")}
                    />
                    <Field
                      name="currency"
                      label={t.member.currency}
                      idPrefix={px("pay")}
                      errors={errs("payment")}
                      defaultValue={val("payment", "currency", m.currency)}
                    >
                      <option value="USD">USD</option>
                      <option value="JPY">JPY</option>
                    </Field>
                    <Field
                      name="method"
                      label={t.member.method}
                      idPrefix={px("pay")}
                      errors={errs("payment")}
                      defaultValue={val("payment", "method", "bank_transfer")}
                    >
                      <option value="bank_transfer">{t.member.methodBank}</option>
                      <option value="check">{t.member.methodCheck}</option>
                      <option value="cash">{t.member.methodCash}</option>
                    </Field>
                    <Field
                      name="paidAt"
                      type="date"
                      label={t.member.paidAt}
                      idPrefix={px("pay")}
                      errors={errs("payment")}
                      defaultValue={val("payment", "paidAt", "")}
                    />
                    <Field
                      name="reference"
                      label={t.member.reference}
                      idPrefix={px("pay")}
                      errors={errs("payment")}
                      defaultValue={val("payment", "reference", "")}
                    />
                  </div>
                </ActionPanel>
                <ActionPanel title={t.member.comp} intent="comp" idPrefix={px("comp")} errors={errs("comp")} hidden={hidden}>
                  <Field
                    name="until"
                    type="date"
                    label={t.member.compUntil}
                    hint={t.member.compHint}
                    idPrefix={px("comp")}
                    errors={errs("comp")}
                    defaultValue={val("comp", "until", "")}
                  />
                </ActionPanel>
                {m.status === "comped" ? (
                  <ActionPanel
                    title={t.member.endComp}
                    intent="endComp"
                    idPrefix={px("endcomp")}
                    errors={errs("endComp")}
                    hint={t.member.endCompHint}
                    hidden={hidden}
                  />
                ) : null}
                {c ? (
                  <>
                    <ActionPanel
                      title={tc.changeRenewalTier}
                      intent="renewalTier"
                      idPrefix={px("rtier")}
                      errors={errs("renewalTier")}
                      hint={tc.renewalTierHint}
                      hidden={hidden}
                    >
                      <Field
                        name="tierId"
                        label={tc.tier}
                        idPrefix={px("rtier")}
                        errors={errs("renewalTier")}
                        defaultValue={val("renewalTier", "tierId", String(m.renewalTierId ?? m.tierId ?? ""))}
                      >
                        {c.corporateTiers.map((tier) => (
                          <option key={tier.id} value={tier.id}>
                            {locale === "ja" ? tier.nameJa : tier.nameEn}
                          </option>
                        ))}
                      </Field>
                    </ActionPanel>
                    <ActionPanel
                      title={tc.issueRenewal}
                      intent="renewalInvoice"
                      idPrefix={px("rinv")}
                      errors={errs("renewalInvoice")}
                      hint={tc.issueRenewalHint}
                      hidden={hidden}
                    />
                  </>
                ) : null}
                {data.demo ? (
                  <ActionPanel
                    title={t.member.simulate}
                    intent="simulate"
                    idPrefix={px("simulate")}
                    errors={errs("simulate")}
                    hint={t.member.simulateHint}
                    hidden={hidden}
                  >
                    <Field
                      name="outcome"
                      label={t.member.simulateOutcome}
                      idPrefix={px("simulate")}
                      errors={errs("simulate")}
                      defaultValue={val("simulate", "outcome", "paid")}
                    >
                      <option value="paid">{t.member.simulatePaid}</option>
                      <option value="failed">{t.member.simulateFailed}</option>
                    </Field>
                  </ActionPanel>
                ) : null}
                <ActionPanel title={t.member.cancelTitle} intent="cancel" idPrefix={px("cancel")} errors={errs("cancel")} danger hidden={hidden}>
                  <Field
                    name="when"
                    label={t.member.cancelWhen}
                    idPrefix={px("cancel")}
                    errors={errs("cancel")}
                    defaultValue={val("cancel", "when", "period_end")}
                  >
                    <option value="period_end">{t.member.cancelAtEnd}</option>
                    <option value="now">{t.member.cancelNow}</option>
                  </Field>
                </ActionPanel>
              </div>
            ) : null}
            {m.history.length ? (
              <div className="table-wrap">
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
              </div>
            ) : null}
          </article>
        );
      })}
    </section>
  );
}

export function PaymentsSection({ v }: { v: MemberView }) {
  const { data, failed, t, locale, errorsFor, dt, methods } = v;
  return (
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
                        <ConfirmBox
                          idPrefix={`resend-${pay.id}`}
                          errors={failed?.values.receiptId && failed.intent === "resend" && pay.receiptId ? errorsFor("resend") : undefined}
                        />
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
                          <Field
                            name="amount"
                            label={`${t.member.refundAmount} (${pay.currency})`}
                            idPrefix={prefix}
                            errors={refundErrors}
                            defaultValue={refundErrors ? (failed!.values.amount ?? "") : major(remaining)}
                          />
                          <Field
                            name="reason"
                            label={t.member.refundReason}
                            idPrefix={prefix}
                            errors={refundErrors}
                            defaultValue={refundErrors ? (failed!.values.reason ?? "") : "requested_by_customer"}
                          >
                            {(["requested_by_customer", "duplicate", "fraudulent", "other"] as const).map((reason) => (
                              <option key={reason} value={reason}>
                                {t.member.reasons[reason]}
                              </option>
                            ))}
                          </Field>
                          <Field
                            name="note"
                            label={t.member.refundNote}
                            idPrefix={prefix}
                            errors={refundErrors}
                            defaultValue={refundErrors ? (failed!.values.note ?? "") : ""}
                          />
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
  );
}

export function EmailsSection({ v }: { v: MemberView }) {
  const { data, t, dtt } = v;
  return (
    <section aria-labelledby="emails-h">
      <h2 id="emails-h">{t.member.emails}</h2>
      {data.emails.length === 0 ? (
        <p>{t.member.noEmails}</p>
      ) : (
        <table className="emails-sent">
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
                <td data-label={t.member.at}>{dtt(e.createdAt)}</td>
                <td data-label={t.member.template} title={e.template}>
                  {t.emails_.templates[e.template] ?? e.template}
                </td>
                <td data-label={t.member.subject}>
                  <Link to={`/staff/emails/${e.id}`}>{e.subject ?? t.emails_.templates[e.template] ?? e.template}</Link>
                </td>
                <td data-label={t.member.status}>{t.emails_.statuses[e.status] ?? e.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A person's deletion request (from the member area) and the staff action that carries it out. */
export function PrivacySection({ v }: { v: MemberView }) {
  const { data, t, p, dt, errorsFor } = v;
  if (!p) return null;
  return (
    <section aria-labelledby="privacy-h" className="panel" data-privacy>
      <h2 id="privacy-h">{t.member.privacy}</h2>
      {p.anonymisedAt ? (
        <p>{t.member.anonymisedOn(dt(p.anonymisedAt))}</p>
      ) : (
        <>
          {p.deletionRequestedAt ? (
            <p className="notice notice--warn" data-deletion-requested>
              {t.member.deletionRequested(dt(p.deletionRequestedAt))}
            </p>
          ) : (
            <p className="muted">{t.member.noDeletionRequest}</p>
          )}
          {data.canWrite ? (
            <ActionPanel
              title={t.member.anonymise}
              intent="anonymise"
              idPrefix="anonymise"
              errors={errorsFor("anonymise")}
              hint={t.member.anonymiseHint(data.retentionYears)}
              danger
            >
              {errorsFor("anonymise")?.form ? (
                <p className="field-error" role="alert">
                  {errorsFor("anonymise")!.form}
                </p>
              ) : null}
              <Field name="reason" label={t.member.anonymiseReason} idPrefix="anonymise" errors={errorsFor("anonymise")} />
            </ActionPanel>
          ) : null}
        </>
      )}
    </section>
  );
}

export function AuditSection({ v }: { v: MemberView }) {
  const { data, t, dtt } = v;
  return (
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
                <td>
                  <AuditActionName action={a.action} />
                </td>
                <td>{a.actorName ?? "—"}</td>
                <td>
                  <AuditDetails details={a.details} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

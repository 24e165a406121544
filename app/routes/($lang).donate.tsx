import { RouteError } from "~/components/route-error";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { formValues, keepValues } from "~/modules/forms";
import { useEffect, useState, type ReactNode } from "react";
import {
  coverFeeAmount,
  DONATE_FIELDS,
  DONATION_LIMITS,
  DONATION_PRESETS,
  parseAmount,
  type DonateField,
  type DonateFieldErrors,
  type DonateValues,
  type DonationCurrency,
} from "~/modules/donations/donate.fields";
import { parseDonateForm } from "~/modules/donations/donate.schema.server";
import { getSignedInPersonId } from "~/modules/auth/auth.server";
import { getDonateOptions, getDonorDefaults, getFundsWithProgress, startDonationCheckout, type DonationFailure } from "~/modules/donations/donations.server";
import { formatMoney } from "~/modules/i18n/format";
import { dictionary, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";
import { PREFECTURES, US_STATES } from "~/modules/people/regions";
import { ErrorSummary, FieldError } from "~/components/form-fields";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["donate"] };
export const clientLoader = withStrings(["donate"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => {
  const t = dictionary(loaded?.locale ?? "en");
  return [{ title: t.donate.metaTitle }, { name: "description", content: t.donate.metaDescription }];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const [options, funds, member] = await Promise.all([
    getDonateOptions(context.db, context.env),
    getFundsWithProgress(context.db, { publicMinGifts: context.env.FUND_TOTALS_MIN_GIFTS }),
    // A signed-in member's details are filled in.
    getSignedInPersonId(request, context).then((personId) => getDonorDefaults(context.db, personId ?? undefined)),
  ]);
  const currency: DonationCurrency = locale === "ja" ? "JPY" : "USD";
  const defaults: DonateValues = {
    currency,
    preset: String(DONATION_PRESETS[currency][currency === "JPY" ? 2 : 1]),
    interval: "once",
    fund: funds[0]?.slug ?? "",
    tributeKind: "",
    notifyLocale: locale,
    country: locale === "ja" ? "JP" : "US",
    preferredLocale: locale,
    ...(member ?? {}),
  };
  return { locale, options, funds, defaults };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  const form = await request.formData();
  const values = formValues(form, DONATE_FIELDS);
  const options = await getDonateOptions(context.db, context.env);
  const parsed = parseDonateForm(values, options);
  if (!parsed.ok) return data({ errors: parsed.errors, formError: null as DonationFailure | null, values: keepValues(values, DONATE_FIELDS) }, { status: 400 });
  const result = await startDonationCheckout(context, parsed.data, locale, await getSignedInPersonId(request, context));
  if (!result.ok) {
    return data(
      { errors: (result.fieldErrors ?? {}) as DonateFieldErrors, formError: result.formError ?? null, values: keepValues(values, DONATE_FIELDS) },
      { status: result.fieldErrors ? 400 : 503 },
    );
  }
  return redirect(result.url, 303);
}

export default function Donate() {
  const { options, funds, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const d = t.donate;
  const locale = useLocale();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formMethod === "POST";
  // Validated on the server only (no zod in the browser): errors come back translated, next to their fields.
  const errors: DonateFieldErrors = actionData?.errors ?? {};
  const values: DonateValues = actionData?.values ?? defaults;
  const [currency, setCurrency] = useState<DonationCurrency>(
    values.currency === "JPY" ? "JPY" : values.currency === "USD" ? "USD" : locale === "ja" ? "JPY" : "USD",
  );
  const [preset, setPreset] = useState(values.preset ?? "");
  const [amount, setAmount] = useState(values.amount ?? "");
  const [coverFee, setCoverFee] = useState(values.coverFee === "on");
  const [country, setCountry] = useState(values.country ?? (locale === "ja" ? "JP" : "US"));
  // Without JavaScript every choice shows; with it, only what applies.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const errorFields = DONATE_FIELDS.filter((f) => errors[f]);
  const formError = actionData?.formError ?? null;

  const percent = new Intl.NumberFormat(locale === "ja" ? "ja-JP" : "en-US", { maximumFractionDigits: 2 }).format(options.feePercent) + "%";
  const typedAmount = parseAmount(amount !== "" ? amount : preset, currency);
  const fee = typedAmount.ok ? coverFeeAmount(typedAmount.minor, currency, options.feePercent) : null;

  const err = (field: DonateField) => (errors[field] ? d.errors[errors[field]!] : undefined);
  const describedBy = (field: DonateField, hint?: string) => [hint, errors[field] ? `${field}-error` : undefined].filter(Boolean).join(" ") || undefined;
  const input = (field: DonateField, label: string, opts: { type?: string; autoComplete?: string; hint?: string; required?: boolean } = {}) => (
    <div className="field">
      <label htmlFor={field}>
        {label}
        {opts.required === false ? <span className="muted">{d.optional}</span> : null}
      </label>
      {opts.hint ? (
        <p className="hint" id={`${field}-hint`}>
          {opts.hint}
        </p>
      ) : null}
      <input
        id={field}
        name={field}
        type={opts.type ?? "text"}
        autoComplete={opts.autoComplete}
        defaultValue={values[field] ?? ""}
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={describedBy(field, opts.hint ? `${field}-hint` : undefined)}
        aria-required={opts.required === false ? undefined : true}
      />
      <FieldError id={`${field}-error`} message={err(field)} />
    </div>
  );
  const radios = (field: DonateField, legend: string, choices: { value: string; label: ReactNode; onChange?: () => void }[]) => (
    <fieldset className="field" aria-invalid={errors[field] ? true : undefined} aria-describedby={errors[field] ? `${field}-error` : undefined}>
      <legend>{legend}</legend>
      {choices.map((choice) => (
        <label key={choice.value} className="choice">
          <input type="radio" name={field} value={choice.value} defaultChecked={(values[field] ?? "") === choice.value} onChange={choice.onChange} />{" "}
          {choice.label}
        </label>
      ))}
      <FieldError id={`${field}-error`} message={err(field)} />
    </fieldset>
  );
  const select = (field: DonateField, label: string, choices: { value: string; label: string }[]) => (
    <div className="field">
      <label htmlFor={field}>{label}</label>
      <select
        id={field}
        name={field}
        defaultValue={values[field] ?? ""}
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={errors[field] ? `${field}-error` : undefined}
      >
        <option value="">{d.choose}</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      <FieldError id={`${field}-error`} message={err(field)} />
    </div>
  );
  const limits = DONATION_LIMITS[currency];

  return (
    <div className="page narrow donate">
      <h1>{d.heading}</h1>
      <p className="lead">{d.lead}</p>
      <ErrorSummary
        heading={d.errorSummary}
        formError={formError ? d.failures[formError] : null}
        items={errorFields.map((field) => ({ field, message: err(field) }))}
        trigger={actionData}
      />
      <Form method="post" noValidate className="donate-form">
        <fieldset>
          <legend>{d.giftLegend}</legend>
          {radios(
            "currency",
            d.currencyLegend,
            (["USD", "JPY"] as const).map((c) => ({
              value: c,
              label: c === "USD" ? d.usd : d.jpy,
              onChange: () => {
                setCurrency(c);
                setPreset("");
              },
            })),
          )}
          <fieldset className="field" aria-describedby={errors.amount ? "amount-error" : undefined}>
            <legend>{d.amountLegend}</legend>
            {(["USD", "JPY"] as const).map((c) => (
              <div key={c} hidden={hydrated && c !== currency} role="group" aria-label={d.presetsFor(c)} className="presets">
                {DONATION_PRESETS[c].map((major) => {
                  const value = String(major);
                  return (
                    <label key={`${c}-${value}`} className="choice preset">
                      <input
                        type="radio"
                        name="preset"
                        value={value}
                        disabled={hydrated && c !== currency}
                        defaultChecked={(values.currency ?? defaults.currency) === c && values.preset === value}
                        onChange={() => {
                          setPreset(value);
                          setAmount("");
                        }}
                      />{" "}
                      {formatMoney(c === "USD" ? major * 100 : major, c, locale)}
                    </label>
                  );
                })}
              </div>
            ))}
            <div className="field">
              <label htmlFor="amount">{d.otherAmount}</label>
              <p className="hint" id="amount-hint">
                {d.otherAmountHint(formatMoney(limits.min, currency, locale), formatMoney(limits.max, currency, locale))}
              </p>
              <input
                id="amount"
                name="amount"
                type="text"
                inputMode={currency === "JPY" ? "numeric" : "decimal"}
                value={amount}
                onChange={(e) => setAmount(e.currentTarget.value)}
                aria-invalid={errors.amount ? true : undefined}
                aria-describedby={describedBy("amount", "amount-hint")}
              />
              <FieldError id="amount-error" message={err("amount")} />
            </div>
          </fieldset>
          {radios("interval", d.intervalLegend, [
            { value: "once", label: d.once },
            { value: "month", label: d.monthly },
          ])}
          <p className="hint">{d.monthlyNote}</p>
          <fieldset className="field" aria-invalid={errors.fund ? true : undefined} aria-describedby={errors.fund ? "fund-error" : undefined}>
            <legend>{d.fundLegend}</legend>
            {funds.map((fund) => (
              <label key={fund.slug} className="choice fund">
                <input type="radio" name="fund" value={fund.slug} defaultChecked={values.fund === fund.slug} /> <strong>{fund.name[locale]}</strong>{" "}
                <span className="muted">{fund.description[locale]}</span>
                {fund.progress.map((p) => (
                  <span key={p.currency} className="fund-progress" data-fund-progress={`${fund.slug}-${p.currency}`}>
                    {" "}
                    {p.goal ? (
                      <>
                        <progress max={p.goal} value={Math.min(p.raised, p.goal)} aria-hidden="true" />{" "}
                        {d.fundProgress(formatMoney(p.raised, p.currency, locale), formatMoney(p.goal, p.currency, locale))}
                      </>
                    ) : (
                      d.fundRaised(formatMoney(p.raised, p.currency, locale))
                    )}
                  </span>
                ))}
              </label>
            ))}
            <FieldError id="fund-error" message={err("fund")} />
          </fieldset>
        </fieldset>

        <fieldset>
          <legend>{d.tributeLegend}</legend>
          {radios("tributeKind", d.tributeKind, [
            { value: "", label: d.tributeNone },
            { value: "honor", label: d.tributeHonor },
            { value: "memory", label: d.tributeMemory },
          ])}
          {input("tributeName", d.tributeName, { required: false })}
          <fieldset>
            <legend>{d.notifyLegend}</legend>
            <p className="hint">{d.notifyHint}</p>
            {input("notifyName", d.notifyName, { required: false })}
            {input("notifyEmail", d.notifyEmail, { type: "email", required: false })}
            {radios("notifyLocale", d.notifyLocale, [
              { value: "en", label: d.english },
              { value: "ja", label: d.japanese },
            ])}
          </fieldset>
        </fieldset>

        <fieldset>
          <legend>{d.optionsLegend}</legend>
          <label className="choice">
            <input type="checkbox" name="anonymous" value="on" defaultChecked={values.anonymous === "on"} /> {d.anonymous}
          </label>
          {options.feePercent > 0 ? (
            <label className="choice">
              <input
                type="checkbox"
                name="coverFee"
                value="on"
                defaultChecked={values.coverFee === "on"}
                onChange={(e) => setCoverFee(e.currentTarget.checked)}
              />{" "}
              {d.coverFee(percent)}
              {fee !== null && typedAmount.ok ? (
                <span className="muted" data-fee>
                  {" "}
                  {coverFee
                    ? d.coverFeeAmount(formatMoney(fee, currency, locale), formatMoney(typedAmount.minor + fee, currency, locale))
                    : d.coverFeeOff(formatMoney(fee, currency, locale), formatMoney(typedAmount.minor, currency, locale))}
                </span>
              ) : null}
            </label>
          ) : null}
        </fieldset>

        <fieldset>
          <legend>{d.aboutYouLegend}</legend>
          <div className="field-row">
            {input("familyName", d.familyName, { autoComplete: "family-name" })}
            {input("givenName", d.givenName, { autoComplete: "given-name" })}
          </div>
          {input("email", d.email, { type: "email", autoComplete: "email", hint: d.emailHint })}
          {radios("preferredLocale", d.preferredLocale, [
            { value: "en", label: d.english },
            { value: "ja", label: d.japanese },
          ])}
          <fieldset className="field" aria-invalid={errors.country ? true : undefined}>
            <legend>{d.country}</legend>
            {(["JP", "US"] as const).map((c) => (
              <label key={c} className="choice">
                <input type="radio" name="country" value={c} defaultChecked={values.country === c} onChange={() => setCountry(c)} />{" "}
                {c === "JP" ? d.japan : d.unitedStates}
              </label>
            ))}
            <FieldError id="country-error" message={err("country")} />
          </fieldset>
          {input("postalCode", d.postalCode, { autoComplete: "postal-code" })}
          <div hidden={hydrated && country === "US"}>
            {select(
              "prefecture",
              d.prefecture,
              PREFECTURES.map((p) => ({ value: p.code, label: locale === "ja" ? p.ja : `${p.en} (${p.ja})` })),
            )}
          </div>
          <div hidden={hydrated && country === "JP"}>
            {select(
              "state",
              d.state,
              US_STATES.map((s) => ({ value: s.code, label: locale === "ja" ? `${s.ja}（${s.code}）` : `${s.en} (${s.code})` })),
            )}
          </div>
          {input("city", d.city, { autoComplete: "address-level2" })}
          {input("addressLine1", d.addressLine1, { autoComplete: "address-line1" })}
          {input("addressLine2", d.addressLine2, { autoComplete: "address-line2", required: false })}
        </fieldset>

        <button type="submit" className="button primary" disabled={submitting}>
          {submitting ? d.submitting : d.submit}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}

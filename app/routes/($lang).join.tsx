import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { getResumableJoin, startCheckout, type CheckoutFailure } from "~/modules/billing/checkout.server";
import { getCatalogue, getPartnerships } from "~/modules/catalog/catalog.server";
import { formatMoney } from "~/modules/i18n/format";
import { dictionary } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";
import {
  JOIN_FIELDS,
  keepValues,
  parseJoinForm,
  type JoinField,
  type JoinFieldErrors,
  type JoinTierOption,
  type JoinValues,
} from "~/modules/members/join.schema";
import { PREFECTURES, US_STATES } from "~/modules/members/regions";
import { RouteError } from "~/components/route-error";
import { ErrorSummary, FieldError, RadioGroup, TextField } from "~/components/form-fields";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => {
  const t = dictionary(loaded?.locale ?? "en");
  return [{ title: t.join.metaTitle }, { name: "description", content: t.join.metaDescription }];
};

async function individualTiers(db: Parameters<typeof getCatalogue>[0]) {
  return (await getCatalogue(db)).filter((tier) => tier.kind === "individual");
}

function tierOptions(tiers: Awaited<ReturnType<typeof individualTiers>>): JoinTierOption[] {
  return tiers.map((tier) => ({ slug: tier.slug, prices: tier.prices.map(({ currency, interval }) => ({ currency, interval })) }));
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const url = new URL(request.url);
  const [tiers, partnerships] = await Promise.all([individualTiers(context.db), getPartnerships(context.db)]);
  const resume = url.searchParams.get("resume");
  const resumed = resume ? await getResumableJoin(context.db, resume) : null;
  const tierParam = url.searchParams.get("tier");
  const defaults: JoinValues = resumed ?? {
    tier: tiers.some((t) => t.slug === tierParam) ? tierParam! : (tiers.find((t) => t.slug === "individual")?.slug ?? tiers[0]?.slug ?? ""),
    currency: locale === "ja" ? "JPY" : "USD",
    interval: "year",
    country: locale === "ja" ? "JP" : "US",
    preferredLocale: locale,
  };
  return { locale, tiers, partnerships, defaults, canceled: resumed !== null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  const form = await request.formData();
  const values: Record<string, string> = {};
  for (const field of JOIN_FIELDS) {
    const v = form.get(field);
    if (typeof v === "string") values[field] = v;
  }
  const tiers = tierOptions(await individualTiers(context.db));
  const parsed = parseJoinForm(values, { pageLocale: locale, tiers });
  if (!parsed.ok) return data({ errors: parsed.errors, formError: null as CheckoutFailure | null, values: keepValues(values) }, { status: 400 });
  const result = await startCheckout(context, parsed.data, locale);
  if (!result.ok) {
    const status = result.fieldErrors ? 400 : result.formError === "alreadyMember" ? 409 : 503;
    return data({ errors: result.fieldErrors ?? {}, formError: result.formError ?? null, values: keepValues(values) }, { status });
  }
  return redirect(result.url, 303);
}


export default function Join() {
  const { tiers, partnerships, defaults, canceled } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formMethod === "POST";
  const [clientErrors, setClientErrors] = useState<JoinFieldErrors | null>(null);
  const errors: JoinFieldErrors = clientErrors ?? actionData?.errors ?? {};
  const values: JoinValues = actionData?.values ?? defaults;
  const [country, setCountry] = useState(values.country ?? (locale === "ja" ? "JP" : "US"));
  // Without JavaScript both region lists show; with it, only the chosen country's.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const errorFields = JOIN_FIELDS.filter((f) => errors[f]);
  const formError = clientErrors ? null : (actionData?.formError ?? null);


  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const form = new FormData(event.currentTarget);
    const submitted: Record<string, string> = {};
    for (const field of JOIN_FIELDS) {
      const v = form.get(field);
      if (typeof v === "string") submitted[field] = v;
    }
    const result = parseJoinForm(submitted, { pageLocale: locale, tiers: tierOptions(tiers) });
    if (!result.ok) {
      event.preventDefault();
      setClientErrors(result.errors);
    } else {
      setClientErrors(null);
    }
  }

  const err = (field: JoinField) => (errors[field] ? t.join.errors[errors[field]!] : undefined);
  const input = (field: JoinField, label: string, options: { type?: string; autoComplete?: string; hint?: string; required?: boolean; lang?: string } = {}) => (
    <TextField name={field} label={label} value={values[field] ?? ""} error={err(field)} optionalLabel={t.join.optional} {...options} />
  );
  const radios = (field: JoinField, legend: string, choices: { value: string; label: ReactNode }[]) => (
    <RadioGroup name={field} legend={legend} value={values[field]} error={err(field)} choices={choices} />
  );
  const select = (field: JoinField, label: string, choices: { value: string; label: string }[], required = true) => (
    <div className="field">
      <label htmlFor={field}>{label}</label>
      <select
        id={field}
        name={field}
        defaultValue={values[field] ?? ""}
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={errors[field] ? `${field}-error` : undefined}
      >
        <option value="">{required ? t.join.choose : t.join.noPartnership}</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      <FieldError id={`${field}-error`} message={err(field)} />
    </div>
  );

  return (
    <div className="page narrow join">
      <h1>{t.join.heading}</h1>
      <p className="lead">{t.join.lead}</p>
      {canceled && !actionData ? (
        <p className="notice" role="status">
          {t.join.canceledNotice}
        </p>
      ) : null}
      <ErrorSummary
        heading={t.join.errorSummary}
        formError={formError ? t.join.failures[formError] : null}
        items={errorFields.map((field) => ({ field, message: err(field) }))}
        trigger={clientErrors ?? actionData}
      />
      <Form method="post" noValidate onSubmit={onSubmit} className="join-form">
        <fieldset>
          <legend>{t.join.membershipLegend}</legend>
          {radios(
            "tier",
            t.join.tierLegend,
            tiers.map((tier) => ({
              value: tier.slug,
              label: (
                <span>
                  <strong>{tier.name[locale]}</strong>{" "}
                  <span className="muted">
                    {tier.prices
                      .filter((p) => p.interval === "year")
                      .map((p) => formatMoney(p.amount, p.currency, locale))
                      .join(" / ")}{" "}
                    {t.join.perYear}
                    {tier.prices.some((p) => p.interval === "month")
                      ? ` · ${tier.prices
                          .filter((p) => p.interval === "month")
                          .map((p) => formatMoney(p.amount, p.currency, locale))
                          .join(" / ")} ${t.join.perMonth}`
                      : ""}
                  </span>
                </span>
              ),
            })),
          )}
          {radios("currency", t.join.currencyLegend, [
            { value: "USD", label: t.join.usd },
            { value: "JPY", label: t.join.jpy },
          ])}
          {radios("interval", t.join.intervalLegend, [
            { value: "year", label: t.join.yearly },
            { value: "month", label: t.join.monthly },
          ])}
        </fieldset>

        <fieldset>
          <legend>{t.join.aboutYouLegend}</legend>
          <div className="field-row">
            {input("familyName", t.join.familyName, { autoComplete: "family-name" })}
            {input("givenName", t.join.givenName, { autoComplete: "given-name" })}
          </div>
          {locale === "ja" ? (
            <div className="field-row">
              {input("familyNameKana", t.join.familyNameKana, { hint: t.join.kanaHint })}
              {input("givenNameKana", t.join.givenNameKana)}
            </div>
          ) : null}
          {input("email", t.join.email, { type: "email", autoComplete: "email", hint: t.join.emailHint })}
          {radios("preferredLocale", t.join.preferredLocale, [
            { value: "en", label: t.join.english },
            { value: "ja", label: t.join.japanese },
          ])}
        </fieldset>

        <fieldset>
          <legend>{t.join.addressLegend}</legend>
          <fieldset className="field" aria-invalid={errors.country ? true : undefined}>
            <legend>{t.join.country}</legend>
            {(["JP", "US"] as const).map((c) => (
              <label key={c} className="choice">
                <input type="radio" name="country" value={c} defaultChecked={values.country === c} onChange={() => setCountry(c)} />{" "}
                {c === "JP" ? t.join.japan : t.join.unitedStates}
              </label>
            ))}
            <FieldError id="country-error" message={err("country")} />
          </fieldset>
          {input("postalCode", t.join.postalCode, { autoComplete: "postal-code", hint: t.join.postalHintJp })}
          <div hidden={hydrated && country === "US"} className="region-jp">
            {select("prefecture", t.join.prefecture, PREFECTURES.map((p) => ({ value: p.code, label: locale === "ja" ? p.ja : `${p.en} (${p.ja})` })))}
          </div>
          <div hidden={hydrated && country === "JP"} className="region-us">
            {select("state", t.join.state, US_STATES.map((s) => ({ value: s.code, label: locale === "ja" ? `${s.ja}（${s.code}）` : `${s.en} (${s.code})` })))}
          </div>
          {input("city", t.join.city, { autoComplete: "address-level2" })}
          {input("addressLine1", t.join.addressLine1, { autoComplete: "address-line1" })}
          {input("addressLine2", t.join.addressLine2, { autoComplete: "address-line2", required: false })}
        </fieldset>

        {partnerships.length > 0
          ? select(
              "partnership",
              t.join.partnership,
              partnerships.map((p) => ({ value: p.slug, label: `${p.us[locale]} – ${p.jp[locale]}` })),
              false,
            )
          : null}

        <button type="submit" className="button primary" disabled={submitting}>
          {submitting ? t.join.submitting : t.join.submit}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { formValues, keepValues } from "~/modules/forms";
import { RouteError } from "~/components/route-error";
import { useEffect, useState, type FormEvent } from "react";
import { getCatalogue } from "~/modules/catalog/catalog.server";
import {
  LOGO_MAX_BYTES,
  SPONSOR_FIELDS,
  type SponsorField,
  type SponsorFieldErrors,
  type SponsorTierOption,
  type SponsorValues,
} from "~/modules/corporate/corporate.fields";
import { parseSponsorForm } from "~/modules/corporate/corporate.schema.server";
import { applyForSponsorship } from "~/modules/corporate/corporate.server";
import { checkLogo } from "~/modules/corporate/logo.server";
import { formatMoney } from "~/modules/i18n/format";
import { dictionary, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";
import { ErrorSummary, FieldError, RadioGroup, TextField } from "~/components/form-fields";
import { PREFECTURES, regionCode, US_STATES } from "~/modules/people/regions";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["sponsor"] };
export const clientLoader = withStrings(["sponsor"]);

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => {
  const t = dictionary(loaded?.locale ?? "en");
  return [{ title: t.sponsor.metaTitle }, { name: "description", content: t.sponsor.metaDescription }];
};

/** Bodies larger than this are refused before parsing (a 1 MB logo plus the form fits well within it). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

function tierOptions(catalogue: Awaited<ReturnType<typeof getCatalogue>>): SponsorTierOption[] {
  return catalogue.map((tier) => ({
    slug: tier.slug,
    kind: tier.kind,
    currencies: [...new Set(tier.prices.filter((p) => p.interval === "year").map((p) => p.currency))],
  }));
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  const tiers = (await getCatalogue(context.db)).filter((tier) => tier.kind === "corporate");
  // A tier card's link chooses the tier and currency (?tier=gold&currency=JPY); anything else is ignored.
  const url = new URL(request.url);
  const tier = tiers.find((t) => t.slug === url.searchParams.get("tier")) ?? tiers[0];
  const currencyParam = url.searchParams.get("currency");
  const defaults: SponsorValues = {
    tier: tier?.slug ?? "",
    currency: tier?.prices.some((p) => p.currency === currencyParam && p.interval === "year") ? currencyParam! : locale === "ja" ? "JPY" : "USD",
    payment: "invoice",
    country: locale === "ja" ? "JP" : "US",
    billingSame: "on",
    preferredLocale: locale,
  };
  return { locale, tiers, defaults };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > MAX_BODY_BYTES) {
    return data({ errors: { logo: "logoTooLarge" } as SponsorFieldErrors, formError: null, values: {} as SponsorValues }, { status: 400 });
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return data({ errors: { legalNameEn: "required" } as SponsorFieldErrors, formError: null, values: {} as SponsorValues }, { status: 400 });
  }
  const values = formValues(form, SPONSOR_FIELDS);
  const catalogue = await getCatalogue(context.db);
  const parsed = parseSponsorForm(values, { tiers: tierOptions(catalogue), pageLocale: locale });
  const errors: SponsorFieldErrors = parsed.ok ? {} : { ...parsed.errors };
  let logo: { bytes: Buffer; mime: string } | null = null;
  const file = form.get("logo");
  if (file && typeof file !== "string" && file.size > 0) {
    if (file.size > LOGO_MAX_BYTES) errors.logo = "logoTooLarge";
    else {
      const checked = checkLogo(Buffer.from(await file.arrayBuffer()));
      if (checked.ok) logo = checked;
      else errors.logo = checked.error;
    }
  }
  if (!parsed.ok || Object.keys(errors).length > 0) {
    return data({ errors, formError: null, values: keepValues(values, SPONSOR_FIELDS) }, { status: 400 });
  }
  const result = await applyForSponsorship(context, parsed.data, logo, locale);
  if (!result.ok) {
    return data(
      { errors: result.fieldErrors ?? {}, formError: result.formError ?? null, values: keepValues(values, SPONSOR_FIELDS) },
      { status: result.fieldErrors ? 400 : 503 },
    );
  }
  return redirect(result.redirectTo, 303);
}

const ALL_FIELDS: SponsorField[] = [...SPONSOR_FIELDS, "logo"];

export default function Sponsor() {
  const { tiers, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formMethod === "POST";
  const [clientErrors, setClientErrors] = useState<SponsorFieldErrors | null>(null);
  const errors: SponsorFieldErrors = clientErrors ?? actionData?.errors ?? {};
  const values: SponsorValues = actionData?.values && Object.keys(actionData.values).length > 0 ? actionData.values : defaults;
  const [billingSame, setBillingSame] = useState(values.billingSame === "on");
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const errorFields = ALL_FIELDS.filter((f) => errors[f]);
  const formError = clientErrors ? null : (actionData?.formError ?? null);

  // Fields are validated on the server only (no zod in the browser); a logo over the limit is
  // caught here, before its upload, with the same message the server would give.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const file = new FormData(event.currentTarget).get("logo");
    if (file && typeof file !== "string" && file.size > LOGO_MAX_BYTES) {
      event.preventDefault();
      setClientErrors({ logo: "logoTooLarge" });
    } else {
      setClientErrors(null);
    }
  }

  const err = (field: SponsorField) => (errors[field] ? t.sponsor.errors[errors[field]!] : undefined);
  const describedBy = (field: SponsorField, hint?: boolean) =>
    [hint ? `${field}-hint` : undefined, errors[field] ? `${field}-error` : undefined].filter(Boolean).join(" ") || undefined;
  const input = (
    field: (typeof SPONSOR_FIELDS)[number],
    label: string,
    opts: { type?: string; autoComplete?: string; hint?: string; required?: boolean } = {},
  ) => <TextField name={field} label={label} value={values[field] ?? ""} error={err(field)} optionalLabel={t.sponsor.optional} {...opts} />;
  // A list (country, prefecture or state): what was sent comes back chosen; a name typed before (東京都) finds its code.
  const select = (
    field: "country" | "region",
    label: string,
    autoComplete: string,
    groups: { label: string | null; options: { value: string; label: string }[] }[],
  ) => {
    const sent = values[field] ?? "";
    const chosen = groups.flatMap((g) => g.options).some((o) => o.value === sent) ? sent : field === "region" ? regionCode(sent) : sent;
    return (
      <div className="field">
        <label htmlFor={field}>{label}</label>
        <select
          id={field}
          name={field}
          autoComplete={autoComplete}
          defaultValue={chosen}
          aria-invalid={errors[field] ? true : undefined}
          aria-describedby={describedBy(field)}
          aria-required
        >
          <option value="">{t.sponsor.choose}</option>
          {groups.map((g) =>
            g.label ? (
              <optgroup key={g.label} label={g.label}>
                {g.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </optgroup>
            ) : (
              g.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))
            ),
          )}
        </select>
        <FieldError id={`${field}-error`} message={err(field)} />
      </div>
    );
  };
  const radios = (field: (typeof SPONSOR_FIELDS)[number], legend: string, choices: { value: string; label: string }[]) => (
    <RadioGroup name={field} legend={legend} value={values[field]} error={err(field)} choices={choices} />
  );

  return (
    <div className="page sponsor">
      <h1>{t.sponsor.heading}</h1>
      <p className="lead">{t.sponsor.lead}</p>

      <section aria-labelledby="compare-heading">
        <h2 id="compare-heading">{t.sponsor.compareHeading}</h2>
        <div className="tier-grid">
          {tiers.map((tier) => (
            <article key={tier.slug} className="tier-card" data-tier={tier.slug}>
              <h3>{tier.name[locale]}</h3>
              <p>
                {tier.prices
                  .filter((p) => p.interval === "year")
                  .map((p) => formatMoney(p.amount, p.currency, locale))
                  .join(" / ")}{" "}
                {t.sponsor.perYear}
              </p>
              {tier.seats ? <p>{t.sponsor.seats(tier.seats)}</p> : null}
              <ul>
                {tier.benefits[locale].map((b) => (
                  <li key={b}>{b}</li>
                ))}
              </ul>
            </article>
          ))}
        </div>
      </section>

      <h2>{t.sponsor.applyHeading}</h2>
      <ErrorSummary
        heading={t.sponsor.errorSummary}
        formError={formError ? t.sponsor.failures[formError] : null}
        items={errorFields.map((field) => ({ field, message: err(field) }))}
        trigger={clientErrors ?? actionData}
      />
      <Form method="post" encType="multipart/form-data" noValidate onSubmit={onSubmit} className="sponsor-form">
        <fieldset>
          <legend>{t.sponsor.tierLegend}</legend>
          {radios(
            "tier",
            t.sponsor.tierLegend,
            tiers.map((tier) => ({
              value: tier.slug,
              label: `${tier.name[locale]} — ${tier.prices
                .filter((p) => p.interval === "year")
                .map((p) => formatMoney(p.amount, p.currency, locale))
                .join(" / ")}`,
            })),
          )}
          {radios("currency", t.sponsor.currencyLegend, [
            { value: "USD", label: t.sponsor.usd },
            { value: "JPY", label: t.sponsor.jpy },
          ])}
          {radios("payment", t.sponsor.paymentLegend, [
            { value: "invoice", label: t.sponsor.payInvoice },
            { value: "card", label: t.sponsor.payCard },
          ])}
        </fieldset>

        <fieldset>
          <legend>{t.sponsor.companyLegend}</legend>
          {/* The legal name is asked in the page's language first; the other one is optional. */}
          {locale === "ja" ? (
            <>
              {input("legalNameJa", t.sponsor.legalNameJa, { autoComplete: "organization" })}
              {input("legalNameEn", t.sponsor.legalNameEn, { required: false })}
            </>
          ) : (
            <>
              {input("legalNameEn", t.sponsor.legalNameEn, { autoComplete: "organization" })}
              {input("legalNameJa", t.sponsor.legalNameJa, { required: false })}
            </>
          )}
          {input("legalNameKana", t.sponsor.legalNameKana, { required: false })}
          {input("website", t.sponsor.website, { type: "url", hint: t.sponsor.websiteHint, required: false, autoComplete: "url" })}
          {input("jpCorporateNumber", t.sponsor.jpCorporateNumber, { required: false })}
          {select("country", t.sponsor.country, "country", [
            {
              label: null,
              options: [
                { value: "JP", label: t.sponsor.japan },
                { value: "US", label: t.sponsor.unitedStates },
              ],
            },
          ])}
          {input("postalCode", t.sponsor.postalCode, { autoComplete: "postal-code" })}
          {select("region", t.sponsor.region, "address-level1", [
            { label: t.sponsor.prefectures, options: PREFECTURES.map((p) => ({ value: p.code, label: locale === "ja" ? p.ja : `${p.en} (${p.ja})` })) },
            {
              label: t.sponsor.states,
              options: US_STATES.map((s) => ({ value: s.code, label: locale === "ja" ? `${s.ja}（${s.code}）` : `${s.en} (${s.code})` })),
            },
          ])}
          {input("city", t.sponsor.city, { autoComplete: "address-level2" })}
          {input("addressLine1", t.sponsor.addressLine1, { autoComplete: "address-line1" })}
          {input("addressLine2", t.sponsor.addressLine2, { required: false, autoComplete: "address-line2" })}
        </fieldset>

        <fieldset>
          <legend>{t.sponsor.primaryLegend}</legend>
          <p className="hint">{t.sponsor.primaryHint}</p>
          <div className="field-row">
            {input("primaryFamilyName", t.sponsor.familyName, { autoComplete: "family-name" })}
            {input("primaryGivenName", t.sponsor.givenName, { autoComplete: "given-name" })}
          </div>
          {input("primaryEmail", t.sponsor.email, { type: "email", autoComplete: "email" })}
          {radios("preferredLocale", t.sponsor.preferredLocale, [
            { value: "en", label: t.sponsor.english },
            { value: "ja", label: t.sponsor.japanese },
          ])}
        </fieldset>

        <fieldset>
          <legend>{t.sponsor.billingLegend}</legend>
          <p className="hint">{t.sponsor.billingHint}</p>
          <label className="choice">
            <input type="checkbox" name="billingSame" defaultChecked={values.billingSame === "on"} onChange={(e) => setBillingSame(e.currentTarget.checked)} />{" "}
            {t.sponsor.billingSame}
          </label>
          {/* Without JavaScript the billing fields always show; they are ignored while the box is ticked. */}
          <div hidden={hydrated && billingSame}>
            <div className="field-row">
              {input("billingFamilyName", t.sponsor.familyName)}
              {input("billingGivenName", t.sponsor.givenName)}
            </div>
            {input("billingEmail", t.sponsor.email, { type: "email" })}
          </div>
          {input("poNumber", t.sponsor.poNumber, { required: false, hint: t.sponsor.poHint })}
        </fieldset>

        <fieldset>
          <legend>{t.sponsor.recognitionLegend}</legend>
          <label className="choice">
            <input type="checkbox" name="showOnSponsorsPage" defaultChecked={values.showOnSponsorsPage === "on"} /> {t.sponsor.showOnSponsorsPage}
          </label>
          <div className="field">
            <label htmlFor="logo">
              {t.sponsor.logo}
              <span className="muted">{t.sponsor.optional}</span>
            </label>
            <p className="hint" id="logo-hint">
              {t.sponsor.logoHint}
            </p>
            <input
              id="logo"
              name="logo"
              type="file"
              accept="image/png,image/jpeg,image/svg+xml"
              aria-invalid={errors.logo ? true : undefined}
              aria-describedby={describedBy("logo", true)}
            />
            <FieldError id="logo-error" message={err("logo")} />
          </div>
        </fieldset>

        <button type="submit" className="button primary" disabled={submitting}>
          {submitting ? t.sponsor.submitting : t.sponsor.submit}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}

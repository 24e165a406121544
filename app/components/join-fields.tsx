/**
 * The fields of a membership application (tier, currency, interval, name and kana, email,
 * language, address, partnership), as /join shows them and as staff use them to add a member by
 * hand: the same fields, labels and translated errors for one schema (join.schema.ts).
 */
import { useEffect, useState, type ReactNode } from "react";
import type { CatalogueTier, CataloguePartnership } from "~/modules/catalog/catalog";
import { formatMoney } from "~/modules/i18n/format";
import type { Locale } from "~/modules/i18n/i18n";
import type { Dictionary } from "~/modules/i18n/locales/en";
import type { JoinField, JoinFieldErrors, JoinValues } from "~/modules/people/join.fields";
import { PREFECTURES, US_STATES } from "~/modules/people/regions";
import { FieldError, RadioGroup, TextField } from "./form-fields";

interface FieldProps {
  t: Dictionary;
  values: JoinValues;
  errors: JoinFieldErrors;
}

/** One text field of the form, its value kept and its error translated. */
function joinInput(
  { t, values, errors }: FieldProps,
  field: JoinField,
  label: string,
  options: { type?: string; autoComplete?: string; hint?: string; required?: boolean; lang?: string; describedBy?: string } = {},
) {
  const error = errors[field] ? t.join.errors[errors[field]!] : undefined;
  return <TextField name={field} label={label} value={values[field] ?? ""} error={error} optionalLabel={t.join.optional} {...options} />;
}

function joinSelect({ t, values, errors }: FieldProps, field: JoinField, label: string, choices: { value: string; label: string }[], required = true) {
  return (
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
      <FieldError id={`${field}-error`} message={errors[field] ? t.join.errors[errors[field]!] : undefined} />
    </div>
  );
}

/** Family and given names, and (where asked) their kana readings. */
/** `kanaOptional`: the readings are asked but may be left out (the English member area; /join asks them only in Japanese, required). */
export function NameFields(props: FieldProps & { showKana: boolean; kanaOptional?: boolean }) {
  const { t } = props;
  return (
    <>
      <div className="field-row">
        {joinInput(props, "familyName", t.join.familyName, { autoComplete: "family-name" })}
        {joinInput(props, "givenName", t.join.givenName, { autoComplete: "given-name" })}
      </div>
      {props.showKana ? (
        <>
          {/* One hint above both readings, so セイ and メイ stay side by side at the same height. */}
          <p className="hint" id="kana-hint">
            {t.join.kanaHint}
          </p>
          <div className="field-row">
            {joinInput(props, "familyNameKana", t.join.familyNameKana, { describedBy: "kana-hint", required: !props.kanaOptional })}
            {joinInput(props, "givenNameKana", t.join.givenNameKana, { describedBy: "kana-hint", required: !props.kanaOptional })}
          </div>
        </>
      ) : null}
    </>
  );
}

/** The postal address: country, postal code, prefecture or state (the chosen country's list), city and lines. */
export function AddressFields(props: FieldProps & { locale: Locale }) {
  const { t, locale, values, errors } = props;
  const [country, setCountry] = useState(values.country ?? (locale === "ja" ? "JP" : "US"));
  // Without JavaScript both region lists show; with it, only the chosen country's.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
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
        <FieldError id="country-error" message={errors.country ? t.join.errors[errors.country] : undefined} />
      </fieldset>
      {joinInput(props, "postalCode", t.join.postalCode, { autoComplete: "postal-code", hint: t.join.postalHintJp })}
      <div hidden={hydrated && country === "US"} className="region-jp">
        {joinSelect(
          props,
          "prefecture",
          t.join.prefecture,
          PREFECTURES.map((p) => ({ value: p.code, label: locale === "ja" ? p.ja : `${p.en} (${p.ja})` })),
        )}
      </div>
      <div hidden={hydrated && country === "JP"} className="region-us">
        {joinSelect(
          props,
          "state",
          t.join.state,
          US_STATES.map((s) => ({ value: s.code, label: locale === "ja" ? `${s.ja}（${s.code}）` : `${s.en} (${s.code})` })),
        )}
      </div>
      {joinInput(props, "city", t.join.city, { autoComplete: "address-level2" })}
      {joinInput(props, "addressLine1", t.join.addressLine1, { autoComplete: "address-line1" })}
      {joinInput(props, "addressLine2", t.join.addressLine2, { autoComplete: "address-line2", required: false })}
    </fieldset>
  );
}

export function JoinFields(props: {
  t: Dictionary;
  locale: Locale;
  tiers: CatalogueTier[];
  partnerships: CataloguePartnership[];
  values: JoinValues;
  errors: JoinFieldErrors;
  /** Family and given names' kana readings (required where the form is in Japanese). */
  showKana: boolean;
  /** The person fieldset's legend, when not the person filling it in (staff adding a member). */
  personLegend?: string;
}) {
  const { t, locale, tiers, partnerships, values, errors } = props;
  const err = (field: JoinField) => (errors[field] ? t.join.errors[errors[field]!] : undefined);
  const input = (field: JoinField, label: string, options: Parameters<typeof joinInput>[3] = {}) => joinInput(props, field, label, options);
  const radios = (field: JoinField, legend: string, choices: { value: string; label: ReactNode }[]) => (
    <RadioGroup name={field} legend={legend} value={values[field]} error={err(field)} choices={choices} />
  );
  const select = (field: JoinField, label: string, choices: { value: string; label: string }[], required = true) =>
    joinSelect(props, field, label, choices, required);

  return (
    <>
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
        <legend>{props.personLegend ?? t.join.aboutYouLegend}</legend>
        <NameFields t={t} values={values} errors={errors} showKana={props.showKana} />
        {input("email", t.join.email, { type: "email", autoComplete: "email", hint: t.join.emailHint })}
        {radios("preferredLocale", t.join.preferredLocale, [
          { value: "en", label: t.join.english },
          { value: "ja", label: t.join.japanese },
        ])}
      </fieldset>

      <AddressFields t={t} locale={locale} values={values} errors={errors} />

      {partnerships.length > 0
        ? select(
            "partnership",
            t.join.partnership,
            partnerships.map((p) => ({ value: p.slug, label: `${p.us[locale]} – ${p.jp[locale]}` })),
            false,
          )
        : null}
    </>
  );
}

/** What each field is called, for the error summary ("Family name: This field is required."). */
export function joinFieldLabel(t: Dictionary, field: JoinField): string {
  const legends: Partial<Record<JoinField, string>> = {
    tier: t.join.tierLegend,
    currency: t.join.currencyLegend,
    interval: t.join.intervalLegend,
  };
  return legends[field] ?? t.join[field as Exclude<JoinField, "tier" | "currency" | "interval">];
}

import { Link } from "@remix-run/react";
import type { CatalogueTier } from "~/modules/catalog/catalog";
import { formatMoney, type CurrencyCode } from "~/modules/i18n/format";
import { localePath } from "~/modules/i18n/i18n";
import { useLocale, useT } from "~/modules/i18n/use-locale";

const CURRENCIES: CurrencyCode[] = ["USD", "JPY"];

/** Where a tier's call to action goes: /join for an individual tier, /sponsor for a corporate one, with the tier and currency chosen. */
export function tierFormPath(tier: Pick<CatalogueTier, "slug" | "kind">, currency: CurrencyCode): string {
  return `${tier.kind === "corporate" ? "/sponsor" : "/join"}?${new URLSearchParams({ tier: tier.slug, currency })}`;
}

export function TierCard({ tier }: { tier: CatalogueTier }) {
  const t = useT();
  const locale = useLocale();
  const headingId = `tier-${tier.slug}`;
  const value = tier.benefitValue;
  // The page's language picks the first currency offered (yen in Japanese); the other is a link beside it.
  const offered = CURRENCIES.filter((c) => tier.prices.some((p) => p.currency === c && (tier.kind === "individual" || p.interval === "year")));
  const [primary, ...others] = locale === "ja" ? [...offered].reverse() : offered;
  const name = tier.name[locale];
  return (
    <article className="card tier" aria-labelledby={headingId} data-tier={tier.slug}>
      <h3 id={headingId}>{tier.name[locale]}</h3>
      <p>{tier.description[locale]}</p>
      <dl className="prices">
        {CURRENCIES.map((currency) => {
          const prices = tier.prices.filter((p) => p.currency === currency);
          if (prices.length === 0) return null;
          return (
            <div key={currency} className="price-row">
              <dt>{currency === "USD" ? t.membership.priceUsd : t.membership.priceJpy}</dt>
              <dd>
                {prices.map((p, i) => (
                  <span key={p.interval} className="price">
                    {i > 0 ? <span className="muted"> {t.membership.or} </span> : null}
                    <strong>{formatMoney(p.amount, p.currency, locale)}</strong>
                    <span className="muted"> {p.interval === "year" ? t.membership.yearly : t.membership.monthly}</span>
                  </span>
                ))}
              </dd>
            </div>
          );
        })}
      </dl>
      {tier.seats ? <p className="seats">{t.membership.seats(tier.seats)}</p> : null}
      <h4>{t.membership.benefitsHeading}</h4>
      <ul>
        {tier.benefits[locale].map((benefit) => (
          <li key={benefit}>{benefit}</li>
        ))}
      </ul>
      {(value.USD ?? 0) > 0 || (value.JPY ?? 0) > 0 ? (
        <p className="small muted">{t.membership.benefitsValue(formatMoney(value.USD ?? 0, "USD", locale), formatMoney(value.JPY ?? 0, "JPY", locale))}</p>
      ) : null}
      {primary ? (
        <p className="tier__actions">
          <Link
            className="button"
            to={localePath(locale, tierFormPath(tier, primary))}
            aria-label={tier.kind === "corporate" ? t.membership.applyLabel(name) : t.membership.joinLabel(name)}
          >
            {tier.kind === "corporate" ? t.membership.apply : t.membership.join}
          </Link>
          {others.map((currency) => (
            <Link key={currency} className="small" to={localePath(locale, tierFormPath(tier, currency))}>
              {t.membership.payIn(t.membership.currencyName[currency])}
              <span className="visually-hidden"> ({name})</span>
            </Link>
          ))}
        </p>
      ) : null}
    </article>
  );
}

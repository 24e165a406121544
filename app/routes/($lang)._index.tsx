import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getPartnerships } from "~/modules/catalog/catalog.server";
import { dictionary, localeFromAcceptLanguage, localeFromCookie, localePath } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const t = dictionary(data?.locale ?? "en");
  return [{ title: t.meta.homeTitle }, { name: "description", content: t.meta.homeDescription }];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  if (params.lang === undefined) {
    // A first visit to `/` follows the browser's language; a remembered choice wins.
    const chosen = localeFromCookie(request.headers.get("Cookie"));
    const preferred = chosen ?? localeFromAcceptLanguage(request.headers.get("Accept-Language"));
    if (preferred === "ja") throw redirect("/ja", { headers: { Vary: "Accept-Language, Cookie" } });
  }
  return { locale, partnerships: await getPartnerships(context.db) };
}

export default function Home() {
  const { partnerships } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="page">
      <section className="hero" aria-labelledby="home-heading">
        <h1 id="home-heading">{t.home.heading}</h1>
        <p className="lead">{t.home.lead}</p>
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t.home.historyHeading}</h2>
        <p>{t.home.history}</p>
      </section>

      <section aria-labelledby="today-heading">
        <h2 id="today-heading">{t.home.todayHeading}</h2>
        <ul>
          {t.home.today.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="partnerships-heading">
        <h2 id="partnerships-heading">{t.home.partnershipsHeading}</h2>
        <ul className="partnerships">
          {partnerships.map((p) => (
            <li key={p.slug}>
              {locale === "ja" ? `${p.us[locale]}（${p.us.state}）– ${p.jp[locale]}` : `${p.us.en}, ${p.us.state} – ${p.jp.en}`}{" "}
              <span className="muted">({t.home.partnershipSince(p.establishedYear)})</span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="actions-heading">
        <h2 id="actions-heading">{t.home.actionsHeading}</h2>
        <div className="cards">
          <article className="card">
            <h3>{t.home.joinTitle}</h3>
            <p>{t.home.joinText}</p>
            <p className="card__actions">
              <Link className="button" to={localePath(locale, "/join")}>
                {t.home.joinCta}
              </Link>
              <Link to={`${localePath(locale, "/membership")}#individual`}>{t.home.joinCompare}</Link>
            </p>
          </article>
          <article className="card">
            <h3>{t.home.sponsorTitle}</h3>
            <p>{t.home.sponsorText}</p>
            <p className="card__actions">
              <Link className="button" to={localePath(locale, "/sponsor")}>
                {t.home.sponsorCta}
              </Link>
              <Link to={`${localePath(locale, "/membership")}#corporate`}>{t.home.sponsorCompare}</Link>
            </p>
          </article>
          <article className="card">
            <h3>{t.home.donateTitle}</h3>
            <p>{t.home.donateText}</p>
            <p className="card__actions">
              <Link className="button" to={localePath(locale, "/donate")}>
                {t.home.donateCta}
              </Link>
            </p>
          </article>
        </div>
      </section>
    </div>
  );
}

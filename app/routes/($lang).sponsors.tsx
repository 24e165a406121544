import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RouteError } from "~/components/route-error";
import { listSponsors } from "~/modules/corporate/corporate.server";
import { dictionary, localePath } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const t = dictionary(data?.locale ?? "en");
  return [{ title: t.sponsors.metaTitle }, { name: "description", content: t.sponsors.metaDescription }];
};

export async function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  return { locale, groups: await listSponsors(context.db) };
}

export default function Sponsors() {
  const { groups } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <div className="page sponsors">
      <h1>{t.sponsors.heading}</h1>
      <p className="lead">{t.sponsors.lead}</p>
      {groups.length === 0 ? <p>{t.sponsors.empty}</p> : null}
      {groups.map((group) => (
        <section key={group.slug} aria-labelledby={`tier-${group.slug}`} data-tier={group.slug}>
          <h2 id={`tier-${group.slug}`}>{group.name[locale]}</h2>
          <ul className="sponsor-list">
            {group.sponsors.map((sponsor) => {
              const name = sponsor.name[locale];
              const content = (
                <>
                  {sponsor.logoUrl ? <img src={sponsor.logoUrl} alt={t.sponsors.logoAlt(name)} height={64} loading="lazy" /> : null}
                  <span>{name}</span>
                </>
              );
              return (
                <li key={sponsor.id} data-sponsor={sponsor.id}>
                  {sponsor.website ? (
                    <a href={sponsor.website} rel="noopener noreferrer" target="_blank">
                      {content}
                    </a>
                  ) : (
                    content
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
      <p>
        <Link to={localePath(locale, "/sponsor")}>{t.sponsors.becomeSponsor}</Link>
      </p>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}

import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TierCard } from "~/components/tier-card";
import { getCatalogue } from "~/modules/catalog/catalog.server";
import { dictionary } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useT } from "~/modules/i18n/use-locale";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const t = dictionary(data?.locale ?? "en");
  return [{ title: t.meta.membershipTitle }, { name: "description", content: t.meta.membershipDescription }];
};

export async function loader({ params, context }: LoaderFunctionArgs) {
  const locale = requireLocale(params);
  return { locale, tiers: await getCatalogue(context.db) };
}

export default function Membership() {
  const { tiers } = useLoaderData<typeof loader>();
  const t = useT();
  const individual = tiers.filter((tier) => tier.kind === "individual");
  const corporate = tiers.filter((tier) => tier.kind === "corporate");
  return (
    <div className="page">
      <h1>{t.membership.heading}</h1>
      <p className="lead">{t.membership.lead}</p>
      {tiers.length === 0 ? <p>{t.membership.none}</p> : null}
      <div className="tier-columns">
        <section id="individual" aria-labelledby="individual-heading">
          <h2 id="individual-heading">{t.membership.individualHeading}</h2>
          {individual.map((tier) => (
            <TierCard key={tier.slug} tier={tier} />
          ))}
        </section>
        <section id="corporate" aria-labelledby="corporate-heading">
          <h2 id="corporate-heading">{t.membership.corporateHeading}</h2>
          {corporate.map((tier) => (
            <TierCard key={tier.slug} tier={tier} />
          ))}
        </section>
      </div>
    </div>
  );
}

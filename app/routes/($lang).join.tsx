import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { formValues, keepValues } from "~/modules/forms";
import { getSignedInPersonId } from "~/modules/auth/auth.server";
import { getResumableJoin, startCheckout, type CheckoutFailure } from "~/modules/billing/checkout.server";
import { getCatalogue, getPartnerships } from "~/modules/catalog/catalog.server";
import { dictionary, type StringsHandle, withStrings } from "~/modules/i18n/i18n";
import { requireLocale } from "~/modules/i18n/i18n.server";
import { useLocale, useT } from "~/modules/i18n/use-locale";
import { JOIN_FIELDS, type JoinFieldErrors, type JoinTierOption, type JoinValues } from "~/modules/people/join.fields";
import { parseJoinForm } from "~/modules/people/join.schema.server";
import { RouteError } from "~/components/route-error";
import { ErrorSummary } from "~/components/form-fields";
import { joinFieldLabel, JoinFields } from "~/components/join-fields";

// This page's strings (besides the site's): loaded before hydration from the handle, and on a client-side navigation by the clientLoader.
export const handle: StringsHandle = { strings: ["join"] };
export const clientLoader = withStrings(["join"]);

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
  // A tier card's link chooses the tier and currency (?tier=student&currency=JPY); anything else is ignored.
  const chosen = tiers.find((t) => t.slug === url.searchParams.get("tier"));
  const currencyParam = url.searchParams.get("currency");
  const tier = chosen ?? tiers.find((t) => t.slug === "individual") ?? tiers[0];
  const defaults: JoinValues = resumed ?? {
    tier: tier?.slug ?? "",
    currency: tier?.prices.some((p) => p.currency === currencyParam) ? currencyParam! : locale === "ja" ? "JPY" : "USD",
    interval: "year",
    country: locale === "ja" ? "JP" : "US",
    preferredLocale: locale,
  };
  return { locale, tiers, partnerships, defaults, canceled: resumed !== null };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = requireLocale(params);
  const form = await request.formData();
  const values = formValues(form, JOIN_FIELDS);
  const tiers = tierOptions(await individualTiers(context.db));
  const parsed = parseJoinForm(values, { pageLocale: locale, tiers });
  if (!parsed.ok) return data({ errors: parsed.errors, formError: null as CheckoutFailure | null, values: keepValues(values, JOIN_FIELDS) }, { status: 400 });
  const result = await startCheckout(context, parsed.data, locale, await getSignedInPersonId(request, context));
  if (!result.ok) {
    const status = result.fieldErrors ? 400 : result.formError === "alreadyMember" ? 409 : 503;
    return data({ errors: result.fieldErrors ?? {}, formError: result.formError ?? null, values: keepValues(values, JOIN_FIELDS) }, { status });
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
  // Validated on the server only (no zod in the browser): errors come back translated, next to their fields.
  const errors: JoinFieldErrors = actionData?.errors ?? {};
  const values: JoinValues = actionData?.values ?? defaults;
  const errorFields = JOIN_FIELDS.filter((f) => errors[f]);
  const formError = actionData?.formError ?? null;

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
        items={errorFields.map((field) => ({ field, message: `${joinFieldLabel(t, field)}${locale === "ja" ? "：" : ": "}${t.join.errors[errors[field]!]}` }))}
        trigger={actionData}
      />
      <Form method="post" noValidate className="join-form">
        <JoinFields t={t} locale={locale} tiers={tiers} partnerships={partnerships} values={values} errors={errors} showKana={locale === "ja"} />
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

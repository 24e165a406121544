/** /staff/members/new: add a member by hand, with /join's fields and validation; their payment is recorded on their page. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formValues, keepValues } from "~/modules/forms";
import { ErrorSummary } from "~/components/form-fields";
import { JoinFields } from "~/components/join-fields";
import { StaffErrorBoundary } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { getCatalogue, getPartnerships } from "~/modules/catalog/catalog.server";
import { dictionary } from "~/modules/i18n/i18n";
import { addMemberByHand } from "~/modules/members/add-member.server";
import { JOIN_FIELDS, type JoinFieldErrors, type JoinValues } from "~/modules/people/join.fields";
import { parseJoinForm } from "~/modules/people/join.schema.server";
import { useStaffLayout, useStaffT } from "~/modules/staff/use-staff";

async function individualTiers(db: Parameters<typeof getCatalogue>[0]) {
  return (await getCatalogue(db)).filter((tier) => tier.kind === "individual");
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "members:write");
  const [tiers, partnerships] = await Promise.all([individualTiers(context.db), getPartnerships(context.db)]);
  const defaults: JoinValues = {
    tier: tiers.find((t) => t.slug === "individual")?.slug ?? tiers[0]?.slug ?? "",
    currency: staff.locale === "ja" ? "JPY" : "USD",
    interval: "year",
    country: staff.locale === "ja" ? "JP" : "US",
    preferredLocale: staff.locale,
  };
  return { tiers, partnerships, defaults };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request, context, "members:write");
  const form = await request.formData();
  const values = formValues(form, JOIN_FIELDS);
  const tiers = (await individualTiers(context.db)).map((tier) => ({
    slug: tier.slug,
    prices: tier.prices.map(({ currency, interval }) => ({ currency, interval })),
  }));
  // As /join asks it: kana readings are required for a member whose language is Japanese.
  const parsed = parseJoinForm(values, { pageLocale: values.preferredLocale === "ja" ? "ja" : "en", tiers });
  if (!parsed.ok) return data({ errors: parsed.errors, existing: null, values: keepValues(values, JOIN_FIELDS) } satisfies Failed, { status: 400 });
  const result = await addMemberByHand(context.db, { staff, ip: context.clientIp ?? null }, parsed.data);
  if (!result.ok) {
    if ("existingPersonId" in result)
      return data({ errors: {}, existing: result.existingPersonId, values: keepValues(values, JOIN_FIELDS) } satisfies Failed, { status: 409 });
    return data({ errors: result.fieldErrors, existing: null, values: keepValues(values, JOIN_FIELDS) } satisfies Failed, { status: 400 });
  }
  return redirect(`/staff/members/${result.personId}?done=created`);
}

/** What a refused submission answers: the errors, the person already known by that address, what was typed. */
type Failed = { errors: JoinFieldErrors; existing: string | null; values: JoinValues };

export default function NewMember() {
  const { tiers, partnerships, defaults } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useStaffT();
  const { locale } = useStaffLayout();
  const d = dictionary(locale);
  const errors: JoinFieldErrors = failed?.errors ?? {};
  const values = failed?.values ?? defaults;
  return (
    <div className="staff-page narrow">
      <p>
        <Link to="/staff/members">← {t.members}</Link>
      </p>
      <h1>{t.newMember.title}</h1>
      <p className="hint">{t.newMember.lead}</p>
      {failed?.existing ? (
        <p role="alert" className="notice notice--error">
          {t.newMember.exists} <Link to={`/staff/members/${failed.existing}`}>{t.newMember.openExisting}</Link>
        </p>
      ) : null}
      <ErrorSummary
        heading={d.join.errorSummary}
        items={JOIN_FIELDS.filter((f) => errors[f]).map((field) => ({ field, message: d.join.errors[errors[field]!] }))}
        trigger={failed}
      />
      <Form method="post" noValidate className="join-form">
        <JoinFields
          t={d}
          locale={locale}
          tiers={tiers}
          partnerships={partnerships}
          values={values}
          errors={errors}
          showKana
          personLegend={t.newMember.personLegend}
        />
        <button type="submit" className="button primary">
          {t.newMember.submit}
        </button>
      </Form>
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

/** /staff/tiers: the tier catalogue; admins create, edit and archive tiers. */
import { syncStripeCatalogue } from "~/modules/billing/stripe-sync.server";
import { getStripe } from "~/modules/billing/stripe.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { fieldMessages, formStrings } from "~/modules/forms";
import { Field, StaffErrorBoundary, type FieldErrors } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { can } from "~/modules/auth/permissions";
import { dictionary } from "~/modules/i18n/i18n";
import { formatMoney, minorUnitDigits } from "~/modules/i18n/format";
import { TierArchiveSchema, TierFormSchema } from "~/modules/staff/tiers.schema";
import { listTiersForStaff, saveTier, setTierActive, TierError } from "~/modules/staff/tiers.server";
import { useStaffLayout, useStaffT } from "~/modules/staff/use-staff";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "read");
  return { tiers: await listTiersForStaff(context.db), canWrite: can(staff.role, "tiers:write") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request, context, "tiers:write");
  const t = dictionary(staff.locale).staff.tiers_;
  const form = formStrings(await request.formData());
  if (form.intent === "archive" || form.intent === "restore") {
    const parsed = TierArchiveSchema.safeParse(form);
    if (!parsed.success) return data({ errors: { form: t.errors.required }, values: form } satisfies Failed, { status: 400 });
    await setTierActive(context.db, staff, parsed.data.id, parsed.data.intent === "restore", context.clientIp ?? null);
    return redirect("/staff/tiers?done=archived");
  }
  const parsed = TierFormSchema.safeParse(form);
  if (!parsed.success) {
    const errors: FieldErrors = fieldMessages(parsed.error.issues, (key) => t.errors[key] ?? t.errors.required, "slug");
    return data({ errors, values: form } satisfies Failed, { status: 400 });
  }
  try {
    await saveTier(context.db, staff, parsed.data, context.clientIp ?? null);
  } catch (error) {
    if (error instanceof TierError) return data({ errors: { [error.field]: t.errors[error.key] }, values: form } satisfies Failed, { status: 400 });
    throw error;
  }
  // New prices become Stripe Prices now (the same idempotent sync as `npm run stripe:sync`),
  // after the change is committed; until then Checkout builds the price from our row.
  const stripe = getStripe(context.env);
  if (stripe) {
    try {
      await syncStripeCatalogue(context.db, stripe);
    } catch {
      return redirect("/staff/tiers?done=unsynced");
    }
  }
  return redirect("/staff/tiers?done=saved");
}

type Failed = { errors: FieldErrors; values: Record<string, string> };

export default function Tiers() {
  const { tiers, canWrite } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const t = useStaffT();
  const { locale } = useStaffLayout();
  const [params] = useSearchParams();
  const editId = params.get("edit");
  const editing = editId === "new" ? null : tiers.find((tier) => String(tier.id) === editId);
  const showForm = canWrite && (editId === "new" || editing || failed);
  const major = (amount: number | undefined, currency: "USD" | "JPY") => (amount === undefined ? "" : String(amount / 10 ** minorUnitDigits(currency)));
  const price = (tier: (typeof tiers)[number], currency: "USD" | "JPY", interval: "year" | "month") =>
    tier.prices.find((p) => p.currency === currency && p.interval === interval)?.amount;
  const v = (name: string, fallback: string) => failed?.values[name] ?? fallback;
  return (
    <div className="staff-page">
      <h1>{t.tiers_.title}</h1>
      {params.get("done") ? (
        <p role="status" className="notice">
          {params.get("done") === "archived" ? t.tiers_.archived : params.get("done") === "unsynced" ? t.tiers_.unsynced : t.tiers_.saved}
        </p>
      ) : null}
      <table>
        <caption>{t.tiers_.title}</caption>
        <thead>
          <tr>
            <th scope="col">{t.tiers_.nameEn}</th>
            <th scope="col">{t.tiers_.nameJa}</th>
            <th scope="col">{t.tiers_.kind}</th>
            <th scope="col">{t.tiers_.prices}</th>
            <th scope="col">{t.tiers_.active}</th>
            {canWrite ? <th scope="col">{t.tiers_.edit}</th> : null}
          </tr>
        </thead>
        <tbody>
          {tiers.map((tier) => (
            <tr key={tier.id}>
              <td>{tier.nameEn}</td>
              <td lang="ja">{tier.nameJa}</td>
              <td>{tier.kind === "corporate" ? t.list.corporate : t.list.individual}</td>
              <td>{tier.prices.map((p) => `${formatMoney(p.amount, p.currency, locale)}/${p.interval}`).join(", ")}</td>
              <td>{tier.active ? t.yes : t.no}</td>
              {canWrite ? (
                <td>
                  <Link to={`?edit=${tier.id}`}>{t.tiers_.edit}</Link>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="id" value={tier.id} />
                    <button type="submit" name="intent" value={tier.active ? "archive" : "restore"}>
                      {tier.active ? t.tiers_.archive : t.tiers_.restore}
                    </button>
                  </Form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {canWrite ? (
        <p>
          <Link to="?edit=new">{t.tiers_.create}</Link>
        </p>
      ) : null}
      {showForm ? (
        <Form method="post" noValidate key={editId ?? "failed"}>
          <h2>{editing ? `${t.tiers_.edit}: ${editing.nameEn}` : t.tiers_.create}</h2>
          {failed ? (
            <p role="alert" className="notice notice--error">
              {t.fixErrors}
            </p>
          ) : null}
          <input type="hidden" name="intent" value="save" />
          <input type="hidden" name="id" value={v("id", editing ? String(editing.id) : "")} />
          <Field name="slug" label={t.tiers_.slug} errors={failed?.errors} defaultValue={v("slug", editing?.slug ?? "")} />
          <Field name="kind" label={t.tiers_.kind} errors={failed?.errors} defaultValue={v("kind", editing?.kind ?? "individual")}>
            <option value="individual">{t.list.individual}</option>
            <option value="corporate">{t.list.corporate}</option>
          </Field>
          <Field name="nameEn" label={t.tiers_.nameEn} errors={failed?.errors} defaultValue={v("nameEn", editing?.nameEn ?? "")} />
          <Field name="nameJa" label={t.tiers_.nameJa} errors={failed?.errors} defaultValue={v("nameJa", editing?.nameJa ?? "")} />
          <Field name="descriptionEn" label={t.tiers_.descriptionEn} errors={failed?.errors} defaultValue={v("descriptionEn", editing?.descriptionEn ?? "")} />
          <Field name="descriptionJa" label={t.tiers_.descriptionJa} errors={failed?.errors} defaultValue={v("descriptionJa", editing?.descriptionJa ?? "")} />
          <div className="field">
            <label htmlFor="f-benefitsEn">{t.tiers_.benefitsEn}</label>
            <textarea id="f-benefitsEn" name="benefitsEn" rows={4} defaultValue={v("benefitsEn", (editing?.benefitsEn ?? []).join("\n"))} />
          </div>
          <div className="field">
            <label htmlFor="f-benefitsJa">{t.tiers_.benefitsJa}</label>
            <textarea id="f-benefitsJa" name="benefitsJa" rows={4} defaultValue={v("benefitsJa", (editing?.benefitsJa ?? []).join("\n"))} />
          </div>
          <Field name="seats" label={t.tiers_.seats} errors={failed?.errors} defaultValue={v("seats", editing?.seats ? String(editing.seats) : "")} />
          <Field name="fmvUsd" label={t.tiers_.fmvUsd} errors={failed?.errors} defaultValue={v("fmvUsd", major(editing?.fmv.USD, "USD"))} />
          <Field name="fmvJpy" label={t.tiers_.fmvJpy} errors={failed?.errors} defaultValue={v("fmvJpy", major(editing?.fmv.JPY, "JPY"))} />
          <fieldset>
            <legend>{t.tiers_.prices}</legend>
            <Field
              name="priceYearUsd"
              label={t.tiers_.priceYearUsd}
              errors={failed?.errors}
              defaultValue={v("priceYearUsd", editing ? major(price(editing, "USD", "year"), "USD") : "")}
            />
            <Field
              name="priceMonthUsd"
              label={t.tiers_.priceMonthUsd}
              errors={failed?.errors}
              defaultValue={v("priceMonthUsd", editing ? major(price(editing, "USD", "month"), "USD") : "")}
            />
            <Field
              name="priceYearJpy"
              label={t.tiers_.priceYearJpy}
              errors={failed?.errors}
              defaultValue={v("priceYearJpy", editing ? major(price(editing, "JPY", "year"), "JPY") : "")}
            />
            <Field
              name="priceMonthJpy"
              label={t.tiers_.priceMonthJpy}
              errors={failed?.errors}
              defaultValue={v("priceMonthJpy", editing ? major(price(editing, "JPY", "month"), "JPY") : "")}
            />
          </fieldset>
          <button type="submit">{t.save}</button>
        </Form>
      ) : null}
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

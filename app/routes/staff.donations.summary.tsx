/**
 * /staff/donations/summary?year=2026: per fund, per month and per currency (paid, refunded,
 * net; currencies never summed), and each fund's goals per currency (admins set them).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Field, StaffErrorBoundary } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { can } from "~/modules/auth/permissions";
import { FundGoalSchema, fundMonthlySummary, getFundsWithProgress, saveFundGoal } from "~/modules/donations/staff-donations.server";
import { formatMoney } from "~/modules/i18n/format";
import { dictionary } from "~/modules/i18n/i18n";
import { useStaffLayout } from "~/modules/staff/use-staff";
import { formStrings } from "~/modules/forms";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "read");
  const raw = Number(new URL(request.url).searchParams.get("year"));
  const year = Number.isInteger(raw) && raw >= 2000 && raw <= 2100 ? raw : new Date().getFullYear();
  const [rows, funds] = await Promise.all([fundMonthlySummary(context.db, year), getFundsWithProgress(context.db)]);
  return { year, rows, funds, canSetGoals: can(staff.role, "tiers:write") };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const staff = await requireStaff(request, context, "tiers:write");
  const form = formStrings(await request.formData());
  const parsed = FundGoalSchema.safeParse(form);
  if (!parsed.success) {
    const key = parsed.error.issues.some((i) => i.message === "invalidGoal") ? "invalidGoal" : "required";
    return Response.json({ error: key, values: form }, { status: 400 });
  }
  const result = await saveFundGoal(context.db, staff, parsed.data, context.clientIp ?? null);
  if (result !== "saved") return Response.json({ error: result, values: form }, { status: 400 });
  return redirect("/staff/donations/summary?done=goal");
}

export default function DonationSummary() {
  const { year, rows, funds, canSetGoals } = useLoaderData<typeof loader>();
  const result = useActionData<{ error: "required" | "invalidGoal" | "unknownFund"; values: Record<string, string> }>();
  const [search] = useSearchParams();
  const { locale } = useStaffLayout();
  const t = dictionary(locale).staffDonations;
  return (
    <div className="staff-page">
      <h1>{t.summaryTitle(year)}</h1>
      <p>
        <Link to="/staff/donations">{t.title}</Link>
      </p>
      <Form method="get" aria-label={t.year}>
        <Field name="year" type="number" label={t.year} defaultValue={year} />
        <button type="submit">{t.apply}</button>
      </Form>
      <section aria-labelledby="goals-heading">
        <h2 id="goals-heading">{t.goalsHeading}</h2>
        {search.get("done") === "goal" ? <p role="status">{t.goalSaved}</p> : null}
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t.fund}</th>
              <th scope="col">{t.currency}</th>
              <th scope="col">{t.goalRaised}</th>
              <th scope="col">{t.goal}</th>
            </tr>
          </thead>
          <tbody>
            {funds.flatMap((f) =>
              f.progress.map((p) => (
                <tr key={`${f.slug}-${p.currency}`} data-goal={`${f.slug}-${p.currency}`}>
                  <td>{f.name[locale]}</td>
                  <td>{p.currency}</td>
                  <td>{formatMoney(p.raised, p.currency, locale)}</td>
                  <td>{p.goal ? formatMoney(p.goal, p.currency, locale) : "—"}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
        {canSetGoals ? (
          <Form method="post" aria-label={t.goalsHeading}>
            <p className="hint">{t.goalsHint}</p>
            {result?.error ? (
              <p role="alert" className="notice notice--error">
                {t.goalErrors[result.error]}
              </p>
            ) : null}
            <Field name="fund" label={t.fund} defaultValue={result?.values.fund} idPrefix="goal">
              <option value="">{t.any}</option>
              {funds.map((f) => (
                <option key={f.slug} value={f.slug}>
                  {f.name[locale]}
                </option>
              ))}
            </Field>
            <Field name="currency" label={t.currency} defaultValue={result?.values.currency ?? "USD"} idPrefix="goal">
              <option value="USD">USD</option>
              <option value="JPY">JPY</option>
            </Field>
            <Field name="amount" label={t.goalAmount} defaultValue={result?.values.amount} idPrefix="goal" />
            <button type="submit">{t.saveGoal}</button>
          </Form>
        ) : null}
      </section>

      {rows.length === 0 ? (
        <p>{t.noRows}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t.fund}</th>
              <th scope="col">{t.month}</th>
              <th scope="col">{t.currency}</th>
              <th scope="col">{t.gifts}</th>
              <th scope="col">{t.gross}</th>
              <th scope="col">{t.refunded}</th>
              <th scope="col">{t.net}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.slug}-${r.month}-${r.currency}`} data-summary={`${r.slug}-${r.month}-${r.currency}`}>
                <td>{r.name[locale]}</td>
                <td>{r.month}</td>
                <td>{r.currency}</td>
                <td>{r.gifts}</td>
                <td>{formatMoney(r.gross, r.currency, locale)}</td>
                <td>{formatMoney(r.refunded, r.currency, locale)}</td>
                <td>{formatMoney(r.net, r.currency, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

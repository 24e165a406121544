/** /staff/donations/summary?year=2026: per fund, per month and per currency (paid, refunded, net); currencies never summed. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Field, StaffErrorBoundary } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { fundMonthlySummary } from "~/modules/donations/staff-donations.server";
import { formatMoney } from "~/modules/i18n/format";
import { dictionary } from "~/modules/i18n/i18n";
import { useStaffLayout } from "~/modules/staff/use-staff";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, "read");
  const raw = Number(new URL(request.url).searchParams.get("year"));
  const year = Number.isInteger(raw) && raw >= 2000 && raw <= 2100 ? raw : new Date().getFullYear();
  return { year, rows: await fundMonthlySummary(context.db, year) };
}

export default function DonationSummary() {
  const { year, rows } = useLoaderData<typeof loader>();
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

/** /staff/donations: list and filter gifts (anonymous ones marked), export them, a donor's statement, the monthly summary. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Field, StaffErrorBoundary } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { can } from "~/modules/auth/permissions";
import { listDonations } from "~/modules/donations/staff-donations.server";
import { formatDate, formatMoney, formatPersonName } from "~/modules/i18n/format";
import { dictionary } from "~/modules/i18n/i18n";
import { useStaffLayout } from "~/modules/staff/use-staff";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "read");
  const params = new URL(request.url).searchParams;
  const list = await listDonations(context.db, params);
  return { ...list, search: params.toString(), canExport: can(staff.role, "export") };
}

export default function StaffDonations() {
  const { query, problems, rows, funds, search, canExport } = useLoaderData<typeof loader>();
  const { locale } = useStaffLayout();
  const t = dictionary(locale).staffDonations;
  const q = query as Record<string, string | undefined>;
  return (
    <div className="staff-page">
      <h1>{t.title}</h1>
      <p>
        <Link to="/staff/donations/summary">{t.summary}</Link>
      </p>
      {problems.length ? (
        <div role="alert" className="notice notice--error">
          <p>{t.badQuery}</p>
          <ul>
            {problems.map((p) => (
              <li key={p.field}>{p.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <Form method="get" className="filters" aria-label={t.filters}>
        {q.donor ? <input type="hidden" name="donor" value={q.donor} /> : null}
        <Field name="fund" label={t.fund} defaultValue={q.fund}>
          <option value="">{t.any}</option>
          {funds.map((f) => (
            <option key={f.slug} value={f.slug}>
              {locale === "ja" ? f.nameJa : f.nameEn}
            </option>
          ))}
        </Field>
        <Field name="currency" label={t.currency} defaultValue={q.currency}>
          <option value="">{t.any}</option>
          <option value="USD">USD</option>
          <option value="JPY">JPY</option>
        </Field>
        <Field name="from" type="date" label={t.from} defaultValue={q.from} />
        <Field name="to" type="date" label={t.to} defaultValue={q.to} />
        <Field name="interval" label={t.interval} defaultValue={q.interval}>
          <option value="">{t.any}</option>
          <option value="once">{t.once}</option>
          <option value="month">{t.monthly}</option>
        </Field>
        <Field name="min" label={t.min} defaultValue={q.min} />
        <Field name="max" label={t.max} defaultValue={q.max} />
        <Field name="tribute" label={t.tribute} defaultValue={q.tribute}>
          <option value="">{t.any}</option>
          <option value="yes">{t.yes}</option>
          <option value="no">{t.no}</option>
        </Field>
        <Field name="anonymous" label={t.anonymousFilter} defaultValue={q.anonymous}>
          <option value="">{t.any}</option>
          <option value="yes">{t.yes}</option>
          <option value="no">{t.no}</option>
        </Field>
        <div className="filters__actions">
          <button type="submit">{t.apply}</button>
          <Link to="/staff/donations">{t.reset}</Link>
        </div>
      </Form>

      <p role="status">{t.results(rows.length)}</p>
      {canExport ? (
        <Form method="get" action="/staff/donations/export" reloadDocument className="export-form" aria-label={t.export}>
          <h2>{t.export}</h2>
          {[...new URLSearchParams(search)].map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <Field name="format" label={t.exportFormat} defaultValue="csv" idPrefix="export">
            <option value="csv">CSV</option>
            <option value="xlsx">Excel (XLSX)</option>
          </Field>
          <button type="submit">{t.exportButton}</button>
        </Form>
      ) : null}

      {q.donor ? (
        <Form method="get" action="/staff/donations/statement" reloadDocument aria-label={t.statement}>
          <h2>{t.statement}</h2>
          <input type="hidden" name="donor" value={q.donor} />
          <Field name="year" type="number" label={t.statementYear} defaultValue={new Date().getFullYear() - 1} idPrefix="statement" />
          <Field name="fiscal" label={t.fiscal} defaultValue="calendar" idPrefix="statement">
            <option value="calendar">{t.calendar}</option>
            <option value="april">{t.april}</option>
          </Field>
          <button type="submit">{t.statementButton}</button>
        </Form>
      ) : null}

      {rows.length === 0 ? (
        <p>{t.noRows}</p>
      ) : (
        <table className="data-table">
          <caption className="visually-hidden">{t.title}</caption>
          <thead>
            <tr>
              <th scope="col">{t.columns.date}</th>
              <th scope="col">{t.columns.donor}</th>
              <th scope="col">{t.columns.fund}</th>
              <th scope="col">{t.columns.amount}</th>
              <th scope="col">{t.columns.interval}</th>
              <th scope="col">{t.columns.status}</th>
              <th scope="col">{t.columns.tribute}</th>
              <th scope="col">{t.columns.receipts}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-donation={r.id} data-fund={r.fundSlug}>
                <td>{formatDate(r.createdAt, locale)}</td>
                <td>
                  <Link to={`/staff/donations?donor=${r.personId}`}>{formatPersonName(r, locale)}</Link>
                  {r.anonymous ? (
                    <>
                      {" "}
                      <span className="badge" data-anonymous>
                        {t.anonymousBadge}
                      </span>
                    </>
                  ) : null}
                </td>
                <td>{locale === "ja" ? r.fundJa : r.fundEn}</td>
                <td>{formatMoney(r.amount, r.currency, locale)}</td>
                <td>{r.interval === "month" ? t.monthly : t.once}</td>
                <td>{(dictionary(locale).donationManage.statuses as Record<string, string>)[r.status] ?? r.status}</td>
                <td>{r.tributeKind ? `${r.tributeKind === "honor" ? t.honor : t.memory} ${r.tributeName}` : ""}</td>
                <td>{r.receipts ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

/** /staff/emails: the outbox, with status, attempts and the last error. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { EmptyState, Field, Pager, StaffErrorBoundary, StatusBadge } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { listOutbox } from "~/modules/staff/emails.server";
import { formatDateTime } from "~/modules/i18n/format";
import { useStaffLayout, useStaffT } from "~/modules/staff/use-staff";

const STATUSES = ["pending", "sending", "sent", "failed", "kept_locally"] as const;
const QuerySchema = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  to: z.string().max(200).optional().catch(undefined),
  before: z.iso.datetime({ offset: true }).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, "read");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const emails = await listOutbox(context.db, { ...query, to: query.to || undefined });
  return { query, emails };
}

export default function Emails() {
  const { query, emails } = useLoaderData<typeof loader>();
  const t = useStaffT();
  const { locale } = useStaffLayout();
  const dtt = (d: string | Date | null) => (d ? formatDateTime(d, locale) : "—");
  const last = emails.at(-1);
  // The filters as they are, with the page's starting point (none: the newest).
  const pageQuery = (before?: string) =>
    new URLSearchParams({ ...(query.status ? { status: query.status } : {}), ...(query.to ? { to: query.to } : {}), ...(before ? { before } : {}) }).toString();
  return (
    <div className="staff-page">
      <h1>{t.emails_.title}</h1>
      <Form method="get" className="filters">
        <Field name="status" label={t.emails_.status} defaultValue={query.status}>
          <option value="">{t.emails_.statusAny}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t.emails_.statuses[s]}
            </option>
          ))}
        </Field>
        <Field name="to" type="search" label={t.emails_.to} defaultValue={query.to} />
        <div className="filters__actions">
          <button type="submit">{t.list.apply}</button>
        </div>
      </Form>
      {emails.length === 0 ? (
        <EmptyState>{query.status || query.to || query.before ? t.emails_.empty : t.emails_.none}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="emails-table">
            <caption className="visually-hidden">{t.emails_.title}</caption>
            <thead>
              <tr>
                <th scope="col">{t.emails_.created}</th>
                <th scope="col">{t.emails_.to}</th>
                <th scope="col">{t.emails_.template}</th>
                <th scope="col">{t.emails_.subject}</th>
                <th scope="col">{t.emails_.status}</th>
                <th scope="col">{t.emails_.attempts}</th>
                <th scope="col">{t.emails_.lastError}</th>
                <th scope="col">{t.emails_.sent}</th>
              </tr>
            </thead>
            <tbody>
              {emails.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">{dtt(e.createdAt)}</td>
                  <td>{e.toEmail}</td>
                  <td className="nowrap" title={e.template}>
                    {t.emails_.templates[e.template] ?? e.template}
                    <span className="cell-note">{t.languages[e.locale] ?? e.locale}</span>
                  </td>
                  <td>
                    <Link to={`/staff/emails/${e.id}`}>{e.subject ?? t.emails_.view}</Link>
                  </td>
                  <td data-label={t.emails_.status}>
                    <StatusBadge status={e.status} label={t.emails_.statuses[e.status] ?? e.status} />
                  </td>
                  <td>{e.attempts}</td>
                  <td>{e.lastError ?? ""}</td>
                  <td className="nowrap">{dtt(e.sentAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label={t.emails_.pages}
        back={query.before ? { to: `?${pageQuery()}`, text: t.emails_.newest } : null}
        on={last && emails.length === 100 ? { to: `?${pageQuery(new Date(last.createdAt).toISOString())}`, text: t.emails_.older } : null}
      />
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

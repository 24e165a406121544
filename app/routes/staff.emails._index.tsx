/** /staff/emails: the outbox, with status, attempts and the last error. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Field, StaffErrorBoundary } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { listOutbox } from "~/modules/staff/emails.server";
import { intlLocale, useStaffLayout, useStaffT } from "~/modules/staff/use-staff";

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
  const dtt = (d: string | Date | null) =>
    d ? new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "short", timeStyle: "short", timeZone: "Asia/Tokyo" }).format(new Date(d)) : "—";
  const last = emails.at(-1);
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
      <table>
        <caption>{t.emails_.title}</caption>
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
              <td>{dtt(e.createdAt)}</td>
              <td>{e.toEmail}</td>
              <td>
                {e.template} ({e.locale})
              </td>
              <td>
                <Link to={`/staff/emails/${e.id}`}>{e.subject ?? t.emails_.view}</Link>
              </td>
              <td>{t.emails_.statuses[e.status] ?? e.status}</td>
              <td>{e.attempts}</td>
              <td>{e.lastError ?? ""}</td>
              <td>{dtt(e.sentAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {last && emails.length === 100 ? (
        <p>
          <Link
            to={`?${new URLSearchParams({ ...(query.status ? { status: query.status } : {}), ...(query.to ? { to: query.to } : {}), before: new Date(last.createdAt).toISOString() })}`}
          >
            {t.emails_.older}
          </Link>
        </p>
      ) : null}
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

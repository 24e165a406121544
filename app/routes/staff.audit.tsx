/** /staff/audit: the audit log, filterable by staff user, action and date. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AuditDetails, Field, StaffErrorBoundary } from "~/components/staff-ui";
import { listAudit, listAuditActors } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/auth.server";
import { intlLocale, useStaffLayout, useStaffT } from "~/modules/staff/use-staff";
import { isoDate } from "~/modules/i18n/iso-date";

const date = isoDate();
const QuerySchema = z.object({
  actor: z.uuid().optional().catch(undefined),
  action: z
    .string()
    .max(60)
    .regex(/^[a-z._]*$/)
    .optional()
    .catch(undefined),
  from: date.optional().catch(undefined),
  to: date.optional().catch(undefined),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, "read");
  const query = QuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [entries, actors] = await Promise.all([
    listAudit(context.db, {
      actor: query.actor,
      action: query.action || undefined,
      from: query.from ? new Date(`${query.from}T00:00:00+09:00`) : undefined,
      to: query.to ? new Date(new Date(`${query.to}T00:00:00+09:00`).getTime() + 86_400_000) : undefined,
      before: query.before,
    }),
    listAuditActors(context.db),
  ]);
  return { query, entries, actors };
}

export default function Audit() {
  const { query, entries, actors } = useLoaderData<typeof loader>();
  const t = useStaffT();
  const { locale } = useStaffLayout();
  const dtt = (d: string | Date) =>
    new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "short", timeStyle: "medium", timeZone: "Asia/Tokyo" }).format(new Date(d));
  const last = entries.at(-1);
  return (
    <div className="staff-page">
      <h1>{t.audit_.title}</h1>
      <Form method="get" className="filters">
        <Field name="actor" label={t.audit_.actor} defaultValue={query.actor}>
          <option value="">{t.list.any}</option>
          {actors.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.email})
            </option>
          ))}
        </Field>
        <Field name="action" label={t.audit_.action} defaultValue={query.action} hint="export.members, membership.comp, member.edit…" />
        <Field name="from" type="date" label={t.audit_.from} defaultValue={query.from} />
        <Field name="to" type="date" label={t.audit_.to} defaultValue={query.to} />
        <div className="filters__actions">
          <button type="submit">{t.list.apply}</button>
        </div>
      </Form>
      {entries.length === 0 ? (
        <p>{t.audit_.empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="audit-table">
            <caption>{t.audit_.title}</caption>
            <thead>
              <tr>
                <th scope="col">{t.audit_.at}</th>
                <th scope="col">{t.audit_.actor}</th>
                <th scope="col">{t.audit_.action}</th>
                <th scope="col">{t.audit_.subject}</th>
                <th scope="col">{t.audit_.details}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td data-label={t.audit_.at}>{dtt(e.at)}</td>
                  <td data-label={t.audit_.actor}>{e.actorName ?? "—"}</td>
                  <td data-label={t.audit_.action}>
                    <code>{e.action}</code>
                  </td>
                  <td data-label={t.audit_.subject}>{e.subjectType ? <code>{`${e.subjectType} ${e.subjectId ?? ""}`}</code> : "—"}</td>
                  <td data-label={t.audit_.details}>
                    <AuditDetails details={e.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {last && entries.length === 100 ? (
        <p>
          <Link
            to={`?${new URLSearchParams({
              ...Object.fromEntries(
                Object.entries(query)
                  .filter(([k, v]) => v !== undefined && k !== "before")
                  .map(([k, v]) => [k, String(v)]),
              ),
              before: String(last.id),
            })}`}
          >
            {t.audit_.older}
          </Link>
        </p>
      ) : null}
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

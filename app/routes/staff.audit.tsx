/** /staff/audit: the audit log, filterable by staff user, action and date. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { AuditActionName, AuditDetails, EmptyState, Field, Pager, StaffErrorBoundary } from "~/components/staff-ui";
import { AUDIT_ACTIONS } from "~/modules/audit/audit-actions";
import { listAudit, listAuditActors, type AuditSubject } from "~/modules/audit/audit.server";
import { requireStaff } from "~/modules/auth/auth.server";
import { useStaffLayout, useStaffT } from "~/modules/staff/use-staff";
import { formatDateTime, formatPersonName } from "~/modules/i18n/format";
import { isoDate } from "~/modules/i18n/iso-date";

const date = isoDate();
const QuerySchema = z.object({
  actor: z.uuid().optional().catch(undefined),
  action: z.enum(AUDIT_ACTIONS).optional().catch(undefined),
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
  const dtt = (d: string | Date) => formatDateTime(d, locale);
  const last = entries.at(-1);
  // The filters as they are, with the page's starting point (none: the newest).
  const pageQuery = (before?: string) =>
    new URLSearchParams({
      ...Object.fromEntries(
        Object.entries(query)
          .filter(([k, v]) => v !== undefined && k !== "before")
          .map(([k, v]) => [k, String(v)]),
      ),
      ...(before ? { before } : {}),
    }).toString();
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
        <Field name="action" label={t.audit_.action} defaultValue={query.action}>
          <option value="">{t.audit_.anyAction}</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {t.audit_.actions[a]}
            </option>
          ))}
        </Field>
        <Field name="from" type="date" label={t.audit_.from} defaultValue={query.from} />
        <Field name="to" type="date" label={t.audit_.to} defaultValue={query.to} />
        <div className="filters__actions">
          <button type="submit">{t.list.apply}</button>
        </div>
      </Form>
      {entries.length === 0 ? (
        <EmptyState>{Object.values(query).some((v) => v !== undefined) ? t.audit_.empty : t.audit_.none}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="audit-table">
            <caption className="visually-hidden">{t.audit_.title}</caption>
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
                    <AuditActionName action={e.action} />
                  </td>
                  <td data-label={t.audit_.subject}>
                    <AuditSubjectCell type={e.subjectType} id={e.subjectId} subject={e.subject} />
                  </td>
                  <td data-label={t.audit_.details}>
                    <AuditDetails details={e.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label={t.audit_.pages}
        back={query.before !== undefined ? { to: `?${pageQuery()}`, text: t.audit_.newest } : null}
        on={last && entries.length === 100 ? { to: `?${pageQuery(String(last.id))}`, text: t.audit_.older } : null}
      />
    </div>
  );
}

/** What a row is about, in words: its kind, then the member, company, tier or staff user by name (a member's page linked). */
function AuditSubjectCell({ type, id, subject }: { type: string | null; id: string | null; subject: AuditSubject | null }) {
  const t = useStaffT();
  const { locale } = useStaffLayout();
  if (!type) return <>—</>;
  const kind = t.audit_.subjects[type] ?? type;
  if (!subject) return <span title={id ?? undefined}>{kind}</span>;
  const name = "familyName" in subject.name ? formatPersonName(subject.name, locale) : (locale === "ja" && subject.name.ja) || subject.name.en;
  return (
    <span className="audit-subject">
      <span className="audit-subject__kind">{kind}</span> {subject.memberId ? <Link to={`/staff/members/${subject.memberId}`}>{name}</Link> : name}
    </span>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

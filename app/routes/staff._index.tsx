/** /staff: the state of the association at a glance. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { StaffErrorBoundary } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { formatDateTime, formatMoney, formatPersonName } from "~/modules/i18n/format";
import { pendingDeletionRequests } from "~/modules/account/data.server";
import type { MemberLine } from "~/modules/staff/dashboard.server";
import { getDashboard } from "~/modules/staff/dashboard.server";
import { intlLocale, useStaffLayout, useStaffT } from "~/modules/staff/use-staff";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, "read");
  const [dashboard, deletionRequests] = await Promise.all([getDashboard(context.db), pendingDeletionRequests(context.db)]);
  return { ...dashboard, deletionRequests };
}

function MemberList({ rows, caption }: { rows: MemberLine[]; caption: string }) {
  const t = useStaffT();
  const { locale } = useStaffLayout();
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t.dashboard_.member}</th>
          <th scope="col">{t.dashboard_.date}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.membershipId}>
            <td>
              <Link to={`/staff/members/${r.memberId}`}>
                {r.organisation ?? formatPersonName({ familyName: r.familyName ?? "", givenName: r.givenName ?? "" }, locale)}
              </Link>
            </td>
            <td>{r.date}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  const t = useStaffT();
  const { locale } = useStaffLayout();
  const n = (v: number) => v.toLocaleString(intlLocale(locale));
  const max = Math.max(1, ...d.chart.map((c) => c.n));
  const W = 480;
  const H = 140;
  const bar = W / d.chart.length;
  return (
    <div className="staff-page">
      <h1>{t.dashboard_.title}</h1>
      <dl className="stats">
        <div>
          <dt>{t.dashboard_.newThisMonth}</dt>
          <dd>{n(d.newThisMonth)}</dd>
        </div>
        <div>
          <dt>{t.dashboard_.lapsedThisMonth}</dt>
          <dd>{n(d.lapsedThisMonth)}</dd>
        </div>
        <div>
          <dt>{t.dashboard_.renewals}</dt>
          <dd>{n(d.renewalsCount)}</dd>
        </div>
      </dl>
      {d.deletionRequests.length ? (
        <section aria-labelledby="deletion-h" className="panel" data-deletion-requests>
          <h2 id="deletion-h">{t.member.deletionRequests}</h2>
          <p className="muted">{t.member.deletionRequestsLead}</p>
          <table>
            <caption className="visually-hidden">{t.member.deletionRequests}</caption>
            <thead>
              <tr>
                <th scope="col">{t.dashboard_.member}</th>
                <th scope="col">{t.member.requestedOn}</th>
              </tr>
            </thead>
            <tbody>
              {d.deletionRequests.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/staff/members/${r.id}`}>{formatPersonName(r, locale)}</Link> <span className="muted">{r.email}</span>
                  </td>
                  <td>{formatDateTime(r.requestedAt!, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <table>
        <caption>{t.dashboard_.activeByTier}</caption>
        <thead>
          <tr>
            <th scope="col">{t.dashboard_.type}</th>
            <th scope="col">{t.dashboard_.tier}</th>
            <th scope="col">{t.dashboard_.count}</th>
          </tr>
        </thead>
        <tbody>
          {d.byTier.map((r) => (
            <tr key={r.tierId}>
              <td>{r.kind === "corporate" ? t.list.corporate : t.list.individual}</td>
              <td>
                <Link to={`/staff/members?tier=${r.tierId}&status=active`}>{locale === "ja" ? r.nameJa : r.nameEn}</Link>
              </td>
              <td>{n(r.n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>{t.dashboard_.revenue}</caption>
        <thead>
          <tr>
            <th scope="col">{t.dashboard_.currency}</th>
            <th scope="col">{t.dashboard_.revenueMonth}</th>
            <th scope="col">{t.dashboard_.revenueYear}</th>
          </tr>
        </thead>
        <tbody>
          {d.revenue.map((r) => (
            <tr key={r.currency}>
              <th scope="row">{r.currency}</th>
              <td>{formatMoney(r.month, r.currency, locale)}</td>
              <td>{formatMoney(r.year, r.currency, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <figure className="chart">
        <figcaption id="chart-caption">{t.dashboard_.chart}</figcaption>
        <svg viewBox={`0 0 ${W} ${H + 20}`} role="img" aria-labelledby="chart-caption" width="100%" style={{ maxWidth: W }}>
          {d.chart.map((c, i) => {
            const h = Math.round((c.n / max) * H);
            return (
              <g key={c.month}>
                <rect x={i * bar + 4} y={H - h} width={bar - 8} height={h} fill="#1d4e89">
                  <title>{`${c.month}: ${n(c.n)}`}</title>
                </rect>
                <text x={i * bar + bar / 2} y={H + 14} fontSize="10" textAnchor="middle">
                  {c.month.slice(5)}
                </text>
              </g>
            );
          })}
        </svg>
        <details>
          <summary>{t.dashboard_.chart}</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.dashboard_.chartMonth}</th>
                <th scope="col">{t.dashboard_.chartCount}</th>
              </tr>
            </thead>
            <tbody>
              {d.chart.map((c) => (
                <tr key={c.month}>
                  <td>{c.month}</td>
                  <td>{n(c.n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figure>
      <h2>{t.dashboard_.failedPayments}</h2>
      {d.pastDue.length ? <MemberList rows={d.pastDue} caption={t.dashboard_.failedPayments} /> : <p>{t.dashboard_.failedNone}</p>}
      <h2>{t.dashboard_.renewals}</h2>
      <MemberList rows={d.renewals} caption={t.dashboard_.renewals} />
      <h2 id="events-h">{t.dashboard_.eventProblems}</h2>
      {d.eventProblems.length === 0 ? (
        <p>{t.dashboard_.eventProblemsNone}</p>
      ) : (
        <table className="payments event-problems" aria-labelledby="events-h">
          <thead>
            <tr>
              <th scope="col">{t.dashboard_.eventId}</th>
              <th scope="col">{t.dashboard_.eventType}</th>
              <th scope="col">{t.dashboard_.eventReceived}</th>
              <th scope="col">{t.dashboard_.eventAttempts}</th>
              <th scope="col">{t.dashboard_.eventState}</th>
              <th scope="col">{t.dashboard_.eventError}</th>
            </tr>
          </thead>
          <tbody>
            {d.eventProblems.map((e) => (
              <tr key={e.id}>
                <td data-label={t.dashboard_.eventId}>
                  <code>{e.id}</code>
                </td>
                <td data-label={t.dashboard_.eventType}>{e.type}</td>
                <td data-label={t.dashboard_.eventReceived}>{e.receivedAt}</td>
                <td data-label={t.dashboard_.eventAttempts}>{n(e.attempts)}</td>
                <td data-label={t.dashboard_.eventState}>{e.refused ? t.dashboard_.eventRefused : t.dashboard_.eventRetrying}</td>
                <td data-label={t.dashboard_.eventError}>
                  <code>{e.error}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

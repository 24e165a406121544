/** /staff/members: search, filter, sort and page through members; export what is shown. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { EmptyState, Field, Pager, StaffErrorBoundary, StatusBadge } from "~/components/staff-ui";
import { requireStaff } from "~/modules/auth/auth.server";
import { can } from "~/modules/auth/permissions";
import { formatPersonName } from "~/modules/i18n/format";
import { placeName } from "~/modules/people/regions";
import { getMemberList } from "~/modules/members/members.server";
import { EXPORT_PRESETS, MEMBERSHIP_STATUSES, memberQueryString, type MemberQuery } from "~/modules/members/members.schema";
import { useStaffLayout, useStaffT } from "~/modules/staff/use-staff";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, context, "read");
  const list = await getMemberList(context.db, new URL(request.url).searchParams, staff.locale);
  return { ...list, canExport: can(staff.role, "export"), canWrite: can(staff.role, "members:write") };
}

function SortLink({ query, sort, label }: { query: MemberQuery; sort: MemberQuery["sort"]; label: string }) {
  const active = query.sort === sort;
  const dir = active && query.dir === "asc" ? "desc" : "asc";
  return (
    <Link to={`?${memberQueryString(query, { sort, dir, page: 1 })}`} aria-label={label}>
      {label}
      {active ? (query.dir === "asc" ? " ▲" : " ▼") : ""}
    </Link>
  );
}

export default function Members() {
  const { query, problems, rows, total, pages, tiers, partnerships, canExport, canWrite } = useLoaderData<typeof loader>();
  const t = useStaffT();
  const { locale } = useStaffLayout();
  const qs = memberQueryString(query, { page: 1 });
  const sortState = (sort: string) => (query.sort === sort ? (query.dir === "asc" ? "ascending" : "descending") : undefined);
  return (
    <div className="staff-page">
      <h1>{t.list.title}</h1>
      {canWrite ? (
        <p>
          <Link to="/staff/members/new" className="button">
            {t.newMember.link}
          </Link>
        </p>
      ) : null}
      {problems.length ? (
        <div role="alert" className="notice notice--error">
          <p>{t.list.badQuery}</p>
          <ul>
            {problems.map((p) => (
              <li key={p.field}>{p.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <Form method="get" className="filters" aria-label={t.list.filters}>
        <Field name="q" type="search" label={t.list.search} hint={t.list.searchHint} defaultValue={query.q} />
        <Field name="type" label={t.list.type} defaultValue={query.type}>
          <option value="">{t.list.any}</option>
          <option value="individual">{t.list.individual}</option>
          <option value="corporate">{t.list.corporate}</option>
        </Field>
        <Field name="tier" label={t.list.tier} defaultValue={query.tier}>
          <option value="">{t.list.any}</option>
          {tiers.map((tier) => (
            <option key={tier.id} value={tier.id}>
              {locale === "ja" ? tier.nameJa : tier.nameEn}
            </option>
          ))}
        </Field>
        <Field name="status" label={t.list.status} defaultValue={query.status}>
          <option value="">{t.list.any}</option>
          {MEMBERSHIP_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t.statuses[s]}
            </option>
          ))}
        </Field>
        <Field name="country" label={t.list.country} defaultValue={query.country}>
          <option value="">{t.list.any}</option>
          <option value="US">US</option>
          <option value="JP">JP</option>
        </Field>
        <Field name="region" label={t.list.region} defaultValue={query.region} />
        <Field name="partnership" label={t.list.partnership} defaultValue={query.partnership}>
          <option value="">{t.list.any}</option>
          {partnerships.map((p) => (
            <option key={p.id} value={p.id}>
              {locale === "ja" ? `${p.usCityJa} – ${p.jpCityJa}` : `${p.usCityEn} – ${p.jpCityEn}`}
            </option>
          ))}
        </Field>
        <Field name="lang" label={t.list.language} defaultValue={query.lang}>
          <option value="">{t.list.any}</option>
          <option value="en">{t.languages.en}</option>
          <option value="ja">{t.languages.ja}</option>
        </Field>
        <Field name="joinedFrom" type="date" label={t.list.joinedFrom} defaultValue={query.joinedFrom} />
        <Field name="joinedTo" type="date" label={t.list.joinedTo} defaultValue={query.joinedTo} />
        <Field name="renewsFrom" type="date" label={t.list.renewsFrom} defaultValue={query.renewsFrom} />
        <Field name="renewsTo" type="date" label={t.list.renewsTo} defaultValue={query.renewsTo} />
        <Field name="sort" label={t.list.sort} defaultValue={query.sort}>
          <option value="name">{t.list.sortName}</option>
          <option value="joined">{t.list.sortJoined}</option>
          <option value="renews">{t.list.sortRenews}</option>
          <option value="status">{t.list.sortStatus}</option>
        </Field>
        <Field name="dir" label={t.list.direction} defaultValue={query.dir}>
          <option value="asc">{t.list.asc}</option>
          <option value="desc">{t.list.desc}</option>
        </Field>
        <div className="filters__actions">
          <button type="submit">{t.list.apply}</button>
          <Link to="/staff/members">{t.list.reset}</Link>
        </div>
      </Form>

      <p role="status">{t.list.results(total)}</p>

      {canExport ? (
        <Form method="get" action="/staff/members/export" reloadDocument className="export-form" aria-label={t.list.export}>
          <h2>{t.list.export}</h2>
          {[...new URLSearchParams(qs)].map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <Field name="format" label={t.list.exportFormat} defaultValue="csv" idPrefix="export">
            <option value="csv">CSV</option>
            <option value="xlsx">Excel (XLSX)</option>
          </Field>
          <Field name="preset" label={t.list.exportPreset} defaultValue="roll" idPrefix="export">
            {EXPORT_PRESETS.map((p) => (
              <option key={p} value={p}>
                {t.list.presets[p]}
              </option>
            ))}
          </Field>
          <button type="submit">{t.list.exportSubmit}</button>
        </Form>
      ) : null}

      {rows.length === 0 ? (
        <EmptyState>{t.list.empty}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="members-table">
            <caption>{t.list.caption(total, query.page, pages)}</caption>
            <thead>
              <tr>
                <th scope="col" aria-sort={sortState("name")}>
                  <SortLink query={query} sort="name" label={t.list.name} />
                </th>
                <th scope="col">{t.list.email}</th>
                <th scope="col">{t.list.type}</th>
                <th scope="col">{t.list.tier}</th>
                <th scope="col" aria-sort={sortState("status")}>
                  <SortLink query={query} sort="status" label={t.list.status} />
                </th>
                <th scope="col" aria-sort={sortState("joined")}>
                  <SortLink query={query} sort="joined" label={t.list.joined} />
                </th>
                <th scope="col" aria-sort={sortState("renews")}>
                  <SortLink query={query} sort="renews" label={t.list.renews} />
                </th>
                <th scope="col">{t.list.country}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.membershipId} data-membership={r.membershipId}>
                  <td>
                    <Link to={`/staff/members/${r.memberId}`}>
                      {r.organisation ?? formatPersonName({ familyName: r.familyName ?? "", givenName: r.givenName ?? "" }, locale)}
                    </Link>
                    {r.familyNameKana ? <span className="kana"> {[r.familyNameKana, r.givenNameKana].filter(Boolean).join(" ")}</span> : null}
                  </td>
                  <td>{r.email}</td>
                  <td>{r.type === "corporate" ? t.list.corporate : t.list.individual}</td>
                  <td>{r.tier}</td>
                  <td>
                    <StatusBadge status={r.status} label={t.statuses[r.status] ?? r.status} />
                  </td>
                  <td>{r.joined}</td>
                  <td>{r.renews}</td>
                  <td>{placeName(r.country, r.region, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label={t.list.pages}
        back={query.page > 1 ? { to: `?${memberQueryString(query, { page: query.page - 1 })}`, text: t.list.prev } : null}
        status={pages > 1 ? t.list.pageOf(query.page, pages) : undefined}
        on={query.page < pages ? { to: `?${memberQueryString(query, { page: query.page + 1 })}`, text: t.list.next } : null}
      />
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

/** The staff console's layout: its own header and navigation, in the staff user's language. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, NavLink, Outlet, useLocation } from "@remix-run/react";
import { StaffErrorBoundary } from "~/components/staff-ui";
import { getStaff } from "~/modules/auth/auth.server";
import { dictionary, localeFromAcceptLanguage, localeFromCookie } from "~/modules/i18n/i18n";
import type { StaffLayoutData } from "~/modules/staff/use-staff";
import { useStaffLayout, useStaffT } from "~/modules/staff/use-staff";

export const handle = { staffConsole: true };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: dictionary(data?.locale ?? "en").staff.title }];

export async function loader({ request, context }: LoaderFunctionArgs): Promise<StaffLayoutData> {
  const staff = await getStaff(request, context);
  const locale = staff?.locale ?? localeFromCookie(request.headers.get("Cookie")) ?? localeFromAcceptLanguage(request.headers.get("Accept-Language")) ?? "en";
  return {
    locale,
    staff: staff ? { id: staff.id, name: staff.name, email: staff.email, role: staff.role, locale: staff.locale } : null,
  };
}

export default function StaffLayout() {
  const { staff, locale } = useStaffLayout();
  const t = useStaffT();
  const location = useLocation();
  return (
    <div className="staff" lang={locale}>
      <header className="staff-header">
        <a className="skip-link" href="#staff-main">
          {dictionary(locale).nav.skipToContent}
        </a>
        <Link to="/staff" className="brand">
          {t.title}
        </Link>
        {staff ? (
          <nav aria-label={t.nav}>
            <ul className="nav-list">
              <li>
                <NavLink to="/staff" end>
                  {t.dashboard}
                </NavLink>
              </li>
              <li>
                <NavLink to="/staff/members">{t.members}</NavLink>
              </li>
              <li>
                <NavLink to="/staff/donations">{dictionary(locale).staffDonations.nav}</NavLink>
              </li>
              <li>
                <NavLink to="/staff/tiers">{t.tiers}</NavLink>
              </li>
              <li>
                <NavLink to="/staff/emails">{t.emails}</NavLink>
              </li>
              <li>
                <NavLink to="/staff/audit">{t.audit}</NavLink>
              </li>
              {staff.role === "admin" ? (
                <li>
                  <NavLink to="/staff/users">{t.users}</NavLink>
                </li>
              ) : null}
            </ul>
          </nav>
        ) : null}
        {staff ? (
          <div className="staff-user">
            <span>{t.signedInAs(staff.name, t.roles[staff.role] ?? staff.role)}</span>
            <Form method="post" action="/staff/language" reloadDocument>
              <input type="hidden" name="to" value={locale === "en" ? "ja" : "en"} />
              <input type="hidden" name="next" value={location.pathname + location.search} />
              <button type="submit" lang={locale === "en" ? "ja" : "en"} aria-label={t.languageLabel}>
                {t.language}
              </button>
            </Form>
            <Form method="post" action="/staff/sign-out">
              <button type="submit">{t.signOut}</button>
            </Form>
          </div>
        ) : null}
      </header>
      <main id="staff-main" tabIndex={-1} className="staff-main">
        <Outlet />
      </main>
    </div>
  );
}

export const ErrorBoundary = StaffErrorBoundary;

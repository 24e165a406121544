import { Link, NavLink, useLocation, useRouteLoaderData } from "@remix-run/react";
import { localePath, splitLocalePath } from "~/modules/i18n/i18n";
import { useLocale, useT } from "~/modules/i18n/use-locale";

/** The public site's sections, in the header of every page; the brand links home. */
const NAV = [
  { path: "/membership", label: "membership" },
  { path: "/join", label: "join" },
  { path: "/sponsor", label: "sponsor" },
  { path: "/donate", label: "donate" },
  { path: "/sponsors", label: "sponsors" },
] as const;

export function SiteHeader() {
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  const member = useRouteLoaderData<{ member?: boolean }>("root")?.member ?? false;
  const other = locale === "en" ? "ja" : "en";
  const { path } = splitLocalePath(location.pathname + location.search);
  const switchHref = `/language?${new URLSearchParams({ to: other, next: path })}`;
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t.nav.skipToContent}
      </a>
      <div className="site-header__inner">
        <Link to={localePath(locale, "/")} className="brand">
          <span className="brand__name">{t.org.name}</span>
          <span className="brand__other" lang={other}>
            {t.org.nameOther}
          </span>
        </Link>
        <nav aria-label={t.nav.primary}>
          <ul className="nav-list">
            {NAV.map(({ path, label }) => (
              <li key={path}>
                <NavLink to={localePath(locale, path)}>{t.nav[label]}</NavLink>
              </li>
            ))}
            <li>
              <NavLink to={localePath(locale, member ? "/account" : "/account/sign-in")} className="nav-account">
                {member ? t.nav.myAccount : t.nav.signIn}
              </NavLink>
            </li>
            <li>
              <a href={switchHref} lang={other} hrefLang={other} aria-label={t.nav.languageSwitchLabel} className="lang-switch">
                {t.nav.languageSwitch}
              </a>
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}

export function SiteFooter() {
  const t = useT();
  return (
    <footer className="site-footer">
      <p>
        © {t.footer.address} · {t.org.shortName}
      </p>
      <p>{t.footer.languageNote}</p>
    </footer>
  );
}

import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useMatches,
  useRouteError,
} from "@remix-run/react";
import type { ReactNode } from "react";
import "./context";
import { SiteFooter, SiteHeader } from "./components/site-header";
import { localeFromParam, localePath } from "./modules/i18n/i18n";
import { useLocale, useT } from "./modules/i18n/use-locale";
import styles from "./styles/app.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export function loader({ params }: LoaderFunctionArgs) {
  return { locale: localeFromParam(params.lang) ?? "en" };
}

export function Layout({ children }: { children: ReactNode }) {
  const locale = useLocale();
  // The staff console (handle.staffConsole) has its own header, navigation and language.
  const publicChrome = !useMatches().some((m) => (m.handle as { staffConsole?: boolean } | undefined)?.staffConsole);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {publicChrome ? <SiteHeader /> : null}
        {publicChrome ? (
          <main id="main" tabIndex={-1}>
            {children}
          </main>
        ) : (
          children
        )}
        {publicChrome ? <SiteFooter /> : null}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const locale = useLocale();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <div className="page narrow">
      <title>{notFound ? t.errors.notFoundTitle : t.errors.genericTitle}</title>
      <h1>{notFound ? t.errors.notFoundTitle : t.errors.genericTitle}</h1>
      <p>{notFound ? t.errors.notFoundText : t.errors.genericText}</p>
      <p>
        <Link to={localePath(locale, "/")}>{t.errors.backHome}</Link>
      </p>
    </div>
  );
}

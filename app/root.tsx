import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useMatches } from "@remix-run/react";
import type { ReactNode } from "react";
import "./context";
import { SiteFooter, SiteHeader } from "./components/site-header";
import { memberCookieOf } from "./modules/auth/member-auth.server";
import { localeFromParam, type Locale } from "./modules/i18n/i18n";
import { useLocale } from "./modules/i18n/use-locale";
import { RouteError } from "./components/route-error";
import { useNonce } from "./components/nonce";
import styles from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  // `member` only chooses the header's "Sign in" or "My account" (the cookie alone, no query).
  return { locale: localeFromParam(params.lang) ?? "en", member: await memberCookieOf(request, context) };
}

export function Layout({ children }: { children: ReactNode }) {
  const siteLocale = useLocale();
  const nonce = useNonce();
  // The staff console (handle.staffConsole) has its own header, navigation and language: the
  // document's language is the console's, so a screen reader reads a Japanese console in Japanese.
  const staffConsole = useMatches().find((m) => (m.handle as { staffConsole?: boolean } | undefined)?.staffConsole);
  const publicChrome = !staffConsole;
  const locale = (staffConsole?.data as { locale?: Locale } | undefined)?.locale ?? siteLocale;
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
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <RouteError />;
}

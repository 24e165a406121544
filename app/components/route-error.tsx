/**
 * The page shown by a route's ErrorBoundary: translated, never a stack. An expected answer
 * (a thrown 4xx Response) may say something specific; anything else is logged and shown as a
 * generic error.
 */
import { isRouteErrorResponse, Link, useRouteError, type ErrorResponse } from "@remix-run/react";
import type { Dictionary } from "~/modules/i18n/locales/en";
import { localePath } from "~/modules/i18n/i18n";
import { useLocale, useT } from "~/modules/i18n/use-locale";

export interface RouteErrorProps {
  /** Title and text for an expected error response, or null for the defaults. */
  expected?: (t: Dictionary, error: ErrorResponse) => { title?: string; text: string } | null;
  /** Where the page points the reader (default: the home page). */
  back?: (t: Dictionary) => { to: string; label: string };
}

export function RouteError({ expected, back }: RouteErrorProps) {
  const error = useRouteError();
  const t = useT();
  const locale = useLocale();
  const response = isRouteErrorResponse(error) ? error : null;
  if (!response) console.error(error);
  const custom = response && expected ? expected(t, response) : null;
  const notFound = response?.status === 404;
  const title = custom?.title ?? (notFound ? t.errors.notFoundTitle : t.errors.genericTitle);
  const text = custom?.text ?? (notFound ? t.errors.notFoundText : t.errors.genericText);
  const link = back?.(t) ?? { to: "/", label: t.errors.backHome };
  return (
    <div className="page narrow">
      <title>{title}</title>
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        <Link to={localePath(locale, link.to)}>{link.label}</Link>
      </p>
    </div>
  );
}

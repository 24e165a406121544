import { useLocation, useRouteLoaderData } from "@remix-run/react";
import { dictionary, splitLocalePath, type Locale } from "./i18n";

/** The page's locale: from the root loader, or from the URL when the root loader failed. */
export function useLocale(): Locale {
  const data = useRouteLoaderData<{ locale: Locale }>("root");
  const location = useLocation();
  return data?.locale ?? splitLocalePath(location.pathname).locale;
}

/** The page's dictionary. */
export function useT() {
  return dictionary(useLocale());
}

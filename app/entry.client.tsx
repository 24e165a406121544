import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { LOCALES, loadAllStrings, loadStrings, type Locale, type StringsHandle } from "./modules/i18n/i18n";

/** The first page's strings, from its routes' handles (Remix has imported their modules by now): its language only, its groups only. */
function loadFirstPageStrings(): Promise<unknown> {
  const modules = (window as unknown as { __remixRouteModules?: Record<string, { handle?: StringsHandle }> }).__remixRouteModules ?? {};
  const handles = Object.values(modules).flatMap((m) => (m.handle ? [m.handle] : []));
  if (handles.some((h) => h.staffConsole) || window.location.pathname.startsWith("/staff")) return loadAllStrings();
  const groups = handles.flatMap((h) => h.strings ?? []);
  const locale: Locale = document.documentElement.lang === "ja" ? "ja" : "en";
  return Promise.all((handles.some((h) => h.bothLanguages) ? LOCALES : [locale]).map((l) => loadStrings(l, groups)));
}

void loadFirstPageStrings().then(() =>
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  }),
);

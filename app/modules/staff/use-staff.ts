/** The staff console's language and user, from the `routes/staff` layout loader. Safe for the browser. */
import { useRouteLoaderData } from "@remix-run/react";
import type { StaffRole } from "../../../db/schema";
import { dictionary, type Locale } from "../i18n/i18n";

export interface StaffLayoutData {
  locale: Locale;
  staff: { id: string; name: string; email: string; role: StaffRole; locale: Locale } | null;
}

export function useStaffLayout(): StaffLayoutData {
  return useRouteLoaderData<StaffLayoutData>("routes/staff") ?? { locale: "en", staff: null };
}

export function useStaffT() {
  const { locale } = useStaffLayout();
  return dictionary(locale).staff;
}

export const intlLocale = (locale: Locale) => (locale === "ja" ? "ja-JP" : "en-US");

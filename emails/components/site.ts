/** The association as every email's layout shows it. The worker passes the configured values. */
export interface Site {
  appUrl: string;
  legalNameEn: string;
  legalNameJa: string;
  addressEn: string;
  addressJa: string;
}

export const previewSite: Site = {
  appUrl: "http://localhost:3000",
  legalNameEn: "Japan–United States Sister City Association",
  legalNameJa: "日米姉妹都市協会",
  addressEn: "1 Example Plaza, Suite 100, Saint Paul, MN 55101, USA",
  addressJa: "〒100-0005 東京都千代田区丸の内1-1-1",
};

/** `/membership` on the site in `locale` (`/ja/membership`). */
export function sitePath(site: Site, locale: "en" | "ja", path: string): string {
  const base = site.appUrl.replace(/\/$/, "");
  return locale === "ja" ? `${base}/ja${path === "/" ? "" : path}` : `${base}${path}`;
}

/** The language switch for the other language, landing on `path`. */
export function languageSwitchUrl(site: Site, locale: "en" | "ja", path = "/membership"): string {
  const to = locale === "ja" ? "en" : "ja";
  return `${site.appUrl.replace(/\/$/, "")}/language?to=${to}&next=${encodeURIComponent(path)}`;
}

import { PREFECTURES } from "../people/regions";

/** JIS X 0401 prefectures' Japanese names by code ("01"–"47"), for addresses written in the Japanese order. */
export const PREFECTURES_JA: readonly string[] = PREFECTURES.map((p) => p.ja);

export function prefectureName(code: string | null | undefined): string | null {
  if (!code) return null;
  const n = Number(code);
  return Number.isInteger(n) && n >= 1 && n <= 47 ? PREFECTURES_JA[n - 1]! : code;
}

export interface PostalAddress {
  country: string;
  postalCode?: string | null;
  region?: string | null;
  city?: string | null;
  addressLine1?: string | null;
  addressLine2?: string | null;
}

/** The address as it goes on an envelope: Japan large to small after 〒, the US small to large. */
export function formatPostalAddress(a: PostalAddress): string {
  const lines: string[] = [];
  if (a.country === "JP") {
    if (a.postalCode) lines.push(`〒${a.postalCode}`);
    lines.push([prefectureName(a.region), a.city, a.addressLine1].filter(Boolean).join(""));
    if (a.addressLine2) lines.push(a.addressLine2);
  } else {
    if (a.addressLine1) lines.push(a.addressLine1);
    if (a.addressLine2) lines.push(a.addressLine2);
    lines.push([a.city, [a.region, a.postalCode].filter(Boolean).join(" ")].filter(Boolean).join(", "));
    if (a.country !== "US") lines.push(a.country);
  }
  return lines.filter((l) => l.trim() !== "").join("\n");
}

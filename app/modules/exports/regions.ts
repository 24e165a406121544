/** JIS X 0401 prefectures by code ("01"–"47"), for addresses written in the Japanese order. */
export const PREFECTURES_JA = [
  "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
  "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
  "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
  "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
  "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
] as const;

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

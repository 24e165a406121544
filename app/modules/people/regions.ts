/** Japan's 47 prefectures (JIS X 0401 codes, stored as "01"–"47") and the US states. Safe for the browser. */

export const PREFECTURES: readonly { code: string; en: string; ja: string }[] = [
  ["Hokkaido", "北海道"],
  ["Aomori", "青森県"],
  ["Iwate", "岩手県"],
  ["Miyagi", "宮城県"],
  ["Akita", "秋田県"],
  ["Yamagata", "山形県"],
  ["Fukushima", "福島県"],
  ["Ibaraki", "茨城県"],
  ["Tochigi", "栃木県"],
  ["Gunma", "群馬県"],
  ["Saitama", "埼玉県"],
  ["Chiba", "千葉県"],
  ["Tokyo", "東京都"],
  ["Kanagawa", "神奈川県"],
  ["Niigata", "新潟県"],
  ["Toyama", "富山県"],
  ["Ishikawa", "石川県"],
  ["Fukui", "福井県"],
  ["Yamanashi", "山梨県"],
  ["Nagano", "長野県"],
  ["Gifu", "岐阜県"],
  ["Shizuoka", "静岡県"],
  ["Aichi", "愛知県"],
  ["Mie", "三重県"],
  ["Shiga", "滋賀県"],
  ["Kyoto", "京都府"],
  ["Osaka", "大阪府"],
  ["Hyogo", "兵庫県"],
  ["Nara", "奈良県"],
  ["Wakayama", "和歌山県"],
  ["Tottori", "鳥取県"],
  ["Shimane", "島根県"],
  ["Okayama", "岡山県"],
  ["Hiroshima", "広島県"],
  ["Yamaguchi", "山口県"],
  ["Tokushima", "徳島県"],
  ["Kagawa", "香川県"],
  ["Ehime", "愛媛県"],
  ["Kochi", "高知県"],
  ["Fukuoka", "福岡県"],
  ["Saga", "佐賀県"],
  ["Nagasaki", "長崎県"],
  ["Kumamoto", "熊本県"],
  ["Oita", "大分県"],
  ["Miyazaki", "宮崎県"],
  ["Kagoshima", "鹿児島県"],
  ["Okinawa", "沖縄県"],
].map(([en, ja], i) => ({ code: String(i + 1).padStart(2, "0"), en: en!, ja: ja! }));

export const US_STATES: readonly { code: string; en: string; ja: string }[] = (
  [
    ["AL", "Alabama", "アラバマ州"],
    ["AK", "Alaska", "アラスカ州"],
    ["AZ", "Arizona", "アリゾナ州"],
    ["AR", "Arkansas", "アーカンソー州"],
    ["CA", "California", "カリフォルニア州"],
    ["CO", "Colorado", "コロラド州"],
    ["CT", "Connecticut", "コネチカット州"],
    ["DE", "Delaware", "デラウェア州"],
    ["DC", "District of Columbia", "ワシントンD.C."],
    ["FL", "Florida", "フロリダ州"],
    ["GA", "Georgia", "ジョージア州"],
    ["HI", "Hawaii", "ハワイ州"],
    ["ID", "Idaho", "アイダホ州"],
    ["IL", "Illinois", "イリノイ州"],
    ["IN", "Indiana", "インディアナ州"],
    ["IA", "Iowa", "アイオワ州"],
    ["KS", "Kansas", "カンザス州"],
    ["KY", "Kentucky", "ケンタッキー州"],
    ["LA", "Louisiana", "ルイジアナ州"],
    ["ME", "Maine", "メイン州"],
    ["MD", "Maryland", "メリーランド州"],
    ["MA", "Massachusetts", "マサチューセッツ州"],
    ["MI", "Michigan", "ミシガン州"],
    ["MN", "Minnesota", "ミネソタ州"],
    ["MS", "Mississippi", "ミシシッピ州"],
    ["MO", "Missouri", "ミズーリ州"],
    ["MT", "Montana", "モンタナ州"],
    ["NE", "Nebraska", "ネブラスカ州"],
    ["NV", "Nevada", "ネバダ州"],
    ["NH", "New Hampshire", "ニューハンプシャー州"],
    ["NJ", "New Jersey", "ニュージャージー州"],
    ["NM", "New Mexico", "ニューメキシコ州"],
    ["NY", "New York", "ニューヨーク州"],
    ["NC", "North Carolina", "ノースカロライナ州"],
    ["ND", "North Dakota", "ノースダコタ州"],
    ["OH", "Ohio", "オハイオ州"],
    ["OK", "Oklahoma", "オクラホマ州"],
    ["OR", "Oregon", "オレゴン州"],
    ["PA", "Pennsylvania", "ペンシルベニア州"],
    ["RI", "Rhode Island", "ロードアイランド州"],
    ["SC", "South Carolina", "サウスカロライナ州"],
    ["SD", "South Dakota", "サウスダコタ州"],
    ["TN", "Tennessee", "テネシー州"],
    ["TX", "Texas", "テキサス州"],
    ["UT", "Utah", "ユタ州"],
    ["VT", "Vermont", "バーモント州"],
    ["VA", "Virginia", "バージニア州"],
    ["WA", "Washington", "ワシントン州"],
    ["WV", "West Virginia", "ウェストバージニア州"],
    ["WI", "Wisconsin", "ウィスコンシン州"],
    ["WY", "Wyoming", "ワイオミング州"],
  ] as const
).map(([code, en, ja]) => ({ code, en, ja }));

type RegionLocale = "en" | "ja";
const REGIONS: Record<string, readonly { code: string; en: string; ja: string }[]> = { JP: PREFECTURES, US: US_STATES };

/** A stored region code as its country writes it ("13" → "13", "1" → "01", "mn" → "MN"). */
function normalisedCode(country: string, region: string): string {
  const trimmed = region.trim();
  return country === "JP" && /^\d{1,2}$/.test(trimmed) ? trimmed.padStart(2, "0") : trimmed.toUpperCase();
}

/** A stored region as people read it: "13" → Tokyo / 東京都, "MN" → Minnesota / ミネソタ州; anything else as stored. */
export function regionName(country: string | null | undefined, region: string | null | undefined, locale: RegionLocale): string | null {
  if (!region) return null;
  const found = country ? REGIONS[country]?.find((r) => r.code === normalisedCode(country, region)) : undefined;
  return found ? found[locale] : region;
}

/** Every known region's name by country and code, for SQL that names regions (exports). */
export function regionNamesByCountry(locale: RegionLocale): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(REGIONS).map(([country, list]) => [country, Object.fromEntries(list.map((r) => [r.code, r[locale]]))]));
}

/** For a filter: a region typed as a code or as its name in either language ("Tokyo", "東京都", "東京", "13") → the stored code. */
export function regionCode(input: string): string {
  const typed = input.trim();
  const folded = typed.toLowerCase();
  for (const [country, list] of Object.entries(REGIONS)) {
    const found = list.find(
      (r) => r.code === normalisedCode(country, typed) || r.en.toLowerCase() === folded || r.ja === typed || r.ja.replace(/[都府県州]$/, "") === typed,
    );
    if (found) return found.code;
  }
  return typed;
}

const countryNames = new Map<RegionLocale, Intl.DisplayNames>();

/** "JP" → Japan / 日本, through Intl; an unknown code as it is. */
export function countryName(country: string, locale: RegionLocale): string {
  let names = countryNames.get(locale);
  if (!names) countryNames.set(locale, (names = new Intl.DisplayNames([locale === "ja" ? "ja-JP" : "en-US"], { type: "region" })));
  try {
    return names.of(country) ?? country;
  } catch {
    return country;
  }
}

/** Where someone is, in the reader's language: "Tokyo, Japan" / "日本 東京都". */
export function placeName(country: string | null | undefined, region: string | null | undefined, locale: RegionLocale): string {
  if (!country) return regionName(country, region, locale) ?? "";
  const parts = [countryName(country, locale), regionName(country, region, locale)].filter(Boolean);
  return locale === "ja" ? parts.join(" ") : parts.reverse().join(", ");
}

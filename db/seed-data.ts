/**
 * The starting catalogue. It is data: staff edit tiers and prices in the console later, and
 * seeding again never overwrites their edits (rows are matched by slug / lookup key).
 */
import type { BillingInterval, Currency } from "./schema";

interface SeedPrice {
  currency: Currency;
  interval: BillingInterval;
  amount: number;
}

export interface SeedTier {
  slug: string;
  kind: "individual" | "corporate";
  nameEn: string;
  nameJa: string;
  descriptionEn: string;
  descriptionJa: string;
  benefitsEn: string[];
  benefitsJa: string[];
  seats: number | null;
  sortOrder: number;
  prices: SeedPrice[];
  /** Fair-market value of benefits per currency (minor units). */
  benefitValue: { USD: number; JPY: number };
}

const yearly = (usd: number, jpy: number): SeedPrice[] => [
  { currency: "USD", interval: "year", amount: usd * 100 },
  { currency: "JPY", interval: "year", amount: jpy },
];
const monthly = (usd: number, jpy: number): SeedPrice[] => [
  { currency: "USD", interval: "month", amount: usd * 100 },
  { currency: "JPY", interval: "month", amount: jpy },
];

const memberBenefitsEn = [
  "Members' newsletter in English and Japanese",
  "Member rates for association events in both countries",
  "A vote at the annual meeting",
];
const memberBenefitsJa = ["日英二か国語の会報", "日米両国での協会行事への会員価格での参加", "年次総会での議決権"];

export const seedTiers: SeedTier[] = [
  {
    slug: "student",
    kind: "individual",
    nameEn: "Student",
    nameJa: "学生会員",
    descriptionEn: "For students enrolled in a school, college or university in either country.",
    descriptionJa: "日米いずれかの学校・大学に在籍する学生の方。",
    benefitsEn: [...memberBenefitsEn, "The student exchange alumni network"],
    benefitsJa: [...memberBenefitsJa, "学生交流同窓生ネットワークへの参加"],
    seats: null,
    sortOrder: 10,
    prices: yearly(25, 3000),
    benefitValue: { USD: 0, JPY: 0 },
  },
  {
    slug: "individual",
    kind: "individual",
    nameEn: "Individual",
    nameJa: "一般会員",
    descriptionEn: "For anyone who cares about the bonds between American and Japanese cities.",
    descriptionJa: "日米の都市の絆を大切に思うすべての方。",
    benefitsEn: memberBenefitsEn,
    benefitsJa: memberBenefitsJa,
    seats: null,
    sortOrder: 20,
    prices: [...yearly(60, 8000), ...monthly(6, 800)],
    benefitValue: { USD: 0, JPY: 0 },
  },
  {
    slug: "family",
    kind: "individual",
    nameEn: "Family",
    nameJa: "家族会員",
    descriptionEn: "For a household: two adults and their children.",
    descriptionJa: "ご家族（大人2名とお子様）でのご入会。",
    benefitsEn: [...memberBenefitsEn, "Membership for everyone in the household"],
    benefitsJa: [...memberBenefitsJa, "同居のご家族全員が会員"],
    seats: null,
    sortOrder: 30,
    prices: yearly(100, 13000),
    benefitValue: { USD: 0, JPY: 0 },
  },
  {
    slug: "patron",
    kind: "individual",
    nameEn: "Patron",
    nameJa: "賛助会員",
    descriptionEn: "For members who want to give more to keep exchanges going.",
    descriptionJa: "交流の継続をより大きく支えてくださる方。",
    benefitsEn: [...memberBenefitsEn, "Two seats at the annual reception"],
    benefitsJa: [...memberBenefitsJa, "年次レセプションへのご招待（2名様）"],
    seats: null,
    sortOrder: 40,
    prices: yearly(250, 33000),
    benefitValue: { USD: 3000, JPY: 3300 },
  },
  ...(
    [
      ["community-partner", "Community Partner", "コミュニティ・パートナー", 500, 70000, 2, 0, 0],
      ["bronze", "Bronze", "ブロンズ", 1000, 150000, 3, 0, 0],
      ["silver", "Silver", "シルバー", 2500, 350000, 5, 0, 0],
      ["gold", "Gold", "ゴールド", 5000, 700000, 10, 300, 33000],
      ["platinum", "Platinum", "プラチナ", 10000, 1500000, 20, 600, 66000],
    ] as const
  ).map(([slug, nameEn, nameJa, usd, jpy, seats, fmvUsd, fmvJpy], i): SeedTier => ({
    slug,
    kind: "corporate",
    nameEn,
    nameJa: `${nameJa}法人会員`,
    descriptionEn: `${nameEn} corporate membership: support sister-city exchanges as a company.`,
    descriptionJa: `${nameJa}法人会員：企業として姉妹都市交流を支援します。`,
    benefitsEn: [
      `Memberships for ${seats} employees`,
      "Your company on the sponsors page (if you wish)",
      ...(fmvUsd > 0 ? [`A table at the annual reception for ${seats} guests`] : []),
    ],
    benefitsJa: [
      `社員${seats}名分の会員資格`,
      "協賛企業ページへの社名掲載（ご希望の場合）",
      ...(fmvUsd > 0 ? [`年次レセプションへのご招待（${seats}名様）`] : []),
    ],
    seats,
    sortOrder: 100 + i * 10,
    prices: yearly(usd, jpy),
    benefitValue: { USD: fmvUsd * 100, JPY: fmvJpy },
  })),
];

export const seedPartnerships = [
  {
    slug: "st-paul-nagasaki",
    usCityEn: "St. Paul",
    usCityJa: "セントポール",
    usState: "MN",
    jpCityEn: "Nagasaki",
    jpCityJa: "長崎",
    jpPrefecture: 42,
    establishedYear: 1955,
  },
  {
    slug: "riverside-sendai",
    usCityEn: "Riverside",
    usCityJa: "リバーサイド",
    usState: "CA",
    jpCityEn: "Sendai",
    jpCityJa: "仙台",
    jpPrefecture: 4,
    establishedYear: 1957,
  },
  {
    slug: "san-jose-okayama",
    usCityEn: "San Jose",
    usCityJa: "サンノゼ",
    usState: "CA",
    jpCityEn: "Okayama",
    jpCityJa: "岡山",
    jpPrefecture: 33,
    establishedYear: 1957,
  },
  {
    slug: "san-diego-yokohama",
    usCityEn: "San Diego",
    usCityJa: "サンディエゴ",
    usState: "CA",
    jpCityEn: "Yokohama",
    jpCityJa: "横浜",
    jpPrefecture: 14,
    establishedYear: 1957,
  },
];

export const seedFunds = [
  {
    slug: "general",
    nameEn: "General Fund",
    nameJa: "一般基金",
    descriptionEn: "Where the need is greatest.",
    descriptionJa: "最も必要とされる活動に充てます。",
    sortOrder: 10,
  },
  {
    slug: "student-exchange",
    nameEn: "Student Exchange",
    nameJa: "学生交流基金",
    descriptionEn: "Travel and stays for exchange students.",
    descriptionJa: "交流学生の渡航と滞在を支援します。",
    sortOrder: 20,
  },
  {
    slug: "sister-city-grants",
    nameEn: "Sister City Grants",
    nameJa: "姉妹都市助成基金",
    descriptionEn: "Grants to smaller cities and their partners.",
    descriptionJa: "中小都市とその提携先への助成。",
    sortOrder: 30,
  },
];

export const demoAdmin = { email: "admin@kizuna.example", name: "Demo Admin", role: "admin" as const };

/** Catalogue shapes shared by server and browser. */
import type { CurrencyCode } from "../i18n/format";

export type Interval = "year" | "month";

export interface CataloguePrice {
  currency: CurrencyCode;
  interval: Interval;
  amount: number;
}

export interface CatalogueTier {
  slug: string;
  kind: "individual" | "corporate";
  name: { en: string; ja: string };
  description: { en: string; ja: string };
  benefits: { en: string[]; ja: string[] };
  seats: number | null;
  prices: CataloguePrice[];
  benefitValue: Partial<Record<CurrencyCode, number>>;
}

export interface CataloguePartnership {
  slug: string;
  us: { en: string; ja: string; state: string };
  jp: { en: string; ja: string; prefecture: number };
  establishedYear: number;
}

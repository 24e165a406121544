/**
 * Formatting for email templates, through Intl. Templates never import from app/ (so
 * `npx email dev --dir emails` previews them alone), hence this small copy of the app's rules.
 */
export type EmailLocale = "en" | "ja";
export type Currency = "USD" | "JPY";

export type Recipient =
  | { kind: "person"; familyName: string; givenName: string }
  | { kind: "organisation"; name: string };

const intlLocale: Record<EmailLocale, string> = { en: "en-US", ja: "ja-JP" };
export const TIME_ZONE = "Asia/Tokyo";

export function money(amount: number, currency: string, locale: EmailLocale): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`money amounts are integers in minor units, got ${amount}`);
  const digits = new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(intlLocale[locale], { style: "currency", currency }).format(amount / 10 ** digits);
}

export function date(value: string | Date, locale: EmailLocale): string {
  const d = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date: ${String(value)}`);
  return new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: "long", timeZone: TIME_ZONE }).format(d);
}

const JAPANESE_SCRIPT = /[\u3040-\u30ff\u3400-\u9fff]/;

/**
 * The name as addressed: 山田 太郎 様 / 株式会社サクラ 御中 in Japanese; Jane Smith / Sakura Inc. in
 * English (a name written in kanji or kana keeps its family-first order there too: 山田 太郎).
 */
export function addressee(recipient: Recipient, locale: EmailLocale): string {
  if (recipient.kind === "organisation") return locale === "ja" ? `${recipient.name} 御中` : recipient.name;
  if (locale === "ja") return `${recipient.familyName} ${recipient.givenName} 様`;
  return JAPANESE_SCRIPT.test(recipient.familyName + recipient.givenName)
    ? `${recipient.familyName} ${recipient.givenName}`
    : `${recipient.givenName} ${recipient.familyName}`;
}

/** What a greeting line calls them: the given name in English, family name first with 様 in Japanese. */
export function greetingName(recipient: Recipient | undefined, locale: EmailLocale): string | null {
  if (!recipient) return null;
  if (recipient.kind === "organisation") return addressee(recipient, locale);
  return locale === "ja" ? addressee(recipient, locale) : recipient.givenName;
}

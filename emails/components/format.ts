/**
 * Formatting for email templates, through Intl. Templates never import from app/ (so
 * `npx email dev --dir emails` previews them alone), hence this small copy of the app's rules.
 */
export type EmailLocale = "en" | "ja";

export type Recipient = { kind: "person"; familyName: string; givenName: string } | { kind: "organisation"; name: string };

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

/** Kanji (with 々 and the compatibility block) or kana: a name written in Japanese script. */
export const JAPANESE_SCRIPT = /[\u3005\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/;

export interface NameParts {
  familyName: string;
  givenName: string;
}

export function isJapaneseScript(name: NameParts): boolean {
  return JAPANESE_SCRIPT.test(name.familyName + name.givenName);
}

/**
 * A person's name in its own order, whoever reads it: family name first when it is written in
 * Japanese script (山田 太郎), given name first when in Latin script (Susan Davis), in either
 * language. With `honorific`, Japanese adds 様 (山田 太郎 様, Susan Davis 様). The one rule for
 * names: the app (app/modules/i18n/format.ts) and the SQL for lists and exports follow it.
 */
export function personName(name: NameParts, locale: EmailLocale, honorific = false): string {
  const ordered = isJapaneseScript(name) ? `${name.familyName} ${name.givenName}` : `${name.givenName} ${name.familyName}`;
  return locale === "ja" && honorific ? `${ordered} 様` : ordered;
}

/** The name as addressed: 山田 太郎 様 / 株式会社サクラ 御中 in Japanese; Jane Smith / Sakura Inc. in English. */
export function addressee(recipient: Recipient, locale: EmailLocale): string {
  if (recipient.kind === "organisation") return locale === "ja" ? `${recipient.name} 御中` : recipient.name;
  return personName(recipient, locale, true);
}

/** Japanese honorifics a typed name may already end with ("田中 一郎 先生", "佐藤様"): no 様 is added after them. */
const JA_HONORIFIC = /(?:様|さま|サマ|先生|せんせい|さん|殿|どの|氏|君|くん|ちゃん|御中|教授|博士|夫妻)$/;

/**
 * A name someone typed (an honouree, a person to notify), as Japanese addresses it: with 様,
 * unless it already ends with an honorific. `spaced` puts a space before 様 (a greeting line).
 */
export function honouredName(name: string, spaced = false): string {
  const trimmed = name.trim();
  return JA_HONORIFIC.test(trimmed) ? trimmed : `${trimmed}${spaced ? " " : ""}様`;
}

/** What a greeting line calls them: the given name in English (the whole name if in Japanese script), the name with 様 in Japanese. */
export function greetingName(recipient: Recipient | undefined, locale: EmailLocale): string | null {
  if (!recipient) return null;
  if (recipient.kind === "organisation") return addressee(recipient, locale);
  return locale === "ja" || isJapaneseScript(recipient) ? addressee(recipient, locale) : recipient.givenName;
}

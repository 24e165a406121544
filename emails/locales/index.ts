import type { EmailLocale } from "../components/format";
import { en, type EmailStrings } from "./en";
import { ja } from "./ja";

export function strings(locale: EmailLocale): EmailStrings {
  return locale === "ja" ? ja : en;
}
export type { EmailStrings };

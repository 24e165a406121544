/**
 * Every string in both languages, for the server. A `.server` module: the browser build gets an
 * empty module instead, and a page loads only its own language (and the console its strings)
 * through loadDictionary (i18n.ts).
 */
import type { Dictionary } from "./en";
import { en } from "./en";
import { enStaff } from "./en.staff";
import { ja } from "./ja";
import { jaStaff } from "./ja.staff";

export const ALL_DICTIONARIES: { en: Dictionary; ja: Dictionary } = { en: { ...en, ...enStaff }, ja: { ...ja, ...jaStaff } };

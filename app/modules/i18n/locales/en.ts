/**
 * English: the source dictionary, in groups (locales/en/*.ts) that a page loads as it needs them
 * (i18n.ts loadStrings). Each Japanese group must satisfy its English type, so a missing key fails tsc.
 */
import { strings as site } from "./en/site";
import { strings as join } from "./en/join";
import { strings as donate } from "./en/donate";
import { strings as sponsor } from "./en/sponsor";
import { strings as checkout } from "./en/checkout";
import { strings as receipts } from "./en/receipts";
import { strings as details } from "./en/details";
import { strings as account } from "./en/account";
import { strings as accountData } from "./en/accountData";

export const en = { ...site, ...join, ...donate, ...sponsor, ...checkout, ...receipts, ...details, ...account, ...accountData };

/** The public site's strings. */
export type PublicDictionary = typeof en;
/** Every string: the public site's and the staff console's (locales/en.staff.ts). */
export type Dictionary = PublicDictionary & typeof import("./en.staff").enStaff;

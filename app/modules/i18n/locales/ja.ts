/** Japanese: every public group (locales/ja/*.ts), for the server. */
import type { PublicDictionary } from "./en";
import { strings as site } from "./ja/site";
import { strings as join } from "./ja/join";
import { strings as donate } from "./ja/donate";
import { strings as sponsor } from "./ja/sponsor";
import { strings as checkout } from "./ja/checkout";
import { strings as receipts } from "./ja/receipts";
import { strings as details } from "./ja/details";
import { strings as account } from "./ja/account";
import { strings as accountData } from "./ja/accountData";

export const ja: PublicDictionary = { ...site, ...join, ...donate, ...sponsor, ...checkout, ...receipts, ...details, ...account, ...accountData };

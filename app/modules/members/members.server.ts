/** Member list use-cases for the staff console. */
import type { DbOrTx } from "../../../db/client";
import type { Locale } from "../../../db/schema";
import { listMembers, listPartnershipOptions, listTierOptions } from "./members.queries.server";
import { PAGE_SIZE, parseMemberQuery } from "./members.schema";

export async function getMemberList(db: DbOrTx, params: URLSearchParams, locale: Locale) {
  const { query, problems } = parseMemberQuery(params);
  const [{ rows, total }, tierRows, partnershipRows] = await Promise.all([listMembers(db, query, locale), listTierOptions(db), listPartnershipOptions(db)]);
  return { query, problems, rows, total, pages: Math.ceil(total / PAGE_SIZE), tiers: tierRows, partnerships: partnershipRows };
}

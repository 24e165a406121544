/** Member list use-cases for the staff console. */
import { asc } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client";
import { partnerships, tiers, type Locale } from "../../../db/schema";
import { listMembers } from "./members.queries.server";
import { PAGE_SIZE, parseMemberQuery } from "./members.schema";

export async function getMemberList(db: DbOrTx, params: URLSearchParams, locale: Locale) {
  const { query, problems } = parseMemberQuery(params);
  const [{ rows, total }, tierRows, partnershipRows] = await Promise.all([
    listMembers(db, query, locale),
    db.select({ id: tiers.id, kind: tiers.kind, nameEn: tiers.nameEn, nameJa: tiers.nameJa }).from(tiers).orderBy(asc(tiers.sortOrder), asc(tiers.id)),
    db
      .select({
        id: partnerships.id,
        usCityEn: partnerships.usCityEn,
        usCityJa: partnerships.usCityJa,
        jpCityEn: partnerships.jpCityEn,
        jpCityJa: partnerships.jpCityJa,
      })
      .from(partnerships)
      .orderBy(asc(partnerships.establishedYear), asc(partnerships.id)),
  ]);
  return { query, problems, rows, total, pages: Math.ceil(total / PAGE_SIZE), tiers: tierRows, partnerships: partnershipRows };
}

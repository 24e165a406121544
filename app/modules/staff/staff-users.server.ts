/** Staff users, managed by admins: add, change role or language, deactivate. Each change is audited. */
import { z } from "zod";
import type { DbOrTx } from "../../../db/client";
import type { StaffUser } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { updateStaffUser } from "../auth/auth.queries.server";
import { addStaffUser, revokeStaffSessions } from "../auth/auth.server";
import { listStaffUsersByEmail } from "./staff.queries.server";

export const StaffUserFormSchema = z.object({
  intent: z.literal("save"),
  email: z.string().trim().pipe(z.email("email")),
  name: z.string().trim().min(1, "required").max(100),
  role: z.enum(["admin", "staff", "viewer"]),
  locale: z.enum(["en", "ja"]),
});
export const StaffUserActiveSchema = z.object({ intent: z.enum(["deactivate", "reactivate"]), id: z.uuid() });

export function listStaffUsers(db: DbOrTx) {
  return listStaffUsersByEmail(db);
}

export async function saveStaffUser(db: DbOrTx, actor: Pick<StaffUser, "id">, input: z.infer<typeof StaffUserFormSchema>, ip: string | null) {
  return db.transaction(async (tx) => {
    const { user, created } = await addStaffUser(tx, input);
    await updateStaffUser(tx, user.id, { name: input.name, locale: input.locale });
    await writeAudit(tx, {
      actorStaffUserId: actor.id,
      action: created ? "staff_user.create" : "staff_user.update",
      subjectType: "staff_user",
      subjectId: user.id,
      details: { email: user.email, role: input.role, locale: input.locale },
      ip,
    });
  });
}

export async function setStaffUserActive(db: DbOrTx, actor: Pick<StaffUser, "id">, id: string, active: boolean, ip: string | null) {
  return db.transaction(async (tx) => {
    await updateStaffUser(tx, id, { active });
    if (!active) await revokeStaffSessions(tx, id);
    await writeAudit(tx, {
      actorStaffUserId: actor.id,
      action: active ? "staff_user.reactivate" : "staff_user.deactivate",
      subjectType: "staff_user",
      subjectId: id,
      ip,
    });
  });
}

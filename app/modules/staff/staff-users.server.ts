/** Staff users, managed by admins: add, change role or language, deactivate. Each change is audited. */
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../../db/client";
import { staffUsers, type StaffUser } from "../../../db/schema";
import { writeAudit } from "../audit/audit.server";
import { addStaffUser, revokeStaffSessions } from "../auth/auth.server";

export const StaffUserFormSchema = z.object({
  intent: z.literal("save"),
  email: z.string().trim().pipe(z.email("email")),
  name: z.string().trim().min(1, "required").max(100),
  role: z.enum(["admin", "staff", "viewer"]),
  locale: z.enum(["en", "ja"]),
});
export const StaffUserActiveSchema = z.object({ intent: z.enum(["deactivate", "reactivate"]), id: z.uuid() });

export function listStaffUsers(db: DbOrTx) {
  return db
    .select({ id: staffUsers.id, email: staffUsers.email, name: staffUsers.name, role: staffUsers.role, locale: staffUsers.locale, active: staffUsers.active })
    .from(staffUsers)
    .orderBy(asc(staffUsers.email));
}

export async function saveStaffUser(db: DbOrTx, actor: Pick<StaffUser, "id">, input: z.infer<typeof StaffUserFormSchema>, ip: string | null) {
  return db.transaction(async (tx) => {
    const { user, created } = await addStaffUser(tx, input);
    await tx.update(staffUsers).set({ name: input.name, locale: input.locale }).where(eq(staffUsers.id, user.id));
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
    await tx.update(staffUsers).set({ active }).where(eq(staffUsers.id, id));
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

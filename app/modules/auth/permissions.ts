/** Staff roles and what each may do. Safe for the browser (the UI hides what a role cannot do). */
import type { StaffRole } from "../../../db/schema";

export type Permission = "read" | "members:write" | "export" | "tiers:write" | "staff:manage";

const grants: Record<Permission, readonly StaffRole[]> = {
  read: ["admin", "staff", "viewer"],
  "members:write": ["admin", "staff"],
  export: ["admin", "staff"],
  "tiers:write": ["admin"],
  "staff:manage": ["admin"],
};

export function can(role: StaffRole, permission: Permission): boolean {
  return grants[permission].includes(role);
}

export const STAFF_ROLES = ["admin", "staff", "viewer"] as const satisfies readonly StaffRole[];

/**
 * Every /staff route, read from app/routes (not a hand-kept list), requested as anonymous, as a
 * signed-in member, and as each staff role. A route file with no expectation below fails the
 * test, so a new staff page cannot ship without its authorisation being checked.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StaffRole } from "../../db/schema";
import { emailOutbox } from "../../db/schema";
import { can, STAFF_ROLES, type Permission } from "~/modules/auth/permissions";
import { args, makeMember, makeStaff, memberCookie, respond, staffCookie } from "../fixtures/staff";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();
const routesDir = fileURLToPath(new URL("../../app/routes", import.meta.url));
const staffRouteFiles = readdirSync(routesDir)
  .filter((f) => /^staff(\.|$)/.test(f) && /\.tsx?$/.test(f))
  .sort();

/** public: anyone; guest: anyone not signed in as staff (staff are sent on); ends-session: always back to sign-in. */
type Access = Permission | "public" | "guest" | "ends-session" | "redirect";
/** What each route's loader (GET) and action (POST) demand. */
const expectations: Record<string, { get?: Access; post?: Access }> = {
  "staff.tsx": { get: "public" },
  "staff._index.tsx": { get: "read" },
  "staff.sign-in.tsx": { get: "guest", post: "public" },
  "staff.verify.tsx": { get: "public", post: "public" },
  "staff.sign-out.tsx": { get: "redirect", post: "ends-session" },
  "staff.language.tsx": { get: "redirect", post: "read" },
  "staff.members._index.tsx": { get: "read" },
  "staff.members.$memberId.tsx": { get: "read", post: "members:write" },
  "staff.members.export.tsx": { get: "export" },
  "staff.members.new.tsx": { get: "members:write", post: "members:write" },
  "staff.donations._index.tsx": { get: "read" },
  "staff.donations.export.tsx": { get: "export" },
  "staff.donations.summary.tsx": { get: "read", post: "tiers:write" },
  "staff.donations.statement.tsx": { get: "read" },
  "staff.tiers.tsx": { get: "read", post: "tiers:write" },
  "staff.emails._index.tsx": { get: "read" },
  "staff.emails.$emailId.tsx": { get: "read" },
  "staff.audit.tsx": { get: "read" },
  "staff.users.tsx": { get: "staff:manage", post: "staff:manage" },
};

type Who = "anonymous" | "member" | StaffRole;
const cookies: Partial<Record<Who, string>> = {};
const params: Record<string, string> = {};

const people: Partial<Record<Who, string>> = {};
beforeAll(async () => {
  for (const role of STAFF_ROLES) people[role] = (await makeStaff(t.db, role)).id;
  const { person } = await makeMember(t.db, { familyName: "Walk", givenName: "Route" });
  people.member = person.id;
  params.memberId = person.id;
  const [email] = await t.db.insert(emailOutbox).values({ template: "welcome", locale: "en", toEmail: person.email }).returning();
  params.emailId = email!.id;
});
// Fresh sessions for each test: signing out (one of the routes) ends the session it is given.
beforeEach(async () => {
  for (const role of STAFF_ROLES) cookies[role] = await staffCookie(t.db, people[role]!);
  cookies.member = await memberCookie(t.db, people.member!);
});

function urlFor(file: string): string {
  const segments = file
    .replace(/\.tsx?$/, "")
    .split(".")
    .filter((s) => s !== "_index");
  return `/${segments.map((s) => (s.startsWith("$") ? params[s.slice(1)]! : s)).join("/")}`;
}

function expected(access: Access, who: Who): "ok" | "sign-in" | 403 | "redirect" {
  if (access === "redirect") return "redirect";
  if (access === "public") return "ok";
  if (access === "ends-session") return "sign-in";
  if (access === "guest") return who === "anonymous" || who === "member" ? "ok" : "redirect";
  if (who === "anonymous") return "sign-in";
  if (who === "member") return 403;
  return can(who, access) ? "ok" : 403;
}

async function outcome(response: Response | { status: 200 }): Promise<"ok" | "sign-in" | 403 | "redirect" | number> {
  const status = response.status;
  if (response instanceof Response && response.body) await response.body.cancel().catch(() => {});
  if (status >= 300 && status < 400 && response instanceof Response) {
    return response.headers.get("Location")?.startsWith("/staff/sign-in") ? "sign-in" : "redirect";
  }
  if (status === 403) return 403;
  // A form posted empty may be refused as invalid (400) or rate-limited (429): it got past authorisation.
  if (status === 200 || status === 400 || status === 429) return "ok";
  return status;
}

describe("staff route authorisation", () => {
  it("knows every staff route file", () => {
    expect(staffRouteFiles.length).toBeGreaterThan(5);
    expect(staffRouteFiles.filter((f) => !(f in expectations))).toEqual([]);
    expect(Object.keys(expectations).filter((f) => !staffRouteFiles.includes(f))).toEqual([]);
  });

  const whos: Who[] = ["anonymous", "member", ...STAFF_ROLES];
  for (const file of Object.keys(expectations)) {
    for (const method of ["get", "post"] as const) {
      const access = expectations[file]![method];
      if (!access) continue;
      it(`${method.toUpperCase()} ${file} as each visitor`, async () => {
        const mod = (await import(path.join(routesDir, file))) as {
          loader?: (a: unknown) => unknown;
          action?: (a: unknown) => unknown;
        };
        const fn = method === "get" ? mod.loader : mod.action;
        expect(fn, `${file} has a ${method === "get" ? "loader" : "action"}`).toBeTypeOf("function");
        const url = urlFor(file);
        const got: Record<string, unknown> = {};
        const want: Record<string, unknown> = {};
        for (const who of whos) {
          const a = args(t.db, url, {
            method: method.toUpperCase(),
            cookie: cookies[who],
            form: method === "post" ? {} : undefined,
            params,
            ip: `10.50.${whos.indexOf(who)}.1`,
          });
          got[who] = await outcome(await respond(() => fn!(a)));
          want[who] = expected(access, who);
        }
        expect(got).toEqual(want);
      });
    }
  }

  it("refuses every state-changing staff form posted from another site, even for an admin", async () => {
    for (const file of Object.keys(expectations)) {
      if (!expectations[file]!.post) continue;
      const mod = (await import(path.join(routesDir, file))) as { action: (a: unknown) => unknown };
      const a = args(t.db, urlFor(file), { form: {}, cookie: cookies.admin, origin: "https://evil.example", params });
      const response = (await respond(() => mod.action(a))) as Response;
      expect(response.status, file).toBe(403);
    }
  });
});

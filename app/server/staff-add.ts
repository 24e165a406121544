/**
 * `npm run staff:add -- <email> --role admin|staff|viewer [--name "Name"] [--locale en|ja]`
 * against DATABASE_URL: creates the staff user (or sets the role of an existing one) and
 * prints a sign-in link valid for 15 minutes.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { connect } from "../../db/client";
import { addStaffUser, signInLinkFor } from "../modules/auth/auth.server";
import { getEnv } from "../modules/config/env.server";

const Args = z.object({
  email: z.email("give the staff user's email address"),
  role: z.enum(["admin", "staff", "viewer"], { message: "--role must be admin, staff or viewer" }),
  name: z.string().min(1).optional(),
  locale: z.enum(["en", "ja"]).default("en"),
});

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { role: { type: "string" }, name: { type: "string" }, locale: { type: "string" } },
});
const parsed = Args.safeParse({ email: positionals[0], role: values.role, name: values.name, locale: values.locale });
if (!parsed.success) {
  console.error(
    `usage: npm run staff:add -- <email> --role admin|staff|viewer [--name "Name"] [--locale en|ja]\n${parsed.error.issues.map((i) => `  - ${i.message}`).join("\n")}`,
  );
  process.exit(1);
}
const env = getEnv();
if (!env.DATABASE_URL) {
  console.error("DATABASE_URL is not set: point it at the database to add the staff user to (the embedded one is printed by npm start).");
  process.exit(1);
}
const handle = connect(env.DATABASE_URL, { max: 1 });
try {
  const { email, role, name, locale } = parsed.data;
  const { user, created } = await addStaffUser(handle.db, { email, role, name: name ?? email.split("@")[0]!, locale });
  console.log(`${created ? "created" : "updated"} staff user ${user.email} (${user.role})`);
  const link = await signInLinkFor(handle.db, user.email, env.APP_URL ?? `http://localhost:${env.PORT}`);
  if (link) console.log(`sign-in link (15 minutes, once): ${link.url}`);
} finally {
  await handle.close();
}

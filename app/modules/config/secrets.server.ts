/**
 * Secrets an installation makes for itself when none is configured (the embedded default, a
 * development machine): generated once, kept in DATA_DIR (mode 0600) so every process of the
 * installation and every restart agree, and never a constant in the source. Production
 * configures its secrets (SESSION_SECRET, STRIPE_WEBHOOK_SECRET) and does not use these.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Env } from "./env.server";

const made = new Map<string, string>();

/**
 * DATA_DIR/`name`, made on first use as `prefix` + 48 hex characters. A data directory that
 * cannot be written gets a secret for this process only.
 */
export function installationSecret(env: Pick<Env, "DATA_DIR">, name: string, prefix = ""): string {
  const file = path.resolve(env.DATA_DIR, name);
  const known = made.get(file);
  if (known) return known;
  const shape = new RegExp(`^${prefix}[0-9a-f]{48}$|^${prefix}\\w{32,}$`);
  let secret: string | undefined;
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (shape.test(stored)) secret = stored;
  } catch {
    // not made yet
  }
  if (!secret) {
    secret = `${prefix}${randomBytes(24).toString("hex")}`;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    } catch {
      // a read-only data directory: this process's secret only
    }
  }
  made.set(file, secret);
  return secret;
}

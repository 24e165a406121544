import { describe, expect, it } from "vitest";
import { describeServices, EnvError, parseEnv } from "~/modules/config/env.server";

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration", () => {
  it("needs nothing for a first look", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.EMBEDDED_PG_PORT).not.toBe(5432);
    expect(Object.isFrozen(env)).toBe(true);
    expect(describeServices(env, "embedded PostgreSQL")).toEqual([
      "database: embedded PostgreSQL",
      expect.stringContaining("demo gateway"),
      expect.stringContaining("kept locally"),
    ]);
  });

  it("treats an empty variable as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names each malformed variable", () => {
    const found = problems({
      PORT: "eighty",
      DATABASE_URL: "mysql://localhost/db",
      STRIPE_SECRET_KEY: "pk_test_123",
      STRIPE_WEBHOOK_SECRET: "secret",
      RESEND_API_KEY: "abc",
      EMBEDDED_PG_PORT: "5432",
      NODE_ENV: "staging",
    });
    for (const name of ["PORT", "DATABASE_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "RESEND_API_KEY", "EMBEDDED_PG_PORT", "NODE_ENV"]) {
      expect(found.some((line) => line.startsWith(`${name} `)), `${name} in ${found.join("; ")}`).toBe(true);
    }
  });

  it("never prints a secret's value", () => {
    const found = problems({ STRIPE_SECRET_KEY: "sk_oops_should_not_print" });
    expect(found.join("\n")).not.toContain("should_not_print");
  });

  it("requires a session secret in production", () => {
    expect(problems({ NODE_ENV: "production" })).toEqual([expect.stringContaining("SESSION_SECRET")]);
  });

  it("says which real services are in use when configured", () => {
    const env = parseEnv({ STRIPE_SECRET_KEY: "sk_test_fake", RESEND_API_KEY: "re_fake", DATABASE_URL: "postgres://u@h/db" });
    const lines = describeServices(env, "x");
    expect(lines[1]).toContain("Stripe (test mode");
    expect(lines[2]).toBe("email: Resend");
  });
});

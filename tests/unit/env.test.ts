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

  it("invoices a company's next year 30 days ahead unless told otherwise, and names a bad value", () => {
    expect(parseEnv({}).CORPORATE_RENEWAL_INVOICE_DAYS).toBe(30);
    expect(parseEnv({ CORPORATE_RENEWAL_INVOICE_DAYS: "45" }).CORPORATE_RENEWAL_INVOICE_DAYS).toBe(45);
    expect(problems({ CORPORATE_RENEWAL_INVOICE_DAYS: "0" })).toEqual([expect.stringMatching(/^CORPORATE_RENEWAL_INVOICE_DAYS.*at least 1/)]);
    expect(problems({ CORPORATE_RENEWAL_INVOICE_DAYS: "a month" })).toEqual([expect.stringMatching(/^CORPORATE_RENEWAL_INVOICE_DAYS.*number of days/)]);
  });

  it("reads TRUST_PROXY as Express does: a number of proxies, or addresses and ranges; refuses anything else", () => {
    expect(parseEnv({}).TRUST_PROXY).toBeUndefined();
    expect(parseEnv({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(parseEnv({ TRUST_PROXY: "loopback, 10.0.0.0/8, fd00::/8" }).TRUST_PROXY).toEqual(["loopback", "10.0.0.0/8", "fd00::/8"]);
    for (const bad of ["true", "everyone", "10.0.0.0/8; rm -rf"])
      expect(problems({ TRUST_PROXY: bad }), bad).toEqual([expect.stringMatching(/^TRUST_PROXY must be a number of proxies/)]);
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
      BACKGROUND_JOBS: "maybe",
    });
    for (const name of [
      "PORT",
      "DATABASE_URL",
      "STRIPE_SECRET_KEY",
      "STRIPE_WEBHOOK_SECRET",
      "RESEND_API_KEY",
      "EMBEDDED_PG_PORT",
      "NODE_ENV",
      "BACKGROUND_JOBS",
    ]) {
      expect(
        found.some((line) => line.startsWith(`${name} `)),
        `${name} in ${found.join("; ")}`,
      ).toBe(true);
    }
  });

  it("never prints a secret's value", () => {
    const found = problems({ STRIPE_SECRET_KEY: "sk_oops_should_not_print" });
    expect(found.join("\n")).not.toContain("should_not_print");
  });

  it("in production requires a session secret, Stripe and Resend, naming each that is missing", () => {
    expect(problems({ NODE_ENV: "production" })).toEqual([
      expect.stringMatching(/^SESSION_SECRET is required/),
      expect.stringMatching(
        /^STRIPE_SECRET_KEY is required when NODE_ENV=production .*demo gateway would let anyone "pay".*UNSAFE_DEMO_IN_PRODUCTION=payments$/,
      ),
      expect.stringMatching(/^RESEND_API_KEY is required when NODE_ENV=production .*UNSAFE_DEMO_IN_PRODUCTION=email$/),
    ]);
    const secret = "s".repeat(32);
    expect(problems({ NODE_ENV: "production", SESSION_SECRET: secret, STRIPE_SECRET_KEY: "sk_live_x", RESEND_API_KEY: "re_x" })).toEqual([
      expect.stringMatching(/^STRIPE_WEBHOOK_SECRET is required/),
    ]);
    expect(
      problems({ NODE_ENV: "production", SESSION_SECRET: secret, STRIPE_SECRET_KEY: "sk_live_x", STRIPE_WEBHOOK_SECRET: "whsec_x", RESEND_API_KEY: "re_x" }),
    ).toEqual([]);
    expect(problems({ NODE_ENV: "production", SESSION_SECRET: secret, UNSAFE_DEMO_IN_PRODUCTION: "payments, email" })).toEqual([]);
    expect(problems({ NODE_ENV: "production", SESSION_SECRET: secret, UNSAFE_DEMO_IN_PRODUCTION: "payments" })).toEqual([
      expect.stringMatching(/^RESEND_API_KEY is required/),
    ]);
    expect(problems({ UNSAFE_DEMO_IN_PRODUCTION: "stripe" })).toEqual([expect.stringMatching(/^UNSAFE_DEMO_IN_PRODUCTION.*must list payments and\/or email/)]);
    // Allowed, it is said loudly at start-up.
    const demo = parseEnv({ NODE_ENV: "production", SESSION_SECRET: secret, UNSAFE_DEMO_IN_PRODUCTION: "payments,email" });
    expect(describeServices(demo, "x")[0]).toMatch(/^WARNING: NODE_ENV=production with UNSAFE_DEMO_IN_PRODUCTION=payments,email/);
  });

  it("says which real services are in use when configured", () => {
    const env = parseEnv({ STRIPE_SECRET_KEY: "sk_test_fake", RESEND_API_KEY: "re_fake", DATABASE_URL: "postgres://u@h/db" });
    const lines = describeServices(env, "x");
    expect(lines[1]).toContain("Stripe (test mode");
    expect(lines[2]).toBe("email: Resend");
  });

  it("checks the receipt and email settings, naming each bad one", () => {
    const env = parseEnv({});
    expect(env.EMAIL_RATE_PER_SECOND).toBe(1.6);
    expect(env.ASSOCIATION_EIN).toBeUndefined();
    expect(env.JP_INVOICE_REGISTRATION_NUMBER).toBeUndefined();
    expect(parseEnv({ JP_INVOICE_REGISTRATION_NUMBER: "T1234567890123", ASSOCIATION_EIN: "12-3456789", EMAIL_RATE_PER_SECOND: "0.5" })).toMatchObject({
      JP_INVOICE_REGISTRATION_NUMBER: "T1234567890123",
      ASSOCIATION_EIN: "12-3456789",
      EMAIL_RATE_PER_SECOND: 0.5,
    });
    const found = problems({
      JP_INVOICE_REGISTRATION_NUMBER: "T123",
      ASSOCIATION_EIN: "123456789",
      EMAIL_RATE_PER_SECOND: "0",
      EMAIL_MAX_ATTEMPTS: "many",
      RECEIPT_LINK_SECRET: "short",
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'JP_INVOICE_REGISTRATION_NUMBER must be T followed by 13 digits, such as T1234567890123 (got "T123")',
        expect.stringMatching(/^ASSOCIATION_EIN must be a US EIN such as 12-3456789/),
        expect.stringMatching(/^EMAIL_RATE_PER_SECOND must be more than 0/),
        expect.stringMatching(/^EMAIL_MAX_ATTEMPTS /),
        expect.stringMatching(/^RECEIPT_LINK_SECRET must be at least 32 characters$/),
      ]),
    );
  });
});

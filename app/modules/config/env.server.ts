/**
 * Configuration: one zod schema, parsed once at start-up into a frozen object.
 * Code reads `env.X`, never `process.env`. A malformed value stops the process with a
 * message naming the variable; an absent optional service switches on its local substitute.
 */
import { z } from "zod";

/** An unset variable and an empty one mean the same thing. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const url = (protocols: RegExp, example: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.test(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL such as ${example}` },
  );

export const EnvSchema = z.object({
  NODE_ENV: optional(z.enum(["development", "production", "test"])).default("development"),
  PORT: optional(z.coerce.number({ message: "must be a port number" }).int("must be a whole number").min(1).max(65535)).default(3000),
  HOST: optional(z.string()).default("0.0.0.0"),
  /** Public base URL used in emails and Stripe redirects. Defaults to http://localhost:PORT. */
  APP_URL: optional(url(/^https?:$/, "https://kizuna.example.org")),
  DATABASE_URL: optional(url(/^postgres(ql)?:$/, "postgres://user:pass@host:5432/kizuna")),
  DATA_DIR: optional(z.string()).default(".data"),
  EMBEDDED_PG_PORT: optional(
    z.coerce
      .number({ message: "must be a port number" })
      .int("must be a whole number")
      .min(1024)
      .max(65535)
      .refine((port) => port !== 5432, "must not be 5432, where a system PostgreSQL usually listens"),
  ).default(54329),
  SESSION_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  STRIPE_SECRET_KEY: optional(z.string().regex(/^(sk|rk)_(test|live)_\w+$/, "must look like sk_test_… or sk_live_…")),
  STRIPE_WEBHOOK_SECRET: optional(z.string().regex(/^whsec_\w+$/, "must look like whsec_…")),
  STRIPE_API_BASE: optional(url(/^https?:$/, "http://127.0.0.1:12111")),
  /** Retries the Stripe SDK makes on a network error, 409, 429 or 5xx (with its own idempotency key). */
  STRIPE_MAX_NETWORK_RETRIES: optional(z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(0).max(10)).default(2),
  /** Days a past-due membership keeps its benefits before it lapses. */
  MEMBERSHIP_GRACE_DAYS: optional(z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(0).max(90)).default(14),
  /** Days before a company's paid year ends that its next year's invoice is created and sent. */
  CORPORATE_RENEWAL_INVOICE_DAYS: optional(
    z.coerce.number({ message: "must be a number of days" }).int("must be a whole number").min(1, "must be at least 1").max(120, "must be at most 120"),
  ).default(30),
  RESEND_API_KEY: optional(z.string().regex(/^re_\w+$/, "must look like re_…")),
  RESEND_BASE_URL: optional(url(/^https?:$/, "http://127.0.0.1:3025")),
  /** `off`: this instance serves requests only (the outbox worker and schedules run elsewhere). */
  BACKGROUND_JOBS: optional(z.enum(["on", "off"], { message: "must be on or off" })).default("on"),
  MAIL_FROM: optional(z.string()).default("JUSSCA 日米姉妹都市協会 <hello@kizuna.example>"),
  /**
   * Sends per second to Resend across all instances together (paced in PostgreSQL). Resend's
   * default team limit is 2/s; the default keeps a fifth below it, so timing jitter never hits it.
   */
  EMAIL_RATE_PER_SECOND: optional(z.coerce.number({ message: "must be a number of emails per second" }).positive("must be more than 0").max(100)).default(1.6),
  /**
   * Which proxies in front of the app to believe about the client's address (X-Forwarded-For),
   * as Express's "trust proxy": a number of hops, or addresses/ranges (loopback, uniquelocal,
   * 10.0.0.0/8, …). Unset: the connecting address is the client's.
   */
  TRUST_PROXY: optional(
    z
      .string()
      .trim()
      .refine(
        (v) => /^\d{1,2}$/.test(v) || v.split(",").every((part) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/.test(part.trim())),
        "must be a number of proxies (1) or a list of addresses and ranges (loopback, 10.0.0.0/8)",
      )
      .transform((v) => (/^\d{1,2}$/.test(v) ? Number(v) : v.split(",").map((part) => part.trim()))),
  ),
  /** Attempts before an email is marked failed (429/5xx/network errors are retried with backoff). */
  EMAIL_MAX_ATTEMPTS: optional(z.coerce.number({ message: "must be a whole number" }).int().min(1).max(50)).default(8),
  /** The association as printed on receipts and in every email's footer. */
  ASSOCIATION_LEGAL_NAME_EN: optional(z.string().min(1)).default("Japan–United States Sister City Association"),
  ASSOCIATION_LEGAL_NAME_JA: optional(z.string().min(1)).default("日米姉妹都市協会"),
  ASSOCIATION_ADDRESS: optional(z.string().min(1)).default("1 Example Plaza, Suite 100, Saint Paul, MN 55101, USA"),
  ASSOCIATION_ADDRESS_JA: optional(z.string().min(1)).default("〒100-0005 東京都千代田区丸の内1-1-1"),
  /** US Employer Identification Number, printed on receipts. */
  ASSOCIATION_EIN: optional(z.string().regex(/^\d{2}-\d{7}$/, "must be a US EIN such as 12-3456789")),
  /** Japanese qualified-invoice registration number (適格請求書発行事業者登録番号): T and 13 digits. */
  JP_INVOICE_REGISTRATION_NUMBER: optional(z.string().regex(/^T\d{13}$/, "must be T followed by 13 digits, such as T1234567890123")),
  /** Percentage a donor may add to cover processing fees, shown on /donate before paying (0 hides the option). */
  DONATION_FEE_PERCENT: optional(
    z.coerce.number({ message: "must be a number such as 3 or 2.9" }).min(0, "must be 0 or more").max(10, "must be at most 10"),
  ).default(3),
  /**
   * /donate shows a fund's total in a currency only when the fund has a goal there and at least
   * this many gifts in it, so no one's gift can be worked out from the total.
   */
  FUND_TOTALS_MIN_GIFTS: optional(z.coerce.number({ message: "must be a whole number of gifts" }).int("must be a whole number").min(1).max(10_000)).default(10),
  /** Years payments and receipts are kept after a person is anonymised (tax records; Japan and the US keep 7). */
  RECORD_RETENTION_YEARS: optional(z.coerce.number({ message: "must be a whole number of years" }).int("must be a whole number").min(1).max(30)).default(7),
  /** Currencies in which monthly gifts are offered, comma-separated (USD, JPY). */
  DONATION_MONTHLY_CURRENCIES: optional(
    z
      .string()
      .transform((v) =>
        v
          .split(",")
          .map((c) => c.trim().toUpperCase())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(["USD", "JPY"], "must list USD and/or JPY, e.g. USD,JPY"))),
  ).default(["USD", "JPY"]),
  /** First month of the fiscal year for giving statements: 1 (calendar year) or 4 (April–March). */
  DONATION_STATEMENT_FISCAL_START_MONTH: optional(
    z.coerce
      .number({ message: "must be 1 or 4" })
      .int()
      .refine((m) => m === 1 || m === 4, "must be 1 or 4"),
  ).default(1),
  /** Signs receipt page links; defaults to SESSION_SECRET, else (never in production) a key generated once in DATA_DIR/link-secret. */
  RECEIPT_LINK_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  /**
   * Production (NODE_ENV=production) refuses to start with a local substitute for a paid service
   * unless it is named here: `payments` (the demo gateway: anyone can "pay" on a test page),
   * `email` (emails kept in the outbox, never sent). For a demonstration site only.
   */
  UNSAFE_DEMO_IN_PRODUCTION: optional(
    z
      .string()
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(["payments", "email"], "must list payments and/or email, e.g. payments,email"))),
  ).default([]),
});

export type Env = Readonly<z.infer<typeof EnvSchema>>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => {
        const name = issue.path.join(".") || "(environment)";
        const value = source[name];
        const shown = value === undefined || /SECRET|KEY|URL/.test(name) ? "" : ` (got "${value}")`;
        return `${name} ${issue.message}${shown}`;
      }),
    );
  }
  const env = result.data;
  if (env.NODE_ENV === "production") {
    const missing: string[] = [];
    if (!env.SESSION_SECRET) missing.push("SESSION_SECRET is required when NODE_ENV=production (at least 32 characters)");
    if (!env.STRIPE_SECRET_KEY && !env.UNSAFE_DEMO_IN_PRODUCTION.includes("payments")) {
      missing.push(
        'STRIPE_SECRET_KEY is required when NODE_ENV=production (sk_live_… or sk_test_…, with STRIPE_WEBHOOK_SECRET): without it the demo gateway would let anyone "pay" on a local test page and become a member. For a demonstration site only, set UNSAFE_DEMO_IN_PRODUCTION=payments',
      );
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET)
      missing.push("STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY when NODE_ENV=production (whsec_…)");
    if (!env.RESEND_API_KEY && !env.UNSAFE_DEMO_IN_PRODUCTION.includes("email")) {
      missing.push(
        "RESEND_API_KEY is required when NODE_ENV=production (re_…): without it no email (receipts, sign-in links) would be sent, only kept in the outbox. For a demonstration site only, set UNSAFE_DEMO_IN_PRODUCTION=email",
      );
    }
    if (missing.length > 0) throw new EnvError(missing);
  }
  return Object.freeze(env);
}

let cached: Env | undefined;
/** The process's configuration, parsed on first use. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** What stands in for each absent production service, for the start-up log. */
export function describeServices(env: Env, databaseLabel: string): string[] {
  const unsafe =
    env.NODE_ENV === "production" && env.UNSAFE_DEMO_IN_PRODUCTION.length > 0
      ? [
          `WARNING: NODE_ENV=production with UNSAFE_DEMO_IN_PRODUCTION=${env.UNSAFE_DEMO_IN_PRODUCTION.join(",")}: a demonstration site, not for real members or money`,
        ]
      : [];
  return [
    ...unsafe,
    `database: ${databaseLabel}`,
    env.STRIPE_SECRET_KEY
      ? `payments: Stripe (${env.STRIPE_SECRET_KEY.startsWith("sk_live_") ? "live" : "test"} mode${env.STRIPE_API_BASE ? `, API at ${env.STRIPE_API_BASE}` : ""})`
      : "payments: demo gateway (no STRIPE_SECRET_KEY; a local test checkout page, no real money)",
    env.RESEND_API_KEY
      ? `email: Resend${env.RESEND_BASE_URL ? ` at ${env.RESEND_BASE_URL}` : ""}`
      : "email: kept locally in the outbox (no RESEND_API_KEY; nothing is sent)",
  ];
}

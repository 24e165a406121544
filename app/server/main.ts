/**
 * `npm start`: validates the configuration, brings up the database (the embedded one when
 * DATABASE_URL is unset), migrates and seeds it, and serves the Remix build over Express.
 * SIGINT/SIGTERM close the HTTP server, the pool and the embedded PostgreSQL in that order.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import http from "node:http";
import { connect, redactUrl, type DatabaseHandle } from "../../db/client";
import { ensureDatabase, startEmbedded, type EmbeddedServer } from "../../db/embedded";
import { applyMigrations } from "../../db/migrate";
import { seed } from "../../db/seed";
import { scheduleMembershipTerms } from "../modules/members/comps.server";
import { scheduleRecordPurge } from "../modules/account/data.server";
import { demoAdmin } from "../../db/seed-data";
import { signInLinkFor } from "../modules/auth/auth.server";
import { describeServices, EnvError, parseEnv, type Env } from "../modules/config/env.server";
import { startRenewalReminderSchedule } from "../modules/email/reminders.server";
import { startCorporateRenewalSchedule } from "../modules/corporate/renewals.server";
import { startGivingStatementSchedule } from "../modules/donations/statements.server";
import { startEmailWorker } from "../modules/mailer/worker.server";
import { guardRequests } from "./request-guard";
import { isStripeWebhook, stripeWebhookHandler } from "./stripe-webhook";
// Every domain's Stripe event handlers, for the webhook above (the Remix build registers its own).
import "../modules/stripe-handlers.server";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface Running {
  url: string;
  stop: () => Promise<void>;
}

function fail(message: string): never {
  console.error(`\nKizuna could not start: ${message}\n`);
  process.exit(1);
}

export async function main(env: Env): Promise<Running> {
  const started = performance.now();
  const buildPath = path.join(root, "build", "index.js");
  if (!existsSync(buildPath)) fail(`no server build at ${buildPath}. Run \`npm run build\` (npm start does it for you).`);

  let embedded: EmbeddedServer | undefined;
  let databaseUrl: string;
  let databaseLabel: string;
  if (env.DATABASE_URL) {
    databaseUrl = env.DATABASE_URL;
    databaseLabel = `PostgreSQL at ${redactUrl(databaseUrl)}`;
  } else {
    const dataDir = path.resolve(root, env.DATA_DIR, "pg");
    embedded = await startEmbedded({ dataDir, port: env.EMBEDDED_PG_PORT });
    await ensureDatabase(embedded.url(), "kizuna");
    databaseUrl = embedded.url("kizuna");
    databaseLabel = `embedded PostgreSQL (no DATABASE_URL) in ${dataDir} on 127.0.0.1:${embedded.port}${embedded.initialised ? ", created now" : ""}`;
  }

  let handle: DatabaseHandle | undefined;
  try {
    await applyMigrations(databaseUrl);
    handle = connect(databaseUrl);
    await seed(handle.db, { demoAdmin: embedded !== undefined });
  } catch (error) {
    await handle?.close();
    await embedded?.stop();
    throw error;
  }
  const { db } = handle;

  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const app = express();
  app.disable("x-powered-by");
  // Behind a load balancer or proxy: the client's address from X-Forwarded-For (sign-in limits, audit rows).
  if (env.TRUST_PROXY !== undefined) app.set("trust proxy", env.TRUST_PROXY);
  app.use((req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Frame-Options", "DENY");
    // Served over HTTPS in production (TLS ends at the load balancer): browsers keep to HTTPS.
    if (env.NODE_ENV === "production") res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    // Staff pages name members and money: never kept by a browser or a shared cache.
    // Nor are the member area's (a member's own memberships, payments and receipts).
    if (/^\/(?:staff|(?:ja\/)?account)(?:[/.]|$)/.test(req.path)) res.setHeader("Cache-Control", "no-store");
    next();
  });
  // HTML, JavaScript, CSS, JSON and CSV go out compressed (brotli or gzip, as the browser asks).
  app.use(compression());
  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
  app.use("/build", express.static(path.join(root, "public", "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
  // Bodies are checked, limited and cleaned before Remix reads them (request-guard.ts).
  app.all(
    "*",
    guardRequests(createRequestHandler({ build, mode: "production", getLoadContext: (req) => ({ db, env, clientIp: req.ip ?? null }) }), {
      appUrl: env.APP_URL,
    }),
  );

  const answerWebhook = stripeWebhookHandler({ db, env });
  const server = await new Promise<http.Server>((resolve, reject) => {
    const s = http.createServer((req, res) => (isStripeWebhook(req) ? void answerWebhook(req, res) : app(req, res)));
    s.listen(env.PORT, env.HOST);
    s.once("listening", () => resolve(s));
    s.once("error", reject);
  }).catch(async (error: NodeJS.ErrnoException) => {
    await handle.close();
    await embedded?.stop();
    if (error.code === "EADDRINUSE") {
      throw new Error(`port ${env.PORT} is already in use. Stop what is using it, or choose another with PORT=<port>.`);
    }
    throw error;
  });

  // The email outbox worker and the daily renewal reminders run in every instance: claims use
  // SKIP LOCKED and reminders are deduplicated, so instances never double up.
  // BACKGROUND_JOBS=off makes a web-only instance (e.g. one that takes webhooks) while others work.
  const jobs = env.BACKGROUND_JOBS === "on";
  const idle = { stop: async () => {} };
  const emailWorker = jobs ? startEmailWorker({ db, env }) : idle;
  const reminders = jobs ? startRenewalReminderSchedule({ db, env }) : idle;
  // Companies paying by invoice get next year's invoice CORPORATE_RENEWAL_INVOICE_DAYS before
  // their year ends (hourly; each year is claimed once in the database, keyed once in Stripe).
  const corporateRenewals = jobs ? startCorporateRenewalSchedule({ db, env }) : idle;
  // Each January (or April, for an April–March year) every donor's statement for the year just
  // ended is queued once (deduplicated per donor and year), however many instances run it.
  const statements = jobs ? startGivingStatementSchedule({ db, env }) : idle;
  // Past-due memberships lapse when their grace period ends, with or without a webhook.
  const stopGraceExpiry = jobs ? scheduleMembershipTerms(db, env) : () => {};
  // Receipts of anonymised people stop naming them once RECORD_RETENTION_YEARS have passed.
  const stopRecordPurge = jobs ? scheduleRecordPurge(db, env) : () => {};

  const url = env.APP_URL ?? `http://localhost:${env.PORT}`;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(`\nKizuna is running at ${url} (ready in ${seconds} s)`);
  for (const line of describeServices(env, databaseLabel)) console.log(`  ${line}`);
  if (!jobs) console.log("  background jobs: off in this instance (BACKGROUND_JOBS=off)");
  if (embedded) {
    const link = await signInLinkFor(db, demoAdmin.email, url);
    if (link) console.log(`  staff console: sign in as ${demoAdmin.email} (demo admin) within 15 minutes at\n    ${link.url}`);
  }
  console.log("  stop with Ctrl-C\n");

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      stopGraceExpiry();
      stopRecordPurge();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(force);
      await Promise.all([emailWorker.stop(), reminders.stop(), statements.stop(), corporateRenewals.stop()]);
      await handle.close();
      await embedded?.stop();
    })());
  return { url, stop };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  let env: Env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    fail(error instanceof EnvError ? error.message : String(error));
  }
  main(env).then(
    (running) => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
          console.log(`\n${signal}: stopping Kizuna…`);
          running.stop().then(
            () => process.exit(0),
            (error: unknown) => {
              console.error(error);
              process.exit(1);
            },
          );
        });
      }
    },
    (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
  );
}

/**
 * For e2e: the built app (npm test builds it first), started as `npm start` starts it (the
 * real server entry in its own process) on a free port, against a fresh database cloned
 * from the run's template.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { freePort } from "./pg-server";
import { SERVER_NODE_FLAGS } from "../../app/server/node-flags";

declare module "vitest" {
  export interface ProvidedContext {
    appUrl: string;
    appDatabaseUrl: string;
  }
}

const root = fileURLToPath(new URL("../..", import.meta.url));
/** The e2e app's webhook signing secret (an obvious fake): tests sign deliveries with it. */
export const E2E_WEBHOOK_SECRET = "whsec_e2e_fake_0123456789abcdef";

export default async function setup(project: TestProject) {
  if (!existsSync(`${root}/build/index.js`)) throw new Error("e2e tests need the app built: run `npm run build` (npm test does).");
  const { pgAdminUrl, pgRunPrefix, pgTemplate } = project.getProvidedContext();
  const name = `${pgRunPrefix}_e2e`;
  const admin = postgres(pgAdminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}" template "${pgTemplate}"`);
  await admin.end({ timeout: 5 });
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;

  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, "--import", "tsx", "app/server/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: url.toString(),
      APP_URL: appUrl,
      STRIPE_WEBHOOK_SECRET: E2E_WEBHOOK_SECRET,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Kizuna is running at")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited with ${code} before it was ready:\n${output}`));
    });
  });
  child.removeAllListeners("exit");
  project.provide("appUrl", appUrl);
  project.provide("appDatabaseUrl", url.toString());

  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
}

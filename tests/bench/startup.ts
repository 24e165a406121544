/**
 * Start-up figures for the README's run command, from a script (not a timed test):
 * cold start on an empty data directory, warm start reusing it, and the JavaScript Chromium
 * downloads for each public page (every script the page fetches until the network is idle,
 * each gzipped at level 9; the target is 100 KiB).
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { freePort } from "../setup/pg-server";
import { hasChromium, launchBrowser } from "../e2e/browser";
import { SERVER_NODE_FLAGS } from "../../app/server/node-flags";

const root = fileURLToPath(new URL("../..", import.meta.url));

async function startOnce(dataDir: string, port: number) {
  const started = performance.now();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, "--import", "tsx", "app/server/main.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(await freePort()) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const PUBLIC_PAGES = [
  "/",
  "/ja",
  "/membership",
  "/ja/membership",
  "/join",
  "/ja/join",
  "/donate",
  "/ja/donate",
  "/sponsor",
  "/ja/sponsor",
  "/sponsors",
  "/ja/sponsors",
];

async function javascriptPerPage(base: string): Promise<void> {
  if (!hasChromium) {
    console.log("  JavaScript per page: skipped (no Chromium)");
    return;
  }
  const browser = await launchBrowser();
  try {
    for (const p of PUBLIC_PAGES) {
      const page = await browser.newPage();
      const bodies: Promise<Buffer>[] = [];
      page.on("response", (r) => {
        if (r.request().resourceType() === "script") bodies.push(r.body());
      });
      await page.goto(base + p, { waitUntil: "networkidle" });
      const files = await Promise.all(bodies);
      const gz = files.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
      const raw = files.reduce((n, b) => n + b.length, 0);
      console.log(
        `  ${p.padEnd(15)} ${String(files.length).padStart(2)} scripts, ${(gz / 1024).toFixed(1)} KiB gzipped (${(raw / 1024).toFixed(0)} KiB raw)${gz > 100 * 1024 ? "  over the 100 KiB target" : ""}`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

export async function benchStartup(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kizuna-bench-start-"));
  chmodSync(dir, 0o755);
  const port = await freePort();
  try {
    const cold = await startOnce(dir, port);
    await cold.stop();
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await startOnce(dir, port);
      warm.push(run.seconds);
      if (i === 0) await javascriptPerPage(`http://127.0.0.1:${port}`);
      await run.stop();
    }
    warm.sort((a, b) => a - b);
    console.log(`  cold start (empty data dir, initdb + migrate + seed, to /healthz 200): ${cold.seconds.toFixed(2)} s`);
    console.log(`  warm start (median of 3): ${warm[1]!.toFixed(2)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

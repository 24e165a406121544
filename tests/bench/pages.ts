/**
 * `npm run bench -- pages`: server rendering of the public pages beside a bare Remix app.
 *
 * The bench builds the bare app itself in a temporary directory, from this project's own
 * node_modules (so the same Remix, React and Express versions): one route serving a static
 * page of about 9 KB, behind the same Express adapter. Both run with NODE_ENV=production;
 * Kizuna with the server's own flags on a fresh, seeded database. autocannon (-c 10, 10 s;
 * BENCH_PAGES_SECONDS changes it) loads each page in turn, three interleaved rounds
 * (bare, then every Kizuna page, three times), and the medians are compared. Kizuna's RSS is
 * sampled every 100 ms while it is under load; the peak is printed.
 *
 * Targets (issue 15): every public page at least half the bare page's requests per second in
 * the same run, and RSS under load at most 250 MB.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import postgres from "postgres";
import { connect } from "../../db/client";
import { applyMigrations } from "../../db/migrate";
import { seed } from "../../db/seed";
import { SERVER_NODE_FLAGS } from "../../app/server/node-flags";
import { freePort, startTestPgServer } from "../setup/pg-server";

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_PAGES_SECONDS ?? 10);
const ROUNDS = 3;
const PAGES = ["/", "/membership", "/ja/membership", "/join", "/donate", "/sponsors", "/healthz"];

/** The bare app: a root with Remix's document parts and one route of static text (~9 KB of HTML). */
function writeBareApp(dir: string) {
  mkdirSync(path.join(dir, "app", "routes"), { recursive: true });
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  // The same versions as Kizuna's (Remix reads its server runtime from the dependencies).
  const ours = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const dependencies = Object.fromEntries(
    ["@remix-run/node", "@remix-run/react", "@remix-run/express", "express", "react", "react-dom"].map((name) => [name, ours.dependencies[name]]),
  );
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bare", private: true, type: "module", sideEffects: false, dependencies }));
  const config = readFileSync(path.join(root, "remix.config.js"), "utf8").match(/future:\s*\{[^}]*\}/)?.[0] ?? "future: {}";
  writeFileSync(path.join(dir, "remix.config.js"), `export default { serverModuleFormat: "esm", ${config} };\n`);
  writeFileSync(
    path.join(dir, "app", "root.tsx"),
    `import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
export default function App() {
  return (
    <html lang="en">
      <head><meta charSet="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><Meta /><Links /></head>
      <body><Outlet /><ScrollRestoration /><Scripts /></body>
    </html>
  );
}
`,
  );
  const paragraph = "The Japan–United States Sister City Association supports exchanges between cities, towns, states and prefectures in both countries. ";
  writeFileSync(
    path.join(dir, "app", "routes", "_index.tsx"),
    `const TEXT = ${JSON.stringify(paragraph.repeat(4))};
export default function Index() {
  return (<main><h1>A static page</h1>{Array.from({ length: 14 }, (_, i) => <p key={i}>{TEXT}</p>)}</main>);
}
`,
  );
  writeFileSync(
    path.join(dir, "server.mjs"),
    `import { createRequestHandler } from "@remix-run/express";
import express from "express";
const build = await import("./build/index.js");
const app = express();
app.disable("x-powered-by");
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.all("*", createRequestHandler({ build, mode: "production" }));
app.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
`,
  );
}

export async function waitFor(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`server did not answer ${url} within 60 s:\n${output()}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function startServer(args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

function rssMb(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** One autocannon run (its own process) against url: mean requests per second, and any errors or non-2xx answers. */
async function load(url: string): Promise<{ rps: number; bad: number }> {
  const { stdout } = await run(
    process.execPath,
    [path.join(root, "node_modules", "autocannon", "autocannon.js"), "-c", "10", "-d", String(SECONDS), "-j", url],
    {
      maxBuffer: 16 * 1024 * 1024,
      timeout: (SECONDS + 60) * 1000,
    },
  );
  const result = JSON.parse(stdout) as { requests: { average: number }; non2xx: number; errors: number; timeouts: number };
  return { rps: result.requests.average, bad: result.non2xx + result.errors + result.timeouts };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchPages(): Promise<void> {
  const bareDir = mkdtempSync(path.join(os.tmpdir(), "kizuna-bench-bare-"));
  const pg = await startTestPgServer();
  const dbName = `kizuna_bench_pages_${randomBytes(4).toString("hex")}`;
  const admin = postgres(pg.url("postgres"), { max: 1, onnotice: () => {} });
  let bare: ReturnType<typeof startServer> | undefined;
  let kizuna: ReturnType<typeof startServer> | undefined;
  try {
    writeBareApp(bareDir);
    await run(process.execPath, [path.join(root, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], { cwd: bareDir, timeout: 120_000 });

    await admin.unsafe(`create database "${dbName}"`);
    const url = pg.url(dbName);
    await applyMigrations(url);
    const handle = connect(url, { max: 1 });
    await seed(handle.db);
    await handle.close();

    const barePort = await freePort();
    bare = startServer(["server.mjs"], bareDir, { PORT: String(barePort) });
    const bareUrl = `http://127.0.0.1:${barePort}/`;
    await waitFor(bareUrl, bare.child, bare.output);
    const html = await (await fetch(bareUrl)).text();

    const port = await freePort();
    kizuna = startServer([...SERVER_NODE_FLAGS, "--import", "tsx", "app/server/main.ts"], root, {
      DATABASE_URL: url,
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      SESSION_SECRET: "bench-session-secret-0123456789abcdef",
      UNSAFE_DEMO_IN_PRODUCTION: "payments,email",
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/healthz`, kizuna.child, kizuna.output);
    const pid = kizuna.child.pid!;
    console.log(
      `  bare Remix: one static route, ${(Buffer.byteLength(html) / 1024).toFixed(1)} KB of HTML; autocannon -c 10 -d ${SECONDS}, ${ROUNDS} interleaved rounds; RSS at start ${rssMb(pid).toFixed(0)} MB`,
    );

    const rps = new Map<string, number[]>([["bare", []], ...PAGES.map((p): [string, number[]] => [p, []])]);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const b = await load(bareUrl);
        if (b.bad) throw new Error(`the bare app answered ${b.bad} requests with errors`);
        rps.get("bare")!.push(b.rps);
        for (const p of PAGES) {
          const r = await load(base + p);
          if (r.bad) throw new Error(`${p} answered ${r.bad} requests with errors:\n${kizuna.output().slice(-2000)}`);
          rps.get(p)!.push(r.rps);
        }
      }
    } finally {
      clearInterval(sampler);
    }
    const bareMedian = median(rps.get("bare")!);
    console.log(`  ${"page".padEnd(16)} ${"req/s (median)".padStart(14)}  ${"of bare".padStart(7)}   runs`);
    console.log(
      `  ${"bare".padEnd(16)} ${bareMedian.toFixed(0).padStart(14)}  ${"1.00".padStart(7)}   ${rps
        .get("bare")!
        .map((x) => x.toFixed(0))
        .join(" / ")}`,
    );
    const below: string[] = [];
    for (const p of PAGES) {
      const m = median(rps.get(p)!);
      const ratio = m / bareMedian;
      if (p !== "/healthz" && ratio < 0.5) below.push(p);
      console.log(
        `  ${p.padEnd(16)} ${m.toFixed(0).padStart(14)}  ${ratio.toFixed(2).padStart(7)}   ${rps
          .get(p)!
          .map((x) => x.toFixed(0))
          .join(" / ")}`,
      );
    }
    console.log(`  Kizuna's peak RSS under load: ${peak.toFixed(0)} MB (target ≤ 250)${peak > 250 ? "  over the target" : ""}`);
    console.log(below.length ? `  below half the bare page: ${below.join(", ")}` : "  every public page is at least half the bare page's rate");
  } finally {
    await kizuna?.stop();
    await bare?.stop();
    await admin.unsafe(`drop database if exists "${dbName}" with (force)`).catch(() => {});
    await admin.end({ timeout: 5 });
    await pg.stop();
    rmSync(bareDir, { recursive: true, force: true });
  }
}

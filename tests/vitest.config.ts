import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));
const alias = { "~": fileURLToPath(new URL("../app", import.meta.url)) };

export default defineConfig({
  root,
  resolve: { alias },
  test: {
    // Global setups' teardowns (dropping the run's databases, stopping the app) may not wait forever.
    teardownTimeout: 60_000,
    // A file stuck while importing fails the run, named (no test timeout covers that phase).
    reporters: ["default", "./tests/setup/run-guard.ts"],
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          root,
          include: ["tests/unit/**/*.test.{ts,tsx}"],
          setupFiles: ["tests/setup/console.ts"],
          testTimeout: 15_000,
          hookTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          root,
          include: ["tests/integration/**/*.test.{ts,tsx}"],
          globalSetup: ["tests/setup/database.global.ts"],
          setupFiles: ["tests/setup/console.ts", "tests/setup/stripe-handlers.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          root,
          include: ["tests/e2e/**/*.test.{ts,tsx}"],
          globalSetup: ["tests/setup/database.global.ts", "tests/setup/app.global.ts"],
          setupFiles: ["tests/setup/console.ts", "tests/setup/stripe-handlers.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

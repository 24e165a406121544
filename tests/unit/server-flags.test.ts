import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SERVER_NODE_FLAGS } from "../../app/server/node-flags";

const root = new URL("../../", import.meta.url);

describe("the flags the server runs with", () => {
  it("are the same in npm start, npm run serve and CI's start-up check as in the tests and benchmarks", () => {
    const scripts = (JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { scripts: Record<string, string> }).scripts;
    const ci = readFileSync(new URL(".ci/run", root), "utf8");
    const launch = `node ${SERVER_NODE_FLAGS.join(" ")} --import tsx app/server/main.ts`;
    expect(scripts.start).toBe(`remix build && ${launch}`);
    expect(scripts.serve).toBe(launch);
    expect(ci).toContain(launch);
  });
});

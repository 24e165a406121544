/**
 * The server matches routes through @remix-run/router 1.23.3 with .patches' fix applied: the
 * flattened, ranked branches of a route tree are kept per routes array and a pattern's RegExp is
 * compiled once (npm ci applies it; `npm run bench -- pages` shows what it buys). These tests fail
 * when the patch is not applied, and when the caches answer one tree's match with another's.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AgnosticRouteObject as RouteObject } from "@remix-run/router";
import { describe, expect, it } from "vitest";

// The CommonJS build, the one Node's server loads (vite would otherwise resolve the ESM one).
const require = createRequire(import.meta.url);
const { matchPath, matchRoutes } = require("@remix-run/router") as typeof import("@remix-run/router");

function tree(prefix: string): RouteObject[] {
  return [
    {
      id: `${prefix}root`,
      path: "",
      children: [
        { id: `${prefix}home`, path: ":lang?", index: true },
        { id: `${prefix}membership`, path: ":lang?/membership" },
        { id: `${prefix}member`, path: "staff/members/:memberId" },
        { id: `${prefix}splat`, path: ":lang?/*" },
      ],
    },
  ];
}

const ids = (routes: RouteObject[], path: string) => matchRoutes(routes, path)?.map((m) => m.route.id);

describe("route matching (patched @remix-run/router)", () => {
  it("runs the patched router on the server", () => {
    const source = readFileSync(require.resolve("@remix-run/router"), "utf8");
    expect(require("@remix-run/router/package.json").version).toBe("1.23.3");
    expect(source).toContain("rankedBranchesCache.get(routes)");
    expect(source).toContain("compiledPaths.get(key)");
  });

  it("matches optional language segments, params and the splat the same on every call", () => {
    const routes = tree("");
    for (let i = 0; i < 3; i++) {
      expect(ids(routes, "/")).toEqual(["root", "home"]);
      expect(ids(routes, "/ja/membership")).toEqual(["root", "membership"]);
      expect(ids(routes, "/membership")).toEqual(["root", "membership"]);
      expect(matchRoutes(routes, "/staff/members/abc")?.[1]?.params).toEqual({ memberId: "abc" });
      expect(ids(routes, "/no/such/page")).toEqual(["root", "splat"]);
    }
  });

  it("answers each route tree from its own branches, never from another's", () => {
    const first = tree("a:");
    const second = tree("b:");
    expect(ids(first, "/ja/membership")).toEqual(["a:root", "a:membership"]);
    expect(ids(second, "/ja/membership")).toEqual(["b:root", "b:membership"]);
    expect(ids(first, "/membership")).toEqual(["a:root", "a:membership"]);
    expect(matchRoutes([{ id: "only", path: "/x" }], "/ja/membership")).toBeNull();
  });

  it("keeps case sensitivity and end matching apart for one pattern", () => {
    expect(matchPath({ path: "/Staff", caseSensitive: true }, "/staff")).toBeNull();
    expect(matchPath({ path: "/Staff", caseSensitive: false }, "/staff")).not.toBeNull();
    expect(matchPath({ path: "/staff", end: true }, "/staff/members")).toBeNull();
    expect(matchPath({ path: "/staff", end: false }, "/staff/members")?.pathnameBase).toBe("/staff");
  });
});

/**
 * The domain modules (app/modules/<domain>/) form no import cycle between them: ESLint's
 * import-x/no-cycle already refuses a cycle between files, and this refuses one between
 * domains (billing → donations → billing through different files, say), so a domain is
 * never entangled with the ones built on it. Imports are read with TypeScript's own parser;
 * type-only imports are left out (nothing of them exists at run time), dynamic imports count.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const modules = path.resolve(__dirname, "../../app/modules");

/** Every .ts/.tsx file under a directory, as paths relative to app/modules. */
function sourceFiles(dir = modules): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [path.relative(modules, full)] : [];
  });
}

/** The module specifiers a file imports at run time (static, re-exported and dynamic). */
export function runtimeImports(source: string, fileName = "file.ts"): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, fileName.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          clause.namedBindings &&
          ts.isNamedImports(clause.namedBindings) &&
          clause.namedBindings.elements.length > 0 &&
          clause.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The domain (first folder under app/modules) a specifier from `from` names, or null (a package, or a shared file at the top). */
function domainOf(from: string, specifier: string): string | null {
  let target: string;
  if (specifier.startsWith(".")) target = path.normalize(path.join(path.dirname(from), specifier));
  else if (specifier.startsWith("~/modules/")) target = specifier.slice("~/modules/".length);
  else return null;
  if (target.startsWith("..")) return null;
  const parts = target.split(path.sep);
  return parts.length > 1 ? parts[0]! : null;
}

/** domain → the other domains it imports, with one file that does for each. */
function domainGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles()) {
    const from = file.split(path.sep)[0]!;
    if (from === file) continue; // app/modules/forms.ts and the registration root: not a domain
    const edges = graph.get(from) ?? new Map<string, string>();
    graph.set(from, edges);
    for (const specifier of runtimeImports(readFileSync(path.join(modules, file), "utf8"), file)) {
      const to = domainOf(file, specifier);
      if (to && to !== from && !edges.has(to)) edges.set(to, `${file} → ${specifier}`);
    }
  }
  return graph;
}

/** Every cycle's shortest path back to a domain, as "a → b → a" with the imports that make it. */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  for (const start of graph.keys()) {
    // Breadth-first from start: the shortest way back to it, if any.
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const at = queue.shift()!;
      for (const next of graph.get(at)?.keys() ?? []) {
        if (next === start) {
          const pathBack = [at];
          while (pathBack[0] !== start) pathBack.unshift(previous.get(pathBack[0]!)!);
          const hops = [...pathBack, start];
          const via = hops.slice(1).map((to, i) => graph.get(hops[i]!)!.get(to)!);
          found.push(`${hops.join(" → ")} (${via.join("; ")})`);
          queue.length = 0;
          break;
        }
        if (!previous.has(next) && next !== start) {
          previous.set(next, at);
          queue.push(next);
        }
      }
    }
  }
  return found;
}

describe("the domain modules", () => {
  it("import one another without a cycle", () => {
    const graph = domainGraph();
    // The check sees the real graph: billing builds on receipts and email, donations on billing.
    expect(graph.get("billing")?.has("receipts")).toBe(true);
    expect(graph.get("donations")?.has("billing")).toBe(true);
    expect(cycles(graph)).toEqual([]);
  });

  it("would name a cycle, with the imports that close it", () => {
    const graph = new Map([
      ["billing", new Map([["donations", "billing/handlers.server.ts → ../donations/x"]])],
      ["donations", new Map([["billing", "donations/y.ts → ../billing/z"]])],
    ]);
    expect(cycles(graph)[0]).toBe("billing → donations → billing (billing/handlers.server.ts → ../donations/x; donations/y.ts → ../billing/z)");
  });

  it("count run-time imports only", () => {
    const source = [
      'import type { A } from "../a/a";',
      'import { type B } from "../b/b";',
      'import { c } from "../c/c";',
      'export { d } from "../d/d";',
      'const e = await import("../e/e");',
    ].join("\n");
    expect(runtimeImports(source)).toEqual(["../c/c", "../d/d", "../e/e"]);
  });
});

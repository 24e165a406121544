// `npm run lint` (with Prettier and knip): typescript-eslint's recommended rules, React's and its
// hooks' rules, import hygiene, no route talking to the database directly, and every statement in
// its domain's *.queries.server.ts.
import importX from "eslint-plugin-import-x";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "node_modules/**", ".cache/**", "tests/.artifacts/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js}"],
    plugins: { react, "react-hooks": reactHooks, "import-x": importX },
    settings: {
      react: { version: "18.3" },
      "import-x/resolver-next": [createTypeScriptImportResolver()],
      // TypeScript files are read for their imports (no-cycle follows them).
      "import-x/extensions": [".ts", ".tsx", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
    },
    rules: {
      ...react.configs.recommended.rules,
      ...react.configs["jsx-runtime"].rules,
      ...reactHooks.configs.recommended.rules,
      "react/prop-types": "off",
      "import-x/no-duplicates": "error",
      "import-x/first": "error",
      "import-x/no-self-import": "error",
      // No module imports itself back through others (type-only imports, such as a route's
      // component naming `typeof loader`, are not cycles at run time and are left out).
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    // Routes reach the database through the domain modules, never directly.
    files: ["app/routes/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/db/client", "**/db/schema", "drizzle-orm", "drizzle-orm/*", "postgres"],
              message: "Routes use app/modules; only they talk to the database.",
            },
          ],
        },
      ],
    },
  },
  {
    // A domain's statements live in its *.queries.server.ts; use-cases import those functions
    // (and may name the schema's types).
    files: ["app/modules/**/*.{ts,tsx}"],
    ignores: ["app/modules/**/*.queries.server.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/db/schema", "drizzle-orm", "drizzle-orm/*"],
              allowTypeImports: true,
              message: "Statements live in the domain's *.queries.server.ts; import the query function instead.",
            },
          ],
        },
      ],
    },
  },
  {
    // Test helpers named use… (useTestDatabase) are not React hooks.
    files: ["tests/**/*.{ts,tsx}"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
);

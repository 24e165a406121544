/**
 * Loads the Remix server build before tsx is registered (SERVER_NODE_FLAGS puts this
 * `--import` ahead of tsx's). Loaded through tsx, the 850 KB bundle was transformed again with a
 * source map and held twice: 197 MB of RSS at start instead of 108 MB. app/server/main.ts then
 * imports the same URL and gets this module instance. Without a build, main.ts says what to do.
 */
import { existsSync } from "node:fs";

const build = new URL("../../build/index.js", import.meta.url);
if (existsSync(build)) await import(build.href);

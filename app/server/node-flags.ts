/**
 * The flags Node runs the server with: package.json's start and serve scripts, .ci/run, the
 * e2e app and the benchmarks' app and export processes all use these (a unit test keeps the
 * scripts in step).
 *
 * --max-semi-space-size=4: V8's young generation in 4 MB halves instead of 16 MB. Measured on
 * a million-member XLSX export (exceljs allocates a great deal): peak RSS 183 MB instead of
 * 227 MB, growth from 10,000 to 1,000,000 members 53 MB instead of 69 MB, and 10% faster;
 * webhook ingestion unchanged (825 vs 797 events/s, the same app CPU per delivery). 1 MB
 * halves cost the webhooks 15% more CPU.
 */
export const NODE_HEAP_FLAGS = ["--max-semi-space-size=4"] as const;

/**
 * The app server's: the heap flags, an old generation of at most 256 MB, and the Remix build
 * loaded before tsx (see preload-build.mjs).
 *
 * --max-old-space-size=256: under page load (npm run bench -- pages) the server holds about
 * 77 MB after a full collection, but without a limit V8 let the old generation grow to 280 MB
 * between collections and the process reached 460–510 MB RSS; with the limit it stays near
 * 240 MB, at the same requests per second within the run's noise. 256 MB is three times what
 * the server keeps; exports run in their own process with the heap flags only.
 */
export const SERVER_NODE_FLAGS = [...NODE_HEAP_FLAGS, "--max-old-space-size=256", "--import", "./app/server/preload-build.mjs"] as const;

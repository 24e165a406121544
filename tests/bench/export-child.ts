/**
 * One export in a process of its own, so its peak memory (maxRSS) is the export's alone:
 * `tsx tests/bench/export-child.ts <database url> <staff user id> <csv|xlsx> [preset]`.
 * The file goes to a counting sink (as fast as a client could read it); prints one JSON line.
 */
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { connect } from "../../db/client";
import { exportMembers, type ExportFormat, type ExportPreset } from "../../app/modules/exports/exports.server";

const [url, staffId, format, preset = "roll"] = process.argv.slice(2) as [string, string, ExportFormat, ExportPreset];
const handle = connect(url, { max: 2 });
const baseRss = process.memoryUsage().rss;
const started = performance.now();
let firstByteMs = -1;
let bytes = 0;
let peakSampled = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakSampled = Math.max(peakSampled, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed + m.external + m.arrayBuffers);
}, 50);
const file = await exportMembers(handle.db, { staff: { id: staffId, locale: "ja" }, filter: { sort: "name", dir: "asc" }, format, preset });
await pipeline(
  file.body,
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (firstByteMs < 0) firstByteMs = performance.now() - started;
      bytes += chunk.length;
      cb();
    },
  }),
);
const rows = await file.done;
const wallMs = performance.now() - started;
clearInterval(sampler);
await handle.close();
console.log(
  JSON.stringify({
    rows,
    bytes,
    firstByteMs,
    wallMs,
    baseRssMb: baseRss / 2 ** 20,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    sampledPeakMb: peakSampled / 2 ** 20,
    peakHeapMb: peakHeap / 2 ** 20,
  }),
);

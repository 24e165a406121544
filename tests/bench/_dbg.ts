import { Writable } from "node:stream";
import { connect } from "../../db/client";
import { exportMembers } from "../../app/modules/exports/exports.server";
const [url, staffId] = process.argv.slice(2) as [string, string];
const handle = connect(url, { max: 2 });
const file = await exportMembers(handle.db, { staff: { id: staffId, locale: "ja" }, filter: { sort: "name", dir: "asc" }, format: "csv", preset: "roll" });
let bytes = 0;
file.body.pipe(new Writable({ write(c: Buffer, _e, cb) { bytes += c.length; cb(); } }));
const timer = setTimeout(() => {
  const b = file.body as any;
  console.log("STUCK bytes", bytes, "body ended", b.writableEnded, "finished", b.writableFinished, "readableEnded", b.readableEnded, "destroyed", b.destroyed);
  process.exit(3);
}, 8000);
file.body.on("end", () => console.log("body end", bytes));
const rows = await file.done;
console.log("done", rows, bytes);
clearTimeout(timer);
await handle.close();

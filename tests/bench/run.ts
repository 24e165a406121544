/** `npm run bench`: every benchmark, printing figures. Builds the app first (npm run bench does). */
import { benchAccount } from "./account";
import { benchBackup } from "./backup";
import { benchEmails } from "./emails";
import { benchMembers } from "./members";
import { benchPages } from "./pages";
import { benchStartup } from "./startup";
import { benchStatements } from "./statements";
import { benchWebhooks } from "./webhooks";

const benches: [string, () => Promise<void>][] = [
  ["start-up", benchStartup],
  ["emails", benchEmails],
  ["webhooks", benchWebhooks],
  ["statements", benchStatements],
  ["members", benchMembers],
  ["backup", benchBackup],
  ["pages", benchPages],
  ["account", benchAccount],
];

const only = process.argv.slice(2);
for (const [name, run] of benches) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n# ${name}`);
  await run();
}

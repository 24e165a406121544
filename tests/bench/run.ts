/** `npm run bench`: every benchmark, printing figures. Builds the app first (npm run bench does). */
import { benchEmails } from "./emails";
import { benchMembers } from "./members";
import { benchStartup } from "./startup";
import { benchWebhooks } from "./webhooks";

const benches: [string, () => Promise<void>][] = [
  ["start-up", benchStartup],
  ["emails", benchEmails],
  ["webhooks", benchWebhooks],
  ["members", benchMembers],
];

const only = process.argv.slice(2);
for (const [name, run] of benches) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n# ${name}`);
  await run();
}

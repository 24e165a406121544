/**
 * Emailed links are signed with a configured secret, or with a key each installation generates
 * for itself in its data directory: never with a key anyone can read in the source.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseEnv } from "~/modules/config/env.server";
import { portalToken, verifyPortalToken } from "~/modules/billing/portal-links.server";
import { donationManageToken, verifyDonationManageToken } from "~/modules/donations/links.server";
import { seatManageToken, verifySeatManageToken } from "~/modules/corporate/tokens.server";
import { receiptToken, verifyReceiptToken } from "~/modules/receipts/receipts.server";

const dirs: string[] = [];
const installation = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kizuna-secrets-"));
  dirs.push(dir);
  return parseEnv({ NODE_ENV: "test", DATA_DIR: dir });
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const ID = "0b5e7d3a-1111-4222-8333-444455556666";

describe("signed links", () => {
  it("without a configured secret, each installation signs with its own key, kept in its data directory", () => {
    const a = installation();
    const b = installation();
    expect(receiptToken(a, "2026-000001")).not.toBe(receiptToken(b, "2026-000001"));
    expect(verifyReceiptToken(b, "2026-000001", receiptToken(a, "2026-000001"))).toBe(false);
    expect(verifyPortalToken(b, portalToken(a, ID))).toBeNull();
    expect(verifyDonationManageToken(b, donationManageToken(a, ID))).toBeNull();
    expect(verifySeatManageToken(b, seatManageToken(a, ID))).toBeNull();
    // The key is a file of the installation's, private to its owner, and a restart reads it back.
    const file = path.join(a.DATA_DIR, "link-secret");
    expect(readFileSync(file, "utf8")).toMatch(/^[0-9a-f]{48}\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = parseEnv({ NODE_ENV: "test", DATA_DIR: a.DATA_DIR });
    expect(verifyReceiptToken(again, "2026-000001", receiptToken(a, "2026-000001"))).toBe(true);
    expect(verifyPortalToken(again, portalToken(a, ID))).toBe(ID);
  });

  it("with SESSION_SECRET (and RECEIPT_LINK_SECRET for receipts), the data directory plays no part; one kind of link never opens another", () => {
    const secret = { NODE_ENV: "test", SESSION_SECRET: "k".repeat(40) };
    const a = parseEnv({ ...secret, DATA_DIR: installation().DATA_DIR });
    const b = parseEnv({ ...secret, DATA_DIR: installation().DATA_DIR });
    expect(verifyPortalToken(b, portalToken(a, ID))).toBe(ID);
    expect(verifyReceiptToken(b, "2026-000002", receiptToken(a, "2026-000002"))).toBe(true);
    const ownReceiptKey = parseEnv({ ...secret, RECEIPT_LINK_SECRET: "r".repeat(40) });
    expect(verifyReceiptToken(ownReceiptKey, "2026-000002", receiptToken(a, "2026-000002"))).toBe(false);
    expect(verifyDonationManageToken(a, portalToken(a, ID))).toBeNull();
    expect(verifySeatManageToken(a, donationManageToken(a, ID))).toBeNull();
    expect(verifyPortalToken(a, portalToken(a, ID, Date.now() - 46 * 86_400_000))).toBeNull(); // expired
  });
});

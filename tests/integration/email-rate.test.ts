/**
 * The email rate is shared by every instance on the database: each send takes the next slot of
 * one clock in PostgreSQL, so two instances together stay under Resend's per-team limit.
 */
import { describe, expect, it } from "vitest";
import { connect } from "../../db/client";
import { SharedRateLimiter } from "~/modules/mailer/worker.server";
import { parseEnv } from "~/modules/config/env.server";
import { useTestDatabase } from "../setup/test-db";

const t = useTestDatabase();

describe("the shared email rate", () => {
  it("two instances taking slots at once get them one interval apart, never together", async () => {
    const other = connect(t.url, { max: 2 });
    try {
      const waits: number[] = [];
      const record = async (ms: number) => {
        waits.push(ms);
      };
      // 20 per second: a slot every 50 ms, shared by both instances' limiters.
      const a = new SharedRateLimiter(t.db, "test-clock", 20, record);
      const b = new SharedRateLimiter(other.db, "test-clock", 20, record);
      const slots = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take()));
      const sorted = [...slots].sort((x, y) => x - y);
      // Never closer than one interval (later, when a call comes after the previous slot has passed).
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!, `slot ${i}`).toBeGreaterThanOrEqual(49.9);
      expect(new Set(sorted).size).toBe(10);
      // Calls that came together were told to wait for their slots (the sleep here only records).
      // How many depends on how fast the machine answers: a call that reaches PostgreSQL after the
      // previous slot has passed rightly waits for nothing, so only "some did" is asserted.
      expect(waits.filter((w) => w > 0).length).toBeGreaterThan(0);
      // After a quiet spell there is no burst to catch up: the next slot is now.
      await new Promise((resolve) => setTimeout(resolve, 600));
      waits.length = 0;
      await a.take();
      expect(waits.every((w) => w < 5)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it("defaults to 1.6 emails a second: a fifth below Resend's 2 per second", () => {
    expect(parseEnv({}).EMAIL_RATE_PER_SECOND).toBe(1.6);
  });
});

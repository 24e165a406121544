import { describe, expect, it } from "vitest";
import { RateLimiter } from "~/modules/email/worker.server";

describe("email rate limit", () => {
  it("spaces sends to the configured rate (2/s: one every 500 ms)", async () => {
    let now = 0;
    const slept: number[] = [];
    const limiter = new RateLimiter(
      2,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
      () => now,
    );
    const at: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter.take();
      at.push(now);
    }
    expect(at).toEqual([0, 500, 1000, 1500, 2000]);
    // After a quiet spell there is no catching up in a burst.
    now += 10_000;
    await limiter.take();
    await limiter.take();
    expect(slept.at(-1)).toBe(500);
  });
});

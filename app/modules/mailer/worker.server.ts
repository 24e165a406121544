/**
 * The outbox worker: claims due rows with SELECT … FOR UPDATE SKIP LOCKED (so any number of
 * app instances can run it), renders each, and sends it through Resend with the outbox id as
 * the Idempotency-Key.
 *
 * - Claiming moves a row to `sending` with a lease (next_attempt_at = now + lease). A worker
 *   that dies after Resend accepted but before marking the row leaves it `sending`; once the
 *   lease runs out another worker claims it and sends again under the same key, which Resend
 *   answers with the first result instead of a second email.
 * - 429, 5xx, network errors (and 401/403/409, which an operator or a moment can fix): retry
 *   with exponential backoff and full jitter, never sooner than Retry-After.
 * - 400/422 and other 4xx: failed with Resend's reason, no retry. Bad rows (unknown template,
 *   a locale other than en/ja, bad props, a missing receipt): failed with the reason. Each row
 *   fails alone; the rest of the batch goes on.
 * - After EMAIL_MAX_ATTEMPTS: failed, with the last error.
 * - No RESEND_API_KEY: rows are rendered and kept (`kept_locally`).
 * - Sends are spaced to EMAIL_RATE_PER_SECOND per process (Resend's default is 2/s per team).
 */
import type { Database } from "../../../db/client";
import type { EmailOutboxRow } from "../../../db/schema";
import { EmailDataError } from "../../../emails/index";
import type { Env } from "../config/env.server";
import { listOutboxRowsById, updateDueEmailsToSending, updateSendingEmail, upsertRateClockSlot, type EmailOutboxUpdate } from "./mailer.queries.server";
import { renderOutboxRow } from "./render.server";
import { createResendClient, type Resend } from "./resend.server";

export interface WorkerOptions {
  db: Database;
  env: Env;
  /** Defaults to the client made from env (null without RESEND_API_KEY). */
  resend?: Resend | null;
  clock?: () => Date;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  batchSize?: number;
  /** How long a claimed row stays with its worker before another may take it over. */
  leaseMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Test hook: runs after Resend accepted an email and before the row is marked sent. */
  afterAccept?: (row: EmailOutboxRow) => void | Promise<void>;
}

export interface BatchResult {
  claimed: number;
  sent: number;
  kept: number;
  retried: number;
  failed: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Spaces calls to at most `perSecond` per second across every instance sharing the database:
 * each call takes the next slot of a clock row in PostgreSQL (one short statement) and waits for
 * it. Two instances therefore share Resend's per-team limit instead of each using all of it.
 */
export class SharedRateLimiter {
  constructor(
    private readonly db: Database,
    private readonly name: string,
    private readonly perSecond: number,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {}
  /** Waits for this call's slot; returns the slot (PostgreSQL's clock, ms since the epoch). */
  async take(): Promise<number> {
    const interval = `${(1000 / this.perSecond).toFixed(3)} milliseconds`;
    // The slot is PostgreSQL's clock, and so is the wait: instances' clocks need not agree.
    const row = await upsertRateClockSlot(this.db, this.name, interval);
    const wait = Number(row?.wait_ms ?? 0);
    if (wait > 0) await this.sleep(wait);
    return Number(row!.slot_ms);
  }
}

/** Exponential backoff with full jitter, at least Retry-After. */
export function retryDelayMs(attempt: number, retryAfterSeconds: number | null, backoff: { baseMs: number; maxMs: number }, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  const floor = retryAfterSeconds !== null && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : 0;
  return Math.round(Math.max(jittered, floor));
}

function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - now.getTime()) / 1000);
}

/** Claims up to `limit` due rows: pending and due, or `sending` whose lease ran out. */
export async function claimDueEmails(db: Database, now: Date, limit: number, leaseMs: number): Promise<EmailOutboxRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const claimed = await updateDueEmailsToSending(db, now, leaseUntil, limit);
  if (claimed.length === 0) return [];
  const ids = claimed.map((r) => r.id);
  const rows = await listOutboxRowsById(db, ids);
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** ASCII only, as Resend requires of tags. */
const asciiTag = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 256) || "unknown";

export class EmailWorker {
  private readonly resend: Resend | null;
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly limiter: SharedRateLimiter;
  private readonly backoff: { baseMs: number; maxMs: number };

  constructor(private readonly options: WorkerOptions) {
    this.resend = options.resend === undefined ? createResendClient(options.env) : options.resend;
    this.clock = options.clock ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? realSleep;
    this.limiter = new SharedRateLimiter(options.db, "resend", options.env.EMAIL_RATE_PER_SECOND, this.sleep);
    this.backoff = options.backoff ?? { baseMs: 30_000, maxMs: 60 * 60_000 };
  }

  /** Claims one batch and works through it. */
  async runOnce(): Promise<BatchResult> {
    const { db } = this.options;
    const batchSize = this.options.batchSize ?? 10;
    // The lease outlasts the batch even at a slow rate, so no row is taken over while it waits its turn.
    const leaseMs = this.options.leaseMs ?? Math.max(120_000, (2 * 1000 * batchSize) / this.options.env.EMAIL_RATE_PER_SECOND);
    const rows = await claimDueEmails(db, this.clock(), batchSize, leaseMs);
    const result: BatchResult = { claimed: rows.length, sent: 0, kept: 0, retried: 0, failed: 0 };
    for (const row of rows) {
      const outcome = await this.deliver(row);
      result[outcome] += 1;
    }
    return result;
  }

  /** Runs batches until none is due (tests and the benchmark). */
  async drain(): Promise<BatchResult> {
    const total: BatchResult = { claimed: 0, sent: 0, kept: 0, retried: 0, failed: 0 };
    for (;;) {
      const r = await this.runOnce();
      for (const k of Object.keys(total) as (keyof BatchResult)[]) total[k] += r[k];
      if (r.claimed === 0) return total;
    }
  }

  private async mark(row: EmailOutboxRow, values: EmailOutboxUpdate) {
    await updateSendingEmail(this.options.db, row.id, values);
  }

  private async deliver(row: EmailOutboxRow): Promise<"sent" | "kept" | "retried" | "failed"> {
    const { db, env } = this.options;
    let rendered;
    try {
      rendered = await renderOutboxRow(db, env, row);
    } catch (error) {
      if (error instanceof EmailDataError) {
        await this.mark(row, { status: "failed", lastError: error.message });
        return "failed";
      }
      return this.retryOrFail(row, `render failed: ${error instanceof Error ? error.message : String(error)}`, null);
    }
    const stored = { subject: rendered.subject, html: rendered.html, text: rendered.text };
    if (!this.resend) {
      await this.mark(row, { ...stored, status: "kept_locally", lastError: null });
      return "kept";
    }
    await this.mark(row, stored);
    await this.limiter.take();
    const { data, error, headers } = await this.resend.emails.send(
      {
        from: env.MAIL_FROM,
        to: [row.toEmail],
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        attachments: rendered.attachments.length ? rendered.attachments : undefined,
        tags: [
          { name: "template", value: asciiTag(row.template) },
          { name: "locale", value: asciiTag(row.locale) },
        ],
      },
      { idempotencyKey: row.id },
    );
    if (data && !error) {
      await this.options.afterAccept?.(row);
      await this.mark(row, { status: "sent", resendId: data.id, sentAt: this.clock(), lastError: null });
      return "sent";
    }
    const status = error?.statusCode ?? null;
    const reason = `Resend ${status ?? "network error"}${error?.name ? ` ${error.name}` : ""}: ${error?.message ?? "no response"}`;
    const retryable = status === null || status === 429 || status >= 500 || status === 401 || status === 403 || status === 409;
    if (!retryable) {
      await this.mark(row, { status: "failed", lastError: reason });
      return "failed";
    }
    return this.retryOrFail(row, reason, parseRetryAfter(headers?.["retry-after"], this.clock()));
  }

  private async retryOrFail(row: EmailOutboxRow, reason: string, retryAfterSeconds: number | null) {
    const max = this.options.env.EMAIL_MAX_ATTEMPTS;
    if (row.attempts >= max) {
      await this.mark(row, { status: "failed", lastError: `gave up after ${row.attempts} attempts; last: ${reason}` });
      return "failed" as const;
    }
    const delay = retryDelayMs(row.attempts, retryAfterSeconds, this.backoff, this.random);
    await this.mark(row, { status: "pending", lastError: reason, nextAttemptAt: new Date(this.clock().getTime() + delay) });
    return "retried" as const;
  }
}

/**
 * The worker loop for the server: polls every `pollMs`, works due rows, and stops cleanly
 * (the current batch finishes) when `stop()` is awaited.
 */
export function startEmailWorker(options: WorkerOptions & { pollMs?: number; onError?: (error: unknown) => void }) {
  const worker = new EmailWorker(options);
  const pollMs = options.pollMs ?? 2_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      try {
        while (!stopped) {
          const r = await worker.runOnce();
          if (r.claimed === 0) break;
        }
      } catch (error) {
        (options.onError ?? ((e) => console.error("email worker:", e)))(error);
      }
      if (!stopped) timer = setTimeout(tick, pollMs);
    })();
  };
  tick();
  return {
    worker,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** Dates typed as YYYY-MM-DD, browser-safe (zod only). */
import { z } from "zod";

/** YYYY-MM-DD of a day that exists, from year 1000 to 9999 (2026-02-30 does not exist: Date would roll it over to March). */
export function isoDate(message = "date") {
  return z
    .string()
    .regex(/^[1-9]\d{3}-\d{2}-\d{2}$/, message)
    .refine((s) => {
      const day = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === s;
    }, message);
}

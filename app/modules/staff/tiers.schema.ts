/** The tier form. Error messages are keys of `staff.tiers_.errors`. Safe for the browser. */
import { z } from "zod";

/** Amounts are stored in minor units as 4-byte integers: 10 million (dollars or yen) keeps every one of them in range. */
const money = z.preprocess(
  (v) => (v === "" || v === undefined ? undefined : v),
  z.coerce.number({ message: "amount" }).min(0.01, "amount").max(10_000_000, "amount").optional(),
);
const lines = z
  .string()
  .max(4000)
  .transform((s) =>
    s
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  );

export const TierFormSchema = z
  .object({
    intent: z.literal("save"),
    id: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().max(2_147_483_647).optional()),
    slug: z
      .string()
      .trim()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "slug")
      .max(60, "slug"),
    kind: z.enum(["individual", "corporate"]),
    nameEn: z.string().trim().min(1, "required").max(100),
    nameJa: z.string().trim().min(1, "required").max(100),
    descriptionEn: z.string().trim().max(1000),
    descriptionJa: z.string().trim().max(1000),
    benefitsEn: lines,
    benefitsJa: lines,
    seats: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1, "seats").max(10_000).optional()),
    fmvUsd: z.preprocess((v) => (v === "" ? "0" : v), z.coerce.number({ message: "amount" }).min(0, "amount").max(10_000_000, "amount")),
    fmvJpy: z.preprocess((v) => (v === "" ? "0" : v), z.coerce.number({ message: "amount" }).int("amount").min(0, "amount").max(10_000_000, "amount")),
    priceYearUsd: money,
    priceMonthUsd: money,
    priceYearJpy: money,
    priceMonthJpy: money,
  })
  .superRefine((v, ctx) => {
    if ((v.kind === "corporate") !== (v.seats !== undefined)) ctx.addIssue({ code: "custom", path: ["seats"], message: "seats" });
  });
export type TierForm = z.infer<typeof TierFormSchema>;

export const TierArchiveSchema = z.object({ intent: z.enum(["archive", "restore"]), id: z.coerce.number().int().positive().max(2_147_483_647) });

import { describe, expect, it } from "vitest";
import { dictionary } from "~/modules/i18n/i18n";
import { formStrings, formValues, keepValues } from "~/modules/forms";
import { JOIN_ERROR_KEYS } from "~/modules/people/join.fields";
import { parseJoinForm } from "~/modules/people/join.schema.server";
import { DONATE_ERROR_KEYS } from "~/modules/donations/donate.fields";
import { SPONSOR_ERROR_KEYS } from "~/modules/corporate/corporate.fields";

const tiers = [{ slug: "individual", prices: [{ currency: "USD" as const, interval: "year" as const }] }];
const good = {
  tier: "individual",
  currency: "USD",
  interval: "year",
  familyName: "Davis",
  givenName: "Susan",
  email: "Susan@Example.com",
  country: "US",
  postalCode: "55102",
  state: "MN",
  city: "St. Paul",
  addressLine1: "15 Kellogg Blvd W",
  preferredLocale: "en",
};

describe("one form helper", () => {
  it("takes only the form's own fields, as strings (a file or an unknown field is left out)", () => {
    const form = new FormData();
    form.set("familyName", "山田");
    form.set("logo", new Blob(["x"]), "logo.png");
    form.set("role", "admin");
    expect(formValues(form, ["familyName", "givenName", "logo"] as const)).toEqual({ familyName: "山田" });
  });

  it("keeps what was typed to show again, cut to 1,000 characters", () => {
    expect(keepValues({ city: "x".repeat(5000), other: "y", email: 5 }, ["city", "email"] as const)).toEqual({ city: "x".repeat(1000) });
  });

  it("gives each field its first problem as a key the page translates, and zod's own messages the fallback", () => {
    const parsed = parseJoinForm({ ...good, familyName: "", email: "not an email", country: "FR", tier: ["array"] }, { pageLocale: "en", tiers });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({ familyName: "required", email: "invalidEmail", country: "invalidChoice", tier: "required" });
    const t = dictionary("ja");
    // Every key the schema can give has its Japanese words.
    expect(Object.values(parsed.errors).map((key) => t.join.errors[key])).not.toContain(undefined);
  });

  it("parses a good form into the data the use-case takes", () => {
    const parsed = parseJoinForm(good, { pageLocale: "en", tiers });
    expect(parsed).toMatchObject({ ok: true, data: { email: "susan@example.com", region: "MN", familyNameKana: null } });
  });

  it("every error key of the public forms is translated in both languages", () => {
    for (const locale of ["en", "ja"] as const) {
      const t = dictionary(locale);
      for (const key of JOIN_ERROR_KEYS) expect(t.join.errors[key], `${locale} join ${key}`).toBeTruthy();
      for (const key of DONATE_ERROR_KEYS) expect(t.donate.errors[key], `${locale} donate ${key}`).toBeTruthy();
      for (const key of SPONSOR_ERROR_KEYS) expect(t.sponsor.errors[key], `${locale} sponsor ${key}`).toBeTruthy();
    }
  });
});

describe("formStrings", () => {
  it("takes each name's first string and leaves files out, so a file cannot pass as a value", () => {
    const form = new FormData();
    form.append("intent", "archive");
    form.append("intent", "restore");
    form.append("slug", new Blob(["x"]), "slug.txt");
    expect(formStrings(form)).toEqual({ intent: "archive" });
  });
});

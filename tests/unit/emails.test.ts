import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EmailDataError, renderEmail, TEMPLATE_NAMES, templates } from "../../emails";
import { en } from "../../emails/locales/en";
import { ja } from "../../emails/locales/ja";

const leaks = /undefined|null|NaN|\[object|Invalid Date/;

describe("every email template", () => {
  for (const name of TEMPLATE_NAMES) {
    for (const locale of ["en", "ja"] as const) {
      it(`${name} renders in ${locale} with no missing string, and its plain-text part matches the snapshot`, async () => {
        const props = templates[name].previews[locale] as Record<string, unknown>;
        const email = await renderEmail(name, locale, props);
        expect(email.subject.length).toBeGreaterThan(3);
        expect(email.subject).not.toMatch(leaks);
        expect(email.text).not.toMatch(leaks);
        expect(email.html).not.toContain("\0");
        expect(email.html).toContain(`lang="${locale}"`);
        // The shared layout: both names of the association, the address, manage and language links.
        expect(email.text).toContain("Japan–United States Sister City Association");
        expect(email.text).toContain("日米姉妹都市協会");
        expect(email.html).toContain("/language?to=");
        if (locale === "ja") expect(email.text).toMatch(/[\u3040-\u30ff]/);
        expect(email.text).toMatchSnapshot();
      });
    }
  }

  it("greets in Japanese with the family name first and 様, and in English with the given name", async () => {
    const person = { kind: "person", familyName: "山田", givenName: "太郎" } as const;
    const base = templates.welcome.previews.ja as Record<string, unknown>;
    const jaMail = await renderEmail("welcome", "ja", { ...base, recipient: person });
    expect(jaMail.text).toContain("山田 太郎 様");
    expect(jaMail.text).not.toContain("太郎 山田");
    const enMail = await renderEmail("welcome", "en", { ...base, recipient: { kind: "person", familyName: "Smith", givenName: "Jane" } });
    expect(enMail.text).toContain("Dear Jane,");
    expect(enMail.text).not.toContain("様");
  });

  it("writes to someone who is not a member (a tribute notice, a seat invitation) without member greetings or a membership footer", async () => {
    for (const name of ["tribute-notification", "seat-invitation"] as const) {
      for (const locale of ["en", "ja"] as const) {
        const mail = await renderEmail(name, locale, templates[name].previews[locale] as Record<string, unknown>);
        expect(mail.text, `${name} ${locale}`).not.toMatch(/会員の皆さま|貴殿|Manage your membership|会員情報の確認・変更/);
        expect(mail.text).toContain(locale === "ja" ? "1通のみお送りしています" : "You receive this one email");
      }
    }
    const tribute = templates["tribute-notification"].previews.ja as Record<string, unknown>;
    const notified = await renderEmail("tribute-notification", "ja", { ...tribute, notifyName: "佐藤 花子" });
    // Greeted once, by the name typed for them, with 様.
    expect(notified.text.match(/佐藤 花子 様/g)).toHaveLength(1);
    // A name typed with its honorific gets no second 様; one typed without gets 様.
    for (const [typed, shown] of [
      ["田中 一郎 先生", "田中 一郎 先生に敬意を表して"],
      ["山本様", "山本様に敬意を表して"],
      ["鈴木 次郎", "鈴木 次郎様に敬意を表して"],
    ] as const) {
      const mail = await renderEmail("tribute-notification", "ja", { ...tribute, tributeKind: "honor", tributeName: typed, notifyName: "田中 花子 さん" });
      expect(mail.text).toContain(shown);
      expect(mail.subject).not.toMatch(/様様|先生様|さん様/);
      expect(mail.text).not.toMatch(/様様|先生様|さん 様/);
    }
  });

  it("addresses a company with 御中 in Japanese and by its name in English", async () => {
    const base = templates["payment-action-required"].previews.ja as Record<string, unknown>;
    const jaMail = await renderEmail("payment-action-required", "ja", base);
    expect(jaMail.text).toContain("株式会社さくら商事 御中");
    const enMail = await renderEmail("payment-action-required", "en", { ...base, recipient: { kind: "organisation", name: "Acme Corporation" } });
    expect(enMail.text).toContain("Dear Acme Corporation,");
  });

  it("formats dates and money through Intl in each language", async () => {
    const base = templates["renewal-reminder"].previews.en as Record<string, unknown>;
    const props = { ...base, renewsAt: "2026-11-28T03:00:00.000Z", amount: 8000, currency: "JPY" };
    const enMail = await renderEmail("renewal-reminder", "en", { ...props, amount: 6000, currency: "USD" });
    expect(enMail.text).toContain("November 28, 2026");
    expect(enMail.text).toContain("$60.00");
    const jaMail = await renderEmail("renewal-reminder", "ja", props);
    expect(jaMail.text).toContain("2026年11月28日");
    expect(jaMail.text).toMatch(/[¥￥]8,000/);
  });

  it("puts both languages on a receipt, the reader's first", async () => {
    const jaMail = await renderEmail("receipt", "ja", templates.receipt.previews.ja as Record<string, unknown>);
    const first = jaMail.text.indexOf("領収書番号");
    const second = jaMail.text.indexOf("Receipt number");
    expect(first).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
    expect(jaMail.text).not.toContain("太郎 山田"); // a kanji name keeps family-first order in the English half too
    const enMail = await renderEmail("receipt", "en", templates.receipt.previews.en as Record<string, unknown>);
    expect(enMail.text.indexOf("Receipt number")).toBeLessThan(enMail.text.indexOf("領収書番号"));
    expect(enMail.text).toContain("$220.00");
  });

  it("refuses an unknown template, a locale other than en/ja and bad props with a clear message", async () => {
    await expect(renderEmail("newsletter", "en", {})).rejects.toThrow(/unknown email template "newsletter"/);
    await expect(renderEmail("welcome", "fr", templates.welcome.previews.en as Record<string, unknown>)).rejects.toThrow(/unsupported email locale "fr"/);
    await expect(renderEmail("welcome", "en", { recipient: { kind: "person" } })).rejects.toBeInstanceOf(EmailDataError);
    await expect(renderEmail("welcome", "en", { recipient: { kind: "person" } })).rejects.toThrow(/recipient\.familyName/);
  });

  it("has a Japanese preview for `npx email dev` beside every template, showing the Japanese props", async () => {
    const files = readdirSync(new URL("../../emails", import.meta.url))
      .filter((f) => f.endsWith(".tsx"))
      .map((f) => f.replace(/\.tsx$/, ""));
    expect(files.sort()).toEqual([...TEMPLATE_NAMES].sort());
    for (const name of files) {
      const preview = (await import(`../../emails/ja/${name}.tsx`)) as { default: { PreviewProps?: unknown } };
      expect(preview.default.PreviewProps, name).toEqual(templates[name as (typeof TEMPLATE_NAMES)[number]].previews.ja);
    }
  });

  it("has every English string in Japanese too (same keys)", () => {
    const keys = (o: object): string[] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === "object" ? keys(v).map((s) => `${k}.${s}`) : [k]));
    expect(keys(ja).sort()).toEqual(keys(en).sort());
  });
});

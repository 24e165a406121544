import { Body } from "@react-email/body";
import { Button } from "@react-email/button";
import { Container } from "@react-email/container";
import { Head } from "@react-email/head";
import { Hr } from "@react-email/hr";
import { Html } from "@react-email/html";
import { Link } from "@react-email/link";
import { Preview } from "@react-email/preview";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";
import type { ReactNode } from "react";
import { strings } from "../locales";
import { greetingName, type EmailLocale, type Recipient } from "./format";
import { languageSwitchUrl, previewSite, sitePath, type Site } from "./site";

/** Props every template takes besides its own data. */
export interface BaseEmailProps {
  locale: EmailLocale;
  /** The association as configured; the worker passes it, previews use the example. */
  site?: Site;
}

const font = '"Helvetica Neue", Arial, "Hiragino Kaku Gothic ProN", "Hiragino Sans", Meiryo, "Noto Sans JP", sans-serif';
const styles = {
  body: { backgroundColor: "#f4f1ec", fontFamily: font, margin: 0, padding: "24px 0" },
  container: { backgroundColor: "#ffffff", maxWidth: "560px", margin: "0 auto", padding: "32px", borderRadius: "6px" },
  brand: { fontSize: "13px", color: "#7a2e2e", margin: 0, letterSpacing: "0.02em" },
  text: { fontSize: "15px", lineHeight: "1.7", color: "#1f1f1f" },
  button: { backgroundColor: "#7a2e2e", color: "#ffffff", padding: "12px 20px", borderRadius: "4px", fontSize: "15px", textDecoration: "none" },
  footer: { fontSize: "12px", lineHeight: "1.6", color: "#6b6b6b", margin: "4px 0" },
  link: { color: "#7a2e2e" },
  codeLabel: { fontSize: "13px", color: "#6b6b6b", margin: "0 0 4px" },
  code: { fontSize: "28px", fontWeight: 700, letterSpacing: "0.3em", fontFamily: "Menlo, Consolas, monospace", color: "#1f1f1f", margin: 0 },
} as const;

export function EmailLayout(props: {
  locale: EmailLocale;
  site?: Site;
  preview: string;
  recipient?: Recipient;
  /** Where "manage your membership" leads; defaults to the member area (a company's contact signs in there too). */
  manageUrl?: string;
  /**
   * "member" (the default): members, donors and their contacts, with the manage link. "other":
   * someone who is not (yet) one of them (a tribute notice, a seat invitation): no membership
   * footer, and a footer saying why this one email came.
   */
  audience?: "member" | "other";
  /** For "other": the name as typed for them (already with its honorific), when there is one. */
  greetingName?: string | null;
  children: ReactNode;
}) {
  const { locale, preview, recipient, children } = props;
  const site = props.site ?? previewSite;
  const t = strings(locale).layout;
  const other = props.audience === "other";
  const greeting = other ? t.greetingOther(props.greetingName ?? greetingName(recipient, locale)) : t.greeting(greetingName(recipient, locale));
  // The member area, for a person and for a company's contact (who signs in there to manage it).
  const manageUrl = props.manageUrl ?? sitePath(site, locale, "/account");
  return (
    <Html lang={locale} dir="ltr">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>{locale === "ja" ? `${site.legalNameJa} ${site.legalNameEn}` : `${site.legalNameEn} ${site.legalNameJa}`}</Text>
          <Hr />
          {greeting ? <Text style={styles.text}>{greeting}</Text> : null}
          {children}
          <Text style={styles.text}>
            {t.signOff}
            <br />
            {t.team}
          </Text>
          <Hr />
          <Section>
            <Text style={styles.footer}>
              {site.legalNameEn} · {site.addressEn}
            </Text>
            <Text style={styles.footer}>
              {site.legalNameJa} · {site.addressJa}
            </Text>
            <Text style={styles.footer}>
              {other ? null : (
                <>
                  <Link href={manageUrl} style={styles.link}>
                    {t.manage}
                  </Link>
                  {" · "}
                </>
              )}
              <Link href={languageSwitchUrl(site, locale)} style={styles.link} lang={locale === "ja" ? "en" : "ja"}>
                {t.changeLanguage}
              </Link>
            </Text>
            <Text style={styles.footer}>{other ? t.whyOther : t.why}</Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.text}>{children}</Text>;
}

/** A one-time code, large and spaced so it is easy to read and type (and to select whole). */
export function OneTimeCode({ code, label }: { code: string; label: string }) {
  return (
    <Section style={{ margin: "8px 0 24px" }}>
      <Text style={styles.codeLabel}>{label}</Text>
      <Text style={styles.code}>{code}</Text>
    </Section>
  );
}

export function Cta({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Section style={{ margin: "24px 0" }}>
      <Button href={href} style={styles.button}>
        {children}
      </Button>
    </Section>
  );
}

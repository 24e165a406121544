import { Cta, EmailLayout, OneTimeCode, Paragraph, type BaseEmailProps } from "./components/layout";
import type { Recipient } from "./components/format";
import { strings } from "./locales";

export interface SignInLinkProps extends BaseEmailProps {
  recipient?: Recipient;
  url: string;
  /** A member's sign-in also has a 6-digit code for another device (staff links have none). */
  code?: string;
  expiresMinutes: number;
}

export const subject = (p: SignInLinkProps) => strings(p.locale).signInLink.subject;

export default function SignInLink(p: SignInLinkProps) {
  const t = strings(p.locale).signInLink;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(p.expiresMinutes)}</Paragraph>
      <Cta href={p.url}>{t.cta}</Cta>
      {p.code ? (
        <>
          <Paragraph>{t.codeIntro(p.expiresMinutes)}</Paragraph>
          <OneTimeCode code={p.code} label={t.codeLabel} />
        </>
      ) : null}
      <Paragraph>{t.ignore}</Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", SignInLinkProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    url: "http://localhost:3000/account/verify?token=example",
    code: "042917",
    expiresMinutes: 15,
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    url: "http://localhost:3000/ja/account/verify?token=example",
    code: "042917",
    expiresMinutes: 15,
  },
};
SignInLink.PreviewProps = previews.en;

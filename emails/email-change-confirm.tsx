import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import type { Recipient } from "./components/format";
import { strings } from "./locales";

/** To the new address a member typed on /account/details: the link that makes it theirs. */
export interface EmailChangeConfirmProps extends BaseEmailProps {
  recipient: Recipient;
  url: string;
  expiresHours: number;
}

export const subject = (p: EmailChangeConfirmProps) => strings(p.locale).emailChangeConfirm.subject;

export default function EmailChangeConfirm(p: EmailChangeConfirmProps) {
  const t = strings(p.locale).emailChangeConfirm;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(p.expiresHours)}</Paragraph>
      <Cta href={p.url}>{t.cta}</Cta>
      <Paragraph>{t.ignore}</Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", EmailChangeConfirmProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    url: "http://localhost:3000/account/email/example-token",
    expiresHours: 24,
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    url: "http://localhost:3000/ja/account/email/example-token",
    expiresHours: 24,
  },
};
EmailChangeConfirm.PreviewProps = previews.en;

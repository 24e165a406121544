import { EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import type { Recipient } from "./components/format";
import { strings } from "./locales";

/** To the previous address, once a member's new one is confirmed: so a change they did not make is noticed. */
export interface EmailChangedProps extends BaseEmailProps {
  recipient: Recipient;
  newEmail: string;
}

export const subject = (p: EmailChangedProps) => strings(p.locale).emailChanged.subject;

export default function EmailChanged(p: EmailChangedProps) {
  const t = strings(p.locale).emailChanged;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(p.newEmail)}</Paragraph>
      <Paragraph>{t.notYou}</Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", EmailChangedProps> = {
  en: { locale: "en", recipient: { kind: "person", familyName: "Smith", givenName: "Jane" }, newEmail: "jane.smith@example.org" },
  ja: { locale: "ja", recipient: { kind: "person", familyName: "山田", givenName: "太郎" }, newEmail: "taro.yamada@example.jp" },
};
EmailChanged.PreviewProps = previews.en;

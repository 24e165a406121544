import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import type { Recipient } from "./components/format";
import { strings } from "./locales";

export interface MembershipLapsedProps extends BaseEmailProps {
  recipient: Recipient;
  tierName: { en: string; ja: string };
  renewUrl: string;
}

export const subject = (p: MembershipLapsedProps) => strings(p.locale).membershipLapsed.subject;

export default function MembershipLapsed(p: MembershipLapsedProps) {
  const t = strings(p.locale).membershipLapsed;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(p.tierName[p.locale])}</Paragraph>
      <Cta href={p.renewUrl}>{t.cta}</Cta>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", MembershipLapsedProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    tierName: { en: "Individual", ja: "個人会員" },
    renewUrl: "http://localhost:3000/membership",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    tierName: { en: "Individual", ja: "個人会員" },
    renewUrl: "http://localhost:3000/ja/membership",
  },
};
MembershipLapsed.PreviewProps = previews.en;

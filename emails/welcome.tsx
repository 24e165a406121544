import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { date, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface WelcomeProps extends BaseEmailProps {
  recipient: Recipient;
  tierName: { en: string; ja: string };
  periodEnd: string | null;
  manageUrl: string;
}

export const subject = (p: WelcomeProps) => strings(p.locale).welcome.subject(p.tierName[p.locale]);

export default function Welcome(p: WelcomeProps) {
  const t = strings(p.locale).welcome;
  const tier = p.tierName[p.locale];
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview(tier)} recipient={p.recipient} manageUrl={p.manageUrl}>
      <Paragraph>{t.body(tier)}</Paragraph>
      <Paragraph>{p.periodEnd ? t.periodEnd(date(p.periodEnd, p.locale)) : t.noPeriodEnd}</Paragraph>
      <Paragraph>{t.receiptNote}</Paragraph>
      <Cta href={p.manageUrl}>{t.cta}</Cta>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", WelcomeProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    tierName: { en: "Individual", ja: "個人会員" },
    periodEnd: "2027-11-28T00:00:00.000Z",
    manageUrl: "http://localhost:3000/account",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    tierName: { en: "Individual", ja: "個人会員" },
    periodEnd: "2027-11-28T00:00:00.000Z",
    manageUrl: "http://localhost:3000/ja/account",
  },
};
Welcome.PreviewProps = previews.en;

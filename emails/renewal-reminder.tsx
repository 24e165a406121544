import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { date, money, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface RenewalReminderProps extends BaseEmailProps {
  recipient: Recipient;
  tierName: { en: string; ja: string };
  renewsAt: string;
  amount: number;
  currency: string;
  daysBefore: 30 | 7;
  manageUrl: string;
}

export const subject = (p: RenewalReminderProps) => strings(p.locale).renewalReminder.subject(p.daysBefore);

export default function RenewalReminder(p: RenewalReminderProps) {
  const t = strings(p.locale).renewalReminder;
  const when = date(p.renewsAt, p.locale);
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview(when)} recipient={p.recipient} manageUrl={p.manageUrl}>
      <Paragraph>{t.body(p.tierName[p.locale], when, money(p.amount, p.currency, p.locale))}</Paragraph>
      <Paragraph>{t.noAction}</Paragraph>
      <Cta href={p.manageUrl}>{t.cta}</Cta>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", RenewalReminderProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    tierName: { en: "Individual", ja: "個人会員" },
    renewsAt: "2026-12-28T00:00:00.000Z",
    amount: 6000,
    currency: "USD",
    daysBefore: 30,
    manageUrl: "http://localhost:3000/account",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    tierName: { en: "Individual", ja: "個人会員" },
    renewsAt: "2026-12-05T00:00:00.000Z",
    amount: 8000,
    currency: "JPY",
    daysBefore: 7,
    manageUrl: "http://localhost:3000/ja/account",
  },
};
RenewalReminder.PreviewProps = previews.en;

import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { date, money, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface PaymentFailedProps extends BaseEmailProps {
  recipient: Recipient;
  tierName: { en: string; ja: string };
  amount: number;
  currency: string;
  updateCardUrl: string;
  graceUntil: string;
}

export const subject = (p: PaymentFailedProps) => strings(p.locale).paymentFailed.subject;

export default function PaymentFailed(p: PaymentFailedProps) {
  const t = strings(p.locale).paymentFailed;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(money(p.amount, p.currency, p.locale), p.tierName[p.locale])}</Paragraph>
      <Paragraph>{t.grace(date(p.graceUntil, p.locale))}</Paragraph>
      <Cta href={p.updateCardUrl}>{t.cta}</Cta>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", PaymentFailedProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    tierName: { en: "Individual", ja: "個人会員" },
    amount: 6000,
    currency: "USD",
    updateCardUrl: "http://localhost:3000/membership/card",
    graceUntil: "2026-12-12T00:00:00.000Z",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    tierName: { en: "Individual", ja: "個人会員" },
    amount: 8000,
    currency: "JPY",
    updateCardUrl: "http://localhost:3000/ja/membership/card",
    graceUntil: "2026-12-12T00:00:00.000Z",
  },
};
PaymentFailed.PreviewProps = previews.en;

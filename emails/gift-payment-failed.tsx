import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { money, type Recipient } from "./components/format";
import { strings } from "./locales";

/** A monthly gift's payment was declined: the manage link (no sign-in) leads to updating the card. */
export interface GiftPaymentFailedProps extends BaseEmailProps {
  recipient: Recipient;
  fundName: { en: string; ja: string };
  amount: number;
  currency: string;
  manageUrl: string;
}

export const subject = (p: GiftPaymentFailedProps) => strings(p.locale).giftPaymentFailed.subject;

export default function GiftPaymentFailed(p: GiftPaymentFailedProps) {
  const t = strings(p.locale).giftPaymentFailed;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(money(p.amount, p.currency, p.locale), p.fundName[p.locale])}</Paragraph>
      <Paragraph>{t.retry}</Paragraph>
      <Cta href={p.manageUrl}>{t.cta}</Cta>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", GiftPaymentFailedProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    fundName: { en: "General Fund", ja: "一般基金" },
    amount: 2500,
    currency: "USD",
    manageUrl: "http://localhost:3000/donate/manage/example",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    fundName: { en: "Student Exchange", ja: "学生交流基金" },
    amount: 3000,
    currency: "JPY",
    manageUrl: "http://localhost:3000/ja/donate/manage/example",
  },
};
GiftPaymentFailed.PreviewProps = previews.en;

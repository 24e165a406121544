import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { money, type Recipient } from "./components/format";
import { strings } from "./locales";

/** A monthly gift was stopped (by the donor in the portal, by staff, or by Stripe after failed payments): a confirmation. */
export interface GiftCanceledProps extends BaseEmailProps {
  recipient: Recipient;
  fundName: { en: string; ja: string };
  amount: number;
  currency: string;
  donateUrl: string;
}

export const subject = (p: GiftCanceledProps) => strings(p.locale).giftCanceled.subject;

export default function GiftCanceled(p: GiftCanceledProps) {
  const t = strings(p.locale).giftCanceled;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(money(p.amount, p.currency, p.locale), p.fundName[p.locale])}</Paragraph>
      <Paragraph>{t.thanks}</Paragraph>
      <Cta href={p.donateUrl}>{t.cta}</Cta>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", GiftCanceledProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    fundName: { en: "General Fund", ja: "一般基金" },
    amount: 2500,
    currency: "USD",
    donateUrl: "http://localhost:3000/donate",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    fundName: { en: "Student Exchange", ja: "学生交流基金" },
    amount: 3000,
    currency: "JPY",
    donateUrl: "http://localhost:3000/ja/donate",
  },
};
GiftCanceled.PreviewProps = previews.en;

import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { money, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface PaymentActionRequiredProps extends BaseEmailProps {
  recipient: Recipient;
  amount: number;
  currency: string;
  hostedInvoiceUrl: string;
}

export const subject = (p: PaymentActionRequiredProps) => strings(p.locale).paymentActionRequired.subject;

export default function PaymentActionRequired(p: PaymentActionRequiredProps) {
  const t = strings(p.locale).paymentActionRequired;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(money(p.amount, p.currency, p.locale))}</Paragraph>
      <Cta href={p.hostedInvoiceUrl}>{t.cta}</Cta>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", PaymentActionRequiredProps> = {
  en: {
    locale: "en",
    recipient: { kind: "organisation", name: "Acme Corporation" },
    amount: 25000,
    currency: "USD",
    hostedInvoiceUrl: "https://invoice.stripe.com/i/example",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "organisation", name: "株式会社さくら商事" },
    amount: 70000,
    currency: "JPY",
    hostedInvoiceUrl: "https://invoice.stripe.com/i/example",
  },
};
PaymentActionRequired.PreviewProps = previews.en;

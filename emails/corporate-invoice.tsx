import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { date, money, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface CorporateInvoiceProps extends BaseEmailProps {
  recipient: Recipient;
  tierName: { en: string; ja: string };
  amount: number;
  currency: string;
  dueDate: string;
  poNumber: string | null;
  hostedInvoiceUrl: string;
}

export const subject = (p: CorporateInvoiceProps) => strings(p.locale).corporateInvoice.subject(p.tierName[p.locale]);

/** The invoice for a corporate membership, in the contact's language with a summary in the other. */
export default function CorporateInvoice(p: CorporateInvoiceProps) {
  const t = strings(p.locale).corporateInvoice;
  const other = p.locale === "ja" ? "en" : "ja";
  const o = strings(other).corporateInvoice;
  const amount = money(p.amount, p.currency, p.locale);
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview(amount)} recipient={p.recipient}>
      <Paragraph>{t.body(p.tierName[p.locale], amount, date(p.dueDate, p.locale))}</Paragraph>
      {p.poNumber ? <Paragraph>{t.po(p.poNumber)}</Paragraph> : null}
      <Paragraph>{t.howToPay}</Paragraph>
      <Cta href={p.hostedInvoiceUrl}>{t.cta}</Cta>
      <Paragraph>{t.pending}</Paragraph>
      <Paragraph>
        <span lang={other}>{o.summary(money(p.amount, p.currency, other), date(p.dueDate, other))}</span>
      </Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", CorporateInvoiceProps> = {
  en: {
    locale: "en",
    recipient: { kind: "organisation", name: "Acme Corporation" },
    tierName: { en: "Gold", ja: "ゴールド法人会員" },
    amount: 500000,
    currency: "USD",
    dueDate: "2026-12-28T00:00:00.000Z",
    poNumber: "PO-2026-0042",
    hostedInvoiceUrl: "https://invoice.stripe.com/i/example",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "organisation", name: "株式会社さくら商事" },
    tierName: { en: "Gold", ja: "ゴールド法人会員" },
    amount: 700000,
    currency: "JPY",
    dueDate: "2026-12-28T00:00:00.000Z",
    poNumber: "発注-123",
    hostedInvoiceUrl: "https://invoice.stripe.com/i/example",
  },
};
CorporateInvoice.PreviewProps = previews.en;

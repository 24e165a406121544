import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { date, money, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface CorporateRenewalInvoiceProps extends BaseEmailProps {
  recipient: Recipient;
  tierName: { en: string; ja: string };
  amount: number;
  currency: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  poNumber: string | null;
  hostedInvoiceUrl: string;
}

export const subject = (p: CorporateRenewalInvoiceProps) => strings(p.locale).corporateRenewalInvoice.subject(p.tierName[p.locale]);

/** Next year's invoice for a company that pays by invoice, in the contact's language with a summary in the other. */
export default function CorporateRenewalInvoice(p: CorporateRenewalInvoiceProps) {
  const t = strings(p.locale).corporateRenewalInvoice;
  const other = p.locale === "ja" ? "en" : "ja";
  const o = strings(other).corporateRenewalInvoice;
  const amount = money(p.amount, p.currency, p.locale);
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview(amount)} recipient={p.recipient}>
      <Paragraph>{t.body(p.tierName[p.locale], date(p.periodStart, p.locale), date(p.periodEnd, p.locale))}</Paragraph>
      <Paragraph>{t.amount(amount, date(p.dueDate, p.locale))}</Paragraph>
      {p.poNumber ? <Paragraph>{t.po(p.poNumber)}</Paragraph> : null}
      <Paragraph>{t.howToPay}</Paragraph>
      <Cta href={p.hostedInvoiceUrl}>{t.cta}</Cta>
      <Paragraph>{t.keep}</Paragraph>
      <Paragraph>
        <span lang={other}>{o.summary(money(p.amount, p.currency, other), date(p.dueDate, other))}</span>
      </Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", CorporateRenewalInvoiceProps> = {
  en: {
    locale: "en",
    recipient: { kind: "organisation", name: "Acme Corporation" },
    tierName: { en: "Silver", ja: "シルバー法人会員" },
    amount: 250000,
    currency: "USD",
    periodStart: "2027-01-15T00:00:00.000Z",
    periodEnd: "2028-01-15T00:00:00.000Z",
    dueDate: "2027-01-14T00:00:00.000Z",
    poNumber: "4500012345",
    hostedInvoiceUrl: "https://invoice.stripe.com/i/example",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "organisation", name: "株式会社さくら商事" },
    tierName: { en: "Gold", ja: "ゴールド法人会員" },
    amount: 700000,
    currency: "JPY",
    periodStart: "2027-01-15T00:00:00.000Z",
    periodEnd: "2028-01-15T00:00:00.000Z",
    dueDate: "2027-01-14T00:00:00.000Z",
    poNumber: "発注-123",
    hostedInvoiceUrl: "https://invoice.stripe.com/i/example",
  },
};
CorporateRenewalInvoice.PreviewProps = previews.en;

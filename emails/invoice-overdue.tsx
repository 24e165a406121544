import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { date, money, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface InvoiceOverdueProps extends BaseEmailProps {
  recipient: Recipient;
  amount: number;
  currency: string;
  invoiceNumber: string;
  dueDate: string | null;
  poNumber: string | null;
  hostedInvoiceUrl: string;
}

export const subject = (p: InvoiceOverdueProps) => strings(p.locale).invoiceOverdue.subject(p.invoiceNumber);

/** invoice.overdue: a reminder that a company's invoice is past due, with a summary in the other language. */
export default function InvoiceOverdue(p: InvoiceOverdueProps) {
  const t = strings(p.locale).invoiceOverdue;
  const other = p.locale === "ja" ? "en" : "ja";
  const o = strings(other).invoiceOverdue;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(p.invoiceNumber, money(p.amount, p.currency, p.locale), p.dueDate ? date(p.dueDate, p.locale) : "")}</Paragraph>
      {p.poNumber ? <Paragraph>{t.po(p.poNumber)}</Paragraph> : null}
      <Cta href={p.hostedInvoiceUrl}>{t.cta}</Cta>
      <Paragraph>{t.alreadyPaid}</Paragraph>
      <Paragraph>
        <span lang={other}>{o.summary(p.invoiceNumber, money(p.amount, p.currency, other))}</span>
      </Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", InvoiceOverdueProps> = {
  en: {
    locale: "en",
    recipient: { kind: "organisation", name: "Acme Corporation" },
    amount: 500000,
    currency: "USD",
    invoiceNumber: "ABCD-0001",
    dueDate: "2026-12-28T00:00:00.000Z",
    poNumber: "PO-2026-0042",
    hostedInvoiceUrl: "https://invoice.stripe.com/i/example",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "organisation", name: "株式会社さくら商事" },
    amount: 700000,
    currency: "JPY",
    invoiceNumber: "ABCD-0001",
    dueDate: "2026-12-28T00:00:00.000Z",
    poNumber: null,
    hostedInvoiceUrl: "https://invoice.stripe.com/i/example",
  },
};
InvoiceOverdue.PreviewProps = previews.en;

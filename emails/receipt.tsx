import { Column } from "@react-email/column";
import { Hr } from "@react-email/hr";
import { Link } from "@react-email/link";
import { Row } from "@react-email/row";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";
import { EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { addressee, date, money, type EmailLocale, type Recipient } from "./components/format";
import { strings } from "./locales";

/** A receipt as the email shows it; the worker builds it from the receipt row and its snapshot. */
export interface ReceiptEmailData {
  number: string;
  issuedAt: string;
  /** Number of the receipt this one corrects (a refund). */
  correctsNumber?: string | null;
  amount: number;
  currency: string;
  deductibleAmount: number;
  purpose: { en: string; ja: string };
  method: { type: string; brand?: string | null; last4?: string | null };
}

export interface ReceiptProps extends BaseEmailProps {
  recipient: Recipient;
  receipt: ReceiptEmailData;
  /** The printable receipt page (a signed link). */
  viewUrl: string;
  /** Monthly gifts: the signed page to change, pause or stop the gift (valid without signing in). */
  manageUrl?: string | null;
}

export const subject = (p: ReceiptProps) => {
  const t = strings(p.locale).receipt;
  return p.receipt.correctsNumber ? t.correctedSubject(p.receipt.number) : t.subject(p.receipt.number);
};

function methodLabel(method: ReceiptEmailData["method"], locale: EmailLocale): string {
  const name = strings(locale).methods[method.type] ?? method.type;
  const brand = method.brand ? ` ${method.brand.toUpperCase()}` : "";
  return method.last4 ? `${name}${brand} •••• ${method.last4}` : `${name}${brand}`;
}

const label = { fontSize: "13px", color: "#6b6b6b", margin: "2px 0" } as const;
const value = { fontSize: "14px", color: "#1f1f1f", margin: "2px 0" } as const;

function Block({ p, locale }: { p: ReceiptProps; locale: EmailLocale }) {
  const t = strings(locale).receipt;
  const r = p.receipt;
  const rows: [string, string][] = [
    [t.number, r.number],
    [t.date, date(r.issuedAt, locale)],
    [t.payer, addressee(p.recipient, locale)],
    [t.purpose, r.purpose[locale]],
    [t.amount, money(r.amount, r.currency, locale)],
    [t.method, methodLabel(r.method, locale)],
    [t.deductible, money(r.deductibleAmount, r.currency, locale)],
  ];
  return (
    <Section lang={locale}>
      <Text style={{ fontSize: "18px", fontWeight: 700, margin: "16px 0 8px" }}>{t.heading}</Text>
      <Paragraph>{t.thanks}</Paragraph>
      {r.correctsNumber ? <Paragraph>{t.corrected(r.correctsNumber)}</Paragraph> : null}
      {rows.map(([k, v]) => (
        <Row key={k}>
          <Column style={{ width: "45%" }}>
            <Text style={label}>{k}</Text>
          </Column>
          <Column>
            <Text style={value}>{v}</Text>
          </Column>
        </Row>
      ))}
      <Text style={value}>
        <Link href={p.viewUrl}>{t.view}</Link>
      </Text>
      {p.manageUrl ? (
        <Text style={value}>
          {strings(locale).receiptManage.monthly} <Link href={p.manageUrl}>{strings(locale).receiptManage.cta}</Link>
        </Text>
      ) : null}
    </Section>
  );
}

/** Receipts carry both languages, the reader's first. */
export default function Receipt(p: ReceiptProps) {
  const other: EmailLocale = p.locale === "ja" ? "en" : "ja";
  return (
    <EmailLayout
      locale={p.locale}
      site={p.site}
      preview={strings(p.locale).receipt.preview(money(p.receipt.amount, p.receipt.currency, p.locale))}
      recipient={p.recipient}
    >
      <Block p={p} locale={p.locale} />
      <Hr />
      <Block p={p} locale={other} />
    </EmailLayout>
  );
}

const receipt: ReceiptEmailData = {
  number: "2026-000123",
  issuedAt: "2026-11-28T03:00:00.000Z",
  amount: 25000,
  currency: "USD",
  deductibleAmount: 22000,
  purpose: { en: "Patron membership dues", ja: "パトロン会員 年会費として" },
  method: { type: "card", brand: "visa", last4: "4242" },
};

export const previews: Record<"en" | "ja", ReceiptProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    receipt,
    viewUrl: "http://localhost:3000/receipts/2026-000123?token=example",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    receipt: { ...receipt, amount: 30000, currency: "JPY", deductibleAmount: 30000, purpose: { en: "General Fund donation", ja: "一般基金へのご寄付として" } },
    viewUrl: "http://localhost:3000/ja/receipts/2026-000123?token=example",
  },
};
Receipt.PreviewProps = previews.en;

import { Column } from "@react-email/column";
import { Hr } from "@react-email/hr";
import { Row } from "@react-email/row";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";
import { EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { date, money, type EmailLocale, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface StatementGift {
  paidAt: string;
  fundName: { en: string; ja: string };
  amount: number;
  currency: "USD" | "JPY";
  refundedAmount: number;
  receiptNumber: string | null;
}

/** A donor's gifts for a year (calendar, or April–March): each gift, and a total per currency (never summed across). */
export interface GivingStatementProps extends BaseEmailProps {
  recipient: Recipient;
  period: { year: number; fiscal: "calendar" | "april"; start: string; end: string };
  gifts: StatementGift[];
  totals: { amount: number; currency: "USD" | "JPY" }[];
}

export function periodLabel(period: GivingStatementProps["period"], locale: EmailLocale): string {
  const t = strings(locale).givingStatement;
  return period.fiscal === "april" ? t.fiscal(period.year) : t.calendar(period.year);
}

export const subject = (p: GivingStatementProps) => strings(p.locale).givingStatement.subject(periodLabel(p.period, p.locale));

const cell = { fontSize: "13px", color: "#1f1f1f", margin: "2px 0" } as const;
const head = { ...cell, color: "#6b6b6b" } as const;

function Block({ p, locale }: { p: GivingStatementProps; locale: EmailLocale }) {
  const t = strings(locale).givingStatement;
  return (
    <Section lang={locale}>
      <Text style={{ fontSize: "18px", fontWeight: 700, margin: "16px 0 8px" }}>{t.heading(periodLabel(p.period, locale))}</Text>
      <Paragraph>{t.intro}</Paragraph>
      {p.gifts.length === 0 ? <Paragraph>{t.none}</Paragraph> : null}
      {p.gifts.length > 0 ? (
        <Row>
          <Column>
            <Text style={head}>{t.date}</Text>
          </Column>
          <Column>
            <Text style={head}>{t.fund}</Text>
          </Column>
          <Column>
            <Text style={head}>{t.amount}</Text>
          </Column>
          <Column>
            <Text style={head}>{t.receipt}</Text>
          </Column>
        </Row>
      ) : null}
      {p.gifts.map((g, i) => (
        <Row key={i}>
          <Column>
            <Text style={cell}>{date(g.paidAt, locale)}</Text>
          </Column>
          <Column>
            <Text style={cell}>{g.fundName[locale]}</Text>
          </Column>
          <Column>
            <Text style={cell}>
              {money(g.amount, g.currency, locale)}
              {g.refundedAmount > 0 ? ` (${t.refunded(money(g.refundedAmount, g.currency, locale))})` : ""}
            </Text>
          </Column>
          <Column>
            <Text style={cell}>{g.receiptNumber ?? "—"}</Text>
          </Column>
        </Row>
      ))}
      {p.totals.map((total) => (
        <Text key={total.currency} style={{ ...cell, fontWeight: 700 }}>
          {t.total(total.currency)}: {money(total.amount, total.currency, locale)}
        </Text>
      ))}
      <Paragraph>{t.noGoods}</Paragraph>
    </Section>
  );
}

/** Bilingual, the reader's language first (like receipts). */
export default function GivingStatement(p: GivingStatementProps) {
  const other: EmailLocale = p.locale === "ja" ? "en" : "ja";
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={strings(p.locale).givingStatement.preview(periodLabel(p.period, p.locale))} recipient={p.recipient}>
      <Block p={p} locale={p.locale} />
      <Hr />
      <Block p={p} locale={other} />
    </EmailLayout>
  );
}

const gifts: StatementGift[] = [
  {
    paidAt: "2026-03-14T01:00:00.000Z",
    fundName: { en: "General Fund", ja: "一般基金" },
    amount: 10000,
    currency: "USD",
    refundedAmount: 0,
    receiptNumber: "2026-000012",
  },
  {
    paidAt: "2026-08-02T01:00:00.000Z",
    fundName: { en: "Student Exchange", ja: "学生交流基金" },
    amount: 10000,
    currency: "JPY",
    refundedAmount: 0,
    receiptNumber: "2026-000345",
  },
];
export const previews: Record<"en" | "ja", GivingStatementProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    period: { year: 2026, fiscal: "calendar", start: "2025-12-31T15:00:00.000Z", end: "2026-12-31T15:00:00.000Z" },
    gifts,
    totals: [
      { amount: 10000, currency: "USD" },
      { amount: 10000, currency: "JPY" },
    ],
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    period: { year: 2026, fiscal: "april", start: "2026-03-31T15:00:00.000Z", end: "2027-03-31T15:00:00.000Z" },
    gifts,
    totals: [
      { amount: 10000, currency: "USD" },
      { amount: 10000, currency: "JPY" },
    ],
  },
};
GivingStatement.PreviewProps = previews.en;

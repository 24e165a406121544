import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { date, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface SponsorWelcomeProps extends BaseEmailProps {
  recipient: Recipient;
  tierName: { en: string; ja: string };
  seats: number;
  periodEnd: string;
  manageUrl: string;
  sponsorsUrl: string;
}

export const subject = (p: SponsorWelcomeProps) => strings(p.locale).sponsorWelcome.subject(p.tierName[p.locale]);

/** To the primary contact when the company's membership is paid: the signed link to manage seats. */
export default function SponsorWelcome(p: SponsorWelcomeProps) {
  const t = strings(p.locale).sponsorWelcome;
  const other = p.locale === "ja" ? "en" : "ja";
  const o = strings(other).sponsorWelcome;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(p.tierName[p.locale], date(p.periodEnd, p.locale))}</Paragraph>
      <Paragraph>{t.seats(p.seats)}</Paragraph>
      <Cta href={p.manageUrl}>{t.cta}</Cta>
      <Paragraph>{t.keepLink}</Paragraph>
      <Paragraph>
        <span lang={other}>{o.summary(p.seats)}</span>
      </Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", SponsorWelcomeProps> = {
  en: {
    locale: "en",
    recipient: { kind: "organisation", name: "Acme Corporation" },
    tierName: { en: "Gold", ja: "ゴールド法人会員" },
    seats: 10,
    periodEnd: "2027-11-28T00:00:00.000Z",
    manageUrl: "http://localhost:3000/sponsor/seats/example",
    sponsorsUrl: "http://localhost:3000/sponsors",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "organisation", name: "株式会社さくら商事" },
    tierName: { en: "Gold", ja: "ゴールド法人会員" },
    seats: 10,
    periodEnd: "2027-11-28T00:00:00.000Z",
    manageUrl: "http://localhost:3000/ja/sponsor/seats/example",
    sponsorsUrl: "http://localhost:3000/ja/sponsors",
  },
};
SponsorWelcome.PreviewProps = previews.en;

import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { type Recipient } from "./components/format";
import { strings } from "./locales";

export interface SeatInvitationProps extends BaseEmailProps {
  recipient?: Recipient;
  organisationName: { en: string; ja: string };
  tierName: { en: string; ja: string };
  acceptUrl: string;
  expiresDays: number;
}

export const subject = (p: SeatInvitationProps) => strings(p.locale).seatInvitation.subject(p.organisationName[p.locale]);

/** An employee is offered one of the company's membership seats. Both languages: we do not know the invitee's yet. */
export default function SeatInvitation(p: SeatInvitationProps) {
  const t = strings(p.locale).seatInvitation;
  const other = p.locale === "ja" ? "en" : "ja";
  const o = strings(other).seatInvitation;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview(p.organisationName[p.locale])} recipient={p.recipient} audience="other">
      <Paragraph>{t.body(p.organisationName[p.locale], p.tierName[p.locale])}</Paragraph>
      <Cta href={p.acceptUrl}>{t.cta}</Cta>
      <Paragraph>{t.expires(p.expiresDays)}</Paragraph>
      <Paragraph>
        <span lang={other}>{o.body(p.organisationName[other], p.tierName[other])}</span>
      </Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", SeatInvitationProps> = {
  en: {
    locale: "en",
    organisationName: { en: "Acme Corporation", ja: "アクメ株式会社" },
    tierName: { en: "Gold", ja: "ゴールド法人会員" },
    acceptUrl: "http://localhost:3000/sponsor/seat/example",
    expiresDays: 14,
  },
  ja: {
    locale: "ja",
    organisationName: { en: "Sakura Trading Co., Ltd.", ja: "株式会社さくら商事" },
    tierName: { en: "Gold", ja: "ゴールド法人会員" },
    acceptUrl: "http://localhost:3000/ja/sponsor/seat/example",
    expiresDays: 14,
  },
};
SeatInvitation.PreviewProps = previews.en;

import { EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { date, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface MembershipCanceledProps extends BaseEmailProps {
  recipient: Recipient;
  tierName: { en: string; ja: string };
  endsAt: string | null;
}

export const subject = (p: MembershipCanceledProps) => strings(p.locale).membershipCanceled.subject;

export default function MembershipCanceled(p: MembershipCanceledProps) {
  const t = strings(p.locale).membershipCanceled;
  const tier = p.tierName[p.locale];
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview(tier)} recipient={p.recipient}>
      <Paragraph>{p.endsAt ? t.endsAt(tier, date(p.endsAt, p.locale)) : t.endedNow(tier)}</Paragraph>
      <Paragraph>{t.comeBack}</Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", MembershipCanceledProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    tierName: { en: "Individual", ja: "個人会員" },
    endsAt: "2027-03-31T00:00:00.000Z",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    tierName: { en: "Individual", ja: "個人会員" },
    endsAt: "2027-03-31T00:00:00.000Z",
  },
};
MembershipCanceled.PreviewProps = previews.en;

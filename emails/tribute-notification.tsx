import { EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { addressee, honouredName, type Recipient } from "./components/format";
import { strings } from "./locales";

/** To the person a donor chose to tell about a tribute gift, in the language chosen for them. Never the amount. */
export interface TributeNotificationProps extends BaseEmailProps {
  notifyName?: string | null;
  tributeKind: "honor" | "memory";
  tributeName: string;
  /** Null when the donor gives anonymously. */
  donor: Recipient | null;
  fundName: { en: string; ja: string };
}

export const subject = (p: TributeNotificationProps) => strings(p.locale).tributeNotification.subject(p.tributeKind, p.tributeName);

export default function TributeNotification(p: TributeNotificationProps) {
  const t = strings(p.locale).tributeNotification;
  const donor = p.donor ? addressee(p.donor, p.locale) : null;
  return (
    <EmailLayout
      locale={p.locale}
      site={p.site}
      preview={t.preview(p.tributeName)}
      audience="other"
      greetingName={p.notifyName ? (p.locale === "ja" ? honouredName(p.notifyName, true) : p.notifyName.trim()) : null}
    >
      <Paragraph>{t.body(p.tributeKind, p.tributeName, donor, p.fundName[p.locale])}</Paragraph>
      <Paragraph>{t.mission}</Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", TributeNotificationProps> = {
  en: {
    locale: "en",
    notifyName: "Mary Johnson",
    tributeKind: "memory",
    tributeName: "Robert Johnson",
    donor: { kind: "person", familyName: "Smith", givenName: "Jane" },
    fundName: { en: "Student Exchange", ja: "学生交流基金" },
  },
  ja: {
    locale: "ja",
    notifyName: "佐藤 花子",
    tributeKind: "honor",
    tributeName: "田中 一郎 先生",
    donor: null,
    fundName: { en: "Sister City Grants", ja: "姉妹都市助成基金" },
  },
};
TributeNotification.PreviewProps = previews.en;

import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import { date, type Recipient } from "./components/format";
import { strings } from "./locales";

export interface ExportReadyProps extends BaseEmailProps {
  recipient?: Recipient;
  exportName: string;
  downloadUrl: string;
  expiresAt: string;
}

export const subject = (p: ExportReadyProps) => strings(p.locale).exportReady.subject;

export default function ExportReady(p: ExportReadyProps) {
  const t = strings(p.locale).exportReady;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(p.exportName)}</Paragraph>
      <Paragraph>{t.expires(date(p.expiresAt, p.locale))}</Paragraph>
      <Cta href={p.downloadUrl}>{t.cta}</Cta>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", ExportReadyProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Tanaka", givenName: "Emi" },
    exportName: "Members (active, Japan)",
    downloadUrl: "http://localhost:3000/staff/exports/example",
    expiresAt: "2026-11-29T00:00:00.000Z",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "田中", givenName: "恵美" },
    exportName: "会員一覧（有効・日本）",
    downloadUrl: "http://localhost:3000/ja/staff/exports/example",
    expiresAt: "2026-11-29T00:00:00.000Z",
  },
};
ExportReady.PreviewProps = previews.en;

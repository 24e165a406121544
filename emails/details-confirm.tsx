import { Cta, EmailLayout, Paragraph, type BaseEmailProps } from "./components/layout";
import type { Recipient } from "./components/format";
import { strings } from "./locales";

/** The person details a public form named a change of: field and new value (already in the reader's language). */
export type DetailField =
  | "familyName"
  | "givenName"
  | "familyNameKana"
  | "givenNameKana"
  | "preferredLocale"
  | "country"
  | "postalCode"
  | "region"
  | "city"
  | "addressLine1"
  | "addressLine2";

/**
 * A payment came with new details for a person we already knew (a public form sent without
 * signing in): the details on file were kept; the owner of the address confirms the new ones.
 */
export interface DetailsConfirmProps extends BaseEmailProps {
  recipient: Recipient;
  purpose: "membership" | "gift";
  changes: { field: DetailField; value: string }[];
  confirmUrl: string;
}

export const subject = (p: DetailsConfirmProps) => strings(p.locale).detailsConfirm.subject;

export default function DetailsConfirm(p: DetailsConfirmProps) {
  const t = strings(p.locale).detailsConfirm;
  return (
    <EmailLayout locale={p.locale} site={p.site} preview={t.preview} recipient={p.recipient}>
      <Paragraph>{t.body(p.purpose)}</Paragraph>
      <table role="presentation" style={{ borderCollapse: "collapse", margin: "0 0 16px", fontSize: "15px", lineHeight: "1.6" }}>
        <tbody>
          {p.changes.map((c) => (
            <tr key={c.field}>
              <td style={{ padding: "2px 16px 2px 0", color: "#6b6b6b", verticalAlign: "top" }}>{t.fields[c.field]}</td>
              <td style={{ padding: "2px 0", color: "#1f1f1f" }}>{c.value || t.empty}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Paragraph>{t.confirm}</Paragraph>
      <Cta href={p.confirmUrl}>{t.cta}</Cta>
      <Paragraph>{t.notYou}</Paragraph>
    </EmailLayout>
  );
}

export const previews: Record<"en" | "ja", DetailsConfirmProps> = {
  en: {
    locale: "en",
    recipient: { kind: "person", familyName: "Smith", givenName: "Jane" },
    purpose: "gift",
    changes: [
      { field: "addressLine1", value: "200 Summit Ave" },
      { field: "city", value: "Saint Paul" },
      { field: "postalCode", value: "55105" },
    ],
    confirmUrl: "http://localhost:3000/details/example-token",
  },
  ja: {
    locale: "ja",
    recipient: { kind: "person", familyName: "山田", givenName: "太郎" },
    purpose: "membership",
    changes: [
      { field: "region", value: "大阪府" },
      { field: "city", value: "大阪市北区" },
      { field: "addressLine1", value: "梅田1-1-1" },
    ],
    confirmUrl: "http://localhost:3000/ja/details/example-token",
  },
};
DetailsConfirm.PreviewProps = previews.en;

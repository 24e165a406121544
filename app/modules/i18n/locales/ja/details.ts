/** Japanese strings: the "details" group (see i18n.ts loadStrings). */
import type { strings as en } from "../en/details";

export const strings: typeof en = {
  detailsConfirm: {
    metaTitle: "ご登録内容の変更のご確認 — 日米姉妹都市協会",
    heading: "ご登録内容の変更のご確認",
    lead: (purpose: "membership" | "gift") =>
      `${purpose === "membership" ? "会費のお支払い" : "ご寄付"}の際に新しいご登録内容が送られました。ログインせずに送られたため、ご本人に確認いただくまで、これまでの内容のままにしています。`,
    field: "項目",
    now: "現在のご登録内容",
    next: "新しい内容",
    empty: "（なし）",
    caption: "現在のご登録内容と新しい内容",
    confirm: "新しい内容に変更する",
    notYou: "お心当たりがない場合は、このページを閉じてください。何も変更されません。",
    confirmed: "ありがとうございます。今後は新しいご登録内容を使います（領収書を含みます）。",
    nothing: "確認が必要な内容はありません。すでに確定済みです。",
    invalidLink: "このリンクは無効か、有効期限（30日）が切れています。ご登録内容は変更されていません。",
  },
};

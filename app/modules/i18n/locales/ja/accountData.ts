/** 日本語: 「accountData」グループ（会員の個人データ：ダウンロードと削除の依頼）。 */
import type { strings as en } from "../en/accountData";

export const strings: typeof en = {
  accountData: {
    metaTitle: "個人データ — 日米姉妹都市協会",
    heading: "個人データ",
    back: "マイページに戻る",
    downloadHeading: "個人データのダウンロード",
    downloadLead:
      "当協会が保有するお客様の情報をすべて、ZIP ファイルでダウンロードいただけます。ご登録内容、会員資格とその経過、お支払い、領収書、返金、ご寄付、法人でのお役割、メールの設定、お送りしたメール、ログインの記録、ご登録内容の変更記録が含まれます。data.json にすべてが含まれ、項目ごとの CSV ファイルは Excel で開けます。",
    downloadSubmit: "個人データをダウンロード（ZIP）",
    deletionHeading: "個人データの削除のご依頼",
    deletionLead: (years: number) =>
      `ご依頼を受けて協会スタッフが、お名前・フリガナ・メールアドレス・ご住所・姉妹都市の情報を消去し、ログインを終了して、すべてのメールの送信を停止します。お支払いと領収書は税法上の保存義務があるため、記載のお名前とともに${years}年間保管し、その後はお名前を表示しなくなります。削除は取り消せず、以後ログインもできなくなります。`,
    deletionLive: "決済サービスでお支払い中の会員資格があります。削除の前にスタッフが解約いたしますので、以後の請求はありません。",
    deletionConfirm: "内容を理解したうえで、個人データの削除を依頼します。",
    deletionConfirmRequired: "確認のチェックを入れてください。",
    deletionSubmit: "削除を依頼する",
    deletionRequested: (date: string) => `${date}に個人データの削除をご依頼いただきました。協会スタッフが手続きを行います。`,
    withdrawSubmit: "依頼を取り下げる",
    withdrawHint: "スタッフが手続きを行うまでは、依頼を取り下げることができます。",
    requestedNow: "ご依頼を承りました。",
    withdrawnNow: "ご依頼を取り下げました。何も削除されていません。",
    invalid: "フォームの内容を読み取れませんでした。ページを再読み込みして、もう一度お試しください。",
  },
};

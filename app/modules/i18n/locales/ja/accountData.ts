/** 日本語: 「accountData」グループ（会員の個人データ：ダウンロードと削除の依頼）。 */
import type { strings as en } from "../en/accountData";

export const strings: typeof en = {
  accountData: {
    metaTitle: "個人データ — 日米姉妹都市協会",
  },
};

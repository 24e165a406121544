/** Japanese strings: the "receipts" group (see i18n.ts loadStrings). */
import type { strings as en } from "../en/receipts";

export const strings: typeof en = {
  receipt: {
    title: (number: string) => `領収書 ${number}`,
    heading: "領収書",
    correctedHeading: "訂正領収書",
    number: "領収書番号",
    date: "発行日",
    paidAt: "入金日",
    payer: "お支払者",
    purpose: "但し書き",
    amount: "金額",
    refunded: "返金額",
    method: "お支払方法",
    issuer: "発行者",
    ein: "米国雇用者番号（EIN）",
    corrects: (original: string, refunded: string) => `本書は、${refunded}の返金に伴い領収書 ${original} を訂正するものです。`,
    membershipPurpose: (tier: string) => `${tier} 会費として`,
    period: (from: string, to: string) => `${from}から${to}まで`,
    donationPurpose: (fund: string) => `${fund}へのご寄付として`,
    tribute: (kind: "honor" | "memory", name: string) => (kind === "honor" ? `${name}様に敬意を表して` : `故${name}様を偲んで`),
    usHeading: "米国税務上の記載",
    deductible: "控除対象額",
    benefitsValue: "提供した物品・役務の公正市場価値（見積額）",
    noGoods: "本件の対価として物品・役務の提供はありません。",
    benefitsDefault: "会員特典",
    goodsProvided: (benefits: string, value: string, deductible: string) =>
      `本お支払いの対価として${benefits}（公正市場価値の見積額 ${value}）を提供しました。米国連邦所得税上の控除対象額は、お支払額からこの価値を差し引いた ${deductible} です。`,
    quidProQuo: "対価の開示（Quid pro quo disclosure）",
    methods: { card: "クレジットカード", bank_transfer: "銀行振込", stripe_bank_transfer: "銀行振込（Stripe経由）", check: "小切手", cash: "現金", konbini: "コンビニ払い", other: "その他", stripe: "Stripe決済" },
    print: "印刷する",
    downloadPdf: "PDFをダウンロード",
    invalidLink: "この領収書のリンクは無効です。領収書メールのリンクをご利用ください。",
  },
  invoice: {
    registrationNumber: "登録番号",
    taxRate: "適用税率",
    outOfScope: "不課税（消費税の対象外）",
    consumptionTax: "消費税額",
    stampNote: "電子的に発行した領収書のため、収入印紙は不要です。",
  },
  corporateReceipt: {
    attention: "ご担当",
    poNumber: "発注番号",
  },
};

/** English: the source dictionary. ja.ts must satisfy `Dictionary`, so a missing key fails tsc. */
export const en = {
  meta: {
    siteName: "JUSSCA — Japan–United States Sister City Association",
    homeTitle: "JUSSCA — Japan–United States Sister City Association",
    homeDescription:
      "People-to-people exchange between American and Japanese sister cities since 1955. Join, sponsor or give.",
    membershipTitle: "Membership — JUSSCA",
    membershipDescription: "Individual and corporate membership tiers, in US dollars and Japanese yen.",
  },
  nav: {
    skipToContent: "Skip to main content",
    primary: "Main",
    home: "Home",
    membership: "Membership",
    languageSwitch: "日本語",
    languageSwitchLabel: "このページを日本語で表示",
  },
  org: {
    name: "Japan–United States Sister City Association",
    shortName: "JUSSCA",
    nameOther: "日米姉妹都市協会",
  },
  home: {
    heading: "Bonds between cities, friendships between people",
    lead:
      "The Japan–United States Sister City Association (JUSSCA) supports the people-to-people exchanges between American and Japanese cities, states and prefectures.",
    historyHeading: "Where it began",
    history:
      "In 1956 President Eisenhower launched the People-to-People initiative, asking ordinary citizens to build the understanding between nations that governments alone cannot. A year earlier, St. Paul, Minnesota and Nagasaki had become the first US–Japan sister cities.",
    todayHeading: "What we do today",
    today: [
      "Connect the more than 450 sister-city and state–prefecture partnerships between the United States and Japan.",
      "Fund sponsorships and grants that let smaller Japanese cities and their American partners keep their exchanges going.",
      "Keep the student exchange alumni network in touch across both countries.",
      "Welcome individual and corporate members who make all of this possible.",
    ],
    partnershipsHeading: "Founding partnerships",
    partnershipSince: (year: number) => `since ${year}`,
    actionsHeading: "Take part",
    joinTitle: "Become a member",
    joinText: "Individual, student, family and patron memberships, paid yearly or monthly, in dollars or yen.",
    joinCta: "See membership tiers",
    sponsorTitle: "Sponsor as a company",
    sponsorText: "Corporate tiers from Community Partner to Platinum, with employee seats and recognition.",
    sponsorCta: "See corporate tiers",
    donateTitle: "Give to a fund",
    donateText:
      "Gifts support the General Fund, Student Exchange and Sister City Grants, once or monthly.",
    donateCta: "Ways to give",
  },
  membership: {
    heading: "Membership",
    lead: "Every tier is priced in US dollars and Japanese yen. Pay yearly, or monthly where offered.",
    individualHeading: "Individual memberships",
    corporateHeading: "Corporate memberships",
    yearly: "per year",
    monthly: "per month",
    or: "or",
    priceUsd: "US dollars",
    priceJpy: "Japanese yen",
    seats: (n: number) => (n === 1 ? "1 employee seat" : `${n} employee seats`),
    benefitsHeading: "Benefits",
    benefitsValue: (usd: string, jpy: string) =>
      `Fair-market value of benefits: ${usd} / ${jpy} (not tax-deductible in the US).`,
    none: "No tiers are on offer right now.",
  },
  footer: {
    address: "Japan–United States Sister City Association",
    languageNote: "This site is available in English and Japanese.",
  },
  errors: {
    notFoundTitle: "Page not found",
    notFoundText: "We could not find that page. It may have moved.",
    genericTitle: "Something went wrong",
    genericText: "Sorry, something went wrong on our side. Please try again in a moment.",
    backHome: "Back to the home page",
  },
};

export type Dictionary = typeof en;

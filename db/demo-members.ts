/**
 * `npm run demo:members -- --count N [--payments]` fills a database with N realistic members
 * for demos and benchmarks: Japanese names in kanji with kana readings and US names, both
 * countries with prefectures/states and addresses, some sister-city partnerships, every
 * individual and corporate tier, every status. Rows are made inside PostgreSQL by
 * INSERT … SELECT over generate_series (no round trip per row), in batches.
 *
 * Target: DATABASE_URL, or else the embedded default database of a running `npm start`.
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { z } from "zod";

const JP_FAMILY: [string, string][] = [
  ["佐藤", "サトウ"],
  ["鈴木", "スズキ"],
  ["高橋", "タカハシ"],
  ["田中", "タナカ"],
  ["伊藤", "イトウ"],
  ["渡辺", "ワタナベ"],
  ["山本", "ヤマモト"],
  ["中村", "ナカムラ"],
  ["小林", "コバヤシ"],
  ["加藤", "カトウ"],
  ["吉田", "ヨシダ"],
  ["山田", "ヤマダ"],
  ["佐々木", "ササキ"],
  ["山口", "ヤマグチ"],
  ["松本", "マツモト"],
  ["井上", "イノウエ"],
  ["木村", "キムラ"],
  ["林", "ハヤシ"],
  ["斎藤", "サイトウ"],
  ["清水", "シミズ"],
  ["山崎", "ヤマザキ"],
  ["森", "モリ"],
  ["池田", "イケダ"],
  ["橋本", "ハシモト"],
  ["阿部", "アベ"],
  ["石川", "イシカワ"],
  ["前田", "マエダ"],
  ["藤田", "フジタ"],
  ["小川", "オガワ"],
  ["岡田", "オカダ"],
  ["長谷川", "ハセガワ"],
  ["村上", "ムラカミ"],
  ["近藤", "コンドウ"],
  ["石井", "イシイ"],
  ["坂本", "サカモト"],
  ["遠藤", "エンドウ"],
];
const JP_GIVEN: [string, string][] = [
  ["太郎", "タロウ"],
  ["花子", "ハナコ"],
  ["健太", "ケンタ"],
  ["美咲", "ミサキ"],
  ["翔太", "ショウタ"],
  ["結衣", "ユイ"],
  ["大輔", "ダイスケ"],
  ["陽子", "ヨウコ"],
  ["直樹", "ナオキ"],
  ["恵", "メグミ"],
  ["拓也", "タクヤ"],
  ["さくら", "サクラ"],
  ["誠", "マコト"],
  ["由美", "ユミ"],
  ["翼", "ツバサ"],
  ["彩", "アヤ"],
  ["浩二", "コウジ"],
  ["真由美", "マユミ"],
  ["隆", "タカシ"],
  ["智子", "トモコ"],
  ["蓮", "レン"],
  ["葵", "アオイ"],
  ["悠真", "ユウマ"],
  ["陽菜", "ヒナ"],
  ["修", "オサム"],
  ["京子", "キョウコ"],
  ["亮", "リョウ"],
  ["千尋", "チヒロ"],
  ["和也", "カズヤ"],
  ["舞", "マイ"],
];
const US_FAMILY = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Gonzalez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Taylor",
  "Moore",
  "Jackson",
  "Martin",
  "Lee",
  "Perez",
  "Thompson",
  "White",
  "Harris",
  "Sanchez",
  "Clark",
  "Ramirez",
  "Lewis",
  "Robinson",
  "Walker",
  "Young",
  "Allen",
  "King",
  "Wright",
  "Scott",
  "Nguyen",
  "Hill",
  "Flores",
  "Green",
  "O'Brien",
  "Nakamura",
  "Tanaka",
  "Kim",
  "Sato",
];
const US_GIVEN = [
  "James",
  "Mary",
  "Robert",
  "Patricia",
  "John",
  "Jennifer",
  "Michael",
  "Linda",
  "David",
  "Elizabeth",
  "William",
  "Barbara",
  "Richard",
  "Susan",
  "Joseph",
  "Jessica",
  "Thomas",
  "Sarah",
  "Charles",
  "Karen",
  "Daniel",
  "Emily",
  "Matthew",
  "Ashley",
  "Anthony",
  "Olivia",
  "Mark",
  "Emma",
  "Ken",
  "Grace",
  "Ethan",
  "Sophia",
  "Noah",
  "Ava",
  "Liam",
  "Mia",
];
const US_PLACES: [string, string, string][] = [
  ["St. Paul", "MN", "551"],
  ["Riverside", "CA", "925"],
  ["San Jose", "CA", "951"],
  ["San Diego", "CA", "921"],
  ["Seattle", "WA", "981"],
  ["Portland", "OR", "972"],
  ["Chicago", "IL", "606"],
  ["New York", "NY", "100"],
  ["Boston", "MA", "021"],
  ["Honolulu", "HI", "968"],
  ["Denver", "CO", "802"],
  ["Austin", "TX", "787"],
  ["Atlanta", "GA", "303"],
  ["Philadelphia", "PA", "191"],
  ["Phoenix", "AZ", "850"],
];
const JP_CITIES: [string, string][] = [
  ["01", "札幌市"],
  ["04", "仙台市"],
  ["13", "千代田区"],
  ["13", "新宿区"],
  ["14", "横浜市"],
  ["23", "名古屋市"],
  ["26", "京都市"],
  ["27", "大阪市"],
  ["28", "神戸市"],
  ["33", "岡山市"],
  ["34", "広島市"],
  ["40", "福岡市"],
  ["42", "長崎市"],
  ["47", "那覇市"],
];
const STREETS = ["Main St", "Oak Ave", "Maple Dr", "Cherry Blossom Ln", "Lake St", "2nd Ave", "Sister City Way"];
const COMPANIES: [string, string | null, string | null, string][] = [
  ["Sakura Trading Co., Ltd.", "さくら商事株式会社", "サクラショウジ", "JP"],
  ["Fuji Precision Industries", "富士精密工業株式会社", "フジセイミツコウギョウ", "JP"],
  ["Kizuna Logistics", "絆ロジスティクス株式会社", "キズナロジスティクス", "JP"],
  ["Pacific Bridge Partners LLC", null, null, "US"],
  ["Great Lakes Manufacturing Inc.", null, null, "US"],
  ["Harbor Light Bank", null, null, "US"],
];

/** A text[] parameter (nulls allowed). */
const lit = (a: (string | null)[]) => a as string[];

export async function generateMembers(sql: postgres.Sql, count: number, options: { payments?: boolean; log?: (s: string) => void } = {}) {
  const log = options.log ?? (() => {});
  const run = Date.now().toString(36);
  const tiers = await sql<{ id: number; kind: string }[]>`select id, kind from tiers where active order by sort_order, id`;
  const individual = tiers.filter((t) => t.kind === "individual").map((t) => t.id);
  const corporate = tiers.filter((t) => t.kind === "corporate").map((t) => t.id);
  if (!individual.length || !corporate.length) throw new Error("no tiers: seed the catalogue first (npm start or npm run db:seed)");
  const partnerships = (await sql<{ id: number }[]>`select id from partnerships order by id`).map((p) => p.id);
  const orgCount = Math.max(count >= 100 ? Math.floor(count / 100) : 0, 0);
  const peopleCount = count - orgCount;
  const BATCH = 100_000;
  const started = performance.now();

  for (let from = 1; from <= peopleCount; from += BATCH) {
    const to = Math.min(peopleCount, from + BATCH - 1);
    await sql.begin(async (tx) => {
      await tx`
        with src as (
          select i, (i % 2 = 0) as jp,
            (${lit(JP_FAMILY.map((f) => f[0]))}::text[]) as jf, (${lit(JP_FAMILY.map((f) => f[1]))}::text[]) as jfk,
            (${lit(JP_GIVEN.map((f) => f[0]))}::text[]) as jg, (${lit(JP_GIVEN.map((f) => f[1]))}::text[]) as jgk,
            (${US_FAMILY}::text[]) as uf, (${US_GIVEN}::text[]) as ug,
            (${lit(US_PLACES.map((p) => p[0]))}::text[]) as ucity, (${lit(US_PLACES.map((p) => p[1]))}::text[]) as ustate,
            (${lit(US_PLACES.map((p) => p[2]))}::text[]) as uzip,
            (${lit(JP_CITIES.map((c) => c[0]))}::text[]) as jpref, (${lit(JP_CITIES.map((c) => c[1]))}::text[]) as jcity,
            (${STREETS}::text[]) as streets,
            (${individual}::int[]) as tiers, (${partnerships}::int[]) as parts
          from generate_series(${from}::int, ${to}::int) i
        ), ppl as (
          insert into people (email, family_name, given_name, family_name_kana, given_name_kana, preferred_locale, country,
                              postal_code, region, city, address_line1, address_line2, partnership_id, created_at)
          select
            'demo-' || ${run} || '-' || i || case when jp then '@example.jp' else '@example.org' end,
            case when jp then jf[1 + (i * 7 + i / 97) % array_length(jf, 1)] else uf[1 + (i * 7 + i / 97) % array_length(uf, 1)] end,
            case when jp then jg[1 + (i * 13 + i / 89) % array_length(jg, 1)] else ug[1 + (i * 13 + i / 89) % array_length(ug, 1)] end,
            case when jp then jfk[1 + (i * 7 + i / 97) % array_length(jfk, 1)] end,
            case when jp then jgk[1 + (i * 13 + i / 89) % array_length(jgk, 1)] end,
            (case when jp and i % 10 <> 0 then 'ja' when not jp and i % 10 = 1 then 'ja' else 'en' end)::locale,
            case when jp then 'JP' else 'US' end,
            case when jp then lpad(((i * 37) % 1000)::text, 3, '0') || '-' || lpad(((i * 101) % 10000)::text, 4, '0')
                 else uzip[1 + (i * 3) % array_length(uzip, 1)] || lpad(((i * 11) % 100)::text, 2, '0') end,
            case when jp then jpref[1 + (i * 5) % array_length(jpref, 1)] else ustate[1 + (i * 3) % array_length(ustate, 1)] end,
            case when jp then jcity[1 + (i * 5) % array_length(jcity, 1)] else ucity[1 + (i * 3) % array_length(ucity, 1)] end,
            case when jp then (1 + i % 9) || '丁目' || (1 + i % 30) || '-' || (1 + i % 20)
                 else (100 + (i * 17) % 9900) || ' ' || streets[1 + i % array_length(streets, 1)] end,
            case when i % 7 = 0 then case when jp then 'サクラビル' || (1 + i % 12) || '階' else 'Apt ' || (1 + i % 40) end end,
            case when i % 5 = 0 then parts[1 + (i / 5) % array_length(parts, 1)] end,
            now() - make_interval(days => ((i * 37) % 1800)::int)
          from src
          returning id, country, created_at
        ), numbered as (
          select id, country, created_at, row_number() over () as k from ppl
        )
        insert into memberships (person_id, tier_id, status, currency, interval, current_period_start, current_period_end,
                                 grace_until, cancel_at_period_end, canceled_at, comped_until, started_at, created_at)
        select id, (${individual}::int[])[1 + (k * 3) % ${individual.length}],
          s.status::membership_status,
          (case when country = 'JP' then 'JPY' else 'USD' end)::currency,
          (case when k % 4 = 0 then 'month' else 'year' end)::billing_interval,
          pe - interval '1 year', pe,
          case when s.status = 'past_due' then pe + interval '14 days' end,
          (s.status = 'active' and k % 25 = 0),
          case when s.status = 'canceled' then pe end,
          case when s.status = 'comped' then pe end,
          case when s.status <> 'pending' then created_at end,
          created_at
        from numbered,
          lateral (select case (k % 20)::int when 0 then 'pending' when 1 then 'past_due' when 2 then 'lapsed' when 3 then 'lapsed'
                   when 4 then 'canceled' when 5 then 'canceled' when 6 then 'comped' else 'active' end as status) s,
          lateral (select case when s.status in ('lapsed', 'canceled') then now() - make_interval(days => (1 + (k * 11) % 300)::int)
                               when s.status = 'past_due' then now() - make_interval(days => (1 + k % 10)::int)
                               else now() + make_interval(days => ((k * 13) % 365)::int) end as pe) p`;
    });
    log(`  people ${to.toLocaleString("en-US")} / ${peopleCount.toLocaleString("en-US")} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }

  if (orgCount) {
    await sql.begin(async (tx) => {
      await tx`
        with src as (
          select i, (${lit(COMPANIES.map((c) => c[0]))}::text[]) as en, (${lit(COMPANIES.map((c) => c[1]))}::text[]) as ja,
            (${lit(COMPANIES.map((c) => c[2]))}::text[]) as kana, (${lit(COMPANIES.map((c) => c[3]))}::text[]) as country
          from generate_series(1, ${orgCount}::int) i
        ), orgs as (
          insert into organisations (legal_name_en, legal_name_ja, legal_name_kana, billing_email, country, region, city, created_at)
          select en[1 + i % 6] || case when i > 6 then ' ' || i else '' end,
                 ja[1 + i % 6] || case when i > 6 and ja[1 + i % 6] is not null then ' ' || i else '' end,
                 kana[1 + i % 6], 'billing-' || ${run} || '-' || i || '@example.com', country[1 + i % 6],
                 case when country[1 + i % 6] = 'JP' then '13' else 'CA' end,
                 case when country[1 + i % 6] = 'JP' then '千代田区' else 'San Jose' end,
                 now() - make_interval(days => ((i * 41) % 1800)::int)
          from src returning id, country, created_at
        ), numbered as (select id, country, created_at, row_number() over () as k from orgs)
        insert into memberships (organisation_id, tier_id, status, currency, interval, current_period_start, current_period_end, started_at, created_at)
        select id, (${corporate}::int[])[1 + k % ${corporate.length}],
          (case (k % 10)::int when 0 then 'lapsed' when 1 then 'past_due' when 2 then 'canceled' when 3 then 'pending' else 'active' end)::membership_status,
          (case when country = 'JP' then 'JPY' else 'USD' end)::currency, 'year',
          now() - make_interval(days => ((k * 7) % 365)::int), now() + make_interval(days => (365 - (k * 7) % 365)::int),
          created_at, created_at
        from numbered`;
    });
    log(`  organisations ${orgCount.toLocaleString("en-US")}`);
  }

  if (options.payments) {
    await sql`
      insert into payments (membership_id, person_id, organisation_id, amount, currency, method, paid_at)
      select m.id, m.person_id, m.organisation_id, coalesce(tp.amount, 5000), m.currency, 'card', m.current_period_start
      from memberships m left join tier_prices tp on tp.tier_id = m.tier_id and tp.currency = m.currency and tp.interval = m.interval and tp.active
      where m.status in ('active', 'past_due', 'lapsed') and m.currency is not null
        and exists (select 1 from people p where p.id = m.person_id and p.email like ${`demo-${run}-%`})`;
    log("  payments for active, past-due and lapsed members");
  }
  await sql`vacuum (analyze) people`;
  await sql`vacuum (analyze) organisations`;
  await sql`vacuum (analyze) memberships`;
  return { people: peopleCount, organisations: orgCount, seconds: (performance.now() - started) / 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { count: { type: "string", default: "1000" }, payments: { type: "boolean", default: false } } });
  const count = z.coerce.number().int().min(1).max(10_000_000).safeParse(values.count);
  if (!count.success) {
    console.error("usage: npm run demo:members -- --count N [--payments]   (N from 1 to 10,000,000)");
    process.exit(1);
  }
  const url = process.env.DATABASE_URL || `postgres://postgres:kizuna-local@127.0.0.1:${process.env.EMBEDDED_PG_PORT || 54329}/kizuna`;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  console.log(`adding ${count.data.toLocaleString("en-US")} demo members to ${url.replace(/:[^:@/]+@/, ":***@")}`);
  generateMembers(sql, count.data, { payments: values.payments, log: console.log })
    .then((r) =>
      console.log(
        `done: ${r.people.toLocaleString("en-US")} people and ${r.organisations.toLocaleString("en-US")} organisations with memberships in ${r.seconds.toFixed(1)} s`,
      ),
    )
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    })
    .finally(() => sql.end({ timeout: 5 }));
}

-- Member search for the staff console: pg_trgm (PostgreSQL contrib) and the functions that make
-- the search text of a person or organisation: names in kanji, kana (as hiragana) and romaji
-- (Hepburn, made from the kana), email, company names. Migration 0003 stores that text in
-- generated columns with trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION kizuna_hiragana(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $fn$ SELECT translate(t, 'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ', 'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖ') $fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION kizuna_romaji(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
AS $fn$
DECLARE
  kana text[] := ARRAY['きゃ','きゅ','きょ','しゃ','しゅ','しょ','ちゃ','ちゅ','ちょ','にゃ','にゅ','にょ','ひゃ','ひゅ','ひょ','みゃ','みゅ','みょ','りゃ','りゅ','りょ','ぎゃ','ぎゅ','ぎょ','じゃ','じゅ','じょ','ぢゃ','ぢゅ','ぢょ','びゃ','びゅ','びょ','ぴゃ','ぴゅ','ぴょ','あ','い','う','え','お','か','き','く','け','こ','さ','し','す','せ','そ','た','ち','つ','て','と','な','に','ぬ','ね','の','は','ひ','ふ','へ','ほ','ま','み','む','め','も','や','ゆ','よ','ら','り','る','れ','ろ','わ','ゐ','ゑ','を','ん','が','ぎ','ぐ','げ','ご','ざ','じ','ず','ぜ','ぞ','だ','ぢ','づ','で','ど','ば','び','ぶ','べ','ぼ','ぱ','ぴ','ぷ','ぺ','ぽ','ゔ','ぁ','ぃ','ぅ','ぇ','ぉ','ゃ','ゅ','ょ','ゎ','ー'];
  roma text[] := ARRAY['kya','kyu','kyo','sha','shu','sho','cha','chu','cho','nya','nyu','nyo','hya','hyu','hyo','mya','myu','myo','rya','ryu','ryo','gya','gyu','gyo','ja','ju','jo','ja','ju','jo','bya','byu','byo','pya','pyu','pyo','a','i','u','e','o','ka','ki','ku','ke','ko','sa','shi','su','se','so','ta','chi','tsu','te','to','na','ni','nu','ne','no','ha','hi','fu','he','ho','ma','mi','mu','me','mo','ya','yu','yo','ra','ri','ru','re','ro','wa','i','e','o','n','ga','gi','gu','ge','go','za','ji','zu','ze','zo','da','ji','zu','de','do','ba','bi','bu','be','bo','pa','pi','pu','pe','po','vu','a','i','u','e','o','ya','yu','yo','wa',''];
  r text := kizuna_hiragana(t);
BEGIN
  FOR i IN 1 .. array_length(kana, 1) LOOP
    IF position(kana[i] in r) > 0 THEN
      r := replace(r, kana[i], roma[i]);
    END IF;
  END LOOP;
  -- a small tsu doubles the consonant after it: がっこう → gakkou
  r := regexp_replace(r, 'っ([a-z])', '\1\1', 'g');
  RETURN replace(r, 'っ', '');
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION kizuna_person_search(family_name text, given_name text, family_kana text, given_kana text, email text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $fn$ SELECT lower(family_name || ' ' || given_name || ' ' || given_name || ' ' || family_name || ' '
  || coalesce(kizuna_hiragana(family_kana) || ' ', '') || coalesce(kizuna_hiragana(given_kana) || ' ', '')
  || coalesce(kizuna_hiragana(family_kana || given_kana) || ' ', '')
  || coalesce(kizuna_romaji(family_kana) || ' ', '') || coalesce(kizuna_romaji(given_kana) || ' ', '')
  || coalesce(kizuna_romaji(family_kana) || kizuna_romaji(given_kana) || ' ', '')
  || coalesce(kizuna_romaji(given_kana) || ' ' || kizuna_romaji(family_kana) || ' ', '')
  || email) $fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION kizuna_organisation_search(name_en text, name_ja text, name_kana text, email text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $fn$ SELECT lower(name_en || ' ' || coalesce(name_ja || ' ', '') || coalesce(kizuna_hiragana(name_kana) || ' ', '')
  || coalesce(kizuna_romaji(name_kana) || ' ', '') || email) $fn$;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "memberships_listing" ON "memberships" ("started_at" DESC) WHERE "seat_of_membership_id" IS NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "email_outbox_created" ON "email_outbox" ("created_at" DESC);
--> statement-breakpoint
-- Every word of a search text with its one- and two-character prefixes, for short search terms
-- (やま, 林, 佐藤) that have no trigram; locale-independent, unlike pg_trgm's word handling.
CREATE OR REPLACE FUNCTION kizuna_search_words(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $fn$ SELECT array(SELECT DISTINCT x FROM unnest(string_to_array(t, ' ')) AS w,
  LATERAL (VALUES (w), (left(w, 1)), (left(w, 2))) AS v(x) WHERE x <> '') $fn$;

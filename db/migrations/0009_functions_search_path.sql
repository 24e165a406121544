-- The search functions call each other unqualified; pg_dump restores with an empty search_path,
-- so a restore computing the people and organisations tables' generated search columns could not
-- find kizuna_hiragana / kizuna_romaji and lost those tables. Each function now carries the schema
-- it was created in (and pg_catalog) as its own search_path, whatever the caller's.
DO $$
DECLARE
  fn regprocedure;
BEGIN
  FOR fn IN
    SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = current_schema()::regnamespace
      AND p.proname IN ('kizuna_hiragana', 'kizuna_romaji', 'kizuna_person_search', 'kizuna_organisation_search', 'kizuna_search_words')
  LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_catalog', fn, current_schema());
  END LOOP;
END
$$;

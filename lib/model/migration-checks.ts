/**
 * The SQL a team runs on both sides of an engine migration before the cutover, one row per
 * object, sorted, so `diff source.txt target.txt` shows every difference. `pgfleet plan` prints
 * them, and the real-PostgreSQL test of the import runs exactly these.
 */

/** Exact row count of every user table (`schema.table|count`). */
export const ROW_COUNTS_SQL =
  "SELECT format('%I.%I', schemaname, relname) || '|' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', schemaname, relname), false, true, '')))[1]::text FROM pg_stat_user_tables ORDER BY 1";

/** Owner of every table, view, sequence and function outside the system schemas and extensions (`kind schema.name|owner`). */
export const OWNERS_SQL =
  "SELECT c.relkind::text || ' ' || format('%I.%I', n.nspname, c.relname) || '|' || pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v', 'm', 'S', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') UNION ALL SELECT 'f ' || p.oid::regprocedure::text || '|' || pg_get_userbyid(p.proowner) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') ORDER BY 1";

/** Installed extensions (`name`; versions may rise with the new major). */
export const EXTENSIONS_SQL = 'SELECT extname FROM pg_extension ORDER BY 1';

/** Where every sequence stands (`schema.sequence|last_value`): a lower value on the target would hand out duplicate keys. */
export const SEQUENCES_SQL =
  "SELECT format('%I.%I', schemaname, sequencename) || '|' || coalesce(last_value::text, 'unused') FROM pg_sequences ORDER BY 1";

# shellcheck shell=bash
set -euo pipefail
export LC_ALL=C
fail() { echo "pgfleet: $*" >&2; exit 1; }
: "${SOURCE_HOST:?SOURCE_HOST names the source}" "${SOURCE_USER:?}" "${PGHOST:?PGHOST names the new server}" "${PGUSER:?}" "${DATABASES:?}"
export PGPORT="${PGPORT:-5432}" PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
deadline=$(( $(date +%s) + ${WAIT_SECONDS:-600} ))
wait_for() { # wait_for <what> <command...>: retry until the command succeeds or WAIT_SECONDS pass
  local what="$1"; shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "gave up waiting for $what after ${WAIT_SECONDS:-600}s"
    sleep 2
  done
}
src="host=$SOURCE_HOST port=${SOURCE_PORT:-5432} user=$SOURCE_USER sslmode=${SOURCE_SSLMODE:-prefer}"
src_psql() { PGPASSWORD="$SOURCE_PASSWORD" psql -XAtq --no-password -v ON_ERROR_STOP=1 "$@"; }
dst_psql() { psql -XAtq --no-password -v ON_ERROR_STOP=1 "$@"; }
wait_for "the source $SOURCE_HOST" src_psql --dbname="$src dbname=postgres" -c 'select 1'
wait_for "the new server $PGHOST" pg_isready --quiet --dbname=postgres
others=$(dst_psql --dbname=postgres -c "select coalesce(string_agg(datname, ', ' order by datname), '') from pg_database where datname not in ('postgres', 'template0', 'template1')")
[ -z "$others" ] || fail "REFUSING TO COPY into $PGHOST: it already has databases ($others); a copy goes into a new, empty server"
echo "pgfleet: copying $DATABASES from $SOURCE_HOST (PostgreSQL $(src_psql --dbname="$src dbname=postgres" -c 'show server_version')) to $PGHOST (PostgreSQL $(dst_psql --dbname=postgres -c 'show server_version'))"
if [ -n "${ROLES:-}" ]; then
  src_psql --dbname="$src dbname=postgres" -v roles="$ROLES" -v skip="$SOURCE_USER $PGUSER" <<'SQL' | dst_psql --dbname=postgres
CREATE TEMP VIEW copied AS SELECT * FROM pg_catalog.pg_authid
 WHERE oid >= 16384 AND NOT rolname = ANY (string_to_array(:'skip', ' '))
   AND (:'roles' = '*' OR rolname = ANY (string_to_array(:'roles', ' ')));
SELECT format('CREATE ROLE %I WITH %s%s%s%s%s%s%sCONNECTION LIMIT %s;', rolname,
  CASE WHEN rolcreatedb THEN 'CREATEDB ' ELSE '' END, CASE WHEN rolcanlogin THEN 'LOGIN ' ELSE 'NOLOGIN ' END,
  CASE WHEN rolinherit THEN 'INHERIT ' ELSE 'NOINHERIT ' END, CASE WHEN rolcreaterole THEN 'CREATEROLE ' ELSE '' END,
  CASE WHEN rolbypassrls THEN 'BYPASSRLS ' ELSE '' END,
  CASE WHEN rolvaliduntil IS NOT NULL THEN format('VALID UNTIL %L ', rolvaliduntil) ELSE '' END,
  CASE WHEN rolpassword IS NOT NULL THEN format('PASSWORD %L ', rolpassword) ELSE '' END, rolconnlimit)
  FROM copied ORDER BY rolname;
SELECT format('GRANT %I TO %I%s;', r.rolname, m.rolname, CASE WHEN a.admin_option THEN ' WITH ADMIN OPTION' ELSE '' END)
  FROM pg_catalog.pg_auth_members a JOIN copied r ON r.oid = a.roleid JOIN copied m ON m.oid = a.member ORDER BY 1;
SQL
  echo "pgfleet: copied the roles ($ROLES)"
fi
read -ra dump_options <<<"${DUMP_OPTIONS:-}" # a list of options without spaces
for db in $DATABASES; do
  echo "pgfleet: copying database $db"
  PGPASSWORD="$SOURCE_PASSWORD" pg_dump -Fc --no-password "${dump_options[@]}" --dbname="$src dbname=$db" \
    | pg_restore --create --exit-on-error --no-password --dbname=postgres
  vacuumdb --analyze-only --quiet --no-password --dbname="$db"
done
echo "pgfleet: copied $DATABASES from $SOURCE_HOST into $PGHOST and analyzed them"

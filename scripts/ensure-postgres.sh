#!/usr/bin/env bash
# A throwaway PostgreSQL for the database contract tests (tests marked `postgres`): installs Debian's
# postgresql when it is missing, creates a cluster in a temp folder owned by `postgres`, starts it on
# 127.0.0.1 (fsync off: test data only, wiped by the tests), and prints the URL to put in
# PHANTOM_TEST_POSTGRES_URL. Reuses the cluster when it is already up. Prints nothing (and the postgres
# tests skip) when it cannot run here, e.g. without root on a machine with no PostgreSQL.
set -euo pipefail

PORT=${PHANTOM_PG_PORT:-55432}
DIR=${PHANTOM_PG_DIR:-/tmp/phantom-test-pg}
URL="postgresql+asyncpg://postgres@127.0.0.1:${PORT}/postgres"

say() { echo "ensure-postgres: $*" >&2; }

pg_bin() {
	local version
	version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
	[[ -n "$version" ]] && echo "/usr/lib/postgresql/$version/bin"
}

BIN=$(pg_bin || true)
if [[ -n "$BIN" ]] && "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
	echo "$URL"
	exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
	say "needs root (to install PostgreSQL and run it as the postgres user); postgres tests will skip"
	exit 0
fi

if [[ -z "$BIN" ]]; then
	say "installing Debian's postgresql (once)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends postgresql >/dev/null
	BIN=$(pg_bin)
fi

rm -rf "$DIR"
mkdir -p "$DIR"
chown postgres:postgres "$DIR"
# Trust authentication on a socket in $DIR and on 127.0.0.1 only: a throwaway cluster for tests.
su postgres -c "'$BIN/initdb' -D '$DIR/data' -U postgres -A trust --no-sync" >/dev/null
su postgres -c "'$BIN/pg_ctl' -D '$DIR/data' -l '$DIR/log' -w -o \"-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -F -c full_page_writes=off\" start" >/dev/null
say "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT ($DIR)"
echo "$URL"

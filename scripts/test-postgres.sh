#!/bin/sh
# Runs a throwaway PostgreSQL server for the test suite, apart from any
# Debian-managed cluster: its own data directory under $TMPDIR, trust
# authentication, listening only on 127.0.0.1.
#   test-postgres.sh start   (re)create and start it; print its database URL
#   test-postgres.sh url     print the database URL
#   test-postgres.sh stop    stop it and remove its directory
# Only the URL goes to standard output, so  url=$(test-postgres.sh start)  works.
set -eu

port=${DERA_TEST_PG_PORT:-54329}
base=${TMPDIR:-/tmp}/dera-test-pg-$port
data=$base/data
log=$base/server.log
database=dera_test
url="postgresql+psycopg://postgres@127.0.0.1:$port/$database"

say() {
    echo "test-postgres: $*" >&2
}

# The newest installed server version's binaries.
find_bin() {
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        say "no PostgreSQL server found under /usr/lib/postgresql (run scripts/install-system-packages.sh)"
        exit 1
    fi
}

# PostgreSQL refuses to run as root: then run its programs as the postgres user.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

stop() {
    if [ -f "$data/postmaster.pid" ]; then
        find_bin
        as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w >/dev/null 2>&1 ||
            say "pg_ctl stop failed (server already gone?)"
    fi
    rm -rf "$base"
}

start() {
    find_bin
    stop
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
        say "another server already listens on 127.0.0.1:$port; set DERA_TEST_PG_PORT to another port"
        exit 1
    fi

    mkdir -p "$base"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$base"
        if ! runuser -u postgres -- test -w "$base"; then
            say "the postgres user cannot reach $base; point TMPDIR at a directory it can (e.g. /tmp)"
            rm -rf "$base"
            exit 1
        fi
    fi
    # Run from a directory the postgres user can read, to avoid warnings.
    cd "$base"

    as_owner "$bin/initdb" -D "$data" --auth=trust -U postgres \
        --encoding=UTF8 --locale=C --no-sync >"$base/initdb.log" 2>&1 || {
        cat "$base/initdb.log" >&2
        say "initdb failed"
        exit 1
    }
    # Only tests use this server: listen on loopback, keep the socket inside
    # the data directory, and trade durability for speed.
    as_owner sh -c 'cat >>"$1/postgresql.conf"' sh "$data" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$data'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF

    as_owner "$bin/pg_ctl" start -D "$data" -l "$log" -w -t 60 >/dev/null || {
        cat "$log" >&2 2>/dev/null || true
        say "the server did not start"
        exit 1
    }

    tries=0
    until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; do
        tries=$((tries + 1))
        if [ "$tries" -ge 30 ]; then
            say "the server is not ready after 30 seconds"
            exit 1
        fi
        sleep 1
    done

    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
    say "PostgreSQL running on 127.0.0.1:$port (data in $data)"
    echo "$url"
}

case ${1:-} in
start) start ;;
stop) stop ;;
url) echo "$url" ;;
*)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac

#!/bin/sh
# A private PostgreSQL server for the tests: a fresh cluster (initdb) in a
# temporary directory, listening only on a Unix socket there (no TCP port,
# so parallel runs cannot collide), stopped and removed afterwards.
#
#   pg.sh run CMD [ARG...]   start a server, run CMD with DACC_TEST_PG set
#                            to its URL (postgresql:///postgres?host=DIR&
#                            user=dacc), stop the server, exit with CMD's status
#   pg.sh start DIR          start a server in DIR (empty or missing); prints the URL
#   pg.sh stop DIR           stop it (immediate shutdown) and remove DIR
#   pg.sh down DIR, up DIR   stop the server (connections cut) and start it
#                            again, keeping its data: a database outage
#
# PostgreSQL refuses to run as root. The tests run as root on CI, so the
# server then runs as the unprivileged user nobody (runuser), which owns
# the cluster directory; clients connect through the socket as the cluster's
# superuser "dacc" with trust authentication, which is only reachable
# through that socket's directory. As any other user the server runs as
# that user. Durability settings are the defaults (fsync on): the tests
# kill nodes, not the server, but partition tests stop the server.
# With DACC_TEST_PG already set (a server someone else runs) `run` uses it.
set -eu

bindir() {
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return; }
    echo "pg.sh: initdb not found (scripts/deps.sh check installs postgresql)" >&2
    exit 1
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u nobody -- "$@"
    else
        "$@"
    fi
}

start() {
    dir=$1
    bin=$(bindir)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown nobody "$dir"
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U dacc --auth=trust -E UTF8 --locale=C \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 64MB
EOF
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    # root reaches the socket; so must the owner of the test's processes
    chmod 755 "$dir"
    echo "postgresql:///postgres?host=$dir&user=dacc"
}

stop() {
    dir=$1
    bin=$(bindir)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

# The server of DIR alone, stopped (fast: connections cut) and started
# again, for outage tests.
server() {
    bin=$(bindir)
    case $1 in
    down) as_owner "$bin/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null ;;
    up) as_owner "$bin/pg_ctl" -D "$2/data" -l "$2/server.log" -w -t 60 start >/dev/null ;;
    esac
}

case "${1:-}" in
start) start "$2" ;;
down | up) server "$1" "$2" ;;
stop) stop "$2" ;;
run)
    shift
    if [ -n "${DACC_TEST_PG:-}" ]; then
        exec "$@"
    fi
    dir=$(mktemp -d /tmp/dacc-pg.XXXXXX)
    trap 'stop "$dir"' EXIT INT TERM
    DACC_TEST_PG=$(start "$dir")
    DACC_TEST_PG_DIR=$dir
    export DACC_TEST_PG DACC_TEST_PG_DIR
    status=0
    "$@" || status=$?
    exit $status
    ;;
*)
    echo "usage: pg.sh run CMD... | start DIR | stop DIR" >&2
    exit 2
    ;;
esac

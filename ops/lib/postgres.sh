# shellcheck shell=bash
# Throwaway PostgreSQL clusters for tests. Source this file, then:
#
#   pg_ensure_installed                      # apt-get install postgresql if initdb/pg_ctl are missing
#   url=$(pg_start_temp "$dir")              # initdb + start in $dir; prints the URL of database persimmon_test
#   PERSIMMON_TEST_POSTGRES_URL=$url swift test --filter PersimmonStoreTests
#   pg_stop_temp "$dir"                      # stop the server and delete $dir
#
# The cluster trusts local connections (no password), listens on 127.0.0.1 at a free port and on a Unix socket in
# $dir, and trades durability for speed (fsync off). As root, the server runs as the `postgres` user (PostgreSQL
# refuses to run as root), so $dir and every directory above it must be reachable by that user: /tmp/... is fine.
# Only the URL goes to stdout; progress and errors go to stderr. Nothing here needs a password or a network.

# Prints the directory holding initdb and pg_ctl (PATH first, then Debian's /usr/lib/postgresql/<major>/bin).
pg_bin_dir() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return 0
    fi
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

pg_ensure_installed() {
    if pg_bin_dir >/dev/null; then
        return 0
    fi
    if [[ $(id -u) -ne 0 ]]; then
        echo "postgres.sh: initdb/pg_ctl not found and not root; install the postgresql package" >&2
        return 1
    fi
    echo "postgres.sh: installing postgresql with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || return 1
    # The package starts a system cluster on 5432; our clusters do not need it.
    pg_bin_dir >/dev/null
}

# Runs a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
_pg_as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

_pg_free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
        return
    fi
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    return 1
}

# pg_start_temp DIR: creates and starts a cluster in DIR (created if missing, must be empty) and prints
# postgres://postgres@127.0.0.1:PORT/persimmon_test. The Unix socket is DIR/.s.PGSQL.PORT, i.e. the URL
# postgres://postgres@/persimmon_test?host=DIR&port=PORT.
pg_start_temp() {
    local dir=${1:?usage: pg_start_temp DIR}
    local bin port
    bin=$(pg_bin_dir) || { echo "postgres.sh: PostgreSQL is not installed (run pg_ensure_installed)" >&2; return 1; }
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd) || return 1
    if [[ -n $(ls -A "$dir") ]]; then
        echo "postgres.sh: $dir is not empty" >&2
        return 1
    fi
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || { echo "postgres.sh: running as root but there is no postgres user" >&2; return 1; }
        chown postgres: "$dir" || return 1
        if ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
            echo "postgres.sh: user postgres cannot write $dir (check the permissions of its parents)" >&2
            return 1
        fi
    fi
    port=$(_pg_free_port) || { echo "postgres.sh: no free port" >&2; return 1; }

    _pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
        echo "postgres.sh: initdb failed:" >&2
        cat "$dir/initdb.log" >&2
        return 1
    }
    _pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null 2>&1 || {
        echo "postgres.sh: the server did not start:" >&2
        cat "$dir/server.log" >&2
        return 1
    }
    echo "$port" >"$dir/port"
    _pg_as_owner "$bin/createdb" -h "$dir" -p "$port" -U postgres persimmon_test 2>"$dir/createdb.log" || {
        echo "postgres.sh: could not create database persimmon_test:" >&2
        cat "$dir/createdb.log" >&2
        return 1
    }
    echo "postgres.sh: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port and $dir" >&2
    echo "postgres://postgres@127.0.0.1:$port/persimmon_test"
}

# pg_stop_temp DIR: stops the cluster started in DIR and deletes DIR. Safe to call twice.
pg_stop_temp() {
    local dir=${1:?usage: pg_stop_temp DIR}
    local bin
    [[ -d "$dir" ]] || return 0
    if [[ -f "$dir/data/postmaster.pid" ]] && bin=$(pg_bin_dir); then
        _pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 ||
            echo "postgres.sh: pg_ctl stop failed; see $dir/server.log" >&2
    fi
    rm -rf "$dir"
}

# A private PostgreSQL 15 server for an end-to-end check (sourced, not run; .ci/run runs only
# Scripts/e2e/*.sh). `postgres_start DIR` runs initdb in DIR/data (trust, user pilothouse) and
# starts the server on a free port of 127.0.0.1, left in `postgres_port`; `postgres_stop` stops
# it; `postgres_sql DB ARGS…` runs psql there. As root (CI) the server runs as `postgres`, since
# it refuses root; DIR is then handed to that user. fsync is off: these servers hold test data
# and are never crashed as a machine would be, only their clients are.
PG_BIN=/usr/lib/postgresql/15/bin
postgres_as=()
postgres_dir=""

postgres_start() {
    postgres_dir=$1
    if [ ! -x "$PG_BIN/initdb" ]; then
        echo "FAIL: PostgreSQL 15 is not installed ($PG_BIN/initdb); apt-get install postgresql-15" >&2
        exit 1
    fi
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$postgres_dir"; postgres_as=(runuser -u postgres --); fi
    "${postgres_as[@]}" "$PG_BIN/initdb" -D "$postgres_dir/data" -A trust -U pilothouse --no-sync >/dev/null
    # A port found free can be taken before the server binds it: a few tries.
    for _ in 1 2 3 4 5; do
        postgres_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        if "${postgres_as[@]}" "$PG_BIN/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w -t 60 \
            -o "-k $postgres_dir -p $postgres_port -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
            return 0
        fi
    done
    echo "FAIL: PostgreSQL did not start: $(tail -5 "$postgres_dir/server.log")" >&2
    exit 1
}

postgres_stop() {
    [ -n "$postgres_dir" ] || return 0
    "${postgres_as[@]}" "$PG_BIN/pg_ctl" -D "$postgres_dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
}

postgres_sql() {
    local database=$1
    shift
    "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$postgres_port" -U pilothouse -d "$database" "$@"
}

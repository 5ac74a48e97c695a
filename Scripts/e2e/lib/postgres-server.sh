# A private PostgreSQL 15 server for the end-to-end checks on PostgreSQL (sourced, not run;
# .ci/run runs only Scripts/e2e/*.sh). The sourcing script defines `fail`.
B=/usr/lib/postgresql/15/bin

# pg_start DIR: a new cluster in DIR/data (user `pilothouse`, trust) started on a free port of
# 127.0.0.1, its socket and log in DIR; as the postgres user when run as root (the server
# refuses root). Sets `port` and `as_postgres`.
pg_start() {
    local dir=$1 started=""
    [ -x "$B/initdb" ] || fail "PostgreSQL 15 is not installed ($B/initdb); apt-get install postgresql-15"
    as_postgres=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres "$dir"
        as_postgres=(runuser -u postgres --)
    fi
    "${as_postgres[@]}" "$B/initdb" -D "$dir/data" -A trust -U pilothouse --no-sync >/dev/null
    # Ask the kernel for a free port, then start there (a few tries if it is taken meanwhile).
    for _ in 1 2 3 4 5; do
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        if "${as_postgres[@]}" "$B/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-k $dir -p $port -c listen_addresses=127.0.0.1" start >/dev/null; then
            started=yes
            break
        fi
    done
    [ -n "$started" ] || fail "PostgreSQL did not start: $(tail -5 "$dir/server.log")"
}

# pg_stop DIR: stops the server of DIR at once (for an EXIT trap; nothing when none runs).
pg_stop() {
    "${as_postgres[@]}" "$B/pg_ctl" -D "$1/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
}

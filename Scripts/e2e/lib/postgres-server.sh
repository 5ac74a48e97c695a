# Sourced by e2e scripts: a private PostgreSQL 15 server on a free port of 127.0.0.1, trust
# authentication for user `pilothouse`, stopped and removed on exit. Sets $work (the temporary
# directory, also for the caller's files), $port, $B (the server's binaries) and the function
# psql_as_pilothouse DATABASE SQL. Needs fail() defined by the caller.
B=/usr/lib/postgresql/15/bin
[ -x "$B/initdb" ] || fail "PostgreSQL 15 is not installed ($B/initdb); apt-get install postgresql-15"
work="$(mktemp -d)"
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$work"; as_postgres=(runuser -u postgres --); fi
stop_postgres() {
    "${as_postgres[@]}" "$B/pg_ctl" -D "$work/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop_postgres EXIT
"${as_postgres[@]}" "$B/initdb" -D "$work/data" -A trust -U pilothouse --no-sync >/dev/null
# A free port: ask the kernel, then start there (a few tries if it is taken meanwhile).
started=""
for _ in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if "${as_postgres[@]}" "$B/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
        -o "-k $work -p $port -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null; then
        started=yes
        break
    fi
done
[ -n "$started" ] || fail "PostgreSQL did not start: $(tail -5 "$work/server.log")"
psql_as_pilothouse() {
    "$B/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U pilothouse -d "$1" -c "$2"
}

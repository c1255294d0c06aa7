# A hot standby of the test cluster, streaming from it, for the read-replica
# check (tests/test_read_replica.py): Odoo 18 sends read-only requests to it
# with --db_replica_host / --db_replica_port. Sourced after env.sh's
# ensure_all; exports REPLICA_HOST (its socket directory) and REPLICA_PORT.

# Run a PostgreSQL binary as the cluster's owner: postgres for Debian's
# cluster under root, else the current user (the private cluster).
as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Under root, in postgres's home (it cannot enter /root).
replica_dir() {
    if [ "$(id -u)" = 0 ]; then echo /var/lib/postgresql/retention_replica; else echo "$CACHE_DIR/replica"; fi
}

start_replica() {
    local bin dir
    bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_basebackup 2>/dev/null | tail -n 1)")
    [ -x "$bin/pg_basebackup" ] || die "pg_basebackup not found: the read-replica check needs PostgreSQL's server package."
    dir=$(replica_dir)
    export REPLICA_HOST=$dir/socket REPLICA_PORT=$(( ${PGPORT:-5432} + 1 ))
    stop_replica
    rm -rf "$dir"
    mkdir -p "$REPLICA_HOST"
    [ "$(id -u)" != 0 ] || chown -R postgres: "$dir"
    say "starting a hot standby of the test cluster (port $REPLICA_PORT, socket in $REPLICA_HOST)"
    # -R: the copy starts as a standby streaming from this server.
    as_pg_owner "$bin/pg_basebackup" -h "${PGHOST:-/var/run/postgresql}" -p "${PGPORT:-5432}" \
        -D "$dir/data" -R -X stream -c fast >"$dir/basebackup.log" 2>&1 ||
        die "pg_basebackup failed: see $dir/basebackup.log."
    # Debian keeps the configuration outside the data directory: the standby's own.
    as_pg_owner sh -c "cat >'$dir/data/postgresql.conf' <<CONF
port = $REPLICA_PORT
listen_addresses = ''
unix_socket_directories = '$REPLICA_HOST'
hot_standby = on
max_connections = 100
CONF
printf 'local all all trust\n' >'$dir/data/pg_hba.conf'
: >'$dir/data/pg_ident.conf'"
    as_pg_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w start >/dev/null ||
        die "the hot standby would not start: see $dir/postgresql.log."
}

stop_replica() {
    local bin dir
    dir=$(replica_dir)
    bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | tail -n 1)")
    [ -f "$dir/data/postmaster.pid" ] || return 0
    as_pg_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

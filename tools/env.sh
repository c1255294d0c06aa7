# shellcheck shell=bash
# Shared setup for `make run` and `make test`, sourced by tools/*.sh.
# Finds Odoo 18.0, prepares the Python environment, makes PostgreSQL answer
# and writes the Odoo config. A missing prerequisite stops with one sentence.

set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=${RETENTION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/retention_loyalty}
STATE_DIR=$REPO_DIR/.state
VENV=$CACHE_DIR/venv
ODOO_DB=${ODOO_DB:-retention}
ODOO_PORT=${ODOO_PORT:-8069}
ODOO_CONF=$STATE_DIR/odoo.conf
ODOO_GIT=https://github.com/odoo/odoo.git
ODOO_BRANCH=18.0
# Debian packages: what they provide, checked by a file they install.
SYSTEM_PACKAGES=(
    "libldap2-dev:/usr/include/ldap.h"
    "libsasl2-dev:/usr/include/sasl/sasl.h"
    "libpq-dev:/usr/bin/pg_config"
    "postgresql:/usr/bin/pg_ctlcluster"
    "chromium:/usr/bin/chromium"
)

die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }
say() { printf '==> %s\n' "$*"; }

is_odoo18() { grep -qs "^version_info = (18, 0," "$1/odoo/release.py"; }

ensure_system_packages() {
    local missing=() entry
    for entry in "${SYSTEM_PACKAGES[@]}"; do
        [ -e "${entry#*:}" ] || missing+=("${entry%%:*}")
    done
    [ ${#missing[@]} -eq 0 ] && return
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        die "missing system packages ${missing[*]} (headers for python-ldap/psycopg2, the database server, the browser for UI tests): install them with 'sudo apt-get install ${missing[*]}'."
    fi
    say "installing Debian packages: ${missing[*]}"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$CACHE_DIR/apt.log" 2>&1 ||
        die "apt-get could not install ${missing[*]} (see $CACHE_DIR/apt.log); install them by hand and rerun."
}

# ODOO_ROOT: the folder holding the `odoo` package (a source checkout).
find_odoo() {
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo18 "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 18.0 source tree (no odoo/release.py of version 18.0 there)."
        ODOO_ROOT=$(cd "$ODOO_SRC" && pwd)
        return
    fi
    local importable candidate
    # An Odoo the Python on PATH already imports (e.g. `pip install -e` of a checkout).
    importable=$(python3 -c 'import importlib.util as u, os; s = u.find_spec("odoo"); print(os.path.dirname(list(s.submodule_search_locations)[0]) if s else "")' 2>/dev/null || true)
    for candidate in "$importable" "$REPO_DIR/../odoo" "$REPO_DIR/../odoo-18.0" "$HOME/odoo" "$HOME/odoo-18.0" \
        /opt/odoo-18.0 /opt/odoo/18.0 /opt/odoo /usr/src/odoo "$CACHE_DIR/odoo-18.0"; do
        if [ -n "$candidate" ] && is_odoo18 "$candidate"; then
            ODOO_ROOT=$(cd "$candidate" && pwd)
            return
        fi
    done
    say "no Odoo 18.0 source found locally; cloning $ODOO_GIT ($ODOO_BRANCH) into $CACHE_DIR/odoo-18.0"
    rm -rf "$CACHE_DIR/odoo-18.0.part"
    if ! GIT_TERMINAL_PROMPT=0 git clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT" "$CACHE_DIR/odoo-18.0.part"; then
        rm -rf "$CACHE_DIR/odoo-18.0.part"
        die "Odoo 18.0 source not found and cloning $ODOO_GIT failed: set ODOO_SRC to an Odoo 18.0 checkout, or put one at /opt/odoo-18.0."
    fi
    mv "$CACHE_DIR/odoo-18.0.part" "$CACHE_DIR/odoo-18.0"
    ODOO_ROOT=$CACHE_DIR/odoo-18.0
}

ensure_venv() {
    local python=${PYTHON:-python3} version stamp site
    command -v "$python" >/dev/null || die "python3 not found: install Python 3.10-3.12 or set PYTHON to one."
    version=$("$python" -c 'import platform; print(platform.python_version())' 2>/dev/null) ||
        die "$python does not run as Python: set PYTHON to a Python 3.10-3.12 interpreter."
    "$python" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 12))' ||
        die "$python is Python $version; Odoo 18.0 needs 3.10-3.12: set PYTHON to one."
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the Python environment in $VENV"
        "$python" -m venv "$VENV" || die "could not create a virtual environment in $VENV: install python3-venv."
    fi
    stamp=$(cat "$ODOO_ROOT/requirements.txt" "$REPO_DIR/requirements-dev.txt" | sha256sum | cut -c1-16)-$ODOO_ROOT
    [ "$(cat "$VENV/.retention-stamp" 2>/dev/null)" = "$stamp" ] && return
    say "installing Odoo's requirements and the dev tools (a few minutes the first time)"
    # Older pinned packages need pkg_resources while they build: setuptools<80.
    PIP_CONSTRAINT=$REPO_DIR/tools/build-constraints.txt "$VENV/bin/pip" install -q --disable-pip-version-check \
        -r "$ODOO_ROOT/requirements.txt" -r "$REPO_DIR/requirements-dev.txt" >"$CACHE_DIR/pip.log" 2>&1 ||
        die "pip could not install Odoo's requirements (last lines of $CACHE_DIR/pip.log: $(tail -n 3 "$CACHE_DIR/pip.log" | tr '\n' ' '))."
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$ODOO_ROOT" >"$site/odoo-src.pth"
    echo "$stamp" >"$VENV/.retention-stamp"
}

pg_ok() { psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

ensure_postgres() {
    command -v psql >/dev/null || die "PostgreSQL client tools not found: install them with 'apt-get install postgresql'."
    pg_ok && return
    if ! pg_isready -q 2>/dev/null; then
        local version name port status
        if [ "$(id -u)" = 0 ] && command -v pg_lsclusters >/dev/null; then
            read -r version name port status _ < <(pg_lsclusters -h | head -n 1) || true
        fi
        if [ -n "${version:-}" ]; then
            say "starting PostgreSQL cluster $version/$name (port $port)"
            [ "$status" = online ] || pg_ctlcluster "$version" "$name" start ||
                die "PostgreSQL cluster $version/$name would not start: see /var/log/postgresql/postgresql-$version-$name.log."
            export PGPORT=$port
        else
            start_private_cluster
        fi
    fi
    pg_isready -q -t 30 || die "PostgreSQL did not answer within 30 s (PGHOST=${PGHOST:-socket} PGPORT=${PGPORT:-5432})."
    pg_ok && return
    if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
        # Odoo refuses to connect as `postgres`; give the current user its own role.
        runuser -u postgres -- createuser --superuser "$(id -un)" 2>/dev/null || true
    fi
    pg_ok || die "PostgreSQL answers but refuses user $(id -un): create the role with 'sudo -u postgres createuser --superuser $(id -un)'."
}

# A cluster owned by the current (non-root) user, for machines without a running server.
start_private_cluster() {
    local bin
    bin=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -n 1)")
    [ -x "$bin/initdb" ] || die "no PostgreSQL server is running and none is installed: install one with 'apt-get install postgresql', or point PGHOST/PGPORT/PGUSER at a running server."
    [ "$(id -u)" != 0 ] || die "no PostgreSQL cluster to start: as root, create one with 'pg_createcluster 15 main'."
    export PGHOST=$CACHE_DIR/pgsocket PGPORT=${PGPORT:-5432}
    mkdir -p "$PGHOST"
    if [ ! -f "$CACHE_DIR/pgdata/PG_VERSION" ]; then
        say "creating a private PostgreSQL cluster in $CACHE_DIR/pgdata"
        "$bin/initdb" -D "$CACHE_DIR/pgdata" -A trust -U "$(id -un)" >"$CACHE_DIR/initdb.log" 2>&1 ||
            die "initdb failed: see $CACHE_DIR/initdb.log."
    fi
    say "starting the private PostgreSQL cluster (socket in $PGHOST)"
    "$bin/pg_ctl" -D "$CACHE_DIR/pgdata" -l "$CACHE_DIR/postgresql.log" -w \
        -o "-k $PGHOST -c listen_addresses=''" start >/dev/null ||
        die "the private PostgreSQL cluster would not start: see $CACHE_DIR/postgresql.log."
}

write_odoo_conf() {
    mkdir -p "$STATE_DIR/data"
    local addons=$ODOO_ROOT/odoo/addons
    [ -d "$ODOO_ROOT/addons" ] && addons=$ODOO_ROOT/addons,$addons
    cat >"$ODOO_CONF" <<EOF
[options]
addons_path = $addons,$REPO_DIR
data_dir = $STATE_DIR/data
http_port = $ODOO_PORT
db_host = ${PGHOST:-False}
db_port = ${PGPORT:-False}
EOF
}

ensure_all() {
    mkdir -p "$CACHE_DIR"
    ensure_system_packages
    find_odoo
    ensure_venv
    ensure_postgres
    write_odoo_conf
}

# The run database ($ODOO_DB) with the addon and demo data, upgraded when the
# manifest version moved.
ensure_database() {
    local manifest_version installed_version
    manifest_version=$("$VENV/bin/python" -c "import ast, sys; print(ast.literal_eval(open(sys.argv[1]).read())['version'])" \
        "$REPO_DIR/retention_loyalty/__manifest__.py")
    installed_version=$(psql -d "$ODOO_DB" -Atqc \
        "SELECT latest_version FROM ir_module_module WHERE name = 'retention_loyalty' AND state = 'installed'" 2>/dev/null || true)
    if [ -z "$installed_version" ]; then
        say "creating database $ODOO_DB with retention_loyalty and demo data"
        odoo -d "$ODOO_DB" -i retention_loyalty --stop-after-init --log-level=warn ||
            die "installing retention_loyalty in database $ODOO_DB failed (see the log above)."
    elif [ "$installed_version" != "$manifest_version" ] || [ "${1:-}" = --update ]; then
        say "upgrading retention_loyalty in $ODOO_DB ($installed_version -> $manifest_version)"
        odoo -d "$ODOO_DB" -u retention_loyalty --stop-after-init --log-level=warn ||
            die "upgrading retention_loyalty in database $ODOO_DB failed (see the log above)."
    fi
}

# odoo [shell] ARGS...: run Odoo 18 from the project's environment and config.
odoo() {
    local command=()
    if [ "${1:-}" = shell ]; then command=(shell); shift; fi
    "$VENV/bin/python" -m odoo "${command[@]}" -c "$ODOO_CONF" "$@"
}

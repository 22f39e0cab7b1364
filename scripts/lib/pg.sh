# shellcheck shell=bash
# Throwaway PostgreSQL cluster for tests and benchmarks.
#
# Source this file, then:
#   pg_find_bindir          sets PG_BINDIR (0) or returns 1 when no server binaries exist
#   pg_install_if_missing   apt-get installs postgresql-15 when missing and running as root
#   pg_start [PORT]         initdb + start a cluster, wait for pg_isready; exports
#                           RAZEM_PG_URL, RAZEM_PG_PORT, RAZEM_PG_DIR
#   pg_stop [PORT]          stop the cluster and delete its directory
#   pg_is_running [PORT]    0 when our cluster on PORT is up
#
# The cluster is for tests only: fsync, synchronous_commit and full_page_writes
# are off, every loopback connection is trusted, and it listens on 127.0.0.1
# only. Its superuser is `postgres`; its admin URL is
#   postgres://postgres@127.0.0.1:PORT/postgres
#
# Settings (environment):
#   RAZEM_PG_PORT     port (default 55432; when unset and 55432 is busy, the
#                     next free port up to 55451 is taken)
#   RAZEM_PG_BINDIR   directory with initdb/pg_ctl/postgres (default: found
#                     under /usr/lib/postgresql/<version>/bin, 15 preferred)
#   RAZEM_PG_USER     unprivileged system user that runs the server when we
#                     are root (default razem-pg, created if missing; falls
#                     back to nobody)
#   RAZEM_PG_ROOT     parent of the cluster directories (default /tmp); each
#                     cluster lives in $RAZEM_PG_ROOT/razem-pg-PORT
#   RAZEM_PG_START_TIMEOUT  seconds to wait for the server (default 30)
#   RAZEM_PG_CONF     extra postgresql.conf lines, appended after the defaults
#                     (e.g. the benchmark's shared_buffers)
#
# PostgreSQL refuses to run as root. As root, the data directory is owned by
# RAZEM_PG_USER and every server command runs as that user (runuser); as any
# other user, the cluster simply runs as that user.

PG_DEFAULT_PORT=55432
PG_PORT_SCAN=20

pg__log() { printf '[pg] %s\n' "$*" >&2; }
pg__err() { printf '[pg] ERROR: %s\n' "$*" >&2; }

pg__banner() {
    # A warning nobody can miss.
    local line='!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'
    printf '\n%s\n' "$line" >&2
    local msg
    for msg in "$@"; do printf '!!! %s\n' "$msg" >&2; done
    printf '%s\n\n' "$line" >&2
}

# Sets PG_BINDIR to a directory holding initdb, pg_ctl, postgres and pg_isready.
pg_find_bindir() {
    local dir candidates=()
    if [[ -n "${RAZEM_PG_BINDIR:-}" ]]; then
        candidates+=("$RAZEM_PG_BINDIR")
    fi
    candidates+=(/usr/lib/postgresql/15/bin)
    # Any other installed major, newest first.
    while IFS= read -r dir; do
        candidates+=("$dir")
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5 -rn)
    if command -v initdb >/dev/null 2>&1; then
        candidates+=("$(dirname "$(command -v initdb)")")
    fi
    for dir in "${candidates[@]}"; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            PG_BINDIR="$dir"
            return 0
        fi
    done
    return 1
}

pg__pg_isready() {
    # pg_isready ships with the client (postgresql-client) and the server's bindir.
    if [[ -n "${PG_BINDIR:-}" && -x "$PG_BINDIR/pg_isready" ]]; then
        "$PG_BINDIR/pg_isready" "$@"
    else
        pg_isready "$@"
    fi
}

# Installs the PostgreSQL 15 server with apt-get when it is missing and we are
# root on a Debian-like system. Returns 1 when the binaries are still missing.
pg_install_if_missing() {
    pg_find_bindir && return 0
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        pg__log "PostgreSQL server binaries not found; installing postgresql-15 with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        if apt-get update -qq && apt-get install -y -qq postgresql-15 >&2; then
            pg_find_bindir && return 0
        fi
        pg__err "apt-get could not install postgresql-15"
    fi
    return 1
}

pg__is_root() { [[ "$(id -u)" -eq 0 ]]; }

# The user that owns the data directory and runs the server.
pg__ensure_user() {
    if ! pg__is_root; then
        PG_RUN_USER="$(id -un)"
        return 0
    fi
    local user="${RAZEM_PG_USER:-razem-pg}"
    if ! id -u "$user" >/dev/null 2>&1; then
        if command -v useradd >/dev/null 2>&1 &&
            useradd --system --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin "$user" >/dev/null 2>&1; then
            pg__log "created system user $user to run PostgreSQL (it refuses to run as root)"
        else
            pg__log "could not create user $user; running PostgreSQL as nobody"
            user=nobody
        fi
    fi
    PG_RUN_USER="$user"
}

# Runs a command as the cluster's user, from / (the caller's cwd may be
# unreadable to that user).
pg__as_user() {
    if pg__is_root; then
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u "$PG_RUN_USER" -- "$@")
        else
            (cd / && setpriv --reuid="$PG_RUN_USER" --regid="$(id -g "$PG_RUN_USER")" \
                --clear-groups -- "$@")
        fi
    else
        "$@"
    fi
}

pg__port_busy() {
    # 0 when something accepts TCP connections on 127.0.0.1:$1.
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg__dir_for() { printf '%s/razem-pg-%s' "${RAZEM_PG_ROOT:-/tmp}" "$1"; }

pg__url_for() { printf 'postgres://postgres@127.0.0.1:%s/postgres' "$1"; }

pg_is_running() {
    local port="${1:-${RAZEM_PG_PORT:-$PG_DEFAULT_PORT}}"
    local dir
    dir="$(pg__dir_for "$port")"
    [[ -f "$dir/data/postmaster.pid" ]] || return 1
    local pid
    pid="$(head -n1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# Removes a cluster directory, but only one this library made.
pg__remove_dir() {
    local dir="$1"
    if [[ -f "$dir/.razem-pg" ]]; then
        rm -rf -- "$dir"
    elif [[ -e "$dir" ]]; then
        pg__err "$dir exists but was not made by scripts/lib/pg.sh; not deleting it"
        return 1
    fi
}

pg_start() {
    local port="${1:-${RAZEM_PG_PORT:-}}"
    local scan=0
    if [[ -z "$port" ]]; then
        port="$PG_DEFAULT_PORT"
        scan=1
    fi
    local timeout="${RAZEM_PG_START_TIMEOUT:-30}"

    if ! pg_find_bindir; then
        pg__err "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found." \
            "Install postgresql-15 or set RAZEM_PG_BINDIR."
        return 1
    fi
    pg__ensure_user

    # Pick the port: the requested one, or the first free one from 55432 on.
    local tries=0
    while :; do
        local dir
        dir="$(pg__dir_for "$port")"
        if pg_is_running "$port"; then
            if [[ "$scan" -eq 1 ]]; then
                port=$((port + 1))
            else
                pg__err "a throwaway cluster is already running on port $port ($dir);" \
                    "stop it with: scripts/pg-cluster stop $port"
                return 1
            fi
        elif pg__port_busy "$port"; then
            if [[ "$scan" -eq 1 ]]; then
                port=$((port + 1))
            else
                pg__err "port 127.0.0.1:$port is in use; choose another with RAZEM_PG_PORT"
                return 1
            fi
        else
            break
        fi
        tries=$((tries + 1))
        if [[ "$tries" -ge "$PG_PORT_SCAN" ]]; then
            pg__err "no free port between $PG_DEFAULT_PORT and $port; set RAZEM_PG_PORT"
            return 1
        fi
    done

    local dir
    dir="$(pg__dir_for "$port")"
    # A leftover directory of a crashed run on this port: its server is gone.
    pg__remove_dir "$dir" || return 1
    mkdir -p -- "$dir"
    touch -- "$dir/.razem-pg"
    if pg__is_root; then
        chown -R "$PG_RUN_USER:" -- "$dir"
    fi
    chmod 700 -- "$dir"

    pg__log "initdb $dir/data (PostgreSQL $("$PG_BINDIR/postgres" --version | awk '{print $3}'), user $PG_RUN_USER)"
    local locale=C
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        locale=C.UTF-8
    fi
    if ! pg__as_user "$PG_BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust \
        --encoding=UTF8 --locale="$locale" --no-sync >"$dir/initdb.log" 2>&1; then
        pg__err "initdb failed:"
        sed 's/^/    /' "$dir/initdb.log" >&2
        pg__remove_dir "$dir"
        return 1
    fi

    cat >>"$dir/data/postgresql.conf" <<EOF

# --- razem throwaway test cluster (scripts/lib/pg.sh): never for real data ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if [[ -n "${RAZEM_PG_CONF:-}" ]]; then
        printf '%s\n' "$RAZEM_PG_CONF" >>"$dir/data/postgresql.conf"
    fi
    # Trust loopback connections only (initdb --auth=trust already writes
    # these, spelled out here so the file says what it allows).
    cat >"$dir/data/pg_hba.conf" <<'EOF'
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
host    all       all   ::1/128        trust
EOF
    if pg__is_root; then
        chown "$PG_RUN_USER:" -- "$dir/data/postgresql.conf" "$dir/data/pg_hba.conf"
    fi

    pg__log "starting on 127.0.0.1:$port (log: $dir/server.log)"
    if ! pg__as_user "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
        -w -t "$timeout" start >/dev/null 2>"$dir/pg_ctl.log"; then
        pg__err "PostgreSQL did not start within ${timeout}s. pg_ctl said:"
        sed 's/^/    /' "$dir/pg_ctl.log" >&2
        pg__err "last lines of the server log:"
        tail -n 30 "$dir/server.log" 2>/dev/null | sed 's/^/    /' >&2
        pg_stop "$port" >/dev/null 2>&1 || true
        return 1
    fi

    # Bounded wait until the server accepts connections over TCP.
    local waited=0
    until pg__pg_isready -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 1; do
        waited=$((waited + 1))
        if [[ "$waited" -ge "$timeout" ]]; then
            pg__err "PostgreSQL on 127.0.0.1:$port did not answer pg_isready within ${timeout}s."
            tail -n 30 "$dir/server.log" 2>/dev/null | sed 's/^/    /' >&2
            pg_stop "$port" >/dev/null 2>&1 || true
            return 1
        fi
        sleep 1
    done

    RAZEM_PG_PORT="$port"
    RAZEM_PG_DIR="$dir"
    RAZEM_PG_URL="$(pg__url_for "$port")"
    export RAZEM_PG_PORT RAZEM_PG_DIR RAZEM_PG_URL
    pg__log "ready: $RAZEM_PG_URL"
}

pg_stop() {
    local port="${1:-${RAZEM_PG_PORT:-$PG_DEFAULT_PORT}}"
    local dir
    dir="$(pg__dir_for "$port")"
    if [[ ! -d "$dir" ]]; then
        pg__log "no throwaway cluster on port $port ($dir does not exist)"
        return 0
    fi
    if [[ ! -f "$dir/.razem-pg" ]]; then
        pg__err "$dir was not made by scripts/lib/pg.sh; leaving it alone"
        return 1
    fi
    if pg_is_running "$port"; then
        pg_find_bindir || true
        [[ -n "${PG_RUN_USER:-}" ]] || PG_RUN_USER="$(stat -c %U "$dir")"
        pg__log "stopping the cluster on port $port"
        if [[ -z "${PG_BINDIR:-}" ]] ||
            ! pg__as_user "$PG_BINDIR/pg_ctl" -D "$dir/data" -m fast -w -t 20 stop >/dev/null 2>&1; then
            local pid
            pid="$(head -n1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
            if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
                pg__log "pg_ctl stop failed; sending SIGQUIT to postmaster $pid"
                kill -QUIT "$pid" 2>/dev/null || true
                local waited=0
                while kill -0 "$pid" 2>/dev/null && [[ "$waited" -lt 20 ]]; do
                    sleep 0.5
                    waited=$((waited + 1))
                done
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
    fi
    pg__remove_dir "$dir"
    pg__log "removed $dir"
}

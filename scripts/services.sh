#!/usr/bin/env bash
# Private PostgreSQL (with PostGIS) and Redis for this checkout, used when DATABASE_URL / REDIS_URL
# are not set. Data lives in .services/ inside the checkout, on loopback-only, non-standard ports.
#
#   eval "$(scripts/services.sh start)"   start what is needed and print the export lines
#   scripts/services.sh stop              stop this checkout's private servers
#   scripts/services.sh status
#
# Only Debian's packages are used (postgresql, postgresql-<major>-postgis-3, redis-server); they are
# installed when missing if we are root, otherwise the script says what to install and exits 1.
# Everything it prints for humans goes to stderr; stdout carries only the export lines.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
svc="$root/.services"
log() { printf 'services: %s\n' "$*" >&2; }

port_busy() { # is something listening on 127.0.0.1:$1?
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A port for a service of this checkout: the one it used before (kept in .services/<svc>/port),
# else the first free one from the default, so that several checkouts on one machine (a CI clone
# beside a developer's tree) each get their own servers.
pick_port() {
  local name=$1 default=$2 file="$svc/$1/port" p
  if [ -f "$file" ]; then cat "$file"; return; fi
  p=$default
  while port_busy "$p"; do p=$((p + 1)); [ "$p" -gt $((default + 50)) ] && { log "no free port near $default for $name"; exit 1; }; done
  mkdir -p "$svc/$name"; echo "$p" > "$file"; echo "$p"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi
}

apt_install() {
  local pkgs=("$@")
  if ! as_root true; then
    log "missing Debian packages: ${pkgs[*]}"
    log "install them as root:  apt-get install -y ${pkgs[*]}   (or set DATABASE_URL and REDIS_URL)"
    exit 1
  fi
  log "installing ${pkgs[*]} from Debian's packages"
  # Never let the package create and start a system-wide cluster on :5432.
  if [ -d /etc/postgresql-common ] || as_root mkdir -p /etc/postgresql-common; then
    as_root sh -c 'grep -q "^create_main_cluster" /etc/postgresql-common/createcluster.conf 2>/dev/null || echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf'
  fi
  if [ ! -f "$svc/.apt-updated" ]; then as_root apt-get update -qq >&2 && mkdir -p "$svc" && touch "$svc/.apt-updated"; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >&2
}

pg_bin() {
  local major
  major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
  [ -n "$major" ] && echo "/usr/lib/postgresql/$major/bin"
}

ensure_packages() {
  local need=()
  [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
  local major
  major=$(basename "$(dirname "$(pg_bin)")")
  [ -f "/usr/share/postgresql/$major/extension/postgis.control" ] || apt_install "postgresql-$major-postgis-3"
}

run_pg() { # run a PostgreSQL binary as the owner of the data folder
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_dir() { # the cluster's folder: in the checkout, unless the postgres user cannot reach it
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root" 2>/dev/null; then
    # e.g. a checkout inside a private temporary folder: keep the cluster beside it, outside
    echo "/tmp/yibiao-pg-$(printf '%s' "$root" | sha256sum | cut -c1-12)"
  else
    echo "$svc/pg"
  fi
}

start_pg() {
  local bin data dir
  bin=$(pg_bin); dir=$(pg_dir); data="$dir/data"
  mkdir -p "$dir" "$svc"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir" && chmod 755 "$svc"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising a private PostgreSQL cluster in $data"
    run_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if run_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    pg_port=$(sed -n 4p "$data/postmaster.pid")   # already running: its own port
  else
    pg_port=${YIBIAO_PG_PORT:-$(pick_port pg 54329)}
    log "starting PostgreSQL on 127.0.0.1:$pg_port"
    run_pg "$bin/pg_ctl" -D "$data" -l "$dir/pg.log" -w -t 60 -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  fi
}

start_redis() {
  mkdir -p "$svc/redis"
  redis_port=${YIBIAO_REDIS_PORT:-$(pick_port redis 63799)}
  if [ -f "$svc/redis/redis.pid" ] && kill -0 "$(cat "$svc/redis/redis.pid")" 2>/dev/null; then return; fi
  log "starting Redis on 127.0.0.1:$redis_port"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$svc/redis/redis.pid" --dir "$svc/redis" --logfile "$svc/redis/redis.log" >/dev/null
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  log "Redis did not answer on port $redis_port; see $svc/redis/redis.log"; exit 1
}

case "${1:-start}" in
  start)
    if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then ensure_packages; fi
    if [ -z "${DATABASE_URL:-}" ]; then
      start_pg
      echo "export DATABASE_URL='postgresql://postgres@127.0.0.1:$pg_port/yibiao'"
    fi
    if [ -z "${REDIS_URL:-}" ]; then
      start_redis
      echo "export REDIS_URL='redis://127.0.0.1:$redis_port'"
    fi
    ;;
  stop)
    bin=$(pg_bin || true)
    if [ -n "$bin" ] && [ -f "$(pg_dir)/data/PG_VERSION" ]; then run_pg "$bin/pg_ctl" -D "$(pg_dir)/data" -m fast stop >/dev/null 2>&1 || true; fi
    if [ -f "$svc/redis/redis.pid" ]; then kill "$(cat "$svc/redis/redis.pid")" 2>/dev/null || true; rm -f "$svc/redis/redis.pid"; fi
    log "stopped"
    ;;
  status)
    bin=$(pg_bin || true)
    [ -n "$bin" ] && run_pg "$bin/pg_ctl" -D "$(pg_dir)/data" status >&2 || true
    [ -f "$svc/redis/redis.pid" ] && kill -0 "$(cat "$svc/redis/redis.pid")" 2>/dev/null && log "redis running" || log "redis not running"
    ;;
  *) log "usage: scripts/services.sh start|stop|status"; exit 2 ;;
esac

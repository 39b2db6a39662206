#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster on 127.0.0.1 and a free port.
# Usage: source scripts/pg-throwaway.sh   → exports TEST_DATABASE_URL and stops the cluster on exit.
# Its data dies with it, so by default it does not pay for durability (fsync, synchronous commit,
# full-page writes): the tests' commits do not wait for the disk. PG_THROWAWAY_DURABLE=1 keeps
# PostgreSQL's defaults, for the benchmarks, which measure what a real server pays per commit.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ]; then
	echo "pg-throwaway: no PostgreSQL 15 server in $PGBIN (apt-get install postgresql-15)" >&2
	return 1 2>/dev/null || exit 1
fi
PG_RUN_AS=""
if [ "$(id -u)" = "0" ]; then
	# initdb refuses to run as root.
	id quota-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin quota-pg
	PG_RUN_AS="runuser -u quota-pg --"
fi
PG_DURABILITY="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${PG_THROWAWAY_DURABLE:-}" = "1" ] && PG_DURABILITY=""
PGDATA_DIR=$(mktemp -d /tmp/quota-pg.XXXXXX)
chmod 700 "$PGDATA_DIR"
[ -n "$PG_RUN_AS" ] && chown quota-pg "$PGDATA_DIR"
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
$PG_RUN_AS "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres -A trust --no-sync -E UTF8 >/dev/null
$PG_RUN_AS "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 start \
	-o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PGDATA_DIR -c max_connections=300 -c shared_buffers=256MB $PG_DURABILITY" >/dev/null
PG_PID=$(head -1 "$PGDATA_DIR/postmaster.pid")
pg_throwaway_stop() {
	kill -INT "$PG_PID" 2>/dev/null || true
	for _ in $(seq 1 50); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
	rm -rf "$PGDATA_DIR"
}
trap pg_throwaway_stop EXIT
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "pg-throwaway: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (pid $PG_PID)${PG_DURABILITY:+, without fsync}"

#!/bin/sh
# sqlite3 on a mount: a database created, 10,000 rows inserted, a committed
# and a rolled-back transaction, then two processes killed (SIGKILL) in the
# middle of a transaction -- one idle inside it after its changes spilled to
# the database file, one while a statement runs -- and the database
# reopened: the committed rows are there, the uncommitted ones are not, and
# integrity_check says ok, as on a kernel directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v sqlite3 >/dev/null || prog_skip "sqlite3 is not installed"
prog_init 512

S=$WORK/src
mkdir -p "$S"
awk 'BEGIN { print "BEGIN;"
	for (i = 1; i <= 10000; i++)
		printf "INSERT INTO t(id, name, n) VALUES(%d, %s, %d);\n",
			i, "'"'"'row " i "'"'"'", (i * 7919) % 10007
	print "COMMIT;" }' >"$S/insert.sql"

DELAYS="0.05 0.3"
[ "${STRESS:-0}" = 1 ] && DELAYS=$(seq 0.02 0.04 0.8)

CHECK="SELECT count(*), sum(n), min(id), max(id), count(DISTINCT name) FROM t;
SELECT count(*), sum(length(pad)) FROM big;
PRAGMA integrity_check;"

# crash DB SQL MARKER: runs sqlite3 on DB reading SQL from a pipe; once it
# printed MARKER (it is inside a transaction), kills it with SIGKILL.
crash()
{
	rm -f "$WORK/fifo" "$WORK/pid" "$WORK/crash.out"
	mkfifo "$WORK/fifo"
	# The shell that runs $R reports the kill on its stderr: /dev/null.
	$R sh -c 'echo $$ >"$1"; o=$2; shift 2; exec sqlite3 "$@" >"$o" 2>&1' \
		sh "$WORK/pid" "$WORK/crash.out" -batch "$1" <"$WORK/fifo" \
		2>/dev/null &
	bg=$!
	exec 3>"$WORK/fifo"
	printf '%s\n' "$2" >&3
	i=0
	until grep -q "$3" "$WORK/crash.out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 600 ] || prog_fail "sqlite3 never printed $3:" \
			"$(cat "$WORK/crash.out")"
		sleep 0.05
	done
	[ -n "${4:-}" ] && sleep "$4"
	kill -KILL "$(cat "$WORK/pid")"
	# The shell reports the killed job on stderr, at a time of its own.
	wait $bg 2>/dev/null
	exec 3>&-
	cat "$WORK/crash.out"
	echo "killed in the transaction"
}

workload()
{
	db=$D/test.db
	x sqlite3 "$db" "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT,
		n INTEGER); CREATE TABLE big(id INTEGER PRIMARY KEY, pad BLOB);"
	$R sqlite3 "$db" <"$S/insert.sql"
	echo "[exit $?] insert 10000 rows"
	x sqlite3 "$db" "CREATE INDEX t_n ON t(n);
		INSERT INTO big(pad) SELECT zeroblob(3000) FROM t LIMIT 500;"
	x sqlite3 "$db" "$CHECK"
	x sqlite3 "$db" "BEGIN; UPDATE t SET n = n + 1 WHERE id % 3 = 0;
		DELETE FROM t WHERE id > 9900; INSERT INTO t(name, n)
		VALUES('late', 1); COMMIT;"
	x sqlite3 "$db" "BEGIN; DELETE FROM t; DELETE FROM big; ROLLBACK;"
	x sqlite3 "$db" "$CHECK
		SELECT id, name, n FROM t WHERE n < 5 ORDER BY n, id;"

	# Killed while idle in a transaction whose pages went to the file.
	crash "$db" "PRAGMA cache_size = 5; BEGIN;
		INSERT INTO big(pad) SELECT randomblob(1000) FROM t LIMIT 4000;
		UPDATE t SET name = 'lost' WHERE id < 5000;
		DELETE FROM t WHERE id > 5000; SELECT 'inside';" inside
	x ls "$D"
	x sqlite3 "$db" "$CHECK"

	# Killed while a long statement runs, at a few points of it (many
	# with STRESS=1).
	for delay in $DELAYS; do
		crash "$db" "PRAGMA cache_size = 5; BEGIN; SELECT 'running';
			WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1
			FROM c WHERE i < 2000000) INSERT INTO big(pad)
			SELECT randomblob(300) FROM c; COMMIT;" running "$delay"
		x sqlite3 "$db" "$CHECK"
	done
	x sqlite3 "$db" "VACUUM; $CHECK"
	x sqlite3 "$db" ".tables" ".schema t"
	x sqlite3 "$db" ".dump t" | tail -n 3
	x ls "$D"
}

prog_both sqlite3 workload

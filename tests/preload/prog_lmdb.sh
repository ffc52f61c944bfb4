#!/bin/sh
# LMDB's tools on a mount: mdb_load maps the whole map size shared and
# read-only past the end of the file, writes pages with pwrite and reads
# them back through the map as the file grows; mdb_stat and mdb_dump read
# the database through a map. Output and dumps are those of the same
# commands on a kernel directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v mdb_load >/dev/null || prog_skip "mdb_load (lmdb-utils) is not installed"
prog_init 128

# the dump of a database of 20,000 keys, some values long enough for
# overflow pages
awk 'BEGIN {
	print "VERSION=3"; print "format=print"; print "type=btree"
	print "mapsize=16777216"; print "maxreaders=126"; print "HEADER=END"
	for (i = 0; i < 20000; i++) {
		printf " key%06d\n", i
		v = sprintf("value-%d-", i)
		n = i % 997 == 0 ? 3000 : i % 50
		for (j = 0; j < n; j++) v = v "x"
		printf " %s\n", v
	}
	print "DATA=END" }' >"$WORK/in.dump"
sed -n '/^HEADER=END/,$p' "$WORK/in.dump" >"$WORK/in.data"

workload()
{
	x mkdir "$D/db"
	x mdb_load -f "$WORK/in.dump" "$D/db"
	x mdb_stat "$D/db"
	$R mdb_dump -p "$D/db" | sed -n '/^HEADER=END/,$p' >"$O/out.data"
	x cmp "$WORK/in.data" "$O/out.data"
	x mdb_load -f "$WORK/in.dump" -s sub "$D/db"
	x mdb_stat -a "$D/db"
	$R mdb_dump -p -s sub "$D/db" | sed -n '/^HEADER=END/,$p' |
		cmp - "$WORK/in.data"
	echo "[exit $?] the subdatabase holds the same records"
	# the lock file holds process ids and mutexes: no two runs agree
	x rm "$D/db/lock.mdb"
}

prog_both lmdb workload
# the workload itself must have worked, not only worked alike
for what in "mdb_load -f" "cmp" "the subdatabase"; do
	grep -q "^\[exit 0\] $what" "$WORK/lmdb.k" ||
		prog_fail "on the kernel directory: $what did not succeed"
done
echo "ok: every step succeeded on both sides"

#!/bin/sh
# shim_mmapshared: shared maps of pool files are the pool's pages mapped in
# place, as a kernel file's are the page cache's: the mapshared program and
# python3's mmap give the same results on a mount as on a kernel directory,
# and sqlite3 runs in WAL mode (its shared-memory index is a shared map)
# with another process reading the database afterwards.
. "$TEST_TOP/tests/preload/shim_lib.sh"

command -v python3 >/dev/null || { echo "python3 is not installed"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed"; exit 77; }
shim_init

MAPSHARED=$TEST_BUILD/tests/preload/mapshared
"$MAPSHARED" "$KDIR" 2>&1 | shim_sanitize >"$WORK/k.out"
PMEMFILE_PRELOAD_LOG=$WORK/log pf "$MAPSHARED" "$MNT" 2>&1 |
	shim_sanitize >"$WORK/m.out"
grep -q "map of an unlinked file" "$WORK/k.out" ||
	shim_fail "mapshared did not run to its end on the kernel directory"
shim_diff "mapshared" "$WORK/k.out" "$WORK/m.out"

cat >"$WORK/map.py" <<'PY'
import mmap, os, sys
p = os.path.join(sys.argv[1], "m")
with open(p, "wb") as f:
    f.write(b"0123456789" * 1000)
fd = os.open(p, os.O_RDWR)
for name, acc in (("read", mmap.ACCESS_READ), ("copy", mmap.ACCESS_COPY),
                  ("write", mmap.ACCESS_WRITE)):
    m = mmap.mmap(fd, 0, access=acc)
    print(name, m[:12], m[9990:], len(m))
    if acc != mmap.ACCESS_READ:
        m[0:4] = name[:4].upper().encode()
        print(name, "map", m[:8])
        m.flush()
    m.close()
    print(name, "file", os.pread(fd, 8, 0))
os.close(fd)
PY
python3 "$WORK/map.py" "$KDIR" >"$WORK/k.out" 2>&1
pf python3 "$WORK/map.py" "$MNT" >"$WORK/m.out" 2>&1
shim_diff "python3 mmap ACCESS_READ, ACCESS_COPY, ACCESS_WRITE" \
	"$WORK/k.out" "$WORK/m.out"

sql="PRAGMA journal_mode=WAL;
CREATE TABLE t(a, b); BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000)
INSERT INTO t SELECT x, hex(randomblob(8)) FROM c; COMMIT;
UPDATE t SET b = 'even' WHERE a % 2 = 0;
SELECT count(*), sum(a), count(b = 'even' OR NULL) FROM t;"
again="PRAGMA journal_mode; PRAGMA integrity_check;
SELECT count(*), sum(a), count(b = 'even' OR NULL) FROM t;"
{ sqlite3 "$KDIR/w.db" "$sql" && sqlite3 "$KDIR/w.db" "$again"; } \
	>"$WORK/k.out" 2>&1
{ pf sqlite3 "$MNT/w.db" "$sql" && pf sqlite3 "$MNT/w.db" "$again"; } \
	>"$WORK/m.out" 2>&1
shim_diff "sqlite3 in WAL mode" "$WORK/k.out" "$WORK/m.out"
ls "$KDIR" >"$WORK/k.ls"
pf ls "$MNT" >"$WORK/m.ls"
shim_diff "the files left" "$WORK/k.ls" "$WORK/m.ls"
grep -q "ENODEV\|not supported" "$WORK/log" &&
	shim_fail "the log reports a refused call: $(grep ENODEV "$WORK/log")"
shim_check_mountpoint
"$TEST_BUILD/bin/pmemfile" check "$POOL" >"$WORK/check.out" 2>&1 || {
	cat "$WORK/check.out"
	shim_fail "pmemfile check: the pool is not consistent after the maps"
}
echo "ok: the pool checks clean"

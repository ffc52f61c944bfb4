#!/bin/sh
# shim_mmapshared: shared mappings of a pool file as documented in
# libpmemfile(7): a read-only one and a private one show the file's bytes as
# on a kernel directory; a writable shared one fails with ENODEV and a log
# line, never a mapping that would lose its writes; sqlite3's WAL mode runs
# with locking_mode=EXCLUSIVE (no shared memory file) as on the kernel.
. "$TEST_TOP/tests/preload/shim_lib.sh"

command -v python3 >/dev/null || { echo "python3 is not installed"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed"; exit 77; }
shim_init

cat >"$WORK/map.py" <<'PY'
import mmap, os, sys
p = os.path.join(sys.argv[1], "m")
with open(p, "wb") as f:
    f.write(b"0123456789" * 1000)
fd = os.open(p, os.O_RDWR)
for name, acc in (("read", mmap.ACCESS_READ), ("copy", mmap.ACCESS_COPY)):
    m = mmap.mmap(fd, 0, access=acc)
    print(name, m[:12], m[9990:], len(m))
    if acc == mmap.ACCESS_COPY:
        m[0:4] = b"ABCD"
        print(name, "map", m[:8])
    m.close()
    print(name, "file", os.pread(fd, 8, 0))
os.close(fd)
PY
python3 "$WORK/map.py" "$KDIR" >"$WORK/k.out" 2>&1
PMEMFILE_PRELOAD_LOG=$WORK/log pf python3 "$WORK/map.py" "$MNT" \
	>"$WORK/m.out" 2>&1
shim_diff "python3 mmap ACCESS_READ, ACCESS_COPY" "$WORK/k.out" "$WORK/m.out"

cat >"$WORK/wmap.py" <<'PY'
import mmap, os, sys
fd = os.open(os.path.join(sys.argv[1], "m"), os.O_RDWR)
try:
    mmap.mmap(fd, 0, access=mmap.ACCESS_WRITE)
    print("mapped")
except OSError as e:
    print("errno", e.errno)
PY
out=$(PMEMFILE_PRELOAD_LOG=$WORK/log pf python3 "$WORK/wmap.py" "$MNT" 2>&1)
[ "$out" = "errno 19" ] ||
	shim_fail "a writable shared map of a pool file gave: $out, not ENODEV"
grep -q "MAP_SHARED.*ENODEV" "$WORK/log" ||
	shim_fail "the log has no line for the refused shared map"
echo "ok: a writable shared map fails with ENODEV and a log line"

sql="PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL;
CREATE TABLE t(a, b); BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500)
INSERT INTO t SELECT x, hex(randomblob(8)) FROM c; COMMIT;
SELECT count(*), sum(a) FROM t;"
again="PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode;
SELECT count(*), sum(a) FROM t;"
{ sqlite3 "$KDIR/w.db" "$sql" && sqlite3 "$KDIR/w.db" "$again"; } \
	>"$WORK/k.out" 2>&1
{ pf sqlite3 "$MNT/w.db" "$sql" && pf sqlite3 "$MNT/w.db" "$again"; } \
	>"$WORK/m.out" 2>&1
shim_diff "sqlite3 WAL with locking_mode=EXCLUSIVE" "$WORK/k.out" \
	"$WORK/m.out"
shim_check_mountpoint

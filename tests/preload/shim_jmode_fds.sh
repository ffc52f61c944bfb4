#!/bin/sh
# shim_jmode_fds: the descriptors the library keeps for a pool in journal
# mode (the pool file's, the journal's, the tracking of written pages) are
# out of the program's way and out of its reach. A bash that holds such a
# pool redirects descriptors 3 to 9 to files of its own with "exec 3>f3
# ...", and a python program closes every descriptor from 3 on
# (os.closerange), each then writing into the pool and syncing, and so
# does a python program that holds the pool itself: the pool
# has every file with its bytes after the last process left, as the same
# commands leave a kernel directory, and the programs' own files hold only
# what they wrote there.
# Before, the numbers 3 to 7 were the library's: the redirections took
# them over and the pool lost every file, even those written before.
. "$TEST_TOP/tests/preload/shim_lib.sh"

. "$TEST_TOP/tests/disk_lib.sh"
disk_dir jmode_fds
P=$DISK/pool
shim_journal_pool "$P" 32
mkdir -p "$MNT" "$KDIR"
command -v bash >/dev/null || { echo "bash is not installed"; exit 77; }

# the workload in ROOT ($1), its own files in OWN ($2)
cat >"$WORK/work.sh" <<'SH'
cd "$1" || exit 1
echo before >a
exec 3>"$2/f3" 4>"$2/f4" 5>"$2/f5" 6>"$2/f6" 7>"$2/f7" 8>"$2/f8" 9>"$2/f9"
echo three >&3
echo nine >&9
head -c 3000000 /dev/zero | tr '\0' y >b
sync
python3 -c '
import os
os.closerange(3, 1 << 20)
fd = os.open("c", os.O_CREAT | os.O_WRONLY, 0o644)
os.write(fd, b"z" * 100000)
os.fsync(fd)
os.close(fd)
own = os.open(os.environ["OWN"] + "/g", os.O_CREAT | os.O_WRONLY, 0o644)
os.write(own, b"own\n")
os.close(own)
'
echo after >d
SH
mkdir -p "$WORK/own.k" "$WORK/own.m"
OWN=$WORK/own.k bash "$WORK/work.sh" "$KDIR" "$WORK/own.k" ||
	shim_fail "the workload failed on the kernel directory"
OWN=$WORK/own.m LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$P \
	bash "$WORK/work.sh" "$MNT" "$WORK/own.m" ||
	shim_fail "the workload failed on the mount"

listing()
{
	for f in a b c d; do
		printf '%s ' "$f"
		cksum <"$1/$f" 2>&1 || echo missing
	done
}
check_pool()
{
	"$PF" check "$P" >"$WORK/check" 2>&1 ||
		shim_fail "the pool is not consistent $1: $(cat "$WORK/check")"
	for f in a b c d; do
		printf '%s ' "$f"
		"$PF" cat "$P" "/$f" 2>/dev/null | cksum
	done >"$WORK/m.list"
	shim_diff "the files $1" "$WORK/k.list" "$WORK/m.list"
}
listing "$KDIR" >"$WORK/k.list"
check_pool "after the last process left"
for f in f3 f4 f5 f6 f7 f8 f9 g; do
	printf '%s ' "$f"
	cksum <"$WORK/own.k/$f"
done >"$WORK/own.k.list"
for f in f3 f4 f5 f6 f7 f8 f9 g; do
	printf '%s ' "$f"
	cksum <"$WORK/own.m/$f"
done >"$WORK/own.m.list"
shim_diff "the programs' own files" "$WORK/own.k.list" "$WORK/own.m.list"

# a program that holds the pool itself closes every descriptor from 3 on
# (closefrom, as daemons do), then writes and syncs
cat >"$WORK/closer.py" <<'PY'
import os, sys
root = sys.argv[1]
fd = os.open(root + "/e", os.O_CREAT | os.O_WRONLY, 0o644)
os.write(fd, b"first\n")
os.close(fd)
os.closerange(3, 1 << 20)
fd = os.open(root + "/e", os.O_WRONLY | os.O_APPEND)
os.write(fd, b"e" * 3000000)
os.fsync(fd)
os.close(fd)
PY
python3 "$WORK/closer.py" "$KDIR" ||
	shim_fail "the closing program failed on the kernel directory"
LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$P python3 "$WORK/closer.py" "$MNT" ||
	shim_fail "the closing program failed on the mount"
cksum <"$KDIR/e" >"$WORK/k.e"
"$PF" cat "$P" /e | cksum >"$WORK/m.e"
shim_diff "the file written after closefrom" "$WORK/k.e" "$WORK/m.e"
"$PF" check "$P" >"$WORK/check" 2>&1 ||
	shim_fail "the pool is not consistent: $(cat "$WORK/check")"
echo "ok: the library's descriptors were out of the programs' way"

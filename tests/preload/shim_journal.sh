#!/bin/sh
# shim_journal: a pool on a file of a disk in journal mode (the pool file's
# attribute user.pmemfile.durability=journal), used by several processes
# through the shim, holds after a power cut what its last sync point had:
# a shell writes a file, a child shell (a client of the shell, which holds
# the pool) writes another and calls sync, a client writes with dd
# oflag=sync (each write a sync point), the shell writes a last file, and
# everything is killed; then what lived in memory only (the pool's image
# and segment in /dev/shm) is removed, as a power cut would. The files
# synced are there with their bytes, as the same commands leave them on a
# kernel directory, the last one is not, and the pool checks clean. A
# clean end leaves everything there and nothing in /dev/shm; pmemfile info
# says "journal".
. "$TEST_TOP/tests/preload/shim_lib.sh"

. "$TEST_TOP/tests/disk_lib.sh"
disk_dir journal
P=$DISK/pool
shim_journal_pool "$P" 32
mkdir -p "$MNT" "$KDIR"

# the workload in ROOT ($1); signals READY ($2) and waits to be killed
cat >"$WORK/work.sh" <<'SH'
cd "$1" || exit 1
echo one >a
sh -c 'echo two >b; sync'
head -c 20000 /dev/zero | tr '\0' x | dd of=c bs=4096 oflag=sync 2>/dev/null
echo lost >d
cat a b >/dev/null
: >"$2"
sleep 60
SH
shim_killed "$P" "$WORK/work.sh" "$WORK/ready"
# the power cut: what was in memory only goes
shim_power_cut

sh "$WORK/work.sh" "$KDIR" "$WORK/kready" &
kpid=$!
while [ ! -e "$WORK/kready" ]; do sleep 0.1; done
kill "$kpid"
wait "$kpid" 2>/dev/null

"$PF" check "$P" >"$WORK/check" 2>&1 ||
	shim_fail "the pool is not consistent after the cut: $(cat "$WORK/check")"
for f in a b c; do
	"$PF" cat "$P" "/$f" >"$WORK/m.$f" 2>&1 ||
		shim_fail "/$f is missing after the cut: $(cat "$WORK/m.$f")"
	cmp -s "$KDIR/$f" "$WORK/m.$f" ||
		shim_fail "/$f differs from the kernel's after the cut"
	echo "ok: /$f, synced, is there after the cut"
done
if "$PF" cat "$P" /d >/dev/null 2>&1; then
	shim_fail "/d, never synced, is there after the cut"
fi
echo "ok: /d, never synced, is not"

# a holder's end while a client uses the pool: the shell that holds the
# pool writes a file and ends while its child (a client) waits with that
# file open; a copy of the shell (pmemfile-keep) goes on holding the pool,
# as on memory; the child writes a file through it and syncs; then the
# cut. Both files are there, the pool consistent.
cat >"$WORK/handover.sh" <<'SH'
cd "$1" || exit 1
echo before >h1
(
	# a file open across the holder's end, which keeps the copy there
	exec 3<h1
	sleep 1
	echo after >h2
	sync
	# the processes that map the pool's image: the copy among them
	for m in /proc/[0-9]*/maps; do
		grep -qF "$IMAGE.image" "$m" 2>/dev/null && cat "${m%maps}comm"
	done >"$HOLDERS"
	: >"$2"
	sleep 60
) &
SH
export IMAGE HOLDERS="$WORK/holders"
shim_killed "$P" "$WORK/handover.sh" "$WORK/hready"
# the child, a fork of the holder, may not hold the pool itself: a keeper
# process it started holds it, outside the group; it goes down too
shim_power_cut
"$PF" check "$P" >"$WORK/check" 2>&1 ||
	shim_fail "the pool is not consistent after a hand-over and the cut: $(cat "$WORK/check")"
[ "$("$PF" cat "$P" /h1)" = before ] || shim_fail "/h1 is not there"
[ "$("$PF" cat "$P" /h2)" = after ] || shim_fail "/h2 is not there"
grep -qx pmemfile-keep "$WORK/holders" ||
	shim_fail "no copy of the holder held the pool: $(cat "$WORK/holders")"
echo "ok: a holder's end (its copy holds the pool), a sync, then the cut"

# a clean end: everything is there, nothing is left in memory
LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$P sh -c 'echo clean >"$1/e"' sh "$MNT" ||
	shim_fail "a clean run failed"
[ ! -e "$IMAGE.image" ] || shim_fail "the image is left after a clean end"
[ "$("$PF" cat "$P" /e)" = clean ] || shim_fail "/e is not there"
"$PF" check "$P" >/dev/null || shim_fail "the pool is not consistent"
echo "ok: a clean end keeps everything and leaves no image"

# libpmemobj msyncs each change of a pool it does not take for pmem, as the
# image; jmode.c answers those in the library (the journal makes the image
# durable): the system calls made do not grow with the files written
msyncs() {
	strace -f -qq -e trace=msync -o "$WORK/strace" -E LD_PRELOAD="$SHIM" \
		-E PMEMFILE_POOLS="$MNT:$P" sh -c 'i=0
while [ $i -lt "$2" ]; do echo $i >"$1/m$2.$i"; i=$((i + 1)); done' \
		sh "$MNT" "$1" || shim_fail "strace of $1 files failed"
	grep -c "^[0-9]* *msync(" "$WORK/strace"
}
if command -v strace >/dev/null; then
	msyncs 1 >/dev/null # the first open after the cut recovers more
	few=$(msyncs 10)
	many=$(msyncs 200)
	[ "$few" = "$many" ] ||
		shim_fail "msync calls: $few for 10 files, $many for 200"
	echo "ok: $few msync calls for 10 files and for 200"
else
	echo "strace is not installed: the msync count is not checked"
fi
shim_check_mountpoint
echo PASS

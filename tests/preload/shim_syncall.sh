#!/bin/sh
# shim_syncall: sync(2) in a process that has not used a mount reaches the
# mount's pool when another process holds it: a shell (the holder) writes
# a file of a pool in journal mode and runs the sync command, which never
# touches the mount itself; the holder must have committed the file to
# the journal by the time sync returns (the journal's bytes changed), and
# the pool then holds it after a power cut (the image in /dev/shm
# removed). A sync where no process holds the pool joins nothing and
# leaves the journal as it is.
. "$TEST_TOP/tests/preload/shim_lib.sh"

. "$TEST_TOP/tests/disk_lib.sh"
disk_dir syncall
P=$DISK/pool
shim_journal_pool "$P" 32
mkdir -p "$MNT"

# nobody holds the pool: sync changes nothing (and opens nothing)
cksum <"$P.journal" >"$WORK/j0"
LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$P sync ||
	shim_fail "sync with no holder failed"
cksum <"$P.journal" >"$WORK/j1"
cmp -s "$WORK/j0" "$WORK/j1" ||
	shim_fail "sync with no holder changed the journal"
[ -e "$IMAGE" ] && shim_fail "sync with no holder left a segment"
echo "ok: a sync where nobody holds the pool leaves it as it is"

# the holder writes, a sync command commits; then the holder is killed
# and the image goes, as a power cut would take them
cat >"$WORK/w.sh" <<SH
cd "\$1" || exit 1
echo "written before the sync" >f
cksum <"$P.journal" >"$WORK/before"
sync
cksum <"$P.journal" >"$WORK/after"
: >"\$2"
sleep 60
SH
shim_killed "$P" "$WORK/w.sh" "$WORK/ready"
cmp -s "$WORK/before" "$WORK/after" &&
	shim_fail "the sync command made the holder commit nothing"
echo "ok: the sync command made the holder commit"
shim_power_cut
"$PF" check "$P" >"$WORK/check" 2>&1 ||
	shim_fail "the pool is not consistent after the cut: $(cat "$WORK/check")"
[ "$("$PF" cat "$P" /f)" = "written before the sync" ] ||
	shim_fail "/f, synced by the sync command, is not there after the cut"
echo "ok: /f is there after the cut"

#!/bin/sh
# shim_spawnkill: a process whose directory is in a mount it has not used
# starts a missing program of it with posix_spawn from four threads while
# a fifth SIGKILLs its children at random (spawnkill.c): every start ends
# with ENOENT or a killed child, nothing hangs (120 s), and once the keeper
# process has left the pool checks clean. A vfork child killed inside the
# election's lock left it taken for every process while it was a robust
# pthread mutex (recorded under the parent thread's id). STRESS=1: 3,000
# starts a thread.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
PROG=$TEST_BUILD/tests/preload/spawnkill
ROUNDS=300
[ "${STRESS:-0}" = 1 ] && ROUNDS=3000
pf sh -c 'mkdir "$1/d"' sh "$MNT" || shim_fail "mkdir in the mount"
pf timeout -s KILL 120 sh -c 'cd "$1/d" && exec "$2" "$3"' \
	sh "$MNT" "$PROG" "$ROUNDS" >"$WORK/out" 2>&1
rc=$?
pkill -KILL -f "$PROG $ROUNDS" 2>/dev/null
[ $rc = 0 ] || shim_fail "status $rc: $(cat "$WORK/out")"
echo "$(cat "$WORK/out")"
# the keeper process leaves once nothing refers to the pool
i=0
until out=$("$TEST_BUILD/bin/pmemfile" check "$POOL" 2>&1); do
	i=$((i + 1))
	[ $i -lt 100 ] || shim_fail "the pool after the kills: $out"
	sleep 0.1
done
echo "$out"
echo "ok: no start hung, each ended with ENOENT or a killed child, the pool checks clean"
shim_check_mountpoint

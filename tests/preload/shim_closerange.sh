#!/bin/sh
# shim_closerange: a program that closes every descriptor it did not open
# (close_range from 3, or close of every number) keeps using its mount and
# its share of the pool's segment (see closerange.c); when it leaves, last,
# the segment's file goes (the shim's lock on it had been closed, and the
# file was left behind in /dev/shm). First, a program that puts a file of
# its own at the lock's number keeps it there, in its fork children too.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
out=$(pf "$TEST_BUILD/tests/preload/closerange" "$POOL" "$MNT" dup2 2>&1)
status=$?
echo "$out"
[ $status -eq 0 ] || shim_fail "closerange dup2 exited with status $status"
[ "$(echo "$out" | tail -n 1)" = ok ] ||
	shim_fail "closerange dup2 did not finish"
pf rm "$MNT/f" || shim_fail "cannot remove $MNT/f"
out=$(pf "$TEST_BUILD/tests/preload/closerange" "$POOL" "$MNT" 2>&1)
status=$?
echo "$out"
[ $status -eq 0 ] || shim_fail "closerange exited with status $status"
[ "$(echo "$out" | tail -n 1)" = ok ] || shim_fail "closerange did not finish"
shim_check_mountpoint
seg=$(printf '/dev/shm/pmemfile.%x.%x' "0x$(stat -c %D "$POOL")" \
	"$(stat -c %i "$POOL")")
shim_wait_gone "$seg" 20 ||
	shim_fail "the segment $seg stayed after the last process"
echo "ok: close_range and close leave the shim's own descriptors"

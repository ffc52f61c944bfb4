#!/bin/sh
# shim_exitlate: a process that holds a pool ends while another comes to
# use it after the libraries' destructors ran (see exitlate.c): the holder
# ends with status 0 (its keeper thread, left running, aborted in a
# libpmemobj whose destructor had run, and the other process's call failed
# with EIO), the other process's call succeeds, and the pool checks clean.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
PROG=$TEST_BUILD/tests/preload/exitlate
pf "$PROG" client "$MNT" "$WORK/go" >"$WORK/client.out" 2>&1 &
client=$!
pf "$PROG" holder "$MNT" "$WORK/go" >"$WORK/holder.out" 2>&1
status=$?
wait "$client"
cstatus=$?
cat "$WORK/holder.out" "$WORK/client.out"
[ $status -eq 0 ] || shim_fail "the holder ended with status $status"
[ $cstatus -eq 0 ] && [ "$(tail -n 1 "$WORK/client.out")" = ok ] ||
	shim_fail "the other process ended with status $cstatus"
echo "ok: the holder ends cleanly, the call that came late succeeds"
out=$(pf ls -d "$MNT/holder" "$MNT/late" 2>&1)
[ "$out" = "$MNT/holder
$MNT/late" ] || shim_fail "the mount holds: $out"
shim_check_mountpoint
i=0
while grep -qsF "$POOL" /proc/[0-9]*/maps && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
"$TEST_BUILD/bin/pmemfile" check "$POOL" >"$WORK/check" 2>&1 ||
	shim_fail "the pool is not consistent: $(cat "$WORK/check")"
echo "ok: the pool checks clean"

#!/bin/sh
# The copy a holder leaves the pool to at its end (keeper_leave_to_copy)
# holds the segment's lock of its own. It used to share its parent's
# description of the segment's file, whose shared lock the parent's end
# dropped (on Linux a flock that fails to turn exclusive lets go of the
# shared one): the last client to leave then found itself the segment's
# last user and removed it under the copy, which still had the pool open;
# the next process made a segment of its own, found the pool locked by a
# process that did not share it, and its calls failed with EIO. Here the
# copy is stopped while the last client leaves and the next process
# starts: that process must wait for the copy, served once it runs again.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 32

pf sh -c 'echo data >"$1/f"' sh "$MNT" || prog_fail "cannot write $MNT/f"
# the holder ends while its child, a client, keeps the pool's file open
pf sh -c '
exec 3<"$1/f"
sleep 3 <&3 3<&- &
echo $! >"$2"
' sh "$MNT" "$WORK/client.pid" || prog_fail "the holder failed"
client=$(cat "$WORK/client.pid")
# the copy is the process that has the pool open now
copy=
i=0
while [ -z "$copy" ] && [ $i -lt 100 ]; do
	copy=$(prog_pool_users | awk '{ print $1; exit }')
	[ -n "$copy" ] || sleep 0.1
	i=$((i + 1))
done
[ -n "$copy" ] || prog_fail "no copy of the holder has the pool"
kill -STOP "$copy"
# the client leaves while the copy cannot run
while kill -0 "$client" 2>/dev/null; do
	sleep 0.1
done
pf cat "$MNT/f" >"$WORK/out" 2>"$WORK/err" &
reader=$!
sleep 3
kill -CONT "$copy"
wait "$reader"
rc=$?
[ "$rc" = 0 ] && [ "$(cat "$WORK/out")" = data ] && [ ! -s "$WORK/err" ] ||
	prog_fail "the next process, exit $rc: $(cat "$WORK/out" "$WORK/err")"
prog_check_end
echo "ok: the next process waited for the stopped copy of the holder"

#!/bin/sh
# A holder that was killed leaves its pid in the pool's segment, and pids
# are reused (32768 of them by default, soon gone round on a busy
# machine). A process that gets that pid used to take the segment's word
# that it held the pool already ("the pool is open in this process
# already": EAGAIN, and its calls failed with EIO); it takes the dead
# holder's place. The pid is made to come round in a pid namespace of the
# test's own (ns_last_pid), where root may set the next pid.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v unshare >/dev/null || prog_skip "unshare is not installed"
unshare -p -f --mount-proc sh -c 'echo 1 >/proc/sys/kernel/ns_last_pid' \
	2>/dev/null || prog_skip "no pid namespace with ns_last_pid here"
prog_init 32

pf sh -c 'echo data >"$1/f"' sh "$MNT" || prog_fail "cannot write $MNT/f"
cat >"$WORK/reuse.sh" <<'SH'
# in the namespace: a holder killed, then a reader with its pid
LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$POOL sh -c '
read x <"$1/f" && echo $$ >"$2"
sleep 30 >/dev/null
true
' sh "$MNT" "$WORK/holder.pid" &
i=0
while [ ! -s "$WORK/holder.pid" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
holder=$(cat "$WORK/holder.pid")
[ -n "$holder" ] || exit 2
kill -KILL "$holder"
wait "$holder" 2>/dev/null
echo $((holder - 1)) >/proc/sys/kernel/ns_last_pid
LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$POOL sh -c '
echo $$ >"$2"
exec cat "$1/f"
' sh "$MNT" "$WORK/reader.pid"
SH
SHIM=$SHIM MNT=$MNT POOL=$POOL WORK=$WORK \
	unshare -p -f --mount-proc sh "$WORK/reuse.sh" >"$WORK/out" 2>"$WORK/err"
rc=$?
[ "$rc" != 2 ] || prog_fail "the holder did not start"
[ "$(cat "$WORK/holder.pid")" = "$(cat "$WORK/reader.pid")" ] ||
	prog_fail "the reader did not get the holder's pid" \
		"$(cat "$WORK/holder.pid") (it got $(cat "$WORK/reader.pid"))"
[ "$rc" = 0 ] && [ "$(cat "$WORK/out")" = data ] && [ ! -s "$WORK/err" ] ||
	prog_fail "the reader with the killed holder's pid, exit $rc:" \
		"$(cat "$WORK/out" "$WORK/err")"
prog_check_end
echo "ok: a process with a killed holder's pid takes its place"

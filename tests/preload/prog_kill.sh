#!/bin/sh
# Processes killed (SIGKILL) at arbitrary points while they write to the
# mount: tar x of /usr/include is killed after a few delays (many with
# STRESS=1); after each kill the pool is consistent (pmemfile check) and the
# partial tree can be removed (rm -rf); a last tar x completes and leaves
# the tree a kernel directory gets.
. "$TEST_TOP/tests/preload/prog_lib.sh"

[ -d /usr/include/linux ] || prog_skip "no /usr/include to extract"
prog_init 512

tar -C /usr -cf "$WORK/include.tar" include 2>/dev/null ||
	prog_fail "cannot archive /usr/include"
DELAYS="0.05 0.15"
[ "${STRESS:-0}" = 1 ] && DELAYS=$(seq 0.01 0.03 0.5)

# killed_tar DELAY: tar x into $D/x, killed after DELAY seconds.
killed_tar()
{
	rm -f "$WORK/pid"
	$R mkdir "$D/x"
	# The shell that runs $R reports the kill on its stderr: /dev/null.
	$R sh -c 'echo $$ >"$1"; exec tar -C "$2" -xf "$3"' sh "$WORK/pid" \
		"$D/x" "$WORK/include.tar" 2>/dev/null &
	bg=$!
	until [ -s "$WORK/pid" ]; do
		sleep 0.01
	done
	sleep "$1"
	kill -KILL "$(cat "$WORK/pid")" 2>/dev/null
	wait $bg 2>/dev/null
	if [ -n "$R" ] && ! "$TEST_BUILD/bin/pmemfile" check "$POOL" \
		>"$WORK/check.out" 2>&1; then
		cat "$WORK/check.out"
	fi
	echo "killed after $1 s: pool checked"
	x rm -rf "$D/x"
}

workload()
{
	for delay in $DELAYS; do
		killed_tar "$delay"
	done
	x mkdir "$D/x"
	x tar -C "$D/x" -xf "$WORK/include.tar"
}

prog_both kill workload

#!/bin/sh
# shim_envthreads: the threads the library makes on its own read no
# environment variable, which a program's setenv may free under them (git
# crashed in a getenv of the keeper thread): envthreads (see envthreads.c)
# counts the getenv calls of threads other than its main one while it
# changes its environment, writes to the mount and has fork children sync
# through its keeper, for 2 seconds on a pool in memory and then on a pool
# of a disk in journal mode (the keeper's sync points, with a timer of 1
# s). STRESS=1: 30 runs of 1 s each (a keeper thread starts in each).
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
PROG=$TEST_BUILD/tests/preload/envthreads
RUNS=1
SECS=2
[ "${STRESS:-0}" = 1 ] && RUNS=30 SECS=1

# envthreads_on POOL WHAT: the runs on POOL mounted at $MNT.
envthreads_on()
{
	run=0
	while [ $run -lt $RUNS ]; do
		out=$(LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$1 \
			PMEMFILE_COMMIT_INTERVAL=1 "$PROG" "$MNT" "$SECS" 2>&1)
		status=$?
		echo "$out"
		[ $status -eq 0 ] && [ "$(echo "$out" | tail -n 1)" = ok ] ||
			shim_fail "envthreads on $2 ended with status $status"
		run=$((run + 1))
	done
	echo "ok: $2: no getenv of the library's threads in $RUNS runs"
}

envthreads_on "$POOL" "a pool in memory"
shim_check_mountpoint

. "$TEST_TOP/tests/disk_lib.sh"
disk_dir envthreads
shim_journal_pool "$DISK/pool" 32
envthreads_on "$DISK/pool" "a pool in journal mode"
shim_check_mountpoint
# the pool let go before its folder goes (the trap of disk_dir)
shim_wait_gone "$IMAGE" 100 || shim_fail "the pool's segment $IMAGE stayed"
"$PF" check "$DISK/pool" >"$WORK/check" 2>&1 ||
	shim_fail "the pool is not consistent: $(cat "$WORK/check")"
echo "ok: the journal pool checks clean"

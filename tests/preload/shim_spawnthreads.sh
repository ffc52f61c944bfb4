#!/bin/sh
# shim_spawnthreads: threads of a process whose directory is in a mount
# start programs at once with posix_spawn, each child with its own
# thread's environment, some of them a program that does not exist
# (spawnthreads.c): every child finds its own variable and the directory
# it was started in, whatever the other threads' children do meanwhile
# (the pages the shim builds a child's environment in are kept from one
# execve to the next, for one child at a time). STRESS=1: 2,000 starts a
# thread.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
PROG=$TEST_BUILD/tests/preload/spawnthreads
ROUNDS=60
[ "${STRESS:-0}" = 1 ] && ROUNDS=2000
mkdir -p "$WORK/k/d" || shim_fail "no kernel directory"
# the reference: a kernel directory
out=$(cd "$WORK/k/d" && "$PROG" "$WORK/k/d" "$ROUNDS" 2>&1) ||
	shim_fail "in a kernel directory: $out"
echo "kernel directory: $out"
pf sh -c 'mkdir "$1/d" && echo x > "$1/d/f"' sh "$MNT" ||
	shim_fail "mkdir in the mount"
out=$(pf sh -c 'cd "$1/d" && exec "$2" "$1/d" "$3"' \
	sh "$MNT" "$PROG" "$ROUNDS" 2>&1) ||
	shim_fail "in the mount: $out"
echo "mount: $out"
echo "ok: each child had its own environment and directory"
shim_check_mountpoint

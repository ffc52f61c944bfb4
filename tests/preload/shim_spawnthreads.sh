#!/bin/sh
# shim_spawnthreads: threads of a process whose directory is in a mount
# start programs at once with posix_spawn, each child with its own
# thread's environment, some of them a program that does not exist
# (spawnthreads.c): every child finds its own variable and the directory
# it was started in, whatever the other threads' children do meanwhile
# (the pages the shim builds a child's environment in are kept from one
# execve to the next, for one child at a time). First each thread starts
# 300 programs that do not exist, 1,200 in all: more children that die
# without leaving than the pool's table has process slots (1,024), whose
# slots must come back. STRESS=1: 2,000 starts a thread.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
PROG=$TEST_BUILD/tests/preload/spawnthreads
ROUNDS=60
MISSING=300
[ "${STRESS:-0}" = 1 ] && ROUNDS=2000
mkdir -p "$WORK/k/d" || shim_fail "no kernel directory"
# the reference: a kernel directory
out=$(cd "$WORK/k/d" && "$PROG" "$WORK/k/d" "$ROUNDS" "$MISSING" 2>&1) ||
	shim_fail "in a kernel directory: $out"
echo "kernel directory: $out"
pf sh -c 'mkdir "$1/d" && echo x > "$1/d/f"' sh "$MNT" ||
	shim_fail "mkdir in the mount"
out=$(pf sh -c 'cd "$1/d" && exec "$2" "$1/d" "$3" "$4"' \
	sh "$MNT" "$PROG" "$ROUNDS" "$MISSING" 2>&1) ||
	shim_fail "in the mount: $out"
echo "mount: $out"
echo "ok: each child had its own environment and directory, and the slots of those that died came back"
shim_check_mountpoint

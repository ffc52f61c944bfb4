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
# Then cold, in a new directory (spawnthreads.c): the process has not used
# the pool when its four threads start at once a missing program (ENOENT)
# and a script stored in the mount, its output opened by a file action.
# Before the shim ran its calls on a stack of its own there, and kept the
# child from taking the pool itself, the first child died of SIGSYS or
# SIGSEGV (posix_spawn said 0), and the next ones waited forever.
# Last, 40 threads one after another start a missing program of the mount
# (a file action's chdir there first) and end: the process keeps no maps
# of theirs.
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
hello='#!/bin/sh
echo "$1"'
mkdir -p "$WORK/k/c" && printf '%s\n' "$hello" > "$WORK/k/c/hello.sh" &&
	chmod +x "$WORK/k/c/hello.sh" || shim_fail "no kernel script"
out=$(cd "$WORK/k/c" && "$PROG" "$WORK/k/c" 10 0 cold 2>&1) ||
	shim_fail "cold, in a kernel directory: $out"
echo "kernel directory, cold: $out"
pf sh -c 'mkdir "$1/c" && printf "%s\n" "$2" > "$1/c/hello.sh" &&
	chmod +x "$1/c/hello.sh"' sh "$MNT" "$hello" || shim_fail "script in the mount"
# into a file: children left waiting would keep a pipe open
pf timeout -s KILL 120 sh -c 'cd "$1/c" && exec "$2" "$1/c" 10 0 cold' \
	sh "$MNT" "$PROG" >"$WORK/cold.out" 2>&1
rc=$?
pkill -KILL -f "$PROG $MNT/c" 2>/dev/null
[ $rc = 0 ] || shim_fail "cold, in the mount (status $rc): $(cat "$WORK/cold.out")"
echo "mount, cold: $(cat "$WORK/cold.out")"
# Threads that each start a program from the mount and end leave no maps
# behind (the stack and the directory's page of their vfork children).
out=$(cd "$WORK/k/d" && "$PROG" "$WORK/k/d" 40 0 exits 2>&1) ||
	shim_fail "threads that end, in a kernel directory: $out"
echo "kernel directory: $out"
out=$(pf sh -c 'cd "$1/d" && exec "$2" "$1/d" 40 0 exits' sh "$MNT" "$PROG" 2>&1) ||
	shim_fail "threads that end, in the mount: $out"
echo "mount: $out"
echo "ok: each child had its own environment and directory, and the slots of those that died came back"
shim_check_mountpoint

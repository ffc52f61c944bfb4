#!/bin/sh
# Processes of different users on one mount at once, the pool first used
# by one that does not own its file: an unprivileged process (nobody)
# holds the pool while root's and another user's processes join it, make
# files and read nobody's. The pool's segment, made by nobody, was refused
# to the others ("locked by a process that does not share it", EIO). Every
# output is the kernel directory's.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init_users
# the mount's root open to all, as the kernel directory; then nobody
# is the first to use the pool again
pf chmod 777 "$MNT"
prog_wait_free
# where nobody's process says it started, and is told to stop
F=$WORK/flags
mkdir "$F"
chmod 777 "$F"

as()
{
	u=$1
	shift
	$R setpriv --reuid="$u" --regid="$u" --clear-groups "$@"
}

workload()
{
	rm -f "$F/started" "$F/stop"
	# nobody's process is the first to use the pool, and stays
	as 65534 timeout 60 sh -c 'echo mine >"$1/nobody.txt" &&
		: >"$2/started" &&
		while [ ! -e "$2/stop" ]; do sleep 0.05; done &&
		cat "$1/root.txt"' sh "$D" "$F" >"$F/nobody.out" 2>&1 &
	n=0
	while [ ! -e "$F/started" ] && [ $n -lt 200 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	x as 0 sh -c 'echo from-root >"$1/root.txt" && cat "$1/nobody.txt" &&
		stat -c "%n %u %a" "$1/nobody.txt" "$1/root.txt"' sh "$D"
	x as 1000 sh -c 'cat "$1/nobody.txt"; echo x >"$1/u1000.txt";
		stat -c "%n %u" "$1/u1000.txt"; echo y >>"$1/root.txt"' sh "$D"
	: >"$F/stop"
	wait
	cat "$F/nobody.out"
	rm -f "$F/started" "$F/stop" "$F/nobody.out"
}

prog_both users_join workload

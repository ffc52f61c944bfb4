#!/bin/sh
# A blocking lock call ended by a signal as the kernel ends it: flock,
# F_SETLKW and F_OFD_SETLKW waiting for another process's lock fail with
# EINTR once a handler without SA_RESTART ran, and go on waiting through
# one with it, both in the process that holds the pool and in a client
# (multi_lockintr.py); `flock -w 1` gives up after its second (it ends its
# wait with a timer signal), where it used to wait until the lock went.
# Every output is the kernel directory's.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v python3 >/dev/null || prog_skip "python3 is not installed"
command -v flock >/dev/null || prog_skip "flock(1) is not installed"
prog_init 64

workload()
{
	x timeout -k 5 120 python3 "$TEST_TOP/tests/preload/multi_lockintr.py" \
		"$D"
	# flock(1) as a client of a shell holding the pool
	x timeout -k 5 60 sh -c 'cd "$1" && : >held && : >lk &&
		{ flock lk sleep 2 & sleep 0.5;
		flock -w 0.3 lk echo "not waited for"; echo "flock -w: $?";
		wait; rm held lk; }' sh "$D"
}

prog_both lockintr workload

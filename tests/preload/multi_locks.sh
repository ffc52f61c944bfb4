#!/bin/sh
# Locks between processes on a mount file: flock, POSIX record locks
# (F_SETLK, F_SETLKW, F_GETLK with the owner's pid) and OFD locks, between
# a python program and helper programs it drives (multi_locks.py): a
# blocking call waits for the other process's lock and wakes when it is
# released; closing any descriptor of the file drops a process's record
# locks; the locks of a killed process are released. Every result is the
# one a kernel directory gives.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v python3 >/dev/null || prog_skip "python3 is not installed"
prog_init 64

workload()
{
	# bounded: a lock that is never released fails here, not at the
	# harness's timeout
	x timeout -k 5 120 python3 "$TEST_TOP/tests/preload/multi_locks.py" \
		"$D/f"
}

prog_both locks workload

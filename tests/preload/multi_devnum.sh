#!/bin/sh
# st_dev of the mount's files is the same whichever process serves a call
# (multi_devnum.py): a fork child reaching the pool through a keeper
# process got 0 there. Every output is the kernel directory's.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v python3 >/dev/null || prog_skip "python3 is not installed"
prog_init 64

workload()
{
	x timeout -k 5 60 python3 "$TEST_TOP/tests/preload/multi_devnum.py" \
		"$D" >"$O/out"
	# the child's line comes after the parent has gone
	n=0
	while ! grep -q child "$O/out" && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	cat "$O/out"
	rm -f "$O/out"
}

prog_both devnum workload

#!/bin/sh
# Shared maps of files on a mount across fork (multi_mapfork.py): the
# process holding the pool and a client of it each map a file, fork, and
# see their child's stores through the map as the kernel directory's
# processes do. The child of a holder with a map of a pool file used to
# hang for ever in its first step (its unmap of the pool went through the
# shim's check of the program's maps, under a lock its fork left taken).
# Every output is the kernel directory's.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v python3 >/dev/null || prog_skip "python3 is not installed"
prog_init 64

workload()
{
	x timeout -k 5 60 python3 "$TEST_TOP/tests/preload/multi_mapfork.py" \
		"$D"
}

prog_both mapfork workload

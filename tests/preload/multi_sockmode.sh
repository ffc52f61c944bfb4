#!/bin/sh
# Who may connect to a Unix socket named in a mount follows the name's
# mode as chmod leaves it (multi_sockmode.py): the kernel's object kept
# the mode bind gave it under the umask, so that a socket bound under
# umask 022 and opened to all stayed closed to other users (EACCES). Every
# output is the kernel directory's.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v python3 >/dev/null || prog_skip "python3 is not installed"
prog_init_users

workload()
{
	x timeout -k 5 120 python3 "$TEST_TOP/tests/preload/multi_sockmode.py" \
		"$D"
}

prog_both sockmode workload
# nobody's connects ran (an interpreter it cannot run would say nothing)
grep -q "chmod 777: connect ok" "$WORK/sockmode.k" ||
	prog_fail "nobody's connect did not run: $(cat "$WORK/sockmode.k")"

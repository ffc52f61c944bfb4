#!/bin/sh
# A current directory and directory descriptors follow their directory
# through renames made by other processes, as the kernel's
# (multi_cwdrename.py): they kept its old path, and reached the directory
# made there since, or nothing (ENOENT). The process inside is a client of
# the pool's holder (python), then a shell whose programs start from a
# vfork child (dash); its fork child and a program it starts are looked at
# too. Every output is the kernel directory's.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v python3 >/dev/null || prog_skip "python3 is not installed"
prog_init 64

workload()
{
	x timeout -k 5 60 python3 "$TEST_TOP/tests/preload/multi_cwdrename.py" \
		"$D"
	# the shell inside holds the pool; another renames its directory
	x timeout -k 5 60 sh -c 'mkdir -p "$1/sh/d1/sub" && cd "$1/sh/d1/sub" &&
		: >f && sh -c "mv \"$1/sh/d1\" \"$1/sh/d2\"" &&
		mkdir -p "$1/sh/d1/sub" && : >"$1/sh/d1/sub/other" &&
		pwd && ls && (pwd; ls) && sh -c "pwd; ls"' sh "$D"
}

prog_both cwdrename workload

#!/bin/sh
# The hard sites of tricky_sites, regs_preserve and clone_raw (in shared
# objects of assembly the library leaves unpatched by default) under the
# net: the first call of each object is caught by it, the object is then
# patched and that call made again by its trampoline, so every call gets
# the results and registers the programs check when every object is patched
# (INTERCEPT_ALL_OBJS=0 counts as set for the programs, as not for the
# library), the raw clone its clone hooks too. Logs cut at 4 MB.
. "$TEST_TOP/tests/intercept/lib.sh"
ulimit -f 8192
trap '' XFSZ

for p in tricky_sites regs_preserve clone_raw; do
	INTERCEPT_EXHAUSTIVE=1 INTERCEPT_ALL_OBJS=0 INTERCEPT_LOG=$PWD/log.$p \
		"$TB/$p" >out.$p 2>&1 ||
		{ cat out.$p; fail "$p under the net"; }
	obj=$(sed -n 's/^intercept: \(lib[a-z]*_asm\.so\) patched after the net: .*/\1/p' log.$p)
	[ -n "$obj" ] || { grep '^intercept' log.$p; fail "$p: no object patched after the net"; }
	grep -q "^intercept: $obj 0x[0-9a-f]* caught by the net: " log.$p ||
		fail "$p: $obj was not caught by the net first"
	echo "$p: $obj caught by the net, then patched"
done

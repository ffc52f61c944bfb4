#!/bin/sh
# INTERCEPT_LOG says how each site was caught: net_jit log makes one call
# from code written at run time (caught by the net) and two from a syscall
# instruction of the program, whose object is patched once the net caught
# it. The detailed lines carry the words of the site's call lines, the
# classic lines (the default format) stay as the discontinued library wrote
# them, and without the net the log holds no word of it. Each log is cut at
# 4 MB (ulimit -f): the program makes a few dozen calls.
. "$TEST_TOP/tests/intercept/lib.sh"
ulimit -f 8192
trap '' XFSZ

INTERCEPT_EXHAUSTIVE=1 INTERCEPT_LOG=$PWD/detailed \
	INTERCEPT_LOG_FORMAT=detailed "$TB/net_jit" log ||
	fail "net_jit log failed"
ppid=$$
expect_line() {
	grep -Eq "$2" "$1" || { head -40 "$1"; fail "no line /$2/ in $1"; }
}
expect_line detailed '^intercept: libc\.so\.6 patched at start: '
expect_line detailed '^intercept: \[anonymous\] 0x[0-9a-f]+ caught by the net: getppid$'
expect_line detailed "^\[anonymous\] 0x[0-9a-f]+ -- getppid\(\) = $ppid \(caught by the net\)$"
expect_line detailed '^intercept: net_jit 0x[0-9a-f]+ caught by the net: getppid$'
expect_line detailed '^intercept: net_jit patched after the net: 1 syscalls \('
n=$(grep -Ec "^net_jit 0x[0-9a-f]+ -- getppid\(\) = $ppid \(site patched after the net\)$" detailed)
[ "$n" = 2 ] || { cat detailed; fail "$n lines of the site patched after the net, not 2"; }

INTERCEPT_EXHAUSTIVE=1 INTERCEPT_LOG=$PWD/classic "$TB/net_jit" log ||
	fail "net_jit log failed"
expect_line classic '^intercept: net_jit patched after the net: 1 syscalls \('
# the call lines: "object 0xOFFSET -- name(args) = result", no words added
n=$(grep -Ec "^$TB/net_jit 0x[0-9a-f]+ -- syscall\(110, .*\) = $ppid$" classic)
[ "$n" = 2 ] || { cat classic; fail "$n classic lines after the site's calls, not 2"; }
! grep -E ' -- .*\((caught by|site patched)' classic ||
	fail "the classic call lines carry the new words"

INTERCEPT_LOG=$PWD/off INTERCEPT_LOG_FORMAT=detailed \
	env -u INTERCEPT_EXHAUSTIVE "$TB/net_jit" log ||
	fail "net_jit log failed"
! grep -E 'net' off | grep -v "net_jit" ||
	fail "the log mentions the net, which is off"
echo "each site says how it was caught"

#!/bin/sh
# The system calls syscall_logger.so sees for a small program are the ones
# strace -f sees, by name and in order, from the moment the logger starts
# (calls made before the library is initialised are not seen); under strace,
# the logger adds nothing but one write per line of its log; from main on,
# the program makes the same calls as without the logger.
. "$TEST_TOP/tests/intercept/lib.sh"
command -v strace >/dev/null || skip "no strace"
strace -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"

prog=$TB/small_prog
# Names from the first getppid on, one per line.
from_marker() {
	sed -n '/^getppid$/,$p'
}
strace_names() {
	sed -E '/^[0-9]+ +(\+\+\+|---)/d; /resumed>/d; s/^[0-9]+ +//; s/\(.*//' "$1"
}

strace -f -qq -o plain.strace "$prog" >plain.out || fail "small_prog failed"

SYSCALL_LOGGER_FILE=$PWD/log strace -f -qq -E LD_PRELOAD="$LOGGER" \
	-o logged.strace "$prog" >logged.out ||
	fail "small_prog under the logger failed"
expect_same "output" plain.out logged.out

# The logger writes to descriptor 900: one write per line, nothing else.
writes=$(grep -Ec '^[0-9]+ +write\(900,' logged.strace)
lines=$(wc -l <log)
[ "$writes" = "$lines" ] ||
	fail "the logger made $writes writes for $lines lines"
grep -Ev '^[0-9]+ +write\(900,' logged.strace >logged.nolog

# Its log is what strace saw of the same run after the logger started.
strace_names logged.nolog >all
tail -n "$lines" all >want
awk '{ print $2 }' log | sed 's/(.*//' >got
expect_same "calls seen by the logger and by strace" want got
from_marker <got >got_main
[ "$(wc -l <got_main)" -ge 15 ] ||
	{ cat got_main; fail "too few calls from main on"; }

# From main on, the program makes the calls it makes without the logger,
# but for malloc's first-use calls, already made by then under the library.
strace_names plain.strace | from_marker |
	grep -Ev '^(getrandom|brk)$' >plain_main
grep -Ev '^(getrandom|brk)$' got_main >logged_main
expect_same "calls from main on, with and without the logger" \
	plain_main logged_main
echo "logger and strace agree on $lines calls"
exit 0

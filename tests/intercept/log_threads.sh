#!/bin/sh
# INTERCEPT_LOG from 8 threads making 1600 calls at once: no line lost, cut
# or mixed with another.
. "$TEST_TOP/tests/intercept/lib.sh"
# The detailed form (the classic one has its test, log_classic).
export INTERCEPT_LOG_FORMAT=detailed

# The default size of threads: 8 threads, 200 calls each.
INTERCEPT_LOG=$PWD/log env -u STRESS "$TB/threads" >/dev/null ||
	fail "threads failed"
ppid=$$
n=$(grep -c " -- getppid() = $ppid\$" log)
[ "$n" = 1600 ] || fail "$n getppid lines, want 1600"
bad=$(grep -Ev '^[^ ]+ 0x[0-9a-f]+ -- ([a-z_0-9]+\(.*\) = .+|syscall not patched: .+)$' log |
	grep -v '^intercept: ')
[ -z "$bad" ] || { echo "$bad" | head; fail "malformed lines in the log"; }
echo "1600 lines from 8 threads, all whole"
exit 0

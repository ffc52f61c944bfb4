#!/bin/sh
# INTERCEPT_LOG_FORMAT=detailed: one line per call with its name, quoted
# path, readable flags, abbreviated buffers and result;
# a trailing '-' puts one log per process, named after its pid;
# INTERCEPT_LOG_TRUNC=0 appends to an existing log instead of truncating it.
. "$TEST_TOP/tests/intercept/lib.sh"
# The detailed form (the classic one has its test, log_classic).
export INTERCEPT_LOG_FORMAT=detailed

echo hello >input

# head reads and writes (cat may use copy_file_range instead). The log
# holds a descriptor, so input may get 4.
LD_PRELOAD=$LIB INTERCEPT_LOG=$PWD/log head -n 5 input >out ||
	fail "head under INTERCEPT_LOG failed"
expect_same "head output" input out
grep -Eq 'openat\(.*"input".*\) = [34]( |$)' log ||
	{ head -50 log; fail "no openat of \"input\" = 3 or 4 in the log"; }
grep -Eq 'read\(.* = 6( |$)' log || fail "no read of 6 bytes in the log"
grep -Eq 'write\(.* = 6( |$)' log || fail "no write of 6 bytes in the log"

# Flags are readable; a long buffer is abbreviated.
grep -Eq 'openat\(AT_FDCWD, "input", O_RDONLY[,|)]' log ||
	fail "openat's arguments not decoded"
head -c 300 /dev/zero | tr '\0' a >long
LD_PRELOAD=$LIB INTERCEPT_LOG=$PWD/log head -c 300 long >/dev/null ||
	fail "head -c 300 failed"
grep -Eq 'write\(1, "a{1,100}"\.\.\., 300\) = 300( |$)' log ||
	{ grep 'write(1' log; fail "no abbreviated write of 300 bytes"; }

LD_PRELOAD=$LIB INTERCEPT_LOG=$PWD/log cat missing 2>err &&
	fail "cat of a missing file succeeded"
grep -Eq 'openat\(.*"missing".*\) = -2( |$)' log ||
	{ head -50 log; fail "no failed openat of \"missing\" = -2 in the log"; }
grep -q 'openat(.*"input"' log &&
	fail "the log of the first run was not truncated"

# Appending.
LD_PRELOAD=$LIB INTERCEPT_LOG=$PWD/log INTERCEPT_LOG_TRUNC=0 cat input \
	>/dev/null || fail "cat with INTERCEPT_LOG_TRUNC=0 failed"
[ "$(grep -c 'openat(.*"missing"' log)" = 1 ] ||
	fail "INTERCEPT_LOG_TRUNC=0 did not keep the previous log"
[ "$(grep -c 'openat(.*"input"' log)" = 1 ] ||
	fail "INTERCEPT_LOG_TRUNC=0 did not append the new lines"

# One log per process: sh and the two heads it forks.
LD_PRELOAD=$HOOK TEST_HOOK_OUT=$PWD/hook.out INTERCEPT_LOG=$PWD/plog- \
	sh -c 'head input; head input; true' >/dev/null || fail "sh failed"
pids=$(sed -n 's/^exit pid=\([0-9]*\) .*/\1/p' hook.out | sort -n | xargs)
logs=$(ls plog-* | sed 's/^plog-//' | sort -n | xargs)
[ "$(echo "$pids" | wc -w)" = 3 ] || fail "processes seen: '$pids', want 3"
[ "$pids" = "$logs" ] || fail "logs for pids '$logs', processes '$pids'"
[ "$(grep -l 'openat(.*"input"' plog-* | wc -l)" = 2 ] ||
	fail "want two of the three logs (the heads') to open \"input\""
# A log that cannot be created changes nothing for the program.
LD_PRELOAD=$LIB INTERCEPT_LOG=/nonexistent/dir/log head -n 5 input >out 2>err ||
	fail "head with an unwritable INTERCEPT_LOG failed"
expect_same "head output with an unwritable log" input out
[ -s err ] && fail "head with an unwritable log said: $(cat err)"
echo "INTERCEPT_LOG, its pid suffix and INTERCEPT_LOG_TRUNC work"
exit 0

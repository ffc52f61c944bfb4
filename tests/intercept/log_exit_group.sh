#!/bin/sh
# INTERCEPT_LOG logs every call, also those that never return: exit_group
# (with its status) and execve.
. "$TEST_TOP/tests/intercept/lib.sh"
# The detailed form (the classic one has its test, log_classic).
export INTERCEPT_LOG_FORMAT=detailed

LD_PRELOAD=$LIB INTERCEPT_LOG=$PWD/log sh -c 'exit 3'
[ $? = 3 ] || fail "sh -c 'exit 3' under the library: status not 3"
grep -Eq ' -- exit_group\((0x)?3[,)]' log ||
	{ tail -5 log; fail "no exit_group(3) line in the log"; }

LD_PRELOAD=$LIB INTERCEPT_LOG=$PWD/log sh -c 'exec /bin/true'
grep -Eq ' -- execve\("/bin/true"' log ||
	{ grep execve log; fail "no execve(\"/bin/true\" line in the log"; }
echo "calls that never return are logged"
exit 0

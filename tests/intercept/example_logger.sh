#!/bin/sh
# syscall_logger.so: the program's results are unchanged, and each call is
# logged with its name, its quoted path and its result, to the file named by
# SYSCALL_LOGGER_FILE or else to stderr; the children of a fork are logged
# with their own pid, and the fork with the child's pid.
. "$TEST_TOP/tests/intercept/lib.sh"

echo hello >input
# head reads and writes (cat may use copy_file_range instead).
SYSCALL_LOGGER_FILE=$PWD/log LD_PRELOAD=$LOGGER head -n 5 input >out ||
	fail "head under the logger failed"
expect_same "output" input out
pid='^[0-9]+ '
grep -Eq "${pid}openat\(0xffffff9c, \"input\", .*\) = 3$" log ||
	{ cat log; fail "no openat of input = 3"; }
grep -Eq "${pid}read\(0x3, .*\) = 6$" log || fail "no read of 6 bytes"
grep -Eq "${pid}write\(0x1, .*\) = 6$" log || fail "no write of 6 bytes"
grep -Eq "${pid}exit_group\(0x0, .*\) = \?$" log || fail "no exit_group"

rm log
SYSCALL_LOGGER_FILE=$PWD/log LD_PRELOAD=$LOGGER cat missing 2>err &&
	fail "cat of a missing file succeeded"
grep -q 'No such file or directory' err || fail "cat's error: $(cat err)"
grep -Eq "${pid}openat\(0xffffff9c, \"missing\", .*\) = -2 \(errno 2\)$" log ||
	{ cat log; fail "no failed openat of missing"; }

# No file named: the lines go to stderr.
LD_PRELOAD=$LOGGER cat input 2>err >out || fail "cat logging to stderr failed"
expect_same "output" input out
grep -Eq "${pid}openat\(0xffffff9c, \"input\", .*\) = 3$" err ||
	{ cat err; fail "no openat of input on stderr"; }

# A fork: sh's clone line gives the pid that cat's lines carry.
rm log
SYSCALL_LOGGER_FILE=$PWD/log LD_PRELOAD=$LOGGER sh -c 'cat input; true' \
	>out || fail "sh under the logger failed"
expect_same "output" input out
child=$(sed -En 's/^[0-9]+ clone\(.*\) = ([0-9]+)$/\1/p' log)
[ -n "$child" ] || { cat log; fail "no clone line"; }
grep -Eq "^$child execve\(.*\) \.\.\.$" log || fail "no execve line of $child"
grep -Eq "^$child openat\(0xffffff9c, \"input\", .*\) = 3$" log ||
	fail "no openat of input by $child"
grep -Eq "^[0-9]+ wait4\(.*\) = $child$" log || fail "no wait4 for $child"
# A program that closes every descriptor it did not open, in a vfork child
# and in itself, does not close the log: the child's execve and the
# parent's calls after its close_range are still logged.
rm log
SYSCALL_LOGGER_FILE=$PWD/log LD_PRELOAD=$LOGGER /usr/bin/python3 -c '
import os, subprocess
subprocess.run(["/bin/true"], check=True)
os.closerange(3, 65536)
open("after", "w").write("x")' || fail "python3 under the logger failed"
[ "$(cat after)" = x ] || fail "python3 wrote '$(cat after)' into after"
child=$(sed -En 's/^[0-9]+ clone\(.*\) = ([0-9]+)$/\1/p' log)
[ -n "$child" ] || { cat log; fail "no clone line from python3"; }
grep -Eq "^$child execve\(.*\) \.\.\.$" log ||
	fail "no execve line of the vfork child $child"
grep -Eq "${pid}close_range\(0x3, 0xffff, .*\) = 0$" log ||
	fail "no close_range line"
grep -Eq "${pid}openat\(0xffffff9c, \"after\", .*\) = 3$" log ||
	fail "no openat line after the close_range"
echo "syscall_logger.so logs as documented"
exit 0

#!/bin/sh
# INTERCEPT_LOG_FORMAT=detailed lines decode the common calls: paths
# quoted, open flags, modes, mmap protections and flags by name, data shown
# and cut after 32 bytes with "...", results in decimal (addresses in hex),
# a call answered by the hook marked so, the site as object and offset.
. "$TEST_TOP/tests/intercept/lib.sh"
# The detailed form (the classic one has its test, log_classic).
export INTERCEPT_LOG_FORMAT=detailed

head -c 100 /dev/zero | tr '\0' 'x' >long
LD_PRELOAD=$HOOK TEST_HOOK_GETPPID=4321 INTERCEPT_LOG=$PWD/log \
	sh -c 'echo "$PPID" >out; head -c 100 long >copy
		dd if=/dev/zero of=/dev/null bs=1M count=1 2>/dev/null' ||
	fail "sh under the library failed"
[ "$(cat out)" = 4321 ] || fail "getppid was not answered: $(cat out)"
cmp -s long copy || fail "head copied wrong bytes"

expect_line() {
	grep -Eq "$1" log || { grep -E "$2" log | head -5; fail "$3"; }
}
expect_line '^libc\.so\.6 0x[0-9a-f]+ -- openat\(AT_FDCWD, "out", O_WRONLY\|O_CREAT\|O_TRUNC, 0666\) = [0-9]+$' \
	'"out"' "no decoded openat of \"out\" for writing"
expect_line ' -- openat\(AT_FDCWD, "long", O_RDONLY[|A-Z_]*, 0+\) = [0-9]+$' \
	'"long"' "no decoded openat of \"long\""
expect_line ' -- getppid\(\) = 4321 \(answered by the hook\)$' getppid \
	"no getppid answered by the hook"
expect_line ' -- mmap\(0x0, [0-9]+, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x[0-9a-f]+$' \
	mmap "no mmap with readable protection and flags"
expect_line ' -- (read|write)\([0-9]+, "x{32}"\.\.\., 100\) = 100$' \
	'"xxx' "no 100-byte read or write shown cut to 32 bytes"
expect_line ' -- write\([0-9]+, "4321\\n", 5\) = 5$' '"4321' \
	"no write of \"4321\\\\n\" with its escape"
expect_line ' -- exit_group\(0\) = \?$' exit_group "no exit_group(0) = ?"
echo "log lines decode paths, flags, modes, buffers and results"
exit 0

# lib.sh -- sourced by the shell tests of libsyscall_intercept.
#
# Sets LIB (the library), HOOK (hook_preload.so), LOGGER, REFUSER (the
# examples) and TB (the tests' build folder); fail() ends the test.
set -u
LIB=$TEST_BUILD/lib/libsyscall_intercept.so.0
HOOK=$TEST_BUILD/tests/intercept/hook_preload.so
LOGGER=$TEST_BUILD/lib/syscall_logger.so
REFUSER=$TEST_BUILD/lib/getdents_refuser.so
TB=$TEST_BUILD/tests/intercept

fail() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "$*"
	exit 77
}

# expect_same WHAT FILE1 FILE2: the two files hold the same bytes.
expect_same() {
	if ! cmp -s "$2" "$3"; then
		diff -u "$2" "$3" | head -40
		fail "$1: $2 and $3 differ"
	fi
}

# hooked_calls FILE: the calls counted by hook_preload.so in all processes
# that reported to FILE (TEST_HOOK_OUT).
hooked_calls() {
	sed -n 's/^exit .*calls=\([0-9]*\).*/\1/p' "$1" |
		awk '{ s += $1 } END { print s + 0 }'
}

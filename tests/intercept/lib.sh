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

# run_compared MIN_CALLS SETUP SCRIPT: runs the shell SCRIPT three times,
# each in a fresh folder prepared by the function SETUP: without
# interception, under hook_preload.so (a pass-through hook), and under it
# with INTERCEPT_ALL_OBJS=1. Its output (stdout, stderr, exit status) must
# be the same each time, and the hook must have seen at least MIN_CALLS
# calls in each intercepted run.
run_compared() {
	min=$1
	setup=$2
	script=$3
	for v in native hooked all_objs; do
		mkdir "$v" && (cd "$v" && "$setup") || fail "setup of $v"
		case $v in
		native) env= ;;
		hooked) env="LD_PRELOAD=$HOOK TEST_HOOK_OUT=$PWD/$v.hook" ;;
		all_objs) env="LD_PRELOAD=$HOOK TEST_HOOK_OUT=$PWD/$v.hook
			INTERCEPT_ALL_OBJS=1" ;;
		esac
		(cd "$v" && env $env sh -c "$script" >"../$v.out" 2>&1
			echo "exit status $?" >>"../$v.out")
	done
	expect_same "output under the hook" native.out hooked.out
	expect_same "output under INTERCEPT_ALL_OBJS=1" native.out all_objs.out
	for v in hooked all_objs; do
		n=$(hooked_calls "$v.hook")
		[ "$n" -ge "$min" ] ||
			fail "$v: the hook saw $n calls, want $min at least"
		echo "$v: $n calls seen by the hook"
	done
}

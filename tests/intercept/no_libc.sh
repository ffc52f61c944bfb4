#!/bin/sh
# A program with no C library of its own (raw system calls, linked with
# -nostdlib but dynamically, so that LD_PRELOAD applies) runs unchanged
# under the library. Only libc is patched by default, so its calls are not
# hooked; with INTERCEPT_ALL_OBJS=1 its own sites are, and the hook sees its
# write and exit_group. (A preloaded library always brings libc with it, so
# a process with no libc at all cannot be made this way.)
. "$TEST_TOP/tests/intercept/lib.sh"
prog=$TB/no_libc_prog

"$prog" >want
[ $? = 7 ] || fail "no_libc without the library: status not 7"
[ "$(cat want)" = "no libc here" ] || fail "no_libc printed $(cat want)"

LD_PRELOAD=$HOOK TEST_HOOK_OUT=$PWD/hook.out "$prog" >got 2>err
rc=$?
[ $rc = 7 ] || fail "no_libc under the hook: status $rc, want 7"
expect_same "output" want got
[ -s err ] && fail "no_libc under the hook said: $(cat err)"
[ -e hook.out ] && fail "hooked without INTERCEPT_ALL_OBJS: $(cat hook.out)"

LD_PRELOAD=$HOOK TEST_HOOK_OUT=$PWD/hook.out INTERCEPT_ALL_OBJS=1 "$prog" \
	>got 2>err
rc=$?
[ $rc = 7 ] || fail "no_libc under INTERCEPT_ALL_OBJS=1: status $rc, want 7"
expect_same "output" want got
[ -s err ] && fail "no_libc under INTERCEPT_ALL_OBJS=1 said: $(cat err)"
grep -q '^exit pid=[0-9]* calls=2 ' hook.out ||
	{ cat hook.out; fail "want the hook to see write and exit_group"; }
echo "a program without libc runs unchanged"
exit 0

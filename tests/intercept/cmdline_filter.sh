#!/bin/sh
# INTERCEPT_HOOK_CMDLINE_FILTER=name: only processes whose command's last
# component is name are intercepted; in the others the library is inert
# (syscall_hook_in_process_allowed() is 0, the hook sees nothing).
. "$TEST_TOP/tests/intercept/lib.sh"

echo hello >input
LD_PRELOAD=$HOOK TEST_HOOK_OUT=$PWD/hook.out INTERCEPT_HOOK_CMDLINE_FILTER=cat \
	sh -c 'cat input; /bin/cat input; true' >out || fail "sh failed"
printf 'hello\nhello\n' >want
expect_same "output" want out

# hook_preload.so reports "exit" from its hook (intercepted processes only)
# and "fini" from its destructor (every process that calls exit(); sh ends
# with _exit).
grep -q '^exit .*comm=sh' hook.out && { cat hook.out; fail "sh intercepted"; }
n=$(grep -c '^exit .*allowed=1 comm=cat$' hook.out)
[ "$n" = 2 ] || { cat hook.out; fail "$n cats intercepted, want 2"; }
grep '^exit .*comm=cat$' hook.out | grep -q 'calls=0 ' &&
	fail "a cat was intercepted but its hook saw no calls"

# The filter is applied again to a new image: sh is left alone, and the cat
# it becomes by execve is intercepted.
rm hook.out
LD_PRELOAD=$HOOK TEST_HOOK_OUT=$PWD/hook.out INTERCEPT_HOOK_CMDLINE_FILTER=cat \
	sh -c 'exec cat input' >out || fail "sh -c 'exec cat' failed"
grep -q '^exit .*allowed=1 comm=cat$' hook.out ||
	{ cat hook.out; fail "the cat exec'd by sh was not intercepted"; }

# A filter naming another command leaves cat alone.
rm hook.out
LD_PRELOAD=$HOOK TEST_HOOK_OUT=$PWD/hook.out \
	INTERCEPT_HOOK_CMDLINE_FILTER=notcat cat input >/dev/null ||
	fail "cat failed"
grep -q '^fini .*calls=0 allowed=0 comm=cat$' hook.out ||
	{ cat hook.out; fail "cat not inert under a filter naming notcat"; }
grep -q '^exit' hook.out && fail "cat intercepted under a filter naming notcat"
echo "INTERCEPT_HOOK_CMDLINE_FILTER limits interception to the command named"
exit 0

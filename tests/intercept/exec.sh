#!/bin/sh
# execve: a new image is intercepted again while LD_PRELOAD is still set
# (its getppid answered by the preloaded hook), and no longer once it is
# removed from the environment. dash takes $PPID from getppid().
. "$TEST_TOP/tests/intercept/lib.sh"

real_ppid=$$
export TEST_HOOK_OUT=$PWD/hook.out
run() {
	LD_PRELOAD=$HOOK TEST_HOOK_GETPPID=4242 "$@"
}

got=$(run /bin/sh -c 'echo $PPID')
[ "$got" = 4242 ] || fail "sh under the hook: PPID $got, want 4242"

got=$(run /bin/sh -c 'exec /bin/sh -c "echo \$PPID"')
[ "$got" = 4242 ] || fail "sh exec'd by sh: PPID $got, want 4242"

got=$(run env /bin/sh -c 'echo $PPID')
[ "$got" = 4242 ] || fail "sh exec'd by env: PPID $got, want 4242"

got=$(run /bin/sh -c '/bin/sh -c "echo \$PPID"; true')
[ "$got" = 4242 ] || fail "sh forked and exec'd by sh: PPID $got, want 4242"

got=$(run env -u LD_PRELOAD /bin/sh -c 'echo $PPID')
[ "$got" = 4242 ] && fail "sh exec'd without LD_PRELOAD is still hooked"
[ "$got" -gt 0 ] || fail "sh exec'd without LD_PRELOAD: PPID '$got'"

# Every process that ended under the hook reported its exit_group: one per
# run, two for the sh that forked, none for env without LD_PRELOAD.
lines=$(grep -c '^exit ' hook.out)
[ "$lines" -eq 5 ] || { cat hook.out; fail "$lines exit reports, want 5"; }
grep '^exit ' hook.out | grep -q 'calls=0 ' && fail "a process saw no calls"
echo "execve: new images intercepted"
exit 0

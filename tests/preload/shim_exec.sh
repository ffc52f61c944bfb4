#!/bin/sh
# shim_exec: a program started from a shim process keeps the shim and the
# mounts even when its environment was emptied, and starts in the
# caller's directory of a mount (PMEMFILE_CD); PMEMFILE_CD works on its
# own.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
pf sh -c "mkdir '$MNT/d' && echo inside >'$MNT/d/f'" ||
	shim_fail "cannot fill the pool"
got=$(pf sh -c "env -i /bin/cat '$MNT/d/f'" 2>&1)
[ "$got" = inside ] || shim_fail "env -i cat of a pool file gave: $got"
echo "ok: env -i keeps the shim and the mounts"
got=$(pf sh -c "cd '$MNT/d' && /bin/cat f && /bin/pwd -P && pwd" 2>&1)
[ "$got" = "inside
$MNT/d
$MNT/d" ] || shim_fail "cd into the mount, then cat f, pwd: $got"
got=$(pf sh -c "cd '$MNT/d' && x=\$(/bin/cat f) && echo \$x" 2>&1)
[ "$got" = inside ] || shim_fail "cd into the mount, then \$(cat f): $got"
echo "ok: a program started after cd into a mount starts there"
got=$(PMEMFILE_CD=$MNT/d pf /bin/cat f 2>&1)
[ "$got" = inside ] || shim_fail "PMEMFILE_CD then cat f: $got"
echo "ok: PMEMFILE_CD"
got=$(cd "$WORK" && pf sh -c "cd '$MNT' && cd .. && /bin/cat beside" 2>&1)
[ "$got" = beside ] || shim_fail "cd out of the mount by ..: $got"
echo "ok: cd .. out of the mount"
# A pool named by a relative path is the one of the starting directory,
# also for programs started elsewhere.
got=$(cd "$WORK" && LD_PRELOAD=$SHIM PMEMFILE_POOLS="$MNT:pool" sh -c \
	"cd / && /bin/cat '$MNT/d/f'" 2>&1)
[ "$got" = inside ] || shim_fail "a relative pool path, after cd /: $got"
echo "ok: a relative pool path"
# A shell's own writes to a pool file work, and so do those of a program
# it starts (dash: from a vfork child) on the descriptor it opened for it
# while the shell holds the pool.
got=$(pf sh -c "echo builtin >'$MNT/out'; /bin/echo external >'$MNT/out2'
	echo rc=\$?; read x <'$MNT/out'; echo read: \$x" 2>"$WORK/err")
[ "$got" = "rc=0
read: builtin" ] || shim_fail "a shell writing to the mount gave: $got"
[ "$(pf cat "$MNT/out2")" = external ] ||
	shim_fail "the started program wrote: $(pf cat "$MNT/out2")"
[ ! -s "$WORK/err" ] || shim_fail "errors: $(cat "$WORK/err")"
echo "ok: the shell's redirections work, for its children too"

# The pool's holder passes its descriptors across execve: the program it
# becomes, or that a fork child becomes, reopens them at the same offset.
pf sh -c "exec 3>>'$MNT/o'; echo first >&3; exec /bin/sh -c 'echo second >&3'" ||
	shim_fail "exec with a pool descriptor failed"
got=$(pf cat "$MNT/o")
[ "$got" = "first
second" ] || shim_fail "a descriptor passed across execve wrote: $got"
if command -v bash >/dev/null; then
	got=$(pf bash -c "true; /bin/echo external >'$MNT/b'; echo rc=\$?")
	[ "$got" = rc=0 ] && [ "$(pf cat "$MNT/b")" = external ] ||
		shim_fail "bash: cmd > file in the mount gave: $got"
fi
echo "ok: pool descriptors across execve"
shim_check_mountpoint

#!/bin/sh
# shim_prefix: a mount point is a path prefix only at a component
# boundary: /x/mnt is the mount, /x/mntx, /x/mnt.d and the relative
# mntx are the kernel's.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
mkdir "$WORK/mntx"
cd "$WORK" || shim_fail "cd $WORK"
pf sh -c "
	echo abs >'$WORK/mntx/a' &&
	mkdir '$WORK/mntx/d' '$WORK/mnt.d' &&
	echo rel >mntx/r &&
	echo dotdot >'$WORK/mnt/../mntx/dd' &&
	echo pool >'$WORK/mnt/p'
" || shim_fail "the commands failed under the shim"
got=$(cd "$WORK/mntx" && echo *)
[ "$got" = "a d dd r" ] || shim_fail "the kernel's mntx holds '$got'," \
	"not 'a d dd r'"
[ -d "$WORK/mnt.d" ] || shim_fail "mnt.d was not created in the kernel"
[ "$(pf cat "$WORK/mnt/p")" = pool ] || shim_fail "the pool file is missing"
[ "$(pf cat "$WORK/mntx/a")" = abs ] || shim_fail "mntx/a unreadable"
echo "ok: mntx and mnt.d are the kernel's, mnt is the pool's"
shim_check_mountpoint

#!/bin/sh
# shim_cred: the pool sees the process's umask and ids, also after the
# program changes its umask.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
run()
{
	$R sh -c "cd '$1' && umask 027 && touch f && mkdir d && umask 0 &&
		touch g && stat -c '%n %a %u %g' f d g"
}
R= run "$KDIR" >"$WORK/k.out" 2>&1
R=pf run "$MNT" >"$WORK/m.out" 2>&1
shim_diff "modes under umask 027 and 0, owners" "$WORK/k.out" "$WORK/m.out"
shim_check_mountpoint

#!/bin/sh
# shim_renamedir: shim_renamedir.py gives the same results on a mount as on
# a kernel directory (descriptors and the cwd across renames).
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
script=$TEST_TOP/tests/preload/shim_renamedir.py
python3 "$script" "$KDIR" >"$WORK/k.out" 2>&1
pf python3 "$script" "$MNT" >"$WORK/m.out" 2>&1
grep -q "d holds" "$WORK/k.out" || {
	cat "$WORK/k.out"
	shim_fail "the script did not run to its end on the kernel directory"
}
shim_diff shim_renamedir.py "$WORK/k.out" "$WORK/m.out"
shim_check_mountpoint

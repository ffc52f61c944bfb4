#!/bin/sh
# shim_mmsg: descriptors of files in a mount passed with sendmmsg and
# received with recvmmsg (SCM_RIGHTS) are the same open file descriptions
# in the receiver (shared offsets, writes land in the file), as in a
# kernel directory: the mmsg program's output compared.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init

MMSG=$TEST_BUILD/tests/preload/mmsg
"$MMSG" "$KDIR" >"$WORK/k.out" 2>&1
pf "$MMSG" "$MNT" >"$WORK/m.out" 2>&1
grep -q "^b: data b;child;parent$" "$WORK/k.out" ||
	shim_fail "mmsg did not run to its end on the kernel directory: $(cat "$WORK/k.out")"
shim_diff "mmsg" "$WORK/k.out" "$WORK/m.out"
echo "ok: sendmmsg and recvmmsg pass pool descriptors as the kernel's"
shim_check_mountpoint

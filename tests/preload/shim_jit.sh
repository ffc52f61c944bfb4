#!/bin/sh
# shim_jit: code written at run time into an executable mapping opens,
# reads and writes files on a mount with raw system calls (jit_files): the
# interceptor's safety net, on by default under the shim, brings them to the
# pool; the results and bytes are the kernel directory's. With
# INTERCEPT_EXHAUSTIVE=0 the same calls miss the mount (they reach the
# empty kernel directory behind it).
. "$TEST_TOP/tests/preload/shim_lib.sh"
JIT=$TEST_BUILD/tests/preload/jit_files
shim_init

printf 'given to the program\nsecond line\n' >"$KDIR/given.txt"
pf cp "$KDIR/given.txt" "$MNT/given.txt" ||
	shim_fail "cannot copy given.txt into the mount"

"$JIT" "$KDIR" >"$WORK/k.out" 2>&1 || shim_fail "jit_files failed natively"
pf "$JIT" "$MNT" >"$WORK/m.out" 2>&1 ||
	shim_fail "jit_files failed under the shim"
grep -q "^read: 33: given to the program" "$WORK/k.out" ||
	{ cat "$WORK/k.out"; shim_fail "jit_files did not read given.txt"; }
shim_diff "the run-time code's calls" "$WORK/k.out" "$WORK/m.out"
shim_check_mountpoint
pf cat "$MNT/jit.txt" >"$WORK/m.cat" || shim_fail "jit.txt not in the mount"
shim_diff "jit.txt written by the run-time code" "$KDIR/jit.txt" \
	"$WORK/m.cat"

INTERCEPT_EXHAUSTIVE=0 pf "$JIT" "$MNT" >"$WORK/off.out" 2>&1
grep -q "^openat given.txt: No such file or directory" "$WORK/off.out" ||
	{ cat "$WORK/off.out"; shim_fail "with the net off the run-time" \
		"code still reached the mount"; }
rm -f "$MNT/jit.txt"
shim_check_mountpoint
echo "run-time code reaches the mount through the net"

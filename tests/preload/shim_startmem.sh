#!/bin/sh
# shim_startmem: the paths a program starts with (argv, its constants) are
# read where they are, without a system call, while nothing was unmapped;
# a path running from the program's last bytes into the page after it,
# not mapped, still gets the kernel's EFAULT (startmem.c). The results are
# the kernel directory's; under strace, only the two reads of the page not
# mapped are process_vm_readv calls.
. "$TEST_TOP/tests/preload/shim_lib.sh"
PROG=$TEST_BUILD/tests/preload/startmem
shim_init
echo data >"$KDIR/f" || shim_fail "cannot write $KDIR/f"
pf sh -c "echo data >'$MNT/f'" || shim_fail "cannot write $MNT/f"
"$PROG" "$KDIR/f" >"$WORK/k.out" 2>&1
status=$?
[ $status -eq 77 ] && {
	echo "SKIP: the page after the program is mapped, or its last is full"
	exit 77
}
[ $status -eq 0 ] || shim_fail "startmem on the kernel directory: status $status"
pf "$PROG" "$MNT/f" >"$WORK/m.out" 2>&1
status=$?
[ $status -eq 0 ] || shim_fail "startmem under the shim: status $status
$(cat "$WORK/m.out")"
cat "$WORK/m.out"
shim_diff "startmem" "$WORK/k.out" "$WORK/m.out"

if command -v strace >/dev/null; then
	strace -qq -e trace=process_vm_readv -o "$WORK/strace" \
		-E LD_PRELOAD="$SHIM" -E PMEMFILE_POOLS="$MNT:$POOL" \
		"$PROG" "$MNT/f" >/dev/null 2>&1
	n=$(grep -c process_vm_readv "$WORK/strace")
	[ "$n" = 2 ] || shim_fail "$n process_vm_readv calls, not 2:
$(cat "$WORK/strace")"
	echo "ok: only the reads of the page not mapped are system calls"
else
	echo "strace is not installed: the system calls are not counted"
fi
shim_check_mountpoint

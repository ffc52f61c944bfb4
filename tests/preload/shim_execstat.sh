#!/bin/sh
# shim_execstat: a program of the kernel started again is not opened again
# before its execve: what the first start learned (it names no directory
# for its libraries) holds while a stat finds the same file. A program
# with a directory for its libraries in the mount still gets the copy
# (shim_libs); here, one replaced between two starts is read again.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
command -v strace >/dev/null || { echo "SKIP: strace is not installed"; exit 77; }
PROG=$KDIR/prog
cp /bin/true "$PROG" || shim_fail "cannot copy /bin/true"
strace -f -qq -o "$WORK/strace" -E LD_PRELOAD="$SHIM" \
	-E PMEMFILE_POOLS="$MNT:$POOL" sh -c "'$PROG'; '$PROG'; '$PROG'" ||
	shim_fail "the three starts failed"
n=$(grep -E "open(at)?\(.*\"$PROG\"" "$WORK/strace" | grep -vc execve)
[ "$n" = 1 ] || shim_fail "$n opens of $PROG for three starts, not 1:
$(grep "\"$PROG\"" "$WORK/strace")"
n=$(grep -c "execve(\"$PROG\"" "$WORK/strace")
[ "$n" = 3 ] || shim_fail "$n execve of $PROG, not 3"
echo "ok: three starts of a program open it once"

# replaced by another file: a new inode, read again
strace -f -qq -o "$WORK/strace2" -E LD_PRELOAD="$SHIM" \
	-E PMEMFILE_POOLS="$MNT:$POOL" sh -c "'$PROG'; cp /bin/true '$PROG.new' &&
	mv '$PROG.new' '$PROG' && '$PROG'" || shim_fail "the starts failed"
n=$(grep -E "open(at)?\(.*\"$PROG\"" "$WORK/strace2" | grep -vc execve)
[ "$n" = 2 ] || shim_fail "$n opens of $PROG replaced between two starts, not 2:
$(grep "\"$PROG\"" "$WORK/strace2")"
echo "ok: a program replaced between two starts is read again"
shim_check_mountpoint

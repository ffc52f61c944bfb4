#!/bin/sh
# shim_kernelopen: an open of a kernel path that makes no file is one
# system call when no symlink is on the path (a name that is missing
# included: a C library probing for its locale files), and a kernel
# symlink into the mount still leads there: a file read through it, a
# missing name through it failing as in the pool (ENOENT), a missing name
# in a kernel directory failing as the kernel says.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
mkdir -p "$KDIR/d" || shim_fail "cannot make $KDIR/d"
echo kernel >"$KDIR/d/f"
pf sh -c "mkdir '$MNT/pd' && echo pool >'$MNT/pd/f'" ||
	shim_fail "cannot fill the mount"
ln -s "$MNT/pd" "$WORK/link" || shim_fail "cannot make the symlink"

got=$(pf sh -c "cat '$KDIR/d/f'; cat '$WORK/link/f';
	cat '$KDIR/d/missing' 2>&1; cat '$WORK/link/missing' 2>&1;
	cat '$KDIR/nodir/missing' 2>&1" | shim_sanitize)
want="kernel
pool
cat: ROOT/d/missing: No such file or directory
cat: WORK/link/missing: No such file or directory
cat: ROOT/nodir/missing: No such file or directory"
[ "$got" = "$want" ] || shim_fail "opens through the kernel gave:
$got
instead of:
$want"
echo "ok: kernel paths and a kernel symlink into the mount open as they should"

if command -v strace >/dev/null; then
	strace -f -qq -o "$WORK/strace" -E LD_PRELOAD="$SHIM" \
		-E PMEMFILE_POOLS="$MNT:$POOL" \
		cat "$KDIR/d/f" "$KDIR/nodir/missing" >/dev/null 2>&1
	for p in "$KDIR/d/f" "$KDIR/nodir/missing"; do
		n=$(grep -c "\"$p\"" "$WORK/strace")
		[ "$n" = 1 ] || shim_fail "$n system calls name $p:
$(grep "\"$p\"" "$WORK/strace")"
	done
	echo "ok: one system call opens a kernel path, or finds it missing"
else
	echo "strace is not installed: the system calls are not counted"
fi
shim_check_mountpoint

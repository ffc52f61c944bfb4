#!/bin/sh
# shim_dotdot: ".." after a kernel symlink means the parent of the link's
# target, as in the kernel, on whichever side of a mount that lands: a path
# that reads lexically as a pool file but names a kernel file is the kernel
# file, and the reverse.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
mkdir -p "$WORK/k" "$WORK/else/a/b" "$WORK/else/mnt" || shim_fail "mkdir"
echo kernel >"$WORK/else/mnt/x"
echo lexical >"$WORK/x"
ln -s "$WORK/else/a/b" "$WORK/k/out" || shim_fail "ln -s out"
ln -s "$MNT/d/sub" "$WORK/k/in" || shim_fail "ln -s in"
pf sh -c "mkdir -p $MNT/d/sub && echo pool >$MNT/x && echo poold >$MNT/d/y" ||
	shim_fail "cannot fill the pool"

# check WHAT EXPECTED CMD...: CMD under the shim prints EXPECTED.
check()
{
	what=$1 want=$2
	shift 2
	got=$(pf "$@" 2>&1)
	[ "$got" = "$want" ] ||
		shim_fail "$what: printed '$got', the kernel's answer is '$want'"
	echo "ok: $what"
}

# lexically $WORK/mnt/x (the pool); the link makes it $WORK/else/mnt/x
check "absolute, symlink out of the mount's way" kernel \
	cat "$WORK/k/out/../../mnt/x"
check "relative to the cwd" kernel \
	sh -c "cd $WORK/k && exec cat out/../../mnt/x"
check "from the mount out and back" kernel \
	cat "$MNT/../k/out/../../mnt/x"
# lexically $WORK/k/x, which does not exist; the link makes it $MNT/d/y
check "kernel symlink into the mount" poold cat "$WORK/k/in/../y"
# lexically $WORK/x (a kernel file); the link makes it the pool's /d/y
ln -s "$MNT/d/sub" "$WORK/in2" || shim_fail "ln -s in2"
check "into the mount over an existing kernel name" poold \
	cat "$WORK/in2/../y"
# no symlink: ".." stays lexical and still crosses into the mount
check "plain .. into the mount" pool cat "$WORK/k/../mnt/x"
# creating through a kernel symlink to the mount point (which exists as a
# kernel directory): the file is made in the pool, never behind the mount
ln -s "$MNT" "$WORK/k/tomnt" || shim_fail "ln -s tomnt"
pf sh -c "echo made >$WORK/k/tomnt/created && cd $WORK/k &&
	echo relative >tomnt/rel && echo deeper >tomnt/d/new" ||
	shim_fail "creating through a symlink to the mount point failed"
check "O_CREAT through a symlink to the mount point" made \
	cat "$MNT/created"
check "relative O_CREAT through it" relative cat "$MNT/rel"
check "O_CREAT in a pool directory through it" deeper cat "$MNT/d/new"
# the other calls that make a name, through the same symlink
pf sh -c "mkdir $WORK/k/tomnt/newdir && ln -s target $WORK/k/tomnt/newlink &&
	mkfifo $WORK/k/tomnt/newfifo && mv $MNT/created $WORK/k/tomnt/moved &&
	ln $MNT/rel $WORK/k/tomnt/hard" ||
	shim_fail "mkdir, symlink, mkfifo, rename or link through it failed"
check "mkdir, symlink, mknod, rename and link through it" \
	"d hard moved newdir newfifo newlink rel x" sh -c "cd $MNT && echo *"
check "the symlink made through it" target readlink "$MNT/newlink"
echo kernel >"$WORK/else/viakernel" || shim_fail "kernel file"
ln -s "$WORK/else" "$WORK/k/toelse" || shim_fail "ln -s toelse"
pf sh -c "echo again >>$WORK/k/toelse/viakernel" ||
	shim_fail "appending through a kernel symlink failed"
[ "$(cat "$WORK/else/viakernel")" = "kernel
again" ] || shim_fail "O_CREAT through a kernel symlink to a kernel directory"
echo "ok: O_CREAT through a kernel symlink to a kernel directory"
shim_check_mountpoint

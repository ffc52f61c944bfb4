#!/bin/sh
# shim_rmdirfd: shim_rmdirfd.py gives the same results on a mount as on a
# kernel directory: paths relative to a descriptor of a removed directory,
# and to the cwd in one ("." itself, ".." the parent it had, names missing,
# a new directory at its old path never met through it).
. "$TEST_TOP/tests/preload/shim_lib.sh"
command -v python3 >/dev/null || { echo "python3 is not installed"; exit 77; }
shim_init
script=$TEST_TOP/tests/preload/shim_rmdirfd.py
python3 "$script" "$KDIR" >"$WORK/k.out" 2>&1
pf python3 "$script" "$MNT" >"$WORK/m.out" 2>&1
# the reference itself: "." and ".." of the removed directory answered
grep -q "^done: yes" "$WORK/k.out" &&
	grep -q "^open \.: the removed ROOT/p/d$" "$WORK/k.out" &&
	grep -q "^open \.\.: ROOT/p$" "$WORK/k.out" &&
	grep -q "^open x: ENOENT$" "$WORK/k.out" || {
	cat "$WORK/k.out"
	shim_fail "the script did not give the kernel's answers on the" \
		"kernel directory"
}
shim_diff shim_rmdirfd.py "$WORK/k.out" "$WORK/m.out"

# the same descriptors in a process that does not hold the pool (its
# shell does), whose calls go to the holder with the handles (a client's
# cwd is a path: it cannot be in a removed directory)
mkdir "$KDIR/c" || shim_fail "mkdir $KDIR/c"
python3 "$script" "$KDIR/c" nocwd >"$WORK/k.out" 2>&1
pf sh -c 'mkdir "$1" && cd "$1" && python3 "$2" "$1" nocwd' sh "$MNT/c" \
	"$script" >"$WORK/m.out" 2>&1
grep -q "^done: yes" "$WORK/k.out" || shim_fail "nocwd: $(cat "$WORK/k.out")"
shim_diff "shim_rmdirfd.py in a client" "$WORK/k.out" "$WORK/m.out"
shim_check_mountpoint

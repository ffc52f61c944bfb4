#!/bin/sh
# A file open in another process while the pool changes hands, then
# replaced or removed by the next holder: a shell that holds the pool opens
# a file, reads 100 bytes of it, starts a background child that inherits
# the descriptor, and execs `mv g f` (or `rm f`). The exec hands the pool
# over, mv takes it over and renames over the file (or rm removes it);
# the child then reads the rest of the file and fstats it. The next holder
# made the descriptions the last one kept only at their first use, so the
# rename or unlink found the file open nowhere and freed it: the child's
# read failed with EIO, or its fstat gave mode 0 (an execve of a program
# being replaced failed so, about once in 20,000). The child must see what
# it sees on a kernel directory, three rounds of each, and the file's
# storage is freed at its last close (pmemfile check finds no orphan, the
# pool's space is as before).
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 32

# the script, in $1; the child writes its findings to $2; $3 is the last
# command
cat >"$WORK/replaced.sh" <<'SH'
cd "$1" || exit 1
seq 1 3000 >f
echo new >g
exec 3<f
dd bs=100 count=1 <&3 >/dev/null 2>&1 || exit 1
(
	sleep 0.3
	python3 -c '
import os, stat, sys
def show():
    s = os.fstat(3)
    print(stat.S_IFMT(s.st_mode) == stat.S_IFREG, oct(stat.S_IMODE(s.st_mode)),
          s.st_size, s.st_nlink)
show()
try:
    data = os.read(3, 100000)
    print(len(data), data[:12], data[-12:])
except OSError as e:
    print("read:", e)
show()
' >"$2.tmp" 2>&1
	cat f g >>"$2.tmp" 2>&1
	mv "$2.tmp" "$2"
) &
exec $3
SH

# round ROOT LAST RUNNER...: the script run there; the child's findings
round()
{
	round_root=$1
	round_last=$2
	shift 2
	rm -f "$round_root/f" "$round_root/g"
	"$@" setsid sh "$WORK/replaced.sh" "$round_root" "$WORK/done" \
		"$round_last" &
	prog_collect "$WORK/done"
}

used()
{
	pf stat -f -c '%b %f' "$MNT" | awk '{ print $1 - $2 }'
}

for last in "mv g f" "rm f"; do
	round "$KDIR" "$last" env >"$WORK/kernel.out" ||
		prog_fail "the kernel round of $last hung"
	rm -f "$KDIR/f" "$KDIR/g"
	prog_wait_free
	before=$(used)
	for i in 1 2 3; do
		prog_wait_free
		round "$MNT" "$last" pf >"$WORK/mount.out" ||
			prog_fail "$last, round $i: no answer in 20 s"
		prog_compare "$last, round $i" "$WORK/kernel.out" \
			"$WORK/mount.out"
		pf rm -f "$MNT/f" "$MNT/g"
		prog_wait_free
		"$TEST_BUILD/bin/pmemfile" check "$POOL" >"$WORK/check" 2>&1 ||
			prog_fail "$last, round $i: $(cat "$WORK/check")"
		grep -q orphan "$WORK/check" &&
			prog_fail "$last, round $i: $(cat "$WORK/check")"
		after=$(used)
		[ "$after" = "$before" ] || prog_fail "$last, round $i:" \
			"blocks in use: $before before, $after after"
	done
	echo "ok: $last: $(head -n 2 "$WORK/kernel.out" | tr '\n' ' ')"
done
prog_check_end
echo PASS

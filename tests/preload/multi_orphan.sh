#!/bin/sh
# A holder that ends right after it starts a child: the shell that holds
# the pool writes a file and starts a background subshell, then ends; the
# subshell (a fork child, whose lock of the pool's segment comes from its
# parent until it takes its own) later appends to the file and reads it.
# The holder's end used to find itself the segment's last user before the
# child took its lock: it removed the segment under the child, or left the
# child waiting for ever for a lock its own copy of the parent's kept. In
# journal mode the child's copy of the pool file's descriptor kept the
# parent's lock of the file, so that no process could hold the pool after
# the parent: the child waited for ever. Each round must end within 20 s,
# with the output of the same script on a kernel directory; 12 rounds on
# a pool in memory, 6 on a pool on a disk in its default durability
# (journal mode, or msync where the kernel cannot track written pages).
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 32

# the script, in $1; the child says it is done in $2
cat >"$WORK/orphan.sh" <<'SH'
cd "$1" || exit 1
echo "written by the holder" >f
(
	sleep 0.2
	echo "appended by the child" >>f
	cat f >"$2"
) &
SH

# round ROOT RUNNER...: the script run there; the child's output on stdout
round()
{
	round_root=$1
	shift
	"$@" setsid sh "$WORK/orphan.sh" "$round_root" "$WORK/done.tmp" &
	prog_collect "$WORK/done.tmp"
}

round "$KDIR" env >"$WORK/kernel.out" || prog_fail "the kernel round hung"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	round "$MNT" pf >"$WORK/mount.out" ||
		prog_fail "round $i: the child did not finish in 20 s"
	cmp -s "$WORK/kernel.out" "$WORK/mount.out" ||
		prog_fail "round $i: $(cat "$WORK/mount.out")"
done
echo "ok: 12 rounds on a pool in memory"

. "$TEST_TOP/tests/disk_lib.sh"
disk_dir orphan
DPOOL=$DISK/pool
"$TEST_BUILD/bin/mkfs.pmemfile" "$DPOOL" 32M >/dev/null ||
	prog_fail "mkfs.pmemfile $DPOOL failed"
# journal mode by default; msync where the kernel cannot track pages
durability=$(PMEM_IS_PMEM_FORCE=0 "$TEST_BUILD/bin/pmemfile" durability \
	"$DPOOL") || prog_fail "pmemfile durability: $durability"
echo "$durability"
for i in 1 2 3 4 5 6; do
	round "$MNT" env PMEM_IS_PMEM_FORCE=0 LD_PRELOAD="$SHIM" \
		PMEMFILE_POOLS="$MNT:$DPOOL" >"$WORK/mount.out" ||
		prog_fail "disk round $i: the child did not finish in 20 s"
	cmp -s "$WORK/kernel.out" "$WORK/mount.out" ||
		prog_fail "disk round $i: $(cat "$WORK/mount.out")"
done
# the last child's keeper process closes the pool a while after it ends
i=0
while grep -qsF "$DPOOL" /proc/[0-9]*/maps /proc/[0-9]*/fdinfo/* 2>/dev/null ||
	ls -l /proc/[0-9]*/fd/ 2>/dev/null | grep -qF "$DPOOL"; do
	[ $i -lt 150 ] || prog_fail "the pool is still in use after 15 s"
	sleep 0.1
	i=$((i + 1))
done
PMEM_IS_PMEM_FORCE=0 "$TEST_BUILD/bin/pmemfile" check "$DPOOL" \
	>"$WORK/check" 2>&1 ||
	prog_fail "the pool is not consistent: $(cat "$WORK/check")"
echo "ok: 6 rounds on a pool on a disk"
echo PASS

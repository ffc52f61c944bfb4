#!/bin/sh
# shim_fsync: fsync, fdatasync, syncfs and sync write back what was stored
# through a shared map of a pool file, as the kernel's do for a file on a
# disk. The pool is an ordinary file on a disk file system (not tmpfs), in
# msync mode (chosen: journal mode is the default; PMEM_IS_PMEM_FORCE=0):
# the map's pages are the pool file's page cache, dirty after the stores,
# clean after the call. (In journal mode the map is of the pool's image in
# memory; jmode_cut shows that an fsync makes such stores durable.)
# The same script on a kernel directory of that file system is the
# reference; without a call (none) the pages stay dirty, on both sides.
. "$TEST_TOP/tests/preload/shim_lib.sh"

command -v python3 >/dev/null || { echo "python3 is not installed"; exit 77; }
. "$TEST_TOP/tests/disk_lib.sh"
disk_dir fsync
mkdir "$DISK/kernel" "$MNT" || shim_fail "cannot make the directories"
export PMEM_IS_PMEM_FORCE=0
shim_mkpool "$DISK/pool" 32
"$TEST_BUILD/bin/pmemfile" durability "$DISK/pool" msync >/dev/null ||
	shim_fail "cannot choose msync mode"
PY=$TEST_TOP/tests/preload/shim_fsync.py

for call in none fsync fdatasync syncfs sync; do
	python3 "$PY" "$DISK/kernel" $call >"$WORK/k.out" 2>&1
	LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$DISK/pool \
		python3 "$PY" "$MNT" $call >"$WORK/m.out" 2>&1
	shim_diff "$call after stores through a map" "$WORK/k.out" "$WORK/m.out"
done
# the reference itself tells dirty from clean: were both sides wrong the
# same way, the comparisons above would pass
python3 "$PY" "$DISK/kernel" fsync >"$WORK/k.out" 2>&1
grep -q "^fsync dirty after the stores: yes" "$WORK/k.out" &&
	grep -q "^fsync dirty after the call: no" "$WORK/k.out" ||
	shim_fail "the kernel's pages were not dirty, then clean: $(cat "$WORK/k.out")"
python3 "$PY" "$DISK/kernel" none >"$WORK/k.out" 2>&1
grep -q "^none dirty after the call: yes" "$WORK/k.out" ||
	shim_fail "the kernel's pages were clean without a call"
shim_check_mountpoint
echo PASS

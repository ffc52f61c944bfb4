#!/bin/sh
# How durable a pool is, as pmemfile info, pmemfile df and pmemfile run -v
# say it: volatile for a pool file on tmpfs; on a disk file system, msync
# (libpmemobj msyncs each flush) or, with PMEM_IS_PMEM_FORCE=1, unsafe.
# run says it only with -v or when its standard error is a terminal.
. "$TEST_TOP/tests/tools/lib.sh"

VOLATILE="volatile (the pool file is in memory (tmpfs): gone at a reboot)"
MSYNC="msync (an ordinary file, msynced at each flush: each call is durable when it returns, at the disk's speed)"
UNSAFE="unsafe (an ordinary file treated as pmem (PMEM_IS_PMEM_FORCE=1): not durable, a power cut may leave the pool inconsistent)"

base=${PMEMFILE_TEST_DISK:-/var/tmp}
case $(stat -f -c %T "$base" 2>/dev/null) in
tmpfs | ramfs | "")
	echo "$base is not on a disk file system (set PMEMFILE_TEST_DISK)"
	exit 77
	;;
esac
DISK=$(mktemp -d "$base/pmemfile-durability.XXXXXX") || exit 1
SHM=$(mktemp -d /dev/shm/pmemfile-durability.XXXXXX) || exit 1
trap 'rm -rf "$DISK" "$SHM"' EXIT

durability() {
	printf '%s\n' "$out" | sed -n "s/^durability: *//p"
}

new_pool "$SHM/p.pool"
run "$PF" info "$SHM/p.pool"
expect "info of a pool on tmpfs" "$(durability)" "$VOLATILE"
run "$PF" df "$SHM/p.pool"
expect "df of a pool on tmpfs" "$(durability)" "$VOLATILE"

PMEM_IS_PMEM_FORCE=0 new_pool "$DISK/p.pool"
for cmd in info df; do
	PMEM_IS_PMEM_FORCE=0 run "$PF" $cmd "$DISK/p.pool"
	expect "$cmd of a pool on a disk" "$(durability)" "$MSYNC"
	PMEM_IS_PMEM_FORCE=1 run "$PF" $cmd "$DISK/p.pool"
	expect "$cmd of a pool on a disk, forced to pmem" "$(durability)" \
		"$UNSAFE"
done

# run: one line first on standard error with -v, none without (not a
# terminal here); the program's own output unchanged
PMEM_IS_PMEM_FORCE=0 expect_run 0 "x" \
	"pmemfile run: $DISK/p.pool at /mnt/pmemfile, durability $MSYNC" \
	"$PF" run -v "$DISK/p.pool" echo x
expect_run 0 "x" "" "$PF" run "$SHM/p.pool" echo x
expect_run 0 "x" \
	"pmemfile run: $SHM/p.pool at /mnt/pf, durability $VOLATILE" \
	"$PF" run --verbose -m /mnt/pf "$SHM/p.pool" echo x
finish

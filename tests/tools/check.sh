#!/bin/sh
# pmemfile check: 0 on a good pool; 4 and the problem on a pool damaged at a
# known place of its layout; a message and 8, never a crash, for a foreign
# or corrupt file (the statuses of fsck(8)).
. "$TEST_TOP/tests/tools/lib.sh"
OBJPOOL=$TEST_BUILD/tests/tools/objpool

# damage FILE OFFSET BYTES: overwrites bytes in place.
damage() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

offset() {
	"$OBJPOOL" offsets "$1" | sed -n "s/^$2 //p"
}

new_pool good.pool
"$PF" mkdir good.pool /d && printf 'hello' >h && "$PF" put good.pool h /d/h ||
	failed=1
run "$PF" check good.pool
expect "status of check on a good pool" "$rc" 0
expect "last line of check on a good pool" \
	"$(printf '%s\n' "$out" | tail -n 1)" "good.pool: consistent"
expect "stderr of check on a good pool" "$err" ""

# The superblock's magic.
cp good.pool magic.pool
off=$(offset magic.pool super.magic)
[ -n "$off" ] || { echo "no superblock offset"; exit 1; }
damage magic.pool "$off" 'XXXXXXXX'
run "$PF" check magic.pool
expect "status of check with a damaged superblock" "$rc" 4
expect "last line of check with a damaged superblock" \
	"$(printf '%s\n' "$out" | tail -n 1)" "magic.pool: damaged"
[ "$(printf '%s\n' "$out" | wc -l)" -ge 2 ] ||
	{ echo "FAIL: check named no problem: $out"; failed=1; }

run "$PF" ls magic.pool
expect "status of ls with a damaged superblock" "$rc" 1
case $err in
"pmemfile ls: magic.pool: cannot open the pool: "*magic*) ;;
*) expect "ls with a damaged superblock" "$err" "pmemfile ls: magic.pool: cannot open the pool: ...magic..." ;;
esac

# The root directory's inode made into a regular file.
cp good.pool root.pool
off=$(offset root.pool root_inode.mode)
damage root.pool "$off" '\244\201\000\000'
run "$PF" check root.pool
expect "status of check with a damaged root inode" "$rc" 4
expect "last line of check with a damaged root inode" \
	"$(printf '%s\n' "$out" | tail -n 1)" "root.pool: damaged"

# A file's first extent sent far outside the pool: the library refuses to
# follow it, the read fails with EIO (status 1, no crash), and check finds
# the extent.
cp good.pool extent.pool
ino=$("$PF" stat extent.pool /d/h | sed -n 's/^inode: *//p')
# The inode number is the inode's offset: its mode field says so.
expect "mode at the offset of /d/h's inode" \
	"$(od -An -tu4 -j "$ino" -N4 extent.pool | tr -d ' ')" 33188
damage extent.pool $((ino + $(offset extent.pool inode.extent0.data))) \
	'\000\000\000\000\000\100\000\000'
expect_run 1 "" "pmemfile cat: /d/h: Input/output error" \
	"$PF" cat extent.pool /d/h
run "$PF" check extent.pool
expect "status of check with a wild extent" "$rc" 4
expect "last line of check with a wild extent" \
	"$(printf '%s\n' "$out" | tail -n 1)" "extent.pool: damaged"

# libpmemobj's own metadata, which pmemobj_open trusts: lane 3's undo log
# sends its next extension out of the heap (pmemobj_open crashed on it).
cp good.pool lane.pool
lanes=$(od -An -tu8 -j 5120 -N8 lane.pool | tr -d ' ')
damage lane.pool $((lanes + 3 * 3072 + 960 + 8)) '\000\360\377\177'
run "$PF" check lane.pool
expect "status of check with a damaged lane" "$rc" 4
expect "check with a damaged lane" "$out" \
	"$(printf '%s\n' "lane.pool: damaged pool: libpmemobj log extension at offset 0x$(printf %x $((lanes + 3 * 3072 + 960)))" "lane.pool: damaged")"
run "$PF" ls lane.pool
expect "status of ls with a damaged lane" "$rc" 1
case $err in
"pmemfile ls: lane.pool: cannot open the pool: "*"libpmemobj log extension"*) ;;
*) expect "ls with a damaged lane" "$err" "pmemfile ls: lane.pool: cannot open the pool: ...libpmemobj log extension..." ;;
esac

# The time limit: none (0) on a good pool; a limit that is no number.
expect_run 0 "good.pool: consistent" "" "$PF" check -t 0 good.pool
run "$PF" check -t 1x good.pool
expect "status of check -t 1x" "$rc" 16
expect "first line of check -t 1x" "$(printf '%s\n' "$err" | head -n 1)" \
	"pmemfile check: bad time limit '1x'"

# Files that are no pmemfile pool at all.
echo "just text" >text.pool
expect_run 8 "" "pmemfile check: text.pool: not a pmemfile pool (no libpmemobj header)" \
	"$PF" check text.pool
: >empty.pool
expect_run 8 "" "pmemfile check: empty.pool: not a pmemfile pool (no libpmemobj header)" \
	"$PF" check empty.pool
"$OBJPOOL" create other.pool otherlayout || exit 1
expect_run 8 "" "pmemfile check: other.pool: not a pmemfile pool (libpmemobj layout 'otherlayout')" \
	"$PF" check other.pool
printf 'PMEMOBJ\000' >short.pool
expect_run 8 "" "pmemfile check: short.pool: not a pmemfile pool (truncated header)" \
	"$PF" check short.pool
expect_run 8 "" "pmemfile check: nope.pool: No such file or directory" \
	"$PF" check nope.pool
mkdir dir.pool
expect_run 8 "" "pmemfile check: dir.pool: Is a directory" "$PF" check dir.pool
finish

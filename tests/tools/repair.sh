#!/bin/sh
# pmemfile check --repair on pools damaged at one known place each (through
# libpmemobj, by tests/tools/damage): check finds the damage (status 4),
# --repair prints each fix (status 1), check then finds none (status 0),
# and the files the damage did not touch keep their bytes.
. "$TEST_TOP/tests/tools/lib.sh"
DAMAGE=$TEST_BUILD/tests/tools/damage
[ -x "$DAMAGE" ] || { echo "tests/tools/damage is not built"; exit 77; }

# salvage_left NAME: check -y salvages what -p left damaged in NAME.pool
# (the damaged file kept as NAME.pool.damaged, the same but for what
# libpmemobj's open writes); the pool is then clean.
salvage_left() {
	cp "$1.pool" "$1.left"
	run "$PF" check -y "$1.pool"
	expect "status of check -y after -p, $1" "$rc" 1
	case $out in
	*"$1.pool: salvaging what the repair left"*"salvage: $1.pool replaced by the salvaged pool"*"$1.pool: repaired") ;;
	*) expect "check -y after -p, $1" "$out" "(a salvage)" ;;
	esac
	expect_run 0 "$1.pool: consistent" "" "$PF" check "$1.pool"
	# libpmemobj's open writes its run-time state in the first 8 KiB
	cmp -s -i 8192 "$1.left" "$1.pool.damaged" ||
		{ echo "FAIL: $1.pool.damaged is not the damaged pool"; failed=1; }
	rm -f "$1.left"
}

new_pool good.pool
"$PF" mkdir good.pool /d && "$PF" mkdir good.pool /d/sub || failed=1
for f in a b c keep; do
	printf 'the bytes of %s\n' "$f" >"$f.txt"
	"$PF" put good.pool "$f.txt" "/d/$f" || failed=1
done
head -c 100000 /dev/urandom >big.bin
"$PF" put good.pool big.bin /big || failed=1
LONG=$(printf '%0200d' 0 | tr 0 x)
"$PF" ln -s good.pool "$LONG" /long || failed=1
expect_run 0 "good.pool: consistent" "" "$PF" check good.pool

ino() {
	"$PF" stat "$1" "$2" | sed -n 's/^inode: *//p'
}
ROOT=$(ino good.pool /)
D=$(ino good.pool /d)
SUB=$(ino good.pool /d/sub)
A=$(ino good.pool /d/a)
B=$(ino good.pool /d/b)
C=$(ino good.pool /d/c)
TOMB=$("$DAMAGE" good.pool show-ntomb "$D")

# repair_case NAME DAMAGE-ARGS CHECK-LINES REPAIR-LINES
repair_case() {
	name=$1
	cp good.pool "$name.pool"
	# shellcheck disable=SC2086
	"$DAMAGE" "$name.pool" $2 || { echo "FAIL: damage $2"; failed=1; }
	run "$PF" check "$name.pool"
	expect "status of check, $name" "$rc" 4
	expect "stderr of check, $name" "$err" ""
	expect_lines "check, $name" "$out" "$(printf '%s\n%s' "$3" \
		"$name.pool: damaged")"
	run "$PF" check --repair "$name.pool"
	expect "status of check --repair, $name" "$rc" 1
	expect "stderr of check --repair, $name" "$err" ""
	expect_lines "check --repair, $name" "$out" "$(printf '%s\n%s' "$4" \
		"$name.pool: repaired")"
	expect_run 0 "$name.pool: consistent" "" "$PF" check "$name.pool"
	expect_run 0 "the bytes of keep" "" "$PF" cat "$name.pool" /d/keep
	"$PF" get "$name.pool" /big big.out
	cmp -s big.bin big.out ||
		{ echo "FAIL: /big of $name.pool changed"; failed=1; }
}

repair_case nlink "nlink $A" \
	"inode $A: nlink 2, expected 1" \
	"inode $A: link count 2, set to 1"

# Layout 5: a flipped bit under a checksum, in what passes every other
# check, is found by the checksum; the byte it changed is found by the
# checksum too, and given back what it held.
repair_case flipgid "flip-gid $A" \
	"inode $A: checksum mismatch at 0x*" \
	"inode $A: checksum mismatch explained by one byte, of its group: 0x*, restored to 0x*"
# Two bytes changed: no one byte explains the mismatch; the repair stores
# the checksum again, as e2fsck does, the inode passing every other check.
repair_case flipowner "flip-owner $A" \
	"inode $A: checksum mismatch at 0x*" \
	"inode $A: checksum did not match what the inode holds, which passed the checks: stored again"

# One flipped byte under an inode's checksum, where it broke what the inode
# says (the extent count, an extent's data offset): the checksum tells
# which byte and what it held; the repair gives it back, the file's bytes
# as they were.
BIGI=$(ino good.pool /big)
repair_case flipcount "flip-nextents $BIGI" \
	"inode $BIGI: checksum mismatch at 0x*
inode $BIGI: 10995116277* extents, room for 174 in its blocks" \
	"inode $BIGI: checksum mismatch explained by one byte, of its extent count: 0x01, restored to 0x00"

repair_case flipextent "flip-extent $BIGI" \
	"inode $BIGI: checksum mismatch at 0x*
inode $BIGI: extent at 0x1000* is not an allocated object
object 0x* (type 0, * bytes) is leaked" \
	"inode $BIGI: checksum mismatch explained by one byte, of its extent 0's data: 0x01, restored to 0x00"

# The same in an extent block (/big has 7 extents, 3 in a block) and in a
# long symlink's target.
repair_case flipeblock "flip-eblock $BIGI" \
	"inode $BIGI: extent block checksum mismatch at 0x*
inode $BIGI: extent at 0x1000* is not an allocated object
object 0x* (type 0, * bytes) is leaked" \
	"inode $BIGI: extent block at 0x*: checksum mismatch explained by one byte, at +37: 0x01, restored to 0x00"
LONGI=$(ino good.pool /long)
repair_case fliptarget "flip-target $LONGI" \
	"inode $LONGI: symlink target checksum mismatch at 0x*" \
	"inode $LONGI: symlink target at 0x*: checksum mismatch explained by one byte, at +0: 0x79, restored to 0x78"
expect "the repaired target" \
	"$("$PF" ls -l fliptarget.pool /long | sed 's/.* -> //')" "$LONG"

# An extent count beyond what the file's blocks hold, its checksum stored
# (no flipped byte to find): the slots in use come first, the others are
# zero; the count is set to them, every extent kept.
repair_case nextents "nextents $BIGI" \
	"inode $BIGI: 10995116277* extents, room for 174 in its blocks" \
	"inode $BIGI: 10995116277* extents, more than its blocks hold: set to the * slots in use"

# Two bytes changed, one of them a count the repair sets right: once it is
# set, the other byte explains the mismatch, and is given back.
repair_case flipgidnlink "flip-gid-nlink $A" \
	"inode $A: checksum mismatch at 0x*
inode $A: nlink 2, expected 1" \
	"inode $A: link count 2, set to 1
inode $A: checksum mismatch explained, once that is fixed, by one byte, of its group: 0x*, restored to 0x*"

# An inode that passes every check but its checksum gets it stored again
# also while damage the repair leaves is elsewhere (an aligned extent that
# meets no object, which may be libpmemobj's damage, is left).
cp good.pool owner.pool
"$DAMAGE" owner.pool wild-extent "$B" && "$DAMAGE" owner.pool flip-owner "$A" ||
	failed=1
left="inode $B: extent at 0x100* is not an allocated object
object 0x* (type 0, 4096 bytes) is leaked"
run "$PF" check -p owner.pool
expect "status of check --repair, a checksum and damage left" "$rc" 5
expect_lines "check --repair, a checksum and damage left" "$out" \
	"inode $A: checksum did not match what the inode holds, which passed the checks: stored again
left after the repair:
$left
owner.pool: damaged, partly repaired"
run "$PF" check owner.pool
expect "status of check after it" "$rc" 4
expect_lines "check after it" "$out" "$left
owner.pool: damaged"
expect_run 0 "the bytes of a" "" "$PF" cat owner.pool /d/a
salvage_left owner
expect_run 0 "the bytes of a" "" "$PF" cat owner.pool /d/a

# A file's mode changed in two bytes into a FIFO's, its group in a third:
# no byte explains the mismatch, and the record's type and the inode's
# disagree. Neither is taken for the other (the record's type was set from
# the inode, the inode's checksum stored again and the file's data, owned
# by nothing then, freed): both are left, the data object with them.
cp good.pool mode.pool
"$DAMAGE" mode.pool flip-mode-gid "$A" || failed=1
left="inode $A: checksum mismatch at 0x*
directory $D: \"a\" has a wrong type
object 0x* (type 0, 4096 bytes) is leaked"
run "$PF" check -p mode.pool
expect "status of check --repair, a mode changed" "$rc" 5
expect_lines "check --repair, a mode changed" "$out" \
	"directory $D: hash table rebuilt from its 5 records (counted 5, $TOMB tombstones)
left after the repair:
$left
mode.pool: damaged, partly repaired"
run "$PF" check mode.pool
expect_lines "check after it" "$out" "$left
mode.pool: damaged"
salvage_left mode
expect_run 0 "the bytes of keep" "" "$PF" cat mode.pool /d/keep

repair_case fliptype "flip-type $D a" \
	"directory $D: record checksum mismatch at 0x*
directory $D: \"a\" has a wrong type" \
	"directory $D: record at slot *: checksum mismatch explained by one byte, of its type: 0x09, restored to 0x08
directory $D: hash table rebuilt from its * records (counted *, * tombstones)"

# A wrong type, the record's checksum stored (no flipped byte to find).
repair_case wrongtype "type $D a" \
	"directory $D: \"a\" has a wrong type" \
	"directory $D: \"a\" has type 9: set to 8
directory $D: hash table rebuilt from its * records (counted *, * tombstones)"

# A flipped byte of a record's name, or of its length (the record cannot
# be read then, its inode named by nothing): the record's checksum tells
# which byte and what it held; the name is as it was.
repair_case flipname "flip-name $D b" \
	"directory $D: record checksum mismatch at 0x*
directory $D: \"f\" missing from the hash table" \
	"directory $D: record at slot *: checksum mismatch explained by one byte, of its name: \"f\", its byte 0 restored to 'b'
directory $D: hash table rebuilt from its 5 records (counted 5, $TOMB tombstones)"
expect_run 0 "the bytes of b" "" "$PF" cat flipname.pool /d/b
repair_case flipnamelen "flip-namelen $D c" \
	"directory $D: record checksum mismatch at 0x*
directory $D: bad record at slot *
directory $D: \"c\" missing from the hash table
inode $C is leaked (no name, not orphan)
object 0x* (type 0, 4096 bytes) is leaked" \
	"directory $D: record at slot *: checksum mismatch explained by one byte, of its name length: 0x41, restored to 0x01
directory $D: hash table rebuilt from its 5 records (counted 5, $TOMB tombstones)"
expect_run 0 "the bytes of c" "" "$PF" cat flipnamelen.pool /d/c

repair_case freeslot "free-record $D b" \
	"directory $D: \"b\" names a free inode 0x*
inode $B is leaked (no name, not orphan)
object 0x* (type 0, 4096 bytes) is leaked" \
	"directory $D: \"b\" names a free inode 0x*: record dropped
directory $D: hash table rebuilt from its 4 records (counted 5, $TOMB tombstones)
/lost+found: missing: made (mode 0700)
inode $B (file) named by nothing: linked as /lost+found/#$B"
expect_run 0 "the bytes of b" "" "$PF" cat freeslot.pool "/lost+found/#$B"
expect_run 0 "the bytes of a" "" "$PF" cat freeslot.pool /d/a
run "$PF" stat freeslot.pool /lost+found
expect "mode of the new /lost+found" \
	"$(printf '%s\n' "$out" | sed -n 's/^mode: *//p')" "0700 (drwx------)"

repair_case unreachable "unname $D c" \
	"inode $C is leaked (no name, not orphan)
object 0x* (type 0, 4096 bytes) is leaked" \
	"/lost+found: missing: made (mode 0700)
inode $C (file) named by nothing: linked as /lost+found/#$C"
expect_run 0 "the bytes of c" "" "$PF" cat unreachable.pool "/lost+found/#$C"

# A lost directory goes to /lost+found with what it holds; its old parent
# counts one subdirectory less.
repair_case lostdir "unname $D sub" \
	"inode $D: nlink 3, expected 2
inode $SUB is leaked (no name, not orphan)" \
	"/lost+found: missing: made (mode 0700)
inode $SUB (directory) named by nothing: linked as /lost+found/#$SUB
inode $D: link count 3, set to 2"
expect "parent of the lost directory" \
	"$("$PF" stat lostdir.pool "/lost+found/#$SUB/.." | sed -n 's/^inode: *//p')" \
	"$(ino lostdir.pool /lost+found)"

repair_case leak "leak" \
	"object 0x* (type 7, * bytes) is leaked" \
	"object 0x* (type 7, * bytes) owned by nothing: freed"

repair_case htab "htab $D" \
	"directory $D: \"*\" missing from the hash table
directory $D: \"*\" missing from the hash table
directory $D: \"*\" missing from the hash table
directory $D: \"*\" missing from the hash table
directory $D: \"*\" missing from the hash table
directory $D: hash table holds 0+0, expected 5+$TOMB" \
	"directory $D: hash table rebuilt from its 5 records (counted 5, $TOMB tombstones)"
for f in a b c; do
	expect_run 0 "the bytes of $f" "" "$PF" cat htab.pool "/d/$f"
done

# An orphan (a file unlinked while open, then a crash) is no damage: check
# lists it, the next open would free it; --repair frees it. With its list
# damaged, it is damage.
cp good.pool orphan.pool
"$DAMAGE" orphan.pool orphan "$D" a || failed=1
expect_run 0 "orphan $A: unlinked while open, freed at the next open
orphan.pool: consistent" "" "$PF" check orphan.pool
expect_run 1 "orphan $A (unlinked while open): freed
orphan.pool: repaired" "" "$PF" check --repair orphan.pool
expect_run 0 "orphan.pool: consistent" "" "$PF" check orphan.pool
expect_run 1 "" "pmemfile cat: /d/a: No such file or directory" \
	"$PF" cat orphan.pool /d/a
# A hash table pointer that leads nowhere: a new table, the old one freed
# as nothing owns it any more.
repair_case htablost "htab-lost $D" \
	"inode $D: hash table at 0x* is not an allocated object
directory $D: entries but no hash table
object 0x* (type 5, * bytes) is leaked" \
	"directory $D: hash table unreadable: a new one made from its 5 records
object 0x* (type 5, * bytes) owned by nothing: freed"
for f in a b c; do
	expect_run 0 "the bytes of $f" "" "$PF" cat htablost.pool "/d/$f"
done

repair_case orphanlink "orphan-link $D a" \
	"orphan $A: broken back link
orphan $A: unlinked while open, freed at the next open" \
	"orphan $A: back link set
orphan $A (unlinked while open): freed"

repair_case freelist "free-list" \
	"inode array 0x*: a slot free, but not in the free list" \
	"list of inode arrays with a free slot: rebuilt from the chain"

# Several inode arrays (63 inodes each), two with free slots: the list of
# arrays with a free slot emptied, or the array map zeroed, is rebuilt.
new_pool arrays.pool
mkdir many
i=0
while [ $i -lt 150 ]; do
	echo "$i" >"many/n$i"
	i=$((i + 1))
done
"$PF" cp -r arrays.pool many :/ || failed=1
"$PF" rm arrays.pool /many/n7 /many/n107 || failed=1
cp arrays.pool arrays2.pool
cp arrays.pool arrays3.pool
"$DAMAGE" arrays.pool free-list || failed=1
run "$PF" check --repair arrays.pool
expect "status of check --repair, free list of arrays" "$rc" 1
expect_lines "check --repair, free list of arrays" "$out" \
	"list of inode arrays with a free slot: rebuilt from the chain
arrays.pool: repaired"
expect_run 0 "arrays.pool: consistent" "" "$PF" check arrays.pool
"$DAMAGE" arrays2.pool array-map || failed=1
run "$PF" check arrays2.pool
expect "status of check, array map" "$rc" 4
run "$PF" check --repair arrays2.pool
expect "status of check --repair, array map" "$rc" 1
expect_lines "check --repair, array map" "$out" \
	"inode array map: rebuilt from the 3 arrays of the chain
arrays2.pool: repaired"
expect_run 0 "arrays2.pool: consistent" "" "$PF" check arrays2.pool
expect_run 0 "140" "" "$PF" cat arrays2.pool /many/n140
# The chain's link from its first array to the next sent out of the pool:
# the arrays after it (the root's among them) are out of reach. The array
# the map marks whose back link names the first one is linked again.
"$DAMAGE" arrays3.pool chain-link || failed=1
run "$PF" check arrays3.pool
expect "status of check, a link of the array chain" "$rc" 4
expect_lines "check, a link of the array chain" "$out" \
	"inode 0: inode array at 0x10000* is not an allocated object
superblock: 3 inode arrays, 1 in the chain
superblock: root 0 is not a directory
arrays3.pool: damaged"
run "$PF" check --repair arrays3.pool
expect "status of check --repair, a link of the array chain" "$rc" 1
expect_lines "check --repair, a link of the array chain" "$out" \
	"inode array chain: link at 0x* leads to 0x10000*, no array: set to 0x*, the array of the map whose back link names 0x*
arrays3.pool: repaired"
expect_run 0 "arrays3.pool: consistent" "" "$PF" check arrays3.pool
# The last array's link (0) sent out of the pool: no array follows it in
# the map, all are in the chain, as many as the superblock counts: the
# link is set to 0 again.
cp arrays3.pool arrays4.pool
"$DAMAGE" arrays4.pool chain-end || failed=1
run "$PF" check --repair arrays4.pool
expect "status of check --repair, the last link of the array chain" "$rc" 1
expect_lines "check --repair, the last link of the array chain" "$out" \
	"inode array chain: link at 0x* leads to 0x10000000000, no array, past the last array: set to 0
arrays4.pool: repaired"
expect_run 0 "arrays4.pool: consistent" "" "$PF" check arrays4.pool
i=0
while [ $i -lt 150 ]; do
	[ $i = 7 ] || [ $i = 107 ] ||
		expect_run 0 "$i" "" "$PF" cat arrays3.pool "/many/n$i"
	i=$((i + 1))
done

# A directory of three blocks whose middle block's entry in the block
# table leads into the block (no object starts there): the block is
# dropped, the directory rebuilt from the records of the two others (the
# third block's move down), the inodes the dropped block named linked into
# /lost+found; every file keeps its bytes, under its name or there.
new_pool blocks.pool
mkdir names
i=0
while [ $i -lt 150 ]; do
	echo "file number $i" >"names/a_rather_long_name_to_take_two_slots_$i"
	i=$((i + 1))
done
"$PF" cp -r blocks.pool names :/ || failed=1
N=$(ino blocks.pool /names)
"$DAMAGE" blocks.pool dir-block "$N" 1 || failed=1
run "$PF" check blocks.pool
expect "status of check, a directory block lost" "$rc" 4
expect "check, a directory block lost" \
	"$(printf '%s\n' "$out" | grep -c "^inode $N: directory block at 0x.* is not an allocated object\$")" 1
run "$PF" check --repair blocks.pool
expect "status of check --repair, a directory block lost" "$rc" 1
expect_lines "check --repair, a directory block lost" \
	"$(printf '%s\n' "$out" | grep -v 'named by nothing: linked as')" \
	"directory $N: block 1 at 0x*c3 is no directory block: dropped, with the names it held
directory $N: hash table rebuilt from its * records (counted 150, * tombstones)
/lost+found: missing: made (mode 0700)
object 0x* (type 0, 4096 bytes) owned by nothing: freed
blocks.pool: repaired"
nlost=$(printf '%s\n' "$out" | grep -c '(file) named by nothing: linked as /lost+found/#')
expect_run 0 "blocks.pool: consistent" "" "$PF" check blocks.pool
"$PF" cp -r blocks.pool :/names names.out && "$PF" cp -r blocks.pool \
	:/lost+found lost.out || failed=1
nkept=$(ls names.out | wc -l)
expect "names kept and lost, a directory block lost" \
	"$nkept $((nkept + nlost)) $(ls lost.out | wc -l)" "$nkept 150 $nlost"
[ "$nkept" -gt 0 ] && [ "$nlost" -gt 0 ] ||
	{ echo "FAIL: $nkept names kept, $nlost lost"; failed=1; }
for f in names.out/*; do
	cmp -s "$f" "names/${f#names.out/}" ||
		{ echo "FAIL: $f differs from its original"; failed=1; }
done
expect "the bytes of the files in /lost+found" \
	"$(cat lost.out/* | sort)" \
	"$(for f in names/*; do [ -e "names.out/${f#names/}" ] || cat "$f"; done | sort)"

# A lost file of no bytes is cleared (as e2fsck clears an unattached
# zero-length inode), not linked.
new_pool empty.pool
: >zero.txt
"$PF" put empty.pool zero.txt /zero || failed=1
Z=$(ino empty.pool /zero)
"$DAMAGE" empty.pool unname "$(ino empty.pool /)" zero || failed=1
expect_run 1 "inode $Z: named by nothing and empty: cleared
empty.pool: repaired" "" "$PF" check --repair empty.pool
expect_run 0 "empty.pool: consistent" "" "$PF" check empty.pool
# ... but one in a lost directory goes with it.
"$PF" mkdir empty.pool /e || failed=1
"$PF" put empty.pool zero.txt /e/zero || failed=1
E=$(ino empty.pool /e)
"$DAMAGE" empty.pool unname "$(ino empty.pool /)" e || failed=1
run "$PF" check --repair empty.pool
expect "status of check --repair, a lost directory with an empty file" \
	"$rc" 1
expect_lines "check --repair, a lost directory with an empty file" "$out" \
	"/lost+found: missing: made (mode 0700)
inode $E (directory) named by nothing: linked as /lost+found/#$E
inode * link count 4, set to 3
empty.pool: repaired"
expect_run 0 "" "" "$PF" cat empty.pool "/lost+found/#$E/zero"

# Two at once: a count and a leaked object, both fixed in one run.
cp good.pool two.pool
"$DAMAGE" two.pool nlink "$B" && "$DAMAGE" two.pool leak || failed=1
run "$PF" check -y two.pool
expect "status of check -y with two problems" "$rc" 1
expect_lines "check -y with two problems" "$out" \
	"inode $B: link count 2, set to 1
object 0x* (type 7, * bytes) owned by nothing: freed
two.pool: repaired"

# -n changes nothing (libpmemobj's open writes its own state, so the
# bytes are not compared: a second check finds the same); -p repairs as
# -y does.
cp good.pool n.pool
"$DAMAGE" n.pool nlink "$A" || failed=1
expect_run 4 "inode $A: nlink 2, expected 1
n.pool: damaged" "" "$PF" check -n n.pool
expect_run 4 "inode $A: nlink 2, expected 1
n.pool: damaged" "" "$PF" check n.pool
run "$PF" check -p n.pool
expect "status of check -p" "$rc" 1
expect_run 0 "n.pool: consistent" "" "$PF" check n.pool

# What cannot be fixed safely is left, and said: the superblock's magic
# (-p); -y salvages it.
cp good.pool magic.pool
off=$("$TEST_BUILD/tests/tools/objpool" offsets magic.pool |
	sed -n 's/^super.magic //p')
printf 'XXXXXXXX' | dd of=magic.pool bs=1 seek="$off" conv=notrunc status=none
run "$PF" check -p magic.pool
expect "status of check --repair with a damaged superblock" "$rc" 4
expect_lines "check --repair with a damaged superblock" "$out" \
	"superblock: bad magic or version
magic.pool: damaged"
expect_run 4 "superblock: bad magic or version
magic.pool: damaged" "" "$PF" check magic.pool
salvage_left magic
expect_run 0 "the bytes of keep" "" "$PF" cat magic.pool /d/keep
"$PF" get magic.pool /big big.out
cmp -s big.bin big.out || { echo "FAIL: /big of magic.pool changed"; failed=1; }

# A flipped bit of the superblock's root: nothing can be walked, but the
# superblock's checksum tells which byte and what it held.
cp good.pool root.pool
"$DAMAGE" root.pool flip-root || failed=1
run "$PF" check root.pool
expect "status of check with a flipped root" "$rc" 4
expect_lines "check with a flipped root" "$out" \
	"superblock: checksum mismatch at 0x*
superblock: root 0 is not a directory
root.pool: damaged"
run "$PF" check --repair root.pool
expect "status of check --repair with a flipped root" "$rc" 1
expect_lines "check --repair with a flipped root" "$out" \
	"superblock: checksum mismatch explained by one byte, at +29: 0x01, restored to 0x00
root.pool: repaired"
expect_run 0 "root.pool: consistent" "" "$PF" check root.pool
expect_run 0 "the bytes of keep" "" "$PF" cat root.pool /d/keep

# A file's extent that is no object: the check reports it (and the data
# object it came from as leaked, not freed while a reference could not be
# followed).
cp good.pool extent.pool
"$DAMAGE" extent.pool extent "$A" || failed=1
want="inode $A: extent 0+4096 at 0x* is not aligned
inode $A: extent at 0x* is not an allocated object
object 0x* (type 0, 4096 bytes) is leaked"
run "$PF" check extent.pool
expect "status of check with a wild extent" "$rc" 4
expect_lines "check with a wild extent" "$out" "$want
extent.pool: damaged"
# as e2fsck clears a block pointer that leads nowhere: the extent goes
# (its bytes read as zeros), then the object it came from, owned by
# nothing, is freed
run "$PF" check --repair extent.pool
expect "status of check --repair with a wild extent" "$rc" 1
expect_lines "check --repair with a wild extent" "$out" \
	"inode $A: extent 0+4096 at 0x* leads to no data of its own: dropped, its bytes read as zeros
object 0x* (type 0, 4096 bytes) owned by nothing: freed
extent.pool: repaired"
expect_run 0 "extent.pool: consistent" "" "$PF" check extent.pool
size=$("$PF" stat extent.pool /d/a | sed -n 's/^size: *//p')
"$PF" get extent.pool /d/a a.out
expect "the dropped extent's bytes" "$(tr -d '\0' <a.out | wc -c)/$(wc -c <a.out)" "0/$size"
expect_run 0 "the bytes of b" "" "$PF" cat extent.pool /d/b

# Usage errors and operational errors, as fsck(8) numbers them.
run "$PF" check -n -y good.pool
expect "status of check -n -y" "$rc" 16
run "$PF" check --bogus good.pool
expect "status of check --bogus" "$rc" 16
run "$PF" check
expect "status of check without a pool" "$rc" 16
expect_run 8 "" "pmemfile check: nope.pool: No such file or directory" \
	"$PF" check --repair nope.pool

# The progress line: on a terminal only (script(1) gives one), after
# PMEMFILE_PROGRESS_DELAY seconds (1 by default), rewritten with \r and
# cleared at the end. Every stderr above, no terminal, was empty.
tty_run() {
	script -qec "$1" /dev/null | sed 's/\x1b\[K/<K>/g; s/\r/<R>/g'
}
expect_run 0 "good.pool: consistent" "" \
	env PMEMFILE_PROGRESS_DELAY=0 "$PF" check good.pool
head -c 3000000 /dev/urandom >three.bin
expect_run 0 "" "" env PMEMFILE_PROGRESS_DELAY=0 "$PF" put good.pool \
	three.bin /three
if command -v script >/dev/null 2>&1; then
	expect "check on a terminal" "$(tty_run "$PF check good.pool")" \
		"good.pool: consistent<R>"
	expect_lines "check on a terminal, progress at once" \
		"$(PMEMFILE_PROGRESS_DELAY=0 tty_run "$PF check good.pool")" \
		"<R>checking: 0 of * inodes (0%)<K><R><K>good.pool: consistent<R>"
	expect "put on a terminal, progress at once" \
		"$(PMEMFILE_PROGRESS_DELAY=0 tty_run "$PF put good.pool three.bin /three2")" \
		"<R>copying: 1 MiB<K><R><K>"
else
	echo "no script(1): the progress line on a terminal is not tested"
fi
finish

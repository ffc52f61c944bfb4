#!/bin/sh
# A pool whose libpmemobj metadata is damaged (a chunk header of its first
# zone, its heap header): pmemfile check refuses it (status 4), -n changes
# nothing, --repair (-y) salvages what can be read into a new pool that
# takes its place (status 1), the damaged file kept as POOL.damaged (then
# POOL.damaged.1); check then calls it consistent, and every file has its
# bytes, mode, owner and times, the hard link is one inode of 2 links.
# pmemfile salvage POOL NEWPOOL makes the same copy beside POOL.
. "$TEST_TOP/tests/tools/lib.sh"
OBJPOOL=$TEST_BUILD/tests/tools/objpool
[ -x "$OBJPOOL" ] || { echo "tests/tools/objpool is not built"; exit 77; }

# flip FILE OFFSET: every bit of the byte at OFFSET inverted.
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "$(printf '\\%03o' $((b ^ 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# listing POOL DIR: the pool's tree copied out (cp -a) into DIR, and each
# file's path, mode, owner, mtime, links, size and target.
listing() {
	rm -rf "$2"
	mkdir "$2"
	"$PF" cp -a "$1" :/ "$2/" || echo "cp -a out of $1 failed"
	(cd "$2" && find . -printf '%p %M %U %G %T@ %n %s %l\n' | sort)
}

# same_tree WHAT POOL: POOL's files as good.pool's, byte for byte.
# The lines of check --repair's salvage of POOL in its place: the first,
# and the last ones (its damaged file kept as POOL.damaged).
salvage_start() {
	echo "salvage: copying what can be read of $1 into $1.salvage.??????"
}
salvage_end() {
	printf '%s\n' "salvage: $1.salvage.?????? is consistent" \
		"salvage: damaged pool kept as $1.damaged" \
		"salvage: $1 replaced by the salvaged pool" "$1: repaired"
}

same_tree() {
	expect "files of $1" "$(listing "$2" "$2.out")" "$GOOD_LIST"
	for f in $(cd good.out && find . -type f); do
		cmp -s "good.out/$f" "$2.out/$f" ||
			{ echo "FAIL: $f of $1 differs"; failed=1; }
	done
	a=$("$PF" stat "$2" /a | sed -n 's/^inode: *//p')
	h=$("$PF" stat "$2" /d/hard | sed -n 's/^inode: *//p')
	expect "inode of /a and /d/hard in $1" "$a" "$h"
	expect "links of /a in $1" \
		"$("$PF" stat "$2" /a | sed -n 's/^links: *//p')" 2
}

mkdir -p src/d/e
printf 'the bytes of a\n' >src/a
head -c 300000 /dev/urandom >src/d/big
head -c 5000 /dev/urandom >src/d/e/mid
: >src/empty
ln src/a src/d/hard
ln -s ../a src/d/sl
mkfifo src/fifo
chmod 640 src/a
chmod 1751 src/d
chmod 4755 src/d/e/mid
touch -d '2001-02-03 04:05:06.123456789' src/d/e/mid
touch -d '1999-12-31 23:59:59' src/d/e
if [ "$(id -u)" = 0 ]; then
	chown 123:456 src/d/big
	chown -h 7:8 src/d/sl
	chown 9:10 src/fifo
fi
new_pool good.pool
"$PF" cp -a good.pool src/a src/d src/empty src/fifo :/ || failed=1
# /d/big is written in several extents, some in an extent block
blocks=$("$PF" info good.pool | sed -n 's/^extent blocks: *//p')
[ "${blocks:-0}" -ge 1 ] ||
	{ echo "FAIL: no extent block in good.pool ($blocks)"; failed=1; }
GOOD_LIST=$(listing good.pool good.out)
HEAP=$("$OBJPOOL" offsets good.pool | sed -n 's/^heap //p')
CHUNK0=$("$OBJPOOL" offsets good.pool | sed -n 's/^heap.chunk0 //p')

# A chunk header's type byte: libpmemobj would misread its heap, the check
# before pmemobj_open refuses the pool.
cp good.pool c.pool
flip c.pool "$CHUNK0"
cp c.pool c.orig
REFUSED="c.pool: damaged pool: libpmemobj chunk header at offset $(printf '0x%x' "$CHUNK0")"
expect_run 4 "$REFUSED
c.pool: damaged" "" "$PF" check c.pool
expect_run 4 "$REFUSED
c.pool: damaged" "" "$PF" check -n c.pool
cmp -s c.pool c.orig || { echo "FAIL: check -n changed c.pool"; failed=1; }
expect "files beside c.pool after -n" "$(ls c.*)" "c.orig
c.pool"
SALVAGED="salvaged: 2 directories, 4 regular files, 1 symbolic links, 1 special files, 1 more links"
run "$PF" check --repair c.pool
expect "status of check --repair c.pool" "$rc" 1
expect "stderr of check --repair c.pool" "$err" ""
expect_lines "check --repair c.pool" "$out" "$REFUSED
$(salvage_start c.pool)
$SALVAGED
$(salvage_end c.pool)"
expect_run 0 "c.pool: consistent" "" "$PF" check c.pool
cmp -s c.pool.damaged c.orig ||
	{ echo "FAIL: c.pool.damaged is not the damaged pool"; failed=1; }
expect "files beside c.pool" "$(ls c.*)" "c.orig
c.pool
c.pool.damaged"
expect "size of the salvaged pool" "$(stat -c %s c.pool)" \
	"$(stat -c %s good.pool)"
same_tree "the salvaged c.pool" c.pool

# The heap header (its checksum fails): pmemobj_open refuses the pool.
cp good.pool h.pool
flip h.pool $((HEAP + 40))
run "$PF" check h.pool
expect "status of check h.pool" "$rc" 4
expect_lines "check h.pool" "$out" "h.pool: damaged pool: *heap*
h.pool: damaged"
run "$PF" check -n h.pool
expect "status of check -n h.pool" "$rc" 4
expect "files beside h.pool after -n" "$(ls h.*)" "h.pool"
cp h.pool h.orig
run "$PF" check -y h.pool
expect "status of check -y h.pool" "$rc" 1
expect_lines "check -y h.pool" "$out" "h.pool: damaged pool: *heap*
$(salvage_start h.pool)
$SALVAGED
$(salvage_end h.pool)"
expect_run 0 "h.pool: consistent" "" "$PF" check h.pool
same_tree "the salvaged h.pool" h.pool
# damaged again: the first damaged file is kept, the second is .damaged.1
# (pmemobj_open's refusal stores its run-time fields in the first 8 KiB of
# the file: they are not compared)
HEAP2=$("$OBJPOOL" offsets h.pool | sed -n 's/^heap //p')
flip h.pool $((HEAP2 + 40))
cp h.pool h.orig2
run "$PF" check -y h.pool
expect "status of a second check -y h.pool" "$rc" 1
expect_run 0 "h.pool: consistent" "" "$PF" check h.pool
cmp -s -i 8192 h.pool.damaged h.orig ||
	{ echo "FAIL: h.pool.damaged changed"; failed=1; }
cmp -s -i 8192 h.pool.damaged.1 h.orig2 ||
	{ echo "FAIL: h.pool.damaged.1 is not the damaged pool"; failed=1; }
same_tree "h.pool salvaged twice" h.pool

# pmemfile salvage POOL NEWPOOL: the copy beside, POOL only read.
cp c.orig s.pool
run "$PF" salvage s.pool new.pool
expect "status of salvage" "$rc" 0
expect "stderr of salvage" "$err" ""
expect "stdout of salvage" "$out" "salvage: copying what can be read of s.pool into new.pool
$SALVAGED
salvage: new.pool is consistent"
cmp -s s.pool c.orig || { echo "FAIL: salvage changed s.pool"; failed=1; }
expect_run 0 "new.pool: consistent" "" "$PF" check new.pool
same_tree "new.pool" new.pool
expect_run 1 "" "pmemfile salvage: new.pool: File exists" \
	"$PF" salvage s.pool new.pool
expect_run 1 "" "pmemfile salvage: nope.pool: No such file or directory" \
	"$PF" salvage nope.pool x.pool
run "$PF" salvage s.pool
expect "status of salvage without NEWPOOL" "$rc" 2
run "$PF" salvage --help
expect "status of salvage --help" "$rc" 0
expect "first line of salvage --help" "$(printf '%s\n' "$out" | head -n 1)" \
	"usage: pmemfile salvage POOL NEWPOOL"
# libpmemobj's pool header (its first 4 KiB, checksummed): pmemobj_open
# refuses the pool as it refuses one of another layout (check: no pool,
# status 8); the superblock the pool descriptor leads to tells them apart,
# and --repair salvages it.
cp good.pool ph.pool
flip ph.pool 100
expect_run 8 "" "pmemfile check: ph.pool: cannot check the pool: Invalid argument" \
	"$PF" check ph.pool
run "$PF" check --repair ph.pool
expect "status of check --repair ph.pool" "$rc" 1
expect "stderr of check --repair ph.pool" "$err" ""
expect_lines "check --repair ph.pool" "$out" "ph.pool: damaged pool: libpmemobj's pool header
$(salvage_start ph.pool)
$SALVAGED
$(salvage_end ph.pool)"
expect_run 0 "ph.pool: consistent" "" "$PF" check ph.pool
same_tree "ph.pool" ph.pool
# a pool of another layout is no pmemfile pool: nothing is salvaged
"$OBJPOOL" create other.pool other || failed=1
cp other.pool other.orig
run "$PF" check --repair other.pool
expect "status of check --repair of another layout" "$rc" 8
cmp -s other.pool other.orig ||
	{ echo "FAIL: check --repair changed other.pool"; failed=1; }
expect "files beside other.pool" "$(ls other.*)" "other.orig
other.pool"

# A file's extent that leads outside the pool (stored with its checksum,
# as a bug would), then libpmemobj's chunk header: the salvage leaves that
# extent's range a hole, says so, and copies the rest of the file.
DAMAGE=$TEST_BUILD/tests/tools/damage
cp good.pool e.pool
BIG=$("$PF" stat e.pool /d/big | sed -n 's/^inode: *//p')
"$DAMAGE" e.pool wild-extent "$BIG" || { echo "FAIL: damage"; failed=1; }
flip e.pool "$CHUNK0"
run "$PF" check --repair e.pool
expect "status of check --repair e.pool" "$rc" 1
expect_lines "check --repair e.pool" "$out" "e.pool: damaged pool: libpmemobj chunk header at offset *
$(salvage_start e.pool)
/d/big: extent 0 damaged: left as a hole
$SALVAGED
salvaged: 0 names lost, 1 files or directories copied in part
$(salvage_end e.pool)"
expect_run 0 "e.pool: consistent" "" "$PF" check e.pool
"$PF" get e.pool /d/big big.out
expect "size of /d/big with a hole" "$(stat -c %s big.out)" 300000
expect "first page of /d/big with a hole" \
	"$(head -c 4096 big.out | tr -d '\0' | wc -c)" 0
expect "last page of /d/big with a hole" \
	"$(tail -c 4096 big.out | cksum)" "$(tail -c 4096 src/d/big | cksum)"

# The superblock's root offset damaged too (its checksum left): the root
# directory is found in the inode arrays, intact and named by nothing, and
# its whole tree goes to /lost+found.
cp good.pool r.pool
ROOT=$("$PF" stat r.pool / | sed -n 's/^inode: *//p')
"$DAMAGE" r.pool flip-root || { echo "FAIL: damage flip-root"; failed=1; }
flip r.pool "$CHUNK0"
run "$PF" check --repair r.pool
expect "status of check --repair r.pool" "$rc" 1
expect_lines "check --repair r.pool" "$out" "r.pool: damaged pool: libpmemobj chunk header at offset *
$(salvage_start r.pool)
superblock checksum mismatch: its roots are tried
root directory 0 (inode *) damaged: its tree is lost
/lost+found/#$ROOT: an inode no name reached, linked here
salvaged: 3 directories, 4 regular files, 1 symbolic links, 1 special files, 1 more links
salvaged: 1 inodes no name reached, in /lost+found
salvaged: 0 names lost, 1 files or directories copied in part
$(salvage_end r.pool)"
expect_run 0 "r.pool: consistent" "" "$PF" check r.pool
expect "/lost+found/#$ROOT/d/e/mid of r.pool" \
	"$("$PF" cat r.pool "/lost+found/#$ROOT/d/e/mid" | cksum)" \
	"$(cksum <src/d/e/mid)"
expect "links of /lost+found/#$ROOT/a in r.pool" \
	"$("$PF" stat r.pool "/lost+found/#$ROOT/a" | sed -n 's/^links: *//p')" 2

# The superblock's magic damaged: its root, an intact directory that is
# its own parent, is still followed; with its root offset damaged as well,
# every intact inode is found by its checksum and the tree that has no
# name goes to /lost+found (roots 1 to 3, empty directories that are
# their own parents, too).
MAGIC=$("$OBJPOOL" offsets good.pool | sed -n 's/^super.magic //p')
SUPER=$(printf '0x%x' "$("$OBJPOOL" offsets good.pool | sed -n 's/^super //p')")
cp good.pool m.pool
flip m.pool "$MAGIC"
flip m.pool "$CHUNK0"
run "$PF" check --repair m.pool
expect "status of check --repair m.pool" "$rc" 1
expect_lines "check --repair m.pool" "$out" "m.pool: damaged pool: libpmemobj chunk header at offset *
$(salvage_start m.pool)
superblock at $SUPER damaged: its root directory, intact, is followed
$SALVAGED
$(salvage_end m.pool)"
same_tree "m.pool" m.pool
cp good.pool mr.pool
"$DAMAGE" mr.pool flip-root || { echo "FAIL: damage flip-root"; failed=1; }
flip mr.pool "$MAGIC"
flip mr.pool "$CHUNK0"
run "$PF" check --repair mr.pool
expect "status of check --repair mr.pool" "$rc" 1
expect_lines "check --repair mr.pool" "$out" "mr.pool: damaged pool: libpmemobj chunk header at offset *
$(salvage_start mr.pool)
superblock at $SUPER damaged: the intact inodes go to /lost+found
/lost+found/#$ROOT: an inode no name reached, linked here
/lost+found/#*: an inode no name reached, linked here
/lost+found/#*: an inode no name reached, linked here
/lost+found/#*: an inode no name reached, linked here
salvaged: 6 directories, 4 regular files, 1 symbolic links, 1 special files, 1 more links
salvaged: 4 inodes no name reached, in /lost+found
$(salvage_end mr.pool)"
expect_run 0 "mr.pool: consistent" "" "$PF" check mr.pool
expect "/lost+found/#$ROOT/d/big of mr.pool" \
	"$("$PF" cat mr.pool "/lost+found/#$ROOT/d/big" | cksum)" \
	"$(cksum <src/d/big)"

# No room beside the pool for a new one of its size (a tmpfs of 20 MiB
# holding the 16 MiB pool, in a mount namespace of its own): the pool is
# left as it was, and the command says why.
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	mkdir small
	unshare -m sh -c "mount -t tmpfs -o size=20M tmpfs small &&
		cp --sparse=never c.orig small/c.pool &&
		{ '$PF' check --repair small/c.pool >small.out 2>small.err
		echo \$? >small.rc
		'$PF' salvage small/c.pool small/new.pool >salv.out 2>salv.err
		echo \$? >salv.rc
		cmp -s small/c.pool c.orig && echo same >small.cmp
		ls small >small.ls; }"
	expect "status of check --repair without room" "$(cat small.rc)" 4
	expect "stderr of check --repair without room" "$(cat small.err)" ""
	expect_lines "check --repair without room" "$(cat small.out)" "small/$REFUSED
salvage: copying what can be read of small/c.pool into small/c.pool.salvage.??????
salvage: small/c.pool.salvage.?????? not made: No space left on device (no room for a pool of the same size beside it)
salvage: small/c.pool left as it was
small/c.pool: damaged"
	expect "status of salvage without room" "$(cat salv.rc)" 1
	expect "stdout of salvage without room" "$(cat salv.out)" "salvage: copying what can be read of small/c.pool into small/new.pool
salvage: small/new.pool not made: No space left on device (no room for a pool of the same size beside it)"
	expect "the pool after a salvage without room" "$(cat small.cmp)" same
	expect "files beside the pool without room" "$(cat small.ls)" c.pool
else
	echo "not root or no unshare(1): a salvage without room is not tested"
fi
finish

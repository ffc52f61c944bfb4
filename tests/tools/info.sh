#!/bin/sh
# pmemfile info: the layout version, sizes and counts of a pool with known
# contents, each count checked against what was made (and the extents
# against pmemfile df, which counts them the same way).
. "$TEST_TOP/tests/tools/lib.sh"
new_pool p.pool

field() {
	printf '%s\n' "$out" | sed -n "s/^$1: *//p"
}

run "$PF" info p.pool
expect "status of info on a new pool" "$rc" 0
expect "layout version" "$(field 'layout version')" 6
expect "durability" "$(field durability | sed "s/ .*//")" volatile
expect "size" "$(field size)" "16M (16777216 bytes)"
usable=$(field usable | sed 's/.*(\([0-9]*\) bytes)$/\1/')
df_usable=$("$PF" df p.pool | sed -n 's/^usable: *[^ ]* *(\([0-9]*\) blocks for files)$/\1/p')
expect "usable, as df says" "$usable" "$((df_usable * 4096))"
# directories of the tree of "/"; inodes with the other three roots
expect "directories of a new pool" "$(field directories)" 1
expect "regular files of a new pool" "$(field 'regular files')" 0
expect "inodes of a new pool" "$(field inodes | sed 's/ used.*//')" 4
expect "orphans" "$(field orphans)" 0

mkdir -p t/a/b t/c
printf '12345' >t/a/f
head -c 100000 /dev/urandom >t/a/b/g
ln t/a/f t/a/hard
ln -s f t/a/l
ln -s /nowhere t/c/l2
"$PF" cp -a p.pool t :/t || failed=1
run "$PF" info p.pool
expect "status of info" "$rc" 0
expect "directories" "$(field directories)" 5
expect "regular files (a hard link once)" "$(field 'regular files')" 2
expect "symbolic links" "$(field 'symbolic links')" 2
expect "other files" "$(field 'other files')" 0
expect "inodes" "$(field inodes | sed 's/ used.*//')" 12
expect "file data" "$(field 'file data')" "98K (100005 bytes)"
free=$(field inodes | sed 's/.* used, \([0-9]*\) free/\1/')
df_free=$("$PF" df p.pool | sed -n 's/^inodes: .* used, \([0-9]*\) free.*/\1/p')
expect "free inodes, as df says" "$free" "$df_free"
extents=$("$PF" df p.pool | sed -n 's/^objects: *\([0-9]*\) data blocks.*/\1/p')
expect "extents, as df counts data blocks" "$(field extents)" "$extents"
[ "$extents" -ge 2 ] || { echo "FAIL: $extents extents for two files"; failed=1; }
info=$out
expect "lines of info" "$(printf '%s\n' "$info" | wc -l)" 17

expect_run 1 "" "pmemfile info: nope.pool: No such file or directory" \
	"$PF" info nope.pool
finish

#!/bin/sh
# pmemfile df: the form of each line, and its figures following what is put
# in and taken out of the pool.
. "$TEST_TOP/tests/tools/lib.sh"
new_pool p.pool

df_now() {
	run "$PF" df p.pool
	expect "status of df" "$rc" 0
	expect "stderr of df" "$err" ""
}
file_blocks() {
	printf '%s\n' "$out" | sed -n 's/^allocated: *[^ ]* *(\([0-9]*\) blocks of the pool file)$/\1/p'
}
used_blocks() {
	printf '%s\n' "$out" | sed -n 's/^used: *[^ ]* *(\([0-9]*\) blocks, [0-9]*%)$/\1/p'
}
inodes() {
	printf '%s\n' "$out" | sed -n 's/^inodes: *\([0-9]*\) used, [0-9]* free$/\1/p'
}
dir_blocks() {
	printf '%s\n' "$out" | sed -n 's/^objects: .*, \([0-9]*\) directory blocks, .*$/\1/p'
}

df_now
expect "first line" "$(printf '%s\n' "$out" | head -n 1)" "pool:      p.pool"
bsize=$(printf '%s\n' "$out" |
	sed -n 's/^size: *[^ ]* *(\([0-9]*\) blocks of \([0-9]*\) bytes)$/\2/p')
blocks=$(printf '%s\n' "$out" |
	sed -n 's/^size: *[^ ]* *(\([0-9]*\) blocks of \([0-9]*\) bytes)$/\1/p')
[ -n "$bsize" ] && [ -n "$blocks" ] ||
	{ echo "FAIL: no size line in: $out"; exit 1; }
if [ $((bsize * blocks)) -gt 16777216 ] ||
	[ $((bsize * blocks)) -lt $((12 << 20)) ]; then
	echo "FAIL: a 16M pool shows $blocks blocks of $bsize bytes"
	failed=1
fi
printf '%s\n' "$out" | grep -q '^available: *[^ ]* *([0-9]* blocks)$' ||
	{ echo "FAIL: no available line in: $out"; failed=1; }
printf '%s\n' "$out" | grep -q '^objects:   [0-9]* data blocks, [0-9]* block arrays, [0-9]* directory blocks, [0-9]* inode arrays$' ||
	{ echo "FAIL: no objects line in: $out"; failed=1; }
used0=$(used_blocks)
file0=$(file_blocks)
[ -n "$file0" ] || { echo "FAIL: no allocated line in: $out"; failed=1; }
# a new pool is sparse: its file takes a small part of its 16M
if [ "${file0:-4096}" -ge 2048 ]; then
	echo "FAIL: a new 16M pool file takes $file0 blocks"
	failed=1
fi
inodes0=$(inodes)
[ -n "$used0" ] && [ -n "$inodes0" ] || { echo "FAIL: df: $out"; exit 1; }
# the four root directories (pmemfile_open_root), root 0's first block
expect "inodes of a new pool" "$inodes0" 4
expect "directory blocks of a new pool" "$(dir_blocks)" 1

head -c 2097152 /dev/urandom >two_mib
"$PF" put p.pool two_mib /f || failed=1
"$PF" mkdir p.pool /d || failed=1
df_now
used1=$(used_blocks)
if [ $(($(file_blocks) - file0)) -lt 512 ]; then
	echo "FAIL: 2 MiB put in, the file went from $file0 to $(file_blocks) blocks"
	failed=1
fi
expect "inodes after a file and a directory" "$(inodes)" $((inodes0 + 2))
# both names in root 0's block, none yet in /d
expect "directory blocks after mkdir" "$(dir_blocks)" 1
if [ $(((used1 - used0) * bsize)) -lt 2097152 ]; then
	echo "FAIL: 2 MiB put in, used went from $used0 to $used1 blocks"
	failed=1
fi

"$PF" rm -r p.pool /f /d || failed=1
df_now
expect "inodes after rm" "$(inodes)" "$inodes0"
expect "directory blocks after rm" "$(dir_blocks)" 1
used2=$(used_blocks)
if [ "$used2" -ge "$used1" ]; then
	echo "FAIL: removing 2 MiB left used at $used2 blocks (was $used1)"
	failed=1
fi
finish

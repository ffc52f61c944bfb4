#!/bin/sh
# du of a tree on a mount is within 10 % of du of the same tree on tmpfs:
# 400 files of 0 B to 1 MiB (most of them small, as in a source tree) in
# nested directories, made on a tmpfs directory and copied with cp -r to
# the mount and to a second tmpfs directory; du -sk through the shim
# against du -sk on tmpfs, and the files' st_blocks one by one (a file
# takes its size rounded up to 4 KiB, as on tmpfs, and one written in
# pieces at most an eighth more).
. "$TEST_TOP/tests/preload/prog_lib.sh"

[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] ||
	prog_skip "SKIP: /dev/shm is not a tmpfs to compare with"
prog_init 256

SHM=$(mktemp -d /dev/shm/prog_du.XXXXXX) || prog_fail "mktemp -d"
trap 'rm -rf "$SHM"' EXIT
S=$SHM/src

# Sizes: 60 % below 4 KiB, 30 % to 64 KiB, 10 % to 1 MiB (srand: the same
# tree every run).
awk -v root="$S" 'BEGIN {
	srand(13)
	for (i = 0; i < 400; i++) {
		r = rand()
		if (r < 0.6) size = int(rand() * 4096)
		else if (r < 0.9) size = 4096 + int(rand() * 61440)
		else size = 65536 + int(rand() * 983040)
		printf "%s/d%d/e%d/f%d %d\n", root, i % 7, i % 3, i, size
	}
}' >"$WORK/sizes"
while read -r f size; do
	mkdir -p "${f%/*}"
	head -c "$size" /dev/urandom >"$f" || prog_fail "cannot write $f"
done <"$WORK/sizes"

cp -r "$S" "$SHM/copy" || prog_fail "cp -r to tmpfs"
pf cp -r "$S" "$MNT/copy" || prog_fail "cp -r to the mount"
pf cmp -s "$S/d3/e1/f10" "$MNT/copy/d3/e1/f10" ||
	prog_fail "a file copied to the mount differs"

k=$(du -sk "$SHM/copy" | cut -f1)
m=$(pf du -sk "$MNT/copy" | cut -f1)
echo "du -sk: tmpfs $k KiB, mount $m KiB"
[ -n "$k" ] && [ -n "$m" ] || prog_fail "du gave no figure"
[ $((m * 10)) -le $((k * 11)) ] && [ $((m * 10)) -ge $((k * 9)) ] ||
	prog_fail "du on the mount: $m KiB, on tmpfs: $k KiB (more than 10 % apart)"

# Each file: its blocks are its size rounded up to 4 KiB (as on tmpfs),
# and for a file written in several pieces, at most an eighth more (room
# given to a growing file).
pf find "$MNT/copy" -type f -printf '%s %b %p\n' >"$WORK/blocks"
[ "$(wc -l <"$WORK/blocks")" = 400 ] || prog_fail "find saw $(wc -l <"$WORK/blocks") files"
awk '{ want = int(($1 + 4095) / 4096) * 8; max = want + int(want / 64) * 8
	if ($2 < want || $2 > max) { print "FAIL: " $3 ": " $2 " blocks for " $1 " bytes, " want " on tmpfs"; bad = 1 } }
	END { exit bad }' "$WORK/blocks" || exit 1

prog_check_end
echo "PASS prog_du"

#!/bin/sh
# Coreutils on a mount: mkdir -p, cp (-r, -a, -p, into, inside and out of
# the mount), mv (inside and across the mount's edge), rm -r, ln -s, ln,
# ls -l, stat, du, touch -d, chmod, chown, install -D, mkfifo, tee, head,
# tail, wc, truncate, dd, sort -o, split and md5sum give the same output
# and leave the same tree as on a kernel directory; df and stat -f on the
# mount report the pool, not the kernel file system.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 256

S=$WORK/src
mkdir -p "$S/tree/sub/deeper" "$S/tree/empty"
head -c 300001 /dev/urandom >"$S/data"
awk 'BEGIN { srand(5); for (i = 0; i < 5000; i++)
	printf "%d line %x\n", int(rand() * 100000), i }' >"$S/words"
echo "first" >"$S/tree/one"
seq 1 20000 >"$S/tree/sub/numbers"
head -c 70000 /dev/urandom >"$S/tree/sub/deeper/bin"
ln -s ../one "$S/tree/sub/rel-link"
ln "$S/tree/one" "$S/tree/one.hard"
chmod 751 "$S/tree/sub"
chmod 604 "$S/tree/sub/numbers"
touch -d '2010-05-06 07:08:09.123456789' "$S/tree/one" "$S/tree/sub/numbers"
touch -h -d '2011-01-01 00:00:00' "$S/tree/sub/rel-link"

# ls -l without what must differ: block totals, directory sizes, times.
lsn()
{
	$R ls -ln --time-style=+ "$@" >"$WORK/ls.tmp" 2>&1
	rc=$?
	awk '/^total / { next } $1 ~ /^d/ { $5 = "-" } { $1 = $1; print }' \
		"$WORK/ls.tmp"
	echo "[exit $rc] ls -ln $*"
}

# du's apparent size of a tree less its directories' own sizes (which are
# file-system specific): the sum of the other entries' sizes.
dusum()
{
	total=$($R du -sb --apparent-size "$1" | cut -f1)
	dirs=$($R find "$1" -type d -printf '%s\n' | awk '{ s += $1 } END {
		print s + 0 }')
	echo "du $1: $((total - dirs)) bytes outside directories"
}

workload()
{
	x mkdir -p "$D/a/b/c"
	x mkdir -p "$D/a/b/c"
	x mkdir "$D/a"
	x mkdir -m 700 "$D/private"
	x cp "$S/data" "$D/a/data"
	x cp "$S/words" "$D/words"
	x cp -r "$S/tree" "$D/a/tree"
	x cp -a "$S/tree" "$D/tree.a"
	x cp "$D/a/data" "$D/a/b/data2"
	x cp "$D/a/data" "$O/data.out"
	x cp -r "$D/a/tree" "$O/tree.out"
	x cp -a "$D/tree.a" "$O/tree.a.out"
	x "$TREEDUMP" "$D/tree.a" -m
	x cp "$S/nonexistent" "$D/x"
	x mv "$D/a/b/data2" "$D/a/moved"
	x mv "$D/a/tree" "$D/tree2"
	x mv "$D/words" "$O/words.moved"
	x mv "$O/words.moved" "$D/words"
	x mv "$D/a/moved" "$D/a/b/c/"
	x ln -s ../data "$D/a/b/rel"
	x ln -s "$D/a/data" "$D/abs"
	x ln "$D/a/data" "$D/hard"
	x ln -sf words "$D/abs"
	x ln -s "$D/a/data" "$D/absdata"
	x readlink "$D/a/b/rel" "$D/abs"
	x md5sum "$D/a/b/rel" "$D/absdata" "$D/hard" "$D/a/b/c/moved"
	x stat -c '%n %s %F %a %h %u %g' "$D/a/data" "$D/a/b/rel" "$D/hard" \
		"$D/nonexistent"
	x stat -L -c '%n %s %F %a' "$D/a/b/rel"
	lsn "$D"
	lsn "$D/a" "$D/a/b"
	lsn -d "$D/a/b/c" "$D/private"
	lsn -R "$D/tree2"

	x touch -d '2001-02-03 04:05:06.789012345' "$D/a/data"
	x stat -c '%n %y %x' "$D/a/data" "$D/hard"
	x touch -m -d '2002-03-04 05:06:07' "$D/words"
	x touch -a -d '2003-04-05 06:07:08.5' "$D/words"
	x stat -c '%n %y %x' "$D/words"
	x touch -r "$D/a/data" "$D/newfile"
	x touch -h -d '2004-01-01 12:00:00' "$D/abs"
	x stat -c '%n %s %y' "$D/newfile" "$D/abs"

	x chmod 640 "$D/a/data"
	x chmod -R go-rwx "$D/tree2"
	x chmod 1777 "$D/a/b/c"
	x chmod u+s,g+s "$D/newfile"
	x stat -c '%n %a %A' "$D/a/data" "$D/hard" "$D/tree2/sub/numbers" \
		"$D/a/b/c" "$D/newfile"

	x chown 1234:5678 "$D/newfile"
	x chown -h 42:43 "$D/abs"
	x chown -R 7:8 "$D/tree.a/sub"
	x stat -c '%n %u %g' "$D/newfile" "$D/abs" "$D/tree.a/sub/numbers"
	x install -D -m 640 "$S/words" "$D/inst/a/b/words"
	x cp -p "$D/tree.a/one" "$D/one.p"
	x mkfifo -m 600 "$D/fifo"
	x stat -c '%n %F %a %s' "$D/inst/a/b/words" "$D/fifo"
	x sh -c "head -c 1000 '$S/data' | tee '$D/tee.out' | wc -c"
	$R head -c 12345 -q "$D/a/data" "$D/tee.out" | md5sum
	$R tail -c 5000 "$D/a/data" | md5sum
	x tail -n 3 "$D/words"
	x wc -l -c "$D/words" "$D/a/data"
	x truncate -s 100000 "$D/a/data"
	x truncate -s 1M "$D/sparse"
	x truncate -s -10 "$D/sparse"
	x truncate -s +5K "$D/hard"
	x truncate -s 0 "$D/newfile"
	x stat -c '%n %s' "$D/a/data" "$D/sparse" "$D/hard" "$D/newfile"
	x md5sum "$D/sparse" "$D/hard"

	x dd if="$S/data" of="$D/dd.out" bs=4096 count=10 status=none
	x dd if="$S/data" of="$D/dd.out" bs=1000 seek=50 count=3 conv=notrunc \
		status=none
	x dd if="$S/data" of="$D/dd.out" bs=512 seek=200 count=3 status=none
	x dd if="$D/dd.out" of="$O/dd.back" bs=777 skip=3 status=none
	x dd if="$D/dd.out" of="$D/dd.copy" bs=64K status=none
	x md5sum "$D/dd.out" "$D/dd.copy" "$O/dd.back"

	x sort -o "$D/sorted" "$D/words"
	x sort -n -r -o "$D/words" "$D/words"
	x md5sum "$D/sorted" "$D/words"

	x split -b 7000 -d "$S/data" "$D/part."
	x split -l 1000 "$D/sorted" "$D/lines."
	lsn "$D"
	# shellcheck disable=SC2046
	x md5sum $(seq -f "$D/part.%02g" 0 42) "$D/lines.aa" "$D/lines.ae"
	$R cat "$D/lines.aa" "$D/lines.ab" "$D/lines.ac" "$D/lines.ad" \
		"$D/lines.ae" >"$O/lines.joined"

	x du -b --apparent-size "$D/a/data" "$D/sparse" "$D/dd.out"
	x du -s --inodes "$D" "$D/a" "$D/tree2"
	dusum "$D/tree2"
	dusum "$D"

	x rm -r "$D/tree2"
	x rm "$D/hard" "$D/lines.ab"
	x rm -rf "$D/nonexistent" "$D/a/b/c"
	x rm "$D/a"
	x rmdir "$D/private"
	lsn "$D/a" "$D/a/b"
}

prog_both coreutils workload

# df and stat -f on the mount describe the pool (at most its size), and
# see the space a new file takes.
fs_size=$(($(pf stat -f -c '%b * %S' "$MNT")))
shm_size=$(($(stat -f -c '%b * %S' "$WORK")))
pool_size=$(stat -c %s "$POOL")
[ -n "$fs_size" ] && [ "$fs_size" -gt 0 ] ||
	prog_fail "stat -f $MNT: no size ($fs_size)"
[ "$fs_size" -le "$pool_size" ] || prog_fail "stat -f $MNT gives" \
	"$fs_size bytes, more than the pool's $pool_size (kernel: $shm_size)"
df1=$(pf df -B1 --output=size,used "$MNT" | tail -n 1)
pf dd if=/dev/zero of="$MNT/fill" bs=1M count=16 status=none ||
	prog_fail "dd of 16 MiB into the mount failed"
df2=$(pf df -B1 --output=size,used "$MNT" | tail -n 1)
echo "df before: $df1, after 16 MiB: $df2, stat -f: $fs_size"
set -- $df1 $df2
[ "$1" = "$fs_size" ] || prog_fail "df size $1 is not stat -f's $fs_size"
[ "$3" = "$1" ] || prog_fail "df size changed from $1 to $3"
[ $(($4 - $2)) -ge 16777216 ] ||
	prog_fail "df used grew by $(($4 - $2)) bytes for a 16 MiB file"
prog_check_end
echo "ok: df and stat -f describe the pool"

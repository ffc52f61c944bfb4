#!/bin/sh
# mkfs.pmemfile and pmemfile create: sizes, the pool they make, and a clear
# message with status 1 for each way creating a pool can fail.
. "$TEST_TOP/tests/tools/lib.sh"

expect_created p.pool "created p.pool: pmemfile pool of 16M (16777216 bytes)" \
	"$MKFS" p.pool 16M
expect "size of p.pool" "$(stat -c %s p.pool)" 16777216
expect "mode of p.pool" "$(stat -c %a p.pool)" 600
expect_run 0 "" "" "$PF" ls p.pool
expect_created b.pool "created b.pool: pmemfile pool of 8.0M (8388608 bytes)" \
	"$MKFS" b.pool 8388608
expect_created c.pool "created c.pool: pmemfile pool of 10M (10485760 bytes)" \
	"$PF" create c.pool 10240K

# An existing file is never overwritten, pool or not.
expect_run 1 "" "mkfs.pmemfile: p.pool: File exists" "$MKFS" p.pool 16M
echo data >d.txt
expect_run 1 "" "pmemfile create: d.txt: File exists" "$PF" create d.txt 16M
expect "d.txt kept" "$(cat d.txt)" data

# Sizes.
expect_run 1 "" "mkfs.pmemfile: size 1M is too small: a pool needs at least 8.0M" \
	"$MKFS" q.pool 1M
expect_run 1 "" "mkfs.pmemfile: size 8388607 is too small: a pool needs at least 8.0M" \
	"$MKFS" q.pool 8388607
for bad in abc 1X 1.5G -5 "" "16 M"; do
	expect_run 1 "" "mkfs.pmemfile: invalid size '$bad' (expected bytes, or a number with K, M, G or T)" \
		"$MKFS" q.pool "$bad"
done
expect_run 1 "" "mkfs.pmemfile: invalid size '99999999999T' (expected bytes, or a number with K, M, G or T)" \
	"$MKFS" q.pool 99999999999T
[ -e q.pool ] && { echo "FAIL: a refused size left q.pool behind"; failed=1; }

# Paths that cannot be written.
expect_run 1 "" "mkfs.pmemfile: cannot create nodir/p.pool: No such file or directory" \
	"$MKFS" nodir/p.pool 16M
expect_run 1 "" "mkfs.pmemfile: cannot create d.txt/p.pool: Not a directory" \
	"$MKFS" d.txt/p.pool 16M
if [ "$(id -u)" -eq 0 ]; then
	mkdir ro && chmod 555 ro && chmod 755 .
	expect_run 1 "" "mkfs.pmemfile: cannot create ro/p.pool: Permission denied" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$MKFS" ro/p.pool 16M
else
	mkdir ro && chmod 555 ro
	expect_run 1 "" "mkfs.pmemfile: cannot create ro/p.pool: Permission denied" \
		"$MKFS" ro/p.pool 16M
fi

# Size 0: the existing file's size; it must exist, be big enough and empty.
expect_run 1 "" "mkfs.pmemfile: z.pool: No such file or directory (size 0 needs an existing file)" \
	"$MKFS" z.pool 0
truncate -s 12M z.pool
expect_created z.pool "created z.pool: pmemfile pool of 12M (12582912 bytes)" \
	"$MKFS" z.pool 0
expect "size of z.pool" "$(stat -c %s z.pool)" 12582912
expect_run 0 "" "" "$PF" ls z.pool /
truncate -s 1M small.pool
expect_run 1 "" "mkfs.pmemfile: the size of the file, 1.0M, is too small: a pool needs at least 8.0M" \
	"$MKFS" small.pool 0
head -c 9M /dev/urandom >full.pool
expect_run 1 "" "mkfs.pmemfile: full.pool: the file is not empty (size 0 needs a file of zeros)" \
	"$MKFS" full.pool 0
mkdir adir
expect_run 1 "" "mkfs.pmemfile: adir: not a regular file (size 0 needs one)" \
	"$MKFS" adir 0

# Command line.
run "$MKFS"
expect "status with no operands" "$rc" 2
expect "message with no operands" "$(printf '%s\n' "$err" | head -n 2)" \
	"mkfs.pmemfile: missing POOL and SIZE
usage: mkfs.pmemfile [-a|-s] [-j] [-m MODE] [-o UID[:GID]] POOL SIZE"
run "$MKFS" x.pool
expect "status with no size" "$rc" 2
expect "message with no size" "$(printf '%s\n' "$err" | head -n 1)" \
	"mkfs.pmemfile: missing SIZE"
run "$MKFS" x.pool 16M extra
expect "status with an extra operand" "$rc" 2
run "$MKFS" -q x.pool 16M
expect "status with an unknown option" "$rc" 2
expect "unknown option" "$(printf '%s\n' "$err" | head -n 1)" \
	"mkfs.pmemfile: unknown option '-q'"
run "$MKFS" --help
expect "status of --help" "$rc" 0
expect "--help first line" "$(printf '%s\n' "$out" | head -n 1)" \
	"usage: mkfs.pmemfile [-a|-s] [-j] [-m MODE] [-o UID[:GID]] POOL SIZE"
for bad in 8888 99999 -1 "" u+x; do
	run "$MKFS" -m "$bad" x.pool 16M
	expect "status with mode '$bad'" "$rc" 2
	expect "mode '$bad'" "$(printf '%s\n' "$err" | head -n 1)" \
		"mkfs.pmemfile: invalid mode '$bad'"
done
for bad in x 1:y :5 5: -1 4294967295 "" 1:2:3; do
	run "$MKFS" -o "$bad" x.pool 16M
	expect "status with owner '$bad'" "$rc" 2
	expect "owner '$bad'" "$(printf '%s\n' "$err" | head -n 1)" \
		"mkfs.pmemfile: invalid owner '$bad'"
done
[ -e x.pool ] && { echo "FAIL: a bad command line created x.pool"; failed=1; }

# The root directory: 0755, the caller's, as a new kernel file system's
# (it was 0777 without the sticky bit: anyone who could open the pool could
# rename anyone's files); -m and -o choose others.
root_of() {
	"$PF" stat "$1" / | sed -n 's/^mode: *\([0-7]*\) .*/\1/p;s/^uid: *//p;s/^gid: *//p' |
		tr '\n' ' '
}
rm -f r.pool
"$MKFS" r.pool 16M >/dev/null || failed=1
expect "root of a new pool" "$(root_of r.pool)" "0755 $(id -u) $(id -g) "
rm -f r.pool
"$PF" create r.pool 16M >/dev/null || failed=1
expect "root of a pool made by create" "$(root_of r.pool)" "0755 $(id -u) $(id -g) "
rm -f r.pool
"$MKFS" -m 1777 -o 1234:5678 r.pool 16M >/dev/null || failed=1
expect "root with -m 1777 -o 1234:5678" "$(root_of r.pool)" "1777 1234 5678 "
rm -f r.pool
"$MKFS" --mode=700 --owner=42 r.pool 16M >/dev/null || failed=1
expect "root with --mode=700 --owner=42" "$(root_of r.pool)" "0700 42 $(id -g) "
finish

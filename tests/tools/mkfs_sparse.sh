#!/bin/sh
# A new pool file takes a small part of its size on disk (with or without
# --sparse) and is a valid, usable pool; --allocate allocates all of it;
# --sparse turns the zero blocks of an existing file given with SIZE 0 into
# holes.
. "$TEST_TOP/tests/tools/lib.sh"

run "$MKFS" --sparse s.pool 256M
expect "status" "$rc" 0
expect "stderr" "$err" ""
case $(printf '%s\n' "$out" | head -n 1) in
"created s.pool: pmemfile pool of 256M (268435456 bytes), sparse, "*" allocated") ;;
*) expect "stdout" "$out" "created s.pool: pmemfile pool of 256M (268435456 bytes), sparse, N allocated" ;;
esac
expect_usable s.pool
expect "size of s.pool" "$(stat -c %s s.pool)" 268435456
used=$(($(stat -c %b s.pool) * $(stat -c %B s.pool)))
if [ $used -ge $((64 << 20)) ]; then
	echo "FAIL: the sparse pool has $used bytes allocated"
	failed=1
fi
expect_run 0 "s.pool: consistent" "" sh -c "'$PF' check s.pool | tail -n 1"
head -c 5000000 /dev/urandom >data
expect_run 0 "" "" "$PF" put s.pool data /data
expect_run 0 "" "" "$PF" get s.pool /data back
cmp data back || failed=1

allocated() {
	echo $(($(stat -c %b "$1") * $(stat -c %B "$1")))
}

# Without options too: 1 GiB made in a few megabytes.
expect_created n.pool "created n.pool: pmemfile pool of 1.0G (1073741824 bytes)" \
	"$MKFS" n.pool 1G
expect "size of n.pool" "$(stat -c %s n.pool)" 1073741824
expect "n.pool takes less than 16M" "$(($(allocated n.pool) < 16 << 20))" 1
expect_run 0 "" "" "$PF" put n.pool data /data
expect_run 0 "n.pool: consistent" "" sh -c "'$PF' check n.pool | tail -n 1"

# --allocate: every block, as the pool may then never meet ENOSPC.
expect_created f.pool "created f.pool: pmemfile pool of 32M (33554432 bytes)" \
	"$MKFS" --allocate f.pool 32M
expect "blocks of an allocated pool" "$(($(allocated f.pool) >= 32 << 20))" 1
expect_run 0 "f.pool: consistent" "" sh -c "'$PF' check f.pool | tail -n 1"
run "$MKFS" -a -s g.pool 32M
expect "status of -a -s" "$rc" 2
expect "first line of stderr" "$(printf '%s\n' "$err" | head -n 1)" \
	"mkfs.pmemfile: -a and -s exclude each other"
[ -e g.pool ] && { echo "FAIL: a refused command line made g.pool"; failed=1; }

# --sparse with SIZE 0: an existing, allocated file of zeros is punched.
head -c $((16 << 20)) /dev/zero >z.pool
run "$MKFS" --sparse z.pool 0
expect "status" "$rc" 0
expect "z.pool takes less than 8M" "$(($(allocated z.pool) < 8 << 20))" 1
expect_run 0 "z.pool: consistent" "" sh -c "'$PF' check z.pool | tail -n 1"
finish

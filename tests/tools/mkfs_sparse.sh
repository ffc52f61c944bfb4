#!/bin/sh
# --sparse leaves a pool file that takes a small part of its size on disk,
# and that is still a valid, usable pool.
. "$TEST_TOP/tests/tools/lib.sh"

run "$MKFS" --sparse s.pool 256M
expect "status" "$rc" 0
expect "stderr" "$err" ""
case $out in
"created s.pool: pmemfile pool of 256M (268435456 bytes), sparse, "*" allocated") ;;
*) expect "stdout" "$out" "created s.pool: pmemfile pool of 256M (268435456 bytes), sparse, N allocated" ;;
esac
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

# Without --sparse the whole pool is allocated, as libpmemobj makes it.
"$MKFS" f.pool 32M >/dev/null || failed=1
expect "blocks of a full pool" \
	"$(($(stat -c %b f.pool) * $(stat -c %B f.pool) >= 32 << 20))" 1
finish

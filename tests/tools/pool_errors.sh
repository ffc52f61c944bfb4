#!/bin/sh
# Every command that opens a pool refuses, with status 1 (check: 8, fsck(8)'s
# operational error) and a message that
# names the pool and the problem, a missing pool, a foreign file, a
# directory, a pool whose libpmemobj header is corrupt and a pool that
# another process holds.
. "$TEST_TOP/tests/tools/lib.sh"
new_pool p.pool
echo "some text, no pool" >text.pool
mkdir dir.pool

# cmd_args POOL: each command with its operands, one per line.
cmd_args() {
	printf '%s\n' "ls $1" "ls -l $1 /" "stat $1 /" "cat $1 /f" \
		"get $1 /f out" "put $1 text.pool /f" "mkdir $1 /d" \
		"rm $1 /f" "df $1" "check $1"
}

each_command() {
	want=$2
	cmd_args "$1" | while read -r c args; do
		# shellcheck disable=SC2086
		run "$PF" $c $args
		status=1
		[ "$c" != check ] || status=8
		expect "status of pmemfile $c $args" "$rc" "$status"
		expect "stdout of pmemfile $c $args" "$out" ""
		expect "stderr of pmemfile $c $args" "$err" "pmemfile $c: $want"
		[ $failed -eq 0 ] || exit 1
	done || failed=1
}

each_command nope.pool "nope.pool: No such file or directory"
each_command text.pool "text.pool: not a pmemfile pool (no libpmemobj header)"
each_command dir.pool "dir.pool: Is a directory"

# A pool libpmemobj refuses: a byte of its checksummed header changed.
cp p.pool bad.pool
printf 'X' | dd of=bad.pool bs=1 seek=64 conv=notrunc status=none
run "$PF" ls bad.pool
expect "status of ls on a corrupt header" "$rc" 1
case $err in
"pmemfile ls: bad.pool: cannot open the pool: "?*) ;;
*) expect "ls on a corrupt header" "$err" "pmemfile ls: bad.pool: cannot open the pool: ..." ;;
esac
run "$PF" check bad.pool
expect "status of check on a corrupt header" "$rc" 8

# libpmemobj's lock (flock) held by another process, as an open pool holds
# it; the holder says when it has it.
mkfifo ready
flock -o -x p.pool sh -c 'echo $$ >ready; exec sleep 60' &
holder=$!
read -r child <ready
expect_run 1 "" "pmemfile ls: p.pool: the pool is in use by another process" \
	"$PF" ls p.pool
kill "$holder" "$child"
wait "$holder" 2>/dev/null
expect_run 0 "" "" "$PF" ls p.pool
finish

#!/bin/sh
# A holder that execs hands the pool over without what its fork children
# released: a shell holding the pool keeps an unlinked file open, runs a
# subshell, closes the file and execs its last command. The subshell's
# release was still posted, so the file's description went to the next
# holder as if in use, and the file's storage stayed taken until the
# pool's next opening (pmemfile check: "orphan ... unlinked while open").
# Now the pool is free afterwards with the space of before, and the check
# finds no orphan, after each of three such scripts.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 64

used()
{
	pf stat -f -c '%b %f' "$MNT" | awk '{ print $1 - $2 }'
}

before=$(used)
prog_wait_free
for last in "ls \"\$1\"" "sleep 0.1" "/bin/true"; do
	pf timeout 20 bash -c 'head -c 4000000 /dev/zero >"$1/f" &&
		exec 5<"$1/f" && rm "$1/f" && ( : ) && exec 5<&- &&
		'"$last" sh "$MNT" >/dev/null ||
		prog_fail "the script ending with $last failed"
	prog_wait_free
	"$TEST_BUILD/bin/pmemfile" check "$POOL" >"$WORK/check.out" 2>&1 || {
		cat "$WORK/check.out"
		prog_fail "pmemfile check failed after the script ending with $last"
	}
	if grep -q orphan "$WORK/check.out"; then
		cat "$WORK/check.out"
		prog_fail "the unlinked file was left (script ending with $last)"
	fi
	prog_wait_free
	after=$(used)
	[ "$after" = "$before" ] || prog_fail "blocks in use: $before before," \
		"$after after the script ending with $last"
	prog_wait_free
	echo "ok: ended with $last, nothing left"
done

#!/bin/sh
# The shared segment of a pool whose last process was killed stays in
# /dev/shm (nobody was left to remove it); when no process ever opens that
# pool again, the next pool to start being used removes it. A segment
# some process still holds is left alone, and that process goes on.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init

# seg POOL: the name of POOL's segment file
seg()
{
	printf '/dev/shm/pmemfile.%x.%x' "0x$(stat -c %D "$1")" \
		"$(stat -c %i "$1")"
}

# wait_for COND...: up to 4 s for the command to succeed
wait_for()
{
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -gt 80 ] && return 1
		sleep 0.05
	done
}

A=$WORK/a.pool B=$WORK/b.pool C=$WORK/c.pool
for p in "$A" "$B" "$C"; do
	shim_mkpool "$p" 64
done
segA=$(seg "$A") segB=$(seg "$B") segC=$(seg "$C")
MA=$WORK/ma MB=$WORK/mb MC=$WORK/mc
mkdir -p "$MA" "$MB" "$MC"
# the holders wait in the shell itself (no child of theirs has the pool)
mkfifo "$WORK/fa" "$WORK/fc" || shim_fail "mkfifo"

# a holder of A killed: its segment stays
LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MA:$A sh -c \
	'echo a > "$1/f" && exec 3<"$1/f" && read x <"$2"' sh "$MA" "$WORK/fa" &
ka=$!
wait_for test -e "$segA" || shim_fail "no segment $segA for the pool A"
wait_for test -s "$segA" || shim_fail "the segment $segA stays empty"
sleep 0.2
kill -KILL $ka
wait $ka 2>/dev/null
# (its segment stays, unless a pool of another test running beside this
# one starts meanwhile and removes it, as B's first use does below)
rm -f "$A"

# C held by a live process
LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MC:$C sh -c \
	'echo c > "$1/f" && exec 3<"$1/f" && read x <"$2"' sh "$MC" "$WORK/fc" &
kc=$!
trap 'kill -KILL $kc 2>/dev/null' EXIT
wait_for test -s "$segC" || shim_fail "no segment $segC for the pool C"
sleep 0.2

# the first use of B tidies up
out=$(LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MB:$B sh -c 'echo b > "$1/f" &&
	cat "$1/f"' sh "$MB") || shim_fail "B cannot be used"
[ "$out" = b ] || shim_fail "B's file holds \"$out\""
[ -e "$segA" ] && shim_fail "the stale segment $segA was not removed"
[ -e "$segC" ] || shim_fail "the segment $segC of a live holder was removed"
wait_for test ! -e "$segB" ||
	shim_fail "B's segment $segB stayed after its last process"
out=$(LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MC:$C cat "$MC/f") ||
	shim_fail "C cannot be read beside its holder"
[ "$out" = c ] || shim_fail "C's file holds \"$out\""
echo >"$WORK/fc"
wait $kc
trap - EXIT
wait_for test ! -e "$segC" ||
	shim_fail "C's segment $segC stayed after its last process"
echo "ok: a stale segment goes, a held one stays"

#!/bin/sh
# A shell holding the pool passes a pool descriptor to the program it
# executes: the pool's segment stays held through the execve, so that a
# process starting another pool meanwhile (which removes the segments no
# process holds) cannot take the passed description away (the new image's
# first write on it failed with EIO). 40 rounds (STRESS=1: 400) beside a
# loop that keeps starting new pools.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
ROUNDS=40
[ "${STRESS:-0}" = 1 ] && ROUNDS=400
shim_mkpool "$WORK/other.pool" 64
mkdir -p "$WORK/other"

# the sweeper: a pool that starts being used again and again
(
	while [ ! -e "$WORK/stop" ]; do
		LD_PRELOAD=$SHIM PMEMFILE_POOLS=$WORK/other:$WORK/other.pool \
			sh -c ': > "$1/x"' sh "$WORK/other" 2>/dev/null
	done
) &
sweeper=$!
trap 'touch "$WORK/stop"; wait $sweeper 2>/dev/null' EXIT

failed=0
i=0
while [ $i -lt $ROUNDS ]; do
	i=$((i + 1))
	pf sh -c 'rm -f "$1/o"; exec 3>>"$1/o"; echo first >&3
		exec /bin/sh -c "echo second >&3"' sh "$MNT" 2>"$WORK/err" || {
		failed=$((failed + 1))
		echo "round $i: $(cat "$WORK/err")"
	}
	got=$(pf cat "$MNT/o" | tr '\n' ' ')
	[ "$got" = "first second " ] || {
		failed=$((failed + 1))
		echo "round $i: the file holds \"$got\""
	}
done
touch "$WORK/stop"
wait $sweeper
trap - EXIT
[ $failed -eq 0 ] || shim_fail "$failed of $ROUNDS rounds failed"
echo "ok: $ROUNDS descriptors passed across execve beside new pools"

#!/bin/sh
# SIGKILL of the process that has the pool open -- a writer holding it, or
# a keeper process a writer left behind when it ended -- at random moments
# while three writers (multi_writer.py, a journal each) use the pool,
# repeated (10 times; STRESS=1: 40). The writers that are not killed keep
# running, and none of their calls fails but with EIO (a call the dead
# holder was running, or a file it had open); afterwards every file holds a
# version its writer finished or began, the shared log every record once,
# and the pool opens and is consistent (pmemfile check).
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v python3 >/dev/null || prog_skip "python3 is not installed"
command -v setsid >/dev/null || prog_skip "setsid is not installed"
prog_init 512

ROUNDS=10
[ "${STRESS:-0}" = 1 ] && ROUNDS=40
WRITER=$TEST_TOP/tests/preload/multi_writer.py
mkdir -p "$WORK/j"
pf mkdir "$MNT/w" || prog_fail "cannot make $MNT/w"

rand() # rand N: a number in 0..N-1
{
	echo $(($(od -An -N4 -tu4 /dev/urandom) % $1))
}

n=0
killed=" "
pid_1= pid_2= pid_3= p=
# a failure leaves no writer behind
trap 'kill -KILL $pid_1 $pid_2 $pid_3 2>/dev/null' EXIT
# start SLOT: a writer of 0.1-1 s in slot SLOT (its pid in pid_SLOT): many
# end while the others still use files it opened for them, and leave a
# keeper process.
start()
{
	n=$((n + 1))
	setsid env LD_PRELOAD="$SHIM" PMEMFILE_POOLS="$MNT:$POOL" python3 \
		"$WRITER" work "$MNT/w" "W$n" "$WORK/j/W$n.j" \
		"0.$(($(rand 9) + 1))" "$(rand 100000)" eio \
		>"$WORK/j/W$n.out" 2>&1 &
	eval "pid_$1=$!"
}

# reap SLOT: a writer that ended is waited for, and must have succeeded
# unless it was killed here; a new one takes its slot.
reap()
{
	eval "p=\$pid_$1"
	kill -0 "$p" 2>/dev/null && return 0
	wait "$p"
	rc=$?
	case $killed in
	*" $p "*) ;;
	*)
		[ "$rc" = 0 ] || {
			cat "$WORK"/j/*.out
			prog_fail "writer $p ended with status $rc"
		}
		;;
	esac
	start "$1"
}

for s in 1 2 3; do
	start $s
done
kills_w=0
kills_k=0
round=0
while [ $round -lt $ROUNDS ]; do
	sleep "0.$(($(rand 6) + 2))"
	for s in 1 2 3; do
		reap $s
	done
	victim=$(prog_pool_users | head -n 1 | cut -d' ' -f1)
	[ -n "$victim" ] || continue
	round=$((round + 1))
	case " $pid_1 $pid_2 $pid_3 " in
	*" $victim "*) kills_w=$((kills_w + 1)) ;;
	*) kills_k=$((kills_k + 1)) ;;
	esac
	killed="$killed$victim "
	kill -KILL "$victim" 2>/dev/null
done
# A call the dead holder had taken fails with EIO: touch must not send
# its call to a victim that is still dying.
i=0
while [ -r "/proc/$victim/stat" ] &&
	[ "$(cut -d' ' -f3 "/proc/$victim/stat" 2>/dev/null)" != Z ] &&
	[ $i -lt 200 ]; do
	sleep 0.01
	i=$((i + 1))
done
pf touch "$MNT/stop" || prog_fail "cannot make $MNT/stop after the kills"
for s in 1 2 3; do
	eval "p=\$pid_$s"
	tries=0
	while kill -0 "$p" 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -le 300 ] || {
			kill -KILL "$p"
			prog_fail "writer $p did not stop within 30 s"
		}
		sleep 0.1
	done
	reap $s
done
pf touch "$MNT/stop"
for s in 1 2 3; do
	eval "p=\$pid_$s"
	wait "$p"
done
echo "ok: $ROUNDS kills ($kills_w writers holding the pool," \
	"$kills_k keeper processes); the other writers went on"
pf python3 "$WRITER" check "$MNT/w" "$WORK"/j/W*.j ||
	prog_fail "the files are not what the writers wrote"
prog_check_end
echo "ok: the pool is consistent after the kills"

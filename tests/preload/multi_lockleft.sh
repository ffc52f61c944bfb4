#!/bin/sh
# Locks of descriptions a shell holding the pool never had a descriptor of:
# a subshell's `9>f` (the subshell a client, its description kept by the
# shell's keeper for it alone) locked by flock(1) and let go at the
# subshell's end, then locked again by the next subshell, under dash and
# bash (a shell's fork used to give its own process a reference to every
# description it kept for others: the next `flock` waited for ever); and a
# lock whose holders were killed (SIGKILL, nothing posted at their end),
# waited for by a client whose every retry is a call to the keeper (which
# used to sweep the dead only when idle for a second: the wait never
# ended). Each output is the kernel directory's.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v bash >/dev/null || prog_skip "bash is not installed"
command -v flock >/dev/null || prog_skip "flock(1) is not installed"
prog_init 64

cat >"$WORK/script.sh" <<'SCRIPT'
cd "$1" || exit 1
: >held
(flock 9; echo "first: locked") 9>lockf
(flock -n 9; echo "second, not waiting: $?") 9>lockf
(flock 9; echo "third: locked"; echo a >>log) 9>lockf &
wait
(flock 9; echo "fourth: locked"; echo b >>log) 9>lockf
# bash reports a killed job on its stderr, when it notices: not compared
(
	flock lockf sleep 60 &
	f=$!
	# the lock is taken once flock(1) has started sleep
	i=0
	while [ -z "$(pgrep -P $f)" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	flock -n lockf echo "taken while held"
	echo "busy: $?"
	kill -9 $(pgrep -P $f) $f
	wait $f
) 2>/dev/null
flock lockf echo "after the kill: locked"
cat log
SCRIPT

workload()
{
	for sh in dash bash; do
		$R rm -f "$D/lockf" "$D/log" "$D/held"
		# bounded: a lock never released fails here
		x timeout -k 5 60 $sh "$WORK/script.sh" "$D"
	done
}

prog_both lockleft workload

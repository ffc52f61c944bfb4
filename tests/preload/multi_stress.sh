#!/bin/sh
# Two unrelated processes (each started in a session of its own, neither
# the other's parent) writing one pool at once for a while (30 s; STRESS=1:
# 300 s; MULTI_STRESS_SECONDS), each replacing files of its own whole and
# appending records to one shared log, and keeping a journal of what it did
# (multi_writer.py): afterwards every file holds the last version its
# writer finished, every record is in the log once and in order, no call
# failed, and the pool is consistent (pmemfile check). The same run on a
# kernel directory checks the test itself (for 5 s: what it looks for is
# in the mount).
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v python3 >/dev/null || prog_skip "python3 is not installed"
command -v setsid >/dev/null || prog_skip "setsid is not installed"
prog_init 512

SECONDS_RUN=${MULTI_STRESS_SECONDS:-30}
[ "${STRESS:-0}" = 1 ] && SECONDS_RUN=${MULTI_STRESS_SECONDS:-300}
WRITER=$TEST_TOP/tests/preload/multi_writer.py

# stress WHERE ROOT [PREFIX...]: two writers in ROOT (each run as
# PREFIX python3 ...), checked.
stress()
{
	where=$1
	root=$2
	seconds=$SECONDS_RUN
	[ "$where" = kernel ] && [ "$seconds" -gt 5 ] && seconds=5
	shift 2
	mkdir -p "$WORK/$where"
	"$@" mkdir "$root/w" || prog_fail "$where: cannot make $root/w"
	for w in A B; do
		setsid "$@" python3 "$WRITER" work "$root/w" "$w" \
			"$WORK/$where/$w.j" \
			"$seconds" "$(od -An -N4 -tu4 /dev/urandom)" \
			>"$WORK/$where/$w.out" 2>&1 &
		eval "pid_$w=\$!"
	done
	# pid_A and pid_B are set by the eval above
	# shellcheck disable=SC2154
	wait "$pid_A"
	rc_a=$?
	# shellcheck disable=SC2154
	wait "$pid_B"
	rc_b=$?
	cat "$WORK/$where/A.out" "$WORK/$where/B.out"
	[ $rc_a = 0 ] && [ $rc_b = 0 ] ||
		prog_fail "$where: a writer failed (status $rc_a, $rc_b)"
	"$@" python3 "$WRITER" check "$root/w" "$WORK/$where/A.j" \
		"$WORK/$where/B.j" ||
		prog_fail "$where: the files are not what the writers wrote"
	echo "ok: $where: two writers for $seconds s," \
		"$(grep -c '^A' "$WORK/$where/A.j") +" \
		"$(grep -c '^A' "$WORK/$where/B.j")" \
		"records appended"
}

stress kernel "$KDIR"
stress mount "$MNT" env LD_PRELOAD="$SHIM" PMEMFILE_POOLS="$MNT:$POOL"
prog_check_end
echo "ok: the pool is consistent"

#!/bin/sh
# test-tap.sh tests/x/name -- runs one test for prove(1) and reports it as TAP.
#
# Each test runs in a fresh temporary directory ($TMPDIR, on /dev/shm when
# present) that is removed afterwards, with TEST_BUILD and TEST_TOP set to the
# build and source folders and XDG_CACHE_HOME inside it. Its output goes to
# TEST_RESULTS/x/name.log and, for a failure, its last lines are shown.
set -u
name=$1
log=$TEST_RESULTS/$name.log
status=$TEST_RESULTS/$name.status
mkdir -p "$(dirname "$log")"

if [ -x "$TEST_BUILD/$name" ]; then
	set -- "$TEST_BUILD/$name"
elif [ -f "$TEST_TOP/$name.sh" ]; then
	set -- sh "$TEST_TOP/$name.sh"
else
	echo "1..1"
	echo "not ok 1 - no program $TEST_BUILD/$name nor script $name.sh"
	echo fail >"$status"
	exit 0
fi

base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
tmp=$(mktemp -d "$base/pmemfile-test.XXXXXX")
# Caches (the interceptor's patch plans) stay inside the test's own folder.
export TMPDIR="$tmp" XDG_CACHE_HOME="$tmp/.cache"

cd "$tmp" && timeout -k 10 "${TEST_TIMEOUT:-900}" "$@" >"$log" 2>&1 </dev/null
rc=$?
cd / && rm -rf "$tmp"

case $rc in
0)
	echo pass >"$status"
	printf '1..1\nok 1\n'
	;;
77)
	echo skip >"$status"
	reason=$(tail -n 1 "$log")
	echo "1..0 # SKIP ${reason:-no reason given}"
	;;
*)
	echo fail >"$status"
	[ $rc -eq 124 ] && echo "timed out after ${TEST_TIMEOUT:-900} s" >>"$log"
	printf '1..1\nnot ok 1 - exit status %s\n' $rc
	tail -n 30 "$log" | sed "s|^|    $name: |" >&2
	;;
esac
exit 0

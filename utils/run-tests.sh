#!/bin/sh
# run-tests.sh BUILD TEST... -- runs tests two at a time under prove(1).
#
# A test is a program that exits 0 (pass), 77 (skip, after printing the
# reason) or anything else (fail). tests/x/name runs BUILD/tests/x/name when
# that was built from C, or tests/x/name.sh otherwise. utils/test-tap.sh
# turns each exit status into TAP for prove and records it; the last line
# printed is "N passed, N failed, N skipped".
set -u
build=$1
shift
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build"
build=$(cd "$build" && pwd)
results=$build/test-results
mkdir -p "$results"
# Only this run's tests are forgotten: runs of other tests may share the folder.
for t in "$@"; do
	rm -f "$results/$t.status" "$results/$t.log"
done

if [ $# -eq 0 ]; then
	echo "0 passed, 0 failed"
	exit 0
fi

TEST_BUILD=$build TEST_TOP=$top TEST_RESULTS=$results \
	prove -j"${JOBS:-2}" --exec "$top/utils/test-tap.sh" "$@"

passed=0
failed=0
skipped=0
for t in "$@"; do
	# A test that recorded no status (its runner died) is a failure.
	case $(cat "$results/$t.status" 2>/dev/null) in
	pass) passed=$((passed + 1)) ;;
	skip) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
done

if [ "$failed" -gt 0 ]; then
	echo "Logs of the failed tests are in $results/."
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]

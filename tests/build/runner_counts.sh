#!/bin/sh
# The runner reports pass, fail and skip by exit status, ends with the
# summary line and exits non-zero when a test failed.
set -u
top=$TEST_TOP
work=$TMPDIR/runner
mkdir -p "$work/tests/t"
cp -r "$top/utils" "$work/"
printf 'exit 0\n' >"$work/tests/t/good.sh"
printf 'echo broken; exit 3\n' >"$work/tests/t/bad.sh"
printf 'echo "needs a unicorn"; exit 77\n' >"$work/tests/t/maybe.sh"
mkdir -p "$work/build"

cd "$work" || exit 1
out=$(utils/run-tests.sh build tests/t/good tests/t/bad tests/t/maybe \
	tests/t/absent 2>&1)
rc=$?
last=$(printf '%s\n' "$out" | tail -n 1)
if [ "$last" != "1 passed, 2 failed, 1 skipped" ]; then
	echo "summary line: '$last'"
	printf '%s\n' "$out"
	exit 1
fi
[ $rc -ne 0 ] || { echo "runner exited 0 with failures"; exit 1; }
printf '%s\n' "$out" | grep -q 'needs a unicorn' ||
	{ echo "skip reason not shown"; exit 1; }
grep -qx broken build/test-results/tests/t/bad.log ||
	{ echo "failed test's log not kept"; exit 1; }

out=$(utils/run-tests.sh build tests/t/good 2>&1)
rc=$?
last=$(printf '%s\n' "$out" | tail -n 1)
[ "$last" = "1 passed, 0 failed" ] || { echo "summary: '$last'"; exit 1; }
[ $rc -eq 0 ] || { echo "runner failed on a passing run"; exit 1; }
exit 0

#!/bin/sh
# getdents_refuser.so: listing a directory fails with ENOTSUP, everything
# else works as without it.
. "$TEST_TOP/tests/intercept/lib.sh"

mkdir d
touch d/a d/b
ls d >want || fail "ls without the refuser failed"
printf 'a\nb\n' | cmp -s - want || fail "ls d: $(cat want)"

LD_PRELOAD=$REFUSER ls d >out 2>err
rc=$?
[ $rc = 2 ] || fail "ls under the refuser exited with $rc, want 2"
[ -s out ] && fail "ls under the refuser printed $(cat out)"
grep -q 'Operation not supported' err || fail "ls said: $(cat err)"

# No directory listed: no difference.
LD_PRELOAD=$REFUSER ls d/a >out 2>&1 || fail "ls d/a failed: $(cat out)"
[ "$(cat out)" = d/a ] || fail "ls d/a printed $(cat out)"

LD_PRELOAD=$REFUSER find d >out 2>err && fail "find d succeeded"
grep -q 'Operation not supported' err || fail "find said: $(cat err)"
[ "$(cat out)" = d ] || fail "find printed $(cat out), want d alone"
echo "getdents refused, the rest untouched"
exit 0

#!/bin/sh
# libsyscall_intercept.a linked into another shared library (as the shim
# does) gives a working interceptor that exports only the public names and
# needs no libsyscall_intercept.so.
. "$TEST_TOP/tests/intercept/lib.sh"
lib=$TB/hook_archive.so

nm -D --defined-only "$lib" | awk '{ print $3 }' | sort >got
cat >want <<'NAMES'
intercept_hook_point
intercept_hook_point_clone_child
intercept_hook_point_clone_child_args
intercept_hook_point_clone_parent
intercept_hook_point_clone_parent_args
intercept_hook_point_post
syscall_hook_in_process_allowed
syscall_no_intercept
NAMES
expect_same "symbols exported by a library linking the archive" want got
readelf -dW "$lib" | grep -q 'NEEDED.*libsyscall_intercept' &&
	fail "$lib needs libsyscall_intercept.so"

got=$(LD_PRELOAD=$lib TEST_HOOK_GETPPID=4242 sh -c 'echo $PPID')
[ "$got" = 4242 ] || fail "getppid under the archive's hook: $got, want 4242"

mkdir d
touch d/a d/b
ln -s a d/c
ls -la d >want 2>&1
LD_PRELOAD=$lib TEST_HOOK_OUT=$PWD/hook.out ls -la d >got 2>&1
expect_same "ls -la under the archive's hook" want got
[ "$(hooked_calls hook.out)" -ge 50 ] || fail "ls was not intercepted"
echo "the archive works inside another shared library"
exit 0

#!/bin/sh
# shim_refused: calls a pool cannot serve (mounts, watches, handles, quotas,
# swap, the *xattrat calls, AIO, io_uring) fail with their documented error
# on a path in a mount (absolute, relative to a cwd or a directory
# descriptor in one) or on a pool descriptor, and go to the kernel, on the
# right file, for a kernel path reached from a cwd in a mount (Unix socket
# addresses of bind, connect, sendto and sendmsg too; sendto, sendmsg and
# sendmmsg reach a socket named in the pool); nothing else is made in the
# kernel's cwd (where a relative path would land) nor in the directory
# behind the mount point.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
(cd "$KDIR" && PMEMFILE_PRELOAD_LOG=$WORK/log pf timeout -s KILL 120 \
	"$TEST_BUILD/tests/preload/refused" "$MNT" "$KDIR") >"$WORK/out" 2>&1
status=$?
# the runtime directory of the pool's socket (see libpmemfile(7))
rm -rf "/dev/shm/pmemfile-run.$(stat -c %D "$POOL").$(printf %x \
	"$(stat -c %i "$POOL")")"
cat "$WORK/out"
[ "$status" = 0 ] || shim_fail "refused: status $status"
grep -q '^ok: inotify_add_watch("pf"): EOPNOTSUPP' "$WORK/out" ||
	shim_fail "the checks did not run"
left=$(ls -A "$KDIR" | tr '\n' ' ')
[ "$left" = "kf ks " ] || shim_fail "calls reached the kernel's cwd, which" \
	"now holds: $left"
shim_log_has "not supported: inotify_add_watch on a path in a mount" \
	"a refused call"
shim_check_mountpoint

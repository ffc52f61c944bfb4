#!/bin/sh
# shim_secure: a set-user-ID program ignores PMEMFILE_POOLS and
# PMEMFILE_PRELOAD_LOG (secure_getenv): its caller cannot make it write in
# a pool of the caller's choice nor append to a file the caller names. The
# program is linked with the shim, which glibc loads for a set-user-ID
# program where it ignores LD_PRELOAD; without set-user-ID the same run
# writes in the pool and the log.
. "$TEST_TOP/tests/preload/shim_lib.sh"
if [ "$(id -u)" != 0 ]; then
	echo "skip: needs root to make a set-user-ID program"
	exit 77
fi
# the program runs as daemon, which must reach the shim it is linked with
if ! setpriv --reuid=daemon --regid=daemon --clear-groups \
	test -r "$TEST_BUILD/lib/libpmemfile.so.1"; then
	echo "skip: user daemon cannot read $TEST_BUILD/lib (a directory" \
		"above it is closed to others)"
	exit 77
fi
shim_init
PROG=$TEST_BUILD/tests/preload/secure_create
cp "$PROG" "$WORK/secure_create" || shim_fail "cannot copy $PROG"
chmod 755 "$WORK" "$WORK/secure_create"
chmod 666 "$POOL"
chmod 777 "$MNT"
run()
{
	PMEMFILE_POOLS=$MNT:$POOL PMEMFILE_PRELOAD_LOG=$WORK/log.$1 \
		"$WORK/secure_create" "$MNT/$1"
}

# plain: the pool gets the file, the log its lines
run plain || shim_fail "secure_create failed without set-user-ID"
[ ! -e "$MNT/plain" ] || shim_fail "plain: the file went to the kernel"
[ -s "$WORK/log.plain" ] || shim_fail "plain: no log was written"
echo "ok: without set-user-ID the file is in the pool and the log written"

# set-user-ID (to daemon, from root): the kernel directory gets the file
chown daemon "$WORK/secure_create" && chmod 4755 "$WORK/secure_create" ||
	shim_fail "cannot make the program set-user-ID"
run setuid || shim_fail "secure_create failed set-user-ID"
[ -f "$MNT/setuid" ] ||
	shim_fail "setuid: the file did not go to the kernel directory"
[ ! -e "$WORK/log.setuid" ] ||
	shim_fail "setuid: the log named by the caller was written"
echo "ok: set-user-ID, the pool is not mounted and the log not written"
rm -f "$MNT/setuid"
exit 0

#!/bin/sh
# shim_log: PMEMFILE_PRELOAD_LOG gets one line per call served from a pool,
# with its path and result, and none for the program's kernel calls.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
echo kernel >"$WORK/kfile"
# one process per pool use: a child cannot use a pool its parent holds
PMEMFILE_PRELOAD_LOG=$WORK/log pf cp "$WORK/kfile" "$MNT/f" &&
	PMEMFILE_PRELOAD_LOG=$WORK/log pf cat "$MNT/f" "$WORK/kfile" \
		>/dev/null || shim_fail "the commands failed"
grep -q "openat(.*\"$MNT/f\".*) = [0-9]" "$WORK/log" ||
	shim_fail "no openat line for $MNT/f: $(cat "$WORK/log")"
grep -q "read(0x[0-9a-f]*, 0x[0-9a-f]*, 0x[0-9a-f]*.*) = 7" "$WORK/log" ||
	shim_fail "no read line of 7 bytes: $(cat "$WORK/log")"
grep -q "kfile" "$WORK/log" && shim_fail "a kernel file was logged"
grep -q "mounted $POOL at $MNT" "$WORK/log" || shim_fail "no mount line"
echo "ok: the log has the pool's calls only"

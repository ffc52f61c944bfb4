#!/bin/sh
# Under INTERCEPT_LOG, no syscall site goes unmentioned: every syscall
# instruction of libsites_asm.so (the hard sites of tricky_sites, patched
# under INTERCEPT_ALL_OBJS=1) either logs the calls made through it, or is
# reported as not patched, each line naming the object and the offset.
. "$TEST_TOP/tests/intercept/lib.sh"
command -v objdump >/dev/null || skip "no objdump"

obj=$TB/libsites_asm.so
# site_exit_last makes only exit_group, which never returns: left to
# log_exit_group.sh.
exit_site=$(nm "$obj" | sed -n 's/^0*\([0-9a-f]*\) T site_exit_last$/\1/p')
[ -n "$exit_site" ] || fail "no site_exit_last in $obj"
objdump -d "$obj" | sed -En 's/^ *([0-9a-f]+):\t0f 05 .*/\1/p' |
	grep -vx "$exit_site" >sites
[ "$(wc -l <sites)" -ge 12 ] || { cat sites; fail "syscalls not found"; }

# tricky_sites checks the results; here only the log counts.
INTERCEPT_ALL_OBJS=1 INTERCEPT_LOG=$PWD/log "$TB/tricky_sites" >/dev/null 2>&1
for off in $(cat sites); do
	grep -Eq "(^|/)libsites_asm\.so 0x0*$off -- " log ||
		fail "site at $off in libsites_asm.so is not in the log"
done
echo "$(wc -l <sites) sites, each logged or reported"
exit 0

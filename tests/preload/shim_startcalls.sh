#!/bin/sh
# shim_startcalls: what the start of a program under the shim costs in
# system calls beyond the kernel's: one getpid (the interceptor's net and
# the shim share it), no process_vm_readv. The first start writes the
# interceptor's plans and images; the one counted uses them.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
command -v strace >/dev/null || { echo "SKIP: strace is not installed"; exit 77; }
pf /bin/true || shim_fail "/bin/true failed"
strace -f -qq -o "$WORK/strace" -E LD_PRELOAD="$SHIM" \
	-E PMEMFILE_POOLS="$MNT:$POOL" /bin/true || shim_fail "/bin/true failed"
n=$(grep -c "getpid()" "$WORK/strace")
[ "$n" = 1 ] || shim_fail "$n getpid calls at start, not 1:
$(cat "$WORK/strace")"
n=$(grep -c "process_vm_readv" "$WORK/strace")
[ "$n" = 0 ] || shim_fail "$n process_vm_readv calls at start, not 0"
echo "ok: a program's start makes one getpid and no process_vm_readv"

shim_check_mountpoint

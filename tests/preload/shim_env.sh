#!/bin/sh
# shim_env: a malformed PMEMFILE_POOLS gives one clear message and the
# program runs without that entry; a pool that cannot be opened gives one
# message and EIO under its mount (shim_poolfail has every case), or stops
# the program with PMEMFILE_EXIT_ON_NOT_SUPPORTED=1; a pool is opened only
# when used.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
echo "not a pool" >"$WORK/junk"
cd "$WORK" || shim_fail "cd $WORK"

out=$(LD_PRELOAD=$SHIM PMEMFILE_POOLS="nonsense" sh -c 'echo ran' 2>&1)
[ "$(echo "$out" | grep -c libpmemfile)" = 1 ] ||
	shim_fail "a malformed PMEMFILE_POOLS gave no single message: $out"
echo "$out" | grep -q '^ran$' || shim_fail "the program did not run: $out"
echo "ok: malformed PMEMFILE_POOLS: one message, the program runs"

out=$(LD_PRELOAD=$SHIM PMEMFILE_POOLS="$MNT:$WORK/junk" sh -c 'echo ran' 2>&1)
[ "$out" = ran ] || shim_fail "an unused bad pool was opened: $out"
echo "ok: a mount that is not used opens nothing"

# one process (shell builtins only): one message, EIO for each call
out=$(LD_PRELOAD=$SHIM PMEMFILE_POOLS="$MNT:$WORK/junk" sh -c \
	"echo kernel >'$MNT/k'; read x <'$MNT/k'; echo \$x" 2>&1)
[ "$(echo "$out" | grep -c 'libpmemfile: cannot open the pool')" = 1 ] ||
	shim_fail "a bad pool gave no single message: $out"
[ "$(echo "$out" | grep -c 'Input/output error')" = 2 ] ||
	shim_fail "the calls under a bad pool's mount did not fail: $out"
[ -e "$MNT/k" ] && shim_fail "the kernel's directory was used"
echo "ok: a bad pool: one message, EIO under its mount"

LD_PRELOAD=$SHIM PMEMFILE_POOLS="$MNT:$WORK/junk" \
	PMEMFILE_EXIT_ON_NOT_SUPPORTED=1 sh -c "ls '$MNT'; echo went on" \
	>"$WORK/exit.out" 2>&1
grep -q "went on" "$WORK/exit.out" ||
	shim_fail "the shell itself should go on (it never touched the mount)"
grep -q "^went on" "$WORK/exit.out" && grep -q "cannot open the pool" \
	"$WORK/exit.out" || shim_fail "no message: $(cat "$WORK/exit.out")"
LD_PRELOAD=$SHIM PMEMFILE_POOLS="$MNT:$WORK/junk" \
	PMEMFILE_EXIT_ON_NOT_SUPPORTED=1 ls "$MNT" >/dev/null 2>&1 &&
	shim_fail "PMEMFILE_EXIT_ON_NOT_SUPPORTED=1 did not stop ls"
echo "ok: PMEMFILE_EXIT_ON_NOT_SUPPORTED=1 stops a program using a bad pool"

# The discontinued shim's PMEMFILE_PRELOAD_PROCESS_SWITCHING=1 is accepted
# and changes nothing: a shell and the programs it starts (two at once,
# through a pipe) use the pool, with no message.
out=$(PMEMFILE_PRELOAD_PROCESS_SWITCHING=1 pf sh -c "
	echo one >'$MNT/ps' && cat '$MNT/ps' | tr a-z A-Z >'$MNT/ps2' &&
	cat '$MNT/ps' '$MNT/ps2'" 2>&1)
[ "$out" = "$(printf 'one\nONE')" ] ||
	shim_fail "PMEMFILE_PRELOAD_PROCESS_SWITCHING=1: $out"
[ -e "$MNT/ps" ] && shim_fail "the kernel's directory was used"
pf rm "$MNT/ps" "$MNT/ps2" || shim_fail "rm of the files in the pool"
echo "ok: PMEMFILE_PRELOAD_PROCESS_SWITCHING=1 is accepted, several processes use the pool"
shim_check_mountpoint

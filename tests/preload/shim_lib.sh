# shim_lib.sh -- sourced by the shim's family tests (shim_*.sh).
#
# shim_compare FAMILY runs `shim_ops FAMILY ROOT OUT` twice: natively with
# ROOT a kernel directory, then under the shim with ROOT the mount, and
# compares the two outputs (roots replaced by ROOT, OUT). Afterwards the
# kernel directory behind the mount point must still be empty: a call that
# reached the kernel instead of the pool would have landed there.
set -u

TEST_BUILD=${TEST_BUILD:?run through make check}
TEST_TOP=${TEST_TOP:?run through make check}
SHIM=$TEST_BUILD/lib/libpmemfile.so
OPS=$TEST_BUILD/tests/preload/shim_ops
WORK=$(pwd)
KDIR=$WORK/kernel
MNT=$WORK/mnt
POOL=$WORK/pool
export PMEM_IS_PMEM_FORCE=1 LC_ALL=C TZ=UTC

shim_fail()
{
	echo "FAIL: $*"
	exit 1
}

# shim_wait_gone FILE TENTHS: waits up to TENTHS tenths of a second for
# FILE to go (what the last process of a pool removes as it leaves);
# false if it is still there.
shim_wait_gone()
{
	i=0
	while [ -e "$1" ] && [ $i -lt "$2" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ ! -e "$1" ]
}

# shim_mkpool POOL SIZE_MIB
shim_mkpool()
{
	if [ -x "$TEST_BUILD/bin/mkfs.pmemfile" ]; then
		"$TEST_BUILD/bin/mkfs.pmemfile" "$1" "${2}M" >/dev/null
	else
		"$TEST_BUILD/tests/preload/prog_mkpool" "$1" "$2"
	fi || shim_fail "cannot create the pool $1"
}

shim_init()
{
	[ -f "$SHIM" ] || shim_fail "the shim $SHIM is not built"
	mkdir -p "$KDIR" "$MNT" "$WORK/out.k" "$WORK/out.m" ||
		shim_fail "cannot create the work directories"
	echo beside >"$WORK/beside"
	shim_mkpool "$POOL" "${SHIM_POOL_MIB:-64}"
}

# pf PROG ARGS...: a program under the shim, the pool mounted at $MNT.
pf()
{
	LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$POOL "$@"
}

shim_sanitize()
{
	sed -e "s|$KDIR|ROOT|g" -e "s|$MNT|ROOT|g" -e "s|$WORK/out\.[km]|OUT|g" \
		-e "s|$WORK|WORK|g"
}

shim_check_mountpoint()
{
	left=$(ls -A "$MNT")
	[ -z "$left" ] || shim_fail "calls reached the kernel directory" \
		"behind the mount point, which now holds: $left"
}

# shim_diff WHAT KERNEL_FILE MOUNT_FILE
shim_diff()
{
	if ! diff -u "$2" "$3" >"$WORK/diff.out"; then
		echo "--- kernel, +++ mount: $1 differs:"
		cat "$WORK/diff.out"
		shim_fail "$1 differs between the kernel directory and the mount"
	fi
	echo "ok: $1 is the same on the kernel directory and the mount"
}

shim_compare()
{
	shim_init
	"$OPS" "$1" "$KDIR" "$WORK/out.k" 2>&1 | shim_sanitize >"$WORK/k.out"
	pf "$OPS" "$1" "$MNT" "$WORK/out.m" 2>&1 | shim_sanitize >"$WORK/m.out"
	[ -s "$WORK/k.out" ] || shim_fail "shim_ops $1 printed nothing"
	shim_diff "shim_ops $1" "$WORK/k.out" "$WORK/m.out"
	shim_check_mountpoint
}

# shim_expect FAMILY: runs `shim_ops FAMILY` under the shim only and
# compares its output with the expected one given on stdin.
shim_expect()
{
	shim_init
	cat >"$WORK/expected"
	PMEMFILE_PRELOAD_LOG=$WORK/log pf "$OPS" "$1" "$MNT" "$WORK/out.m" \
		2>&1 | shim_sanitize >"$WORK/m.out"
	if ! diff -u "$WORK/expected" "$WORK/m.out"; then
		shim_fail "shim_ops $1 on the mount is not what was expected"
	fi
	echo "ok: shim_ops $1 gives the expected results on the mount"
	shim_check_mountpoint
}

# shim_log_has PATTERN WHAT: the log of the last shim_expect has a line.
shim_log_has()
{
	grep -q -- "$1" "$WORK/log" || shim_fail "the log has no line for $2"
	echo "ok: the log has a line for $2"
}

# shim_journal_pool POOL SIZE_MIB: a pool in journal mode (its file's
# attribute says so; no timer: the only sync points are the programs').
# Exits 77 where the kernel cannot track written pages. Sets IMAGE to the
# name of its segment in /dev/shm (its image is IMAGE.image) and PF to the
# pmemfile command.
shim_journal_pool()
{
	command -v python3 >/dev/null ||
		{ echo "python3 is not installed"; exit 77; }
	PF=$TEST_BUILD/bin/pmemfile
	export PMEMFILE_COMMIT_INTERVAL=0
	shim_mkpool "$1" "$2"
	python3 -c 'import os, sys
os.setxattr(sys.argv[1], "user.pmemfile.durability", b"journal")' "$1" ||
		shim_fail "cannot set the pool file's attribute"
	if ! "$PF" info "$1" >"$WORK/info" 2>&1; then
		if grep -q "Linux 6.7" "$WORK/info"; then
			cat "$WORK/info"
			exit 77
		fi
		shim_fail "pmemfile info: $(cat "$WORK/info")"
	fi
	grep -q "^durability: *journal " "$WORK/info" ||
		shim_fail "info does not say journal: $(cat "$WORK/info")"
	IMAGE=/dev/shm/pmemfile.$(printf %x "$(stat -c %d "$1")").$(printf \
		%x "$(stat -c %i "$1")")
}

# shim_killed POOL SCRIPT READY: SCRIPT run as `sh SCRIPT $MNT READY` with
# POOL mounted, in a session of its own, until it makes the file READY (30
# s at most), then the session killed.
shim_killed()
{
	LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$1 setsid sh "$2" "$MNT" "$3" &
	shim_killed_pid=$!
	shim_i=0
	while [ ! -e "$3" ] && [ $shim_i -lt 300 ]; do
		sleep 0.1
		shim_i=$((shim_i + 1))
	done
	[ -e "$3" ] || shim_fail "$2 did not get ready"
	kill -KILL -- "-$shim_killed_pid" 2>/dev/null ||
		kill -KILL "$shim_killed_pid"
	wait "$shim_killed_pid" 2>/dev/null
}

# shim_power_cut: what lived in memory only goes, as a power cut takes it:
# every process that maps the image of shim_journal_pool's pool is killed
# (a keeper process outside the test's process groups too), then the image
# and the segment are removed.
shim_power_cut()
{
	for shim_m in /proc/[0-9]*/maps; do
		grep -qF "$IMAGE.image" "$shim_m" 2>/dev/null || continue
		shim_p=${shim_m#/proc/}
		kill -KILL "${shim_p%/maps}" 2>/dev/null
	done
	shim_i=0
	while grep -qsF "$IMAGE.image" /proc/[0-9]*/maps &&
		[ $shim_i -lt 100 ]; do
		sleep 0.1
		shim_i=$((shim_i + 1))
	done
	rm -f "$IMAGE.image" "$IMAGE"
}

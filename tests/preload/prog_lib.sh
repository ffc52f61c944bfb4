# prog_lib.sh -- sourced by the acceptance tests (prog_*.sh): real,
# unmodified programs run through the shim on a mount, each checked against
# the same commands run natively on a kernel directory.
#
# A test defines a workload function that takes its root directory in $D and
# runs every program as `$R prog args`: R is empty for the kernel run and
# `pf` (the program under the shim, with the pool mounted) for the mount
# run. prog_both runs the workload twice and compares the outputs with the
# roots replaced by ROOT.
#
# Variables of this file are named prog_*: workloads share the shell's.
#
# PROG_NO_SHIM=1 runs the "mount" half natively on a second kernel directory,
# to check a test itself where the shim is not built.
set -u

TEST_BUILD=${TEST_BUILD:?run through make check}
TEST_TOP=${TEST_TOP:?run through make check}
SHIM=$TEST_BUILD/lib/libpmemfile.so
TREEDUMP=$TEST_BUILD/tests/preload/prog_treedump
WORK=$(pwd)
KDIR=$WORK/kdir
MNT=$WORK/pmnt
POOL=$WORK/pool.obj
export PMEM_IS_PMEM_FORCE=1 LC_ALL=C TZ=UTC

prog_fail()
{
	echo "FAIL: $*"
	exit 1
}

prog_skip()
{
	echo "$*"
	exit 77
}

# pf PROG ARGS...: runs a program under the shim with the pool mounted.
pf()
{
	if [ "${PROG_NO_SHIM:-0}" = 1 ]; then
		"$@"
	else
		LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$POOL "$@"
	fi
}

# prog_init SIZE_MIB: a fresh pool mounted at $MNT, and the empty kernel
# directory behind the mount point, which must stay empty.
# prog_init_users: prog_init 64 for workloads of several users, run by
# root: other users reach the pool file, the kernel directory and the shim
# (the build tree may sit in a folder only root can enter, such as ~root).
prog_init_users()
{
	[ "$(id -u)" = 0 ] || prog_skip "needs root to switch to other users"
	command -v setpriv >/dev/null || prog_skip "setpriv is not installed"
	prog_init 64
	chmod 711 "$WORK"
	chmod 666 "$POOL"
	chmod 777 "$KDIR"
	cp "$SHIM" "$WORK/libpmemfile.so"
	chmod 755 "$WORK/libpmemfile.so"
	SHIM=$WORK/libpmemfile.so
}

prog_init()
{
	[ -x "$TREEDUMP" ] || prog_fail "$TREEDUMP is not built"
	mkdir -p "$KDIR" "$MNT" || prog_fail "cannot create $KDIR, $MNT"
	[ "${PROG_NO_SHIM:-0}" = 1 ] && return 0
	[ -f "$SHIM" ] || prog_fail "the shim $SHIM is not built"
	"$TEST_BUILD/bin/mkfs.pmemfile" "$POOL" "${1}M" >/dev/null ||
		prog_fail "mkfs.pmemfile $POOL ${1}M failed"
	# The shim must load and see the mount's root as an empty directory.
	out=$(pf "$TREEDUMP" "$MNT" 2>&1)
	case $out in
	". d "*) [ "$(echo "$out" | wc -l)" = 1 ] ;;
	*) false ;;
	esac || prog_fail "the shim does not show an empty root at $MNT: $out"
}

# prog_pool_users: the processes that have the pool mapped (its holder, a
# keeper process), one "pid command" a line.
prog_pool_users()
{
	for prog_m in /proc/[0-9]*/maps; do
		grep -qF "$POOL" "$prog_m" 2>/dev/null || continue
		prog_p=${prog_m#/proc/}
		prog_p=${prog_p%/maps}
		echo "$prog_p $(tr '\0' ' ' </proc/"$prog_p"/cmdline 2>/dev/null)"
	done
}

# prog_wait_free: once the last process using the pool has gone, a keeper
# process closes it after a short while; this waits for that (10 s at most,
# then fails naming who still has it).
prog_wait_free()
{
	prog_tries=0
	while [ -n "$(prog_pool_users)" ]; do
		prog_tries=$((prog_tries + 1))
		[ "$prog_tries" -le 100 ] || prog_fail "10 s after its last" \
			"user, the pool is still held by: $(prog_pool_users)"
		sleep 0.1
	done
}

# prog_collect FILE: waits (20 s at most) for a background child of the
# workload to write FILE, then for the background jobs, prints FILE and
# removes it; fails (returns 1) if it was not written in time.
prog_collect()
{
	prog_i=0
	while [ ! -s "$1" ] && [ $prog_i -lt 200 ]; do
		sleep 0.1
		prog_i=$((prog_i + 1))
	done
	[ -s "$1" ] || return 1
	wait
	cat "$1"
	rm -f "$1"
}

# prog_check_end: the kernel directory behind the mount point was never
# touched (a call that reached the kernel instead of the pool would land
# there), the pool was let go, and it is consistent (pmemfile check).
prog_check_end()
{
	[ "${PROG_NO_SHIM:-0}" = 1 ] && return 0
	prog_wait_free
	left=$(ls -A "$MNT")
	[ -z "$left" ] || prog_fail "calls reached the kernel directory" \
		"behind the mount point $MNT, which now holds: $left"
	"$TEST_BUILD/bin/pmemfile" check "$POOL" >"$WORK/check.out" 2>&1 || {
		cat "$WORK/check.out"
		prog_fail "pmemfile check: the pool is not consistent"
	}
}

# prog_sanitize: the roots of both runs (also as names relative to WORK)
# become ROOT, their $O folders OUT, the work folder WORK.
prog_sanitize()
{
	sed -e "s|$KDIR|ROOT|g" -e "s|$MNT|ROOT|g" \
		-e "s|$WORK/out.kernel|OUT|g" -e "s|$WORK/out.mount|OUT|g" \
		-e "s|$WORK|WORK|g" -e "s|kdir/|ROOT/|g" -e "s|pmnt/|ROOT/|g"
}

# prog_compare WHAT KERNEL_FILE MOUNT_FILE: fails showing the difference.
prog_compare()
{
	if ! diff -u "$2" "$3" >"$WORK/diff.out"; then
		echo "--- kernel, +++ mount: $1 differs:"
		cat "$WORK/diff.out"
		prog_fail "$1 differs between the kernel directory" \
			"and the mount"
	fi
	echo "ok: $1 is the same on the kernel directory and the mount"
}

# x PROG ARGS...: runs one step of a workload, output and exit status kept.
x()
{
	$R "$@" 2>&1
	echo "[exit $?] $*"
}

# prog_both NAME WORKLOAD [EXTRA_DIR]: runs the workload function on the
# kernel directory, then on the mount, and compares the outputs and the
# resulting trees (contents, modes, links, owners; -m adds mtimes when
# PROG_MTIMES=1). The workload may write outside its root to $O, a kernel
# directory of its own per run (WORK/out.kernel, WORK/out.mount), compared
# too.
prog_both()
{
	prog_name=$1
	prog_w=$WORK/$1
	prog_mflag=
	[ "${PROG_MTIMES:-0}" = 1 ] && prog_mflag=-m
	mkdir -p "$WORK/out.kernel" "$WORK/out.mount"

	R='' D=$KDIR O=$WORK/out.kernel "$2" >"$prog_w.k.raw"
	[ "${PROG_NO_SHIM:-0}" = 1 ] && rm -rf "$MNT" && mkdir "$MNT"
	R=pf D=$MNT O=$WORK/out.mount "$2" >"$prog_w.m.raw"

	prog_sanitize <"$prog_w.k.raw" >"$prog_w.k"
	prog_sanitize <"$prog_w.m.raw" >"$prog_w.m"
	prog_compare "$prog_name: output" "$prog_w.k" "$prog_w.m"

	# The roots themselves are left out: the mount's root is the pool's.
	"$TREEDUMP" "$KDIR" $prog_mflag 2>&1 | sed 1d | prog_sanitize \
		>"$prog_w.tree.k"
	pf "$TREEDUMP" "$MNT" $prog_mflag 2>&1 | sed 1d | prog_sanitize \
		>"$prog_w.tree.m"
	prog_compare "$prog_name: tree" "$prog_w.tree.k" "$prog_w.tree.m"

	"$TREEDUMP" "$WORK/out.kernel" $prog_mflag >"$prog_w.out.k" 2>&1
	"$TREEDUMP" "$WORK/out.mount" $prog_mflag >"$prog_w.out.m" 2>&1
	prog_compare "$prog_name: files written out of the root" \
		"$prog_w.out.k" "$prog_w.out.m"
	prog_check_end
}

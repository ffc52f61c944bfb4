#!/bin/sh
# shim_cwdbusy: a process that inherits a directory of a mount (PMEMFILE_CD)
# while another process holds the pool stays in that directory: its
# relative paths and getcwd fail with EIO, and never reach the kernel's
# directory it was started from. Beside that directory's parent lies a
# kernel file with the same name as the pool's, which must never be read.
. "$TEST_TOP/tests/preload/shim_lib.sh"

shim_init
K=$WORK/kd/K
mkdir -p "$K" || shim_fail "cannot create $K"
echo "DECOY kernel file" >"$WORK/kd/file"
pf sh -c "echo 'pool file' >'$MNT/file' && mkdir '$MNT/sub'" ||
	shim_fail "cannot fill the pool"

# 1. The race: in a pipeline both programs inherit the directory; the one
# that does not need the pool must not keep it from the other.
runs=${STRESS:+300}
runs=${runs:-30}
i=0
while [ $i -lt "$runs" ]; do
	out=$(cd "$K" && pf sh -c "cd '$MNT/sub' && cat ../file | cat; \
		echo \"exit \$?\"" 2>&1)
	[ "$out" = "pool file
exit 0" ] || shim_fail "run $i of cat ../file | cat printed: $out"
	i=$((i + 1))
done
echo "ok: $runs runs of sh -c 'cd MOUNT/sub && cat ../file | cat' read" \
	"the pool's file"

# 2. The pool held by another process (libpmemobj's lock on the pool file)
# while a program starts with PMEMFILE_CD in the mount.
# (one process, which holds the lock itself, so that killing it frees it)
sh -c 'exec 9<"$1" && flock -x 9 && exec sleep 60' sh "$POOL" &
holder=$!
n=0
while flock -n "$POOL" true; do
	n=$((n + 1))
	[ $n -lt 100 ] || shim_fail "the pool file never got locked"
	sleep 0.05
done

# busy NAME CMD...: CMD, run from $K in MOUNT/sub, must fail with EIO.
busy()
{
	what=$1
	shift
	out=$(cd "$K" && PMEMFILE_CD=$MNT/sub PMEMFILE_PRELOAD_LOG=$WORK/log \
		pf "$@" 2>&1)
	rc=$?
	case $out in
	*DECOY*) kill "$holder"; shim_fail "$what read the kernel file: $out" ;;
	esac
	case $out in
	*"Input/output error"*) ;;
	*) kill "$holder"; shim_fail "$what did not fail with EIO: $out" ;;
	esac
	[ $rc -ne 0 ] || { kill "$holder"; shim_fail "$what exited 0"; }
	echo "ok: $what fails with EIO while the pool is held"
}

busy "cat ../file" cat ../file
busy "md5sum ../file" md5sum ../file
busy "pwd -P (getcwd, stat .)" /bin/pwd -P
busy "ls (open .)" ls
kill "$holder"
wait "$holder" 2>/dev/null
grep -q 'openat.*"\.\./file".*EIO' "$WORK/log" ||
	shim_fail "the log has no EIO line for openat of ../file"
grep -q 'getcwd.*EIO' "$WORK/log" ||
	shim_fail "the log has no EIO line for getcwd"
echo "ok: the log has the EIO lines"

# 3. Once the pool is free, the same program reads the pool's file.
out=$(cd "$K" && PMEMFILE_CD=$MNT/sub pf cat ../file 2>&1)
[ "$out" = "pool file" ] || shim_fail "with the pool free, cat printed: $out"
out=$(cd "$K" && PMEMFILE_CD=$MNT/sub/ pf /bin/pwd 2>&1)
[ "$out" = "$MNT/sub" ] || shim_fail "with the pool free, pwd printed: $out"
echo "ok: with the pool free, the inherited directory is the mount's"
shim_check_mountpoint

#!/bin/sh
# shim_ndctl: on a machine whose kernel knows of no NVDIMM, the process
# that opens a pool loads the stand-ins for libndctl and libdaxctl that the
# build put beside the shim (lib/pmemfile/), not the real ones and what
# they need (libkmod, libcrypto); the real ones with
# PMEMFILE_SYSTEM_NDCTL=1, where the program has loaded them already, and
# where the stand-ins do not fit (then the load is made again without
# them). Each way the process reads and writes the pool, and the pool
# checks clean.
. "$TEST_TOP/tests/preload/shim_lib.sh"
STANDIN=$TEST_BUILD/lib/pmemfile/libndctl.so.6
[ -f "$STANDIN" ] ||
	{ echo "no stand-ins were built here (src/preload/nd_empty.sh)"; exit 77; }
if [ -d /sys/bus/nd/devices ] &&
	[ -n "$(ls -A /sys/bus/nd/devices 2>/dev/null)" ]; then
	echo "this machine has an NVDIMM bus: the stand-ins are not for it"
	exit 77
fi
shim_init

# libs LABEL: a process under the shim ($SHIM_RUN, default pf) that
# writes LABEL into the mount and reads it back, then prints which of the
# libraries are mapped in it: "standin", "system", and "kmod" where
# libkmod is.
libs()
{
	${SHIM_RUN:-pf} sh -c 'echo "$1" >"$2/f" && read -r v <"$2/f" &&
		[ "$v" = "$1" ] || exit 1
		m=/proc/$$/maps
		grep -q "/pmemfile/libndctl.so.6" $m && echo standin
		grep -q "/libndctl.so.6\." $m && echo system
		grep -q "libkmod" $m && echo kmod
		true' sh "$1" "$MNT" | tr '\n' ' '
}

got=$(libs one) || shim_fail "the mount does not work with the stand-ins"
[ "$got" = "standin " ] || shim_fail "by default: $got (want the stand-ins)"

got=$(PMEMFILE_SYSTEM_NDCTL=1 libs two) ||
	shim_fail "the mount does not work with PMEMFILE_SYSTEM_NDCTL=1"
[ "$got" = "system kmod " ] ||
	shim_fail "PMEMFILE_SYSTEM_NDCTL=1: $got (want the system's)"

# the program has the real ones already: they are used
real=$(ldconfig -p | awk '$1 == "libndctl.so.6" { print $NF; exit }')
if [ -n "$real" ]; then
	got=$(SHIM_RUN="env LD_PRELOAD=$real:$SHIM PMEMFILE_POOLS=$MNT:$POOL" \
		libs three) || shim_fail "the mount does not work after $real"
	[ "$got" = "system kmod " ] ||
		shim_fail "the program loaded $real: $got (want the system's)"
fi

# stand-ins that do not fit (no symbol versions): loaded again without
mkdir -p "$WORK/lib/pmemfile"
cp "$TEST_BUILD/lib/libpmemfile.so.1" "$WORK/lib/"
echo 'int ndctl_new(void) { return -1; }' >"$WORK/bad.c"
for l in libndctl.so.6 libdaxctl.so.1; do
	cc -shared -fPIC -o "$WORK/lib/pmemfile/$l" "$WORK/bad.c" \
		-Wl,-soname,$l || shim_fail "cannot build a bad $l"
done
got=$(SHIM_RUN="env LD_PRELOAD=$WORK/lib/libpmemfile.so.1
	PMEMFILE_POOLS=$MNT:$POOL" libs four) ||
	shim_fail "the mount does not work beside stand-ins that do not fit"
[ "$got" = "system kmod " ] ||
	shim_fail "stand-ins that do not fit: $got (want the system's)"

[ "$(cat "$WORK/mnt/f" 2>/dev/null)" = "" ] ||
	shim_fail "the kernel directory behind the mount was written"
pf cat "$MNT/f" | grep -qx four || shim_fail "the last write is not in the pool"
"$TEST_BUILD/bin/pmemfile" check "$POOL" >"$WORK/check" 2>&1 ||
	shim_fail "pmemfile check: $(cat "$WORK/check")"
echo ok

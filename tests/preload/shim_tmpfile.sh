#!/bin/sh
# shim_tmpfile: files without a name (O_TMPFILE, unlinked while open)
# through their descriptor, as on a kernel directory: stat, readlink and
# open of /proc/self/fd/N, linkat with AT_EMPTY_PATH and of /proc/self/fd/N
# (open(2)'s way to give an O_TMPFILE file a name), also in a fork child
# and in a process that does not hold the pool;
# then the same without CAP_DAC_READ_SEARCH, where AT_EMPTY_PATH is the
# opener's alone (Linux 6.10 and later; before, ENOENT for everyone).
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init

PROG=$TEST_BUILD/tests/preload/tmpfile
# run NAME [PREFIX...]: the program on the kernel directory and on the
# mount, in new directories, under PREFIX; the outputs must be the same
run()
{
	name=$1
	shift
	mkdir "$WORK/k_$name" || shim_fail "mkdir $WORK/k_$name"
	pf mkdir "$MNT/m_$name" || shim_fail "mkdir $MNT/m_$name"
	"$@" "$PROG" "$WORK/k_$name" >"$WORK/$name.k" 2>&1 ||
		shim_fail "$name: tmpfile failed on the kernel directory"
	pf "$@" "$PROG" "$MNT/m_$name" >"$WORK/$name.m" 2>&1 ||
		shim_fail "$name: tmpfile failed on the mount"
	cat "$WORK/$name.m"
	shim_diff "$name" "$WORK/$name.k" "$WORK/$name.m"
	ls "$WORK/k_$name" >"$WORK/$name.kl"
	pf ls "$MNT/m_$name" >"$WORK/$name.ml"
	shim_diff "$name: names" "$WORK/$name.kl" "$WORK/$name.ml"
}

run root
grep -q '^linkat AT_EMPTY_PATH: 0$' "$WORK/root.m" ||
	shim_fail "root: linkat AT_EMPTY_PATH gave no name"
# the same in a process that does not hold the pool: its calls go to the
# holder's
pf sh -c 'exec 3<"$1"; sleep 30' sh "$MNT" &
holder=$!
sleep 1
run client
kill $holder
wait $holder 2>/dev/null
if command -v setpriv >/dev/null 2>&1; then
	run nocap setpriv --inh-caps=-dac_read_search \
		--bounding-set=-dac_read_search
	grep -q '^child linkat AT_EMPTY_PATH: -1' "$WORK/nocap.m" ||
		shim_fail "nocap: a fork child linked without the capability"
else
	echo "setpriv is not installed: the case without the capability is left out"
fi
echo "ok: files without a name through their descriptor"

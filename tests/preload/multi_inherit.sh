#!/bin/sh
# Descriptors of a mount that a program inherits at its start: bash and
# python given files of the mount as standard input, output and error by
# dash's redirections, bash starting further programs on them (env, exec,
# a child), python writing a big vector through one. bash and python have
# getenv and setenv of their own, which the shim used to reach before
# their main: they found no PMEMFILE_FDS, and the descriptors were lost
# (EBADF, or the stand-in directory). The output and the files left are
# those of the same commands on a kernel directory.
#
# A directory passed as a descriptor (python's listdir and fchdir on it),
# and 1100 processes in a row, more than the segment has slots and
# channels for: each posts its leave without waiting for it, and the
# holder frees what it posted.
#
# Then a reader beside a holder: python reading a big file of the mount
# from its standard input reads under a lease (the pool file is mapped in
# it), the lease's mapping made inside the shim while descriptor 0 is a
# pool's.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v bash >/dev/null || prog_skip "bash is not installed"
command -v python3 >/dev/null || prog_skip "python3 is not installed"
prog_init 128

workload()
{
	$R sh -c '
cd "$1" || exit 1
printf "line one\nline two\n" >in
bash -c "cat; true" <in
bash -c "read x; echo read: \$x" <in
bash -c "exec env bash -c \"exec wc -l\"" <in
bash -c "echo from bash" >out
bash -c "echo appended by bash; env echo appended by env" >>out
cat out
bash -c "cat in >&2" 2>err
cat err
bash -c "exec 3<in; bash -c \"cat <&3\""
python3 -c "import sys; print(sys.stdin.read().upper(), end=\"\")" <in
python3 -c "import os; print(os.writev(1, [b\"a\" * 200000, b\"b\" * 200000]))" >big
wc -c <big
python3 -c "import os; os.write(1, b\"from python\\n\")" >>out
cat out
mkdir sub && echo x >sub/a && echo y >sub/b
python3 -c "import os; print(sorted(os.listdir(4)))" 4<sub
python3 -c "import os; os.fchdir(4); print(open(\"a\").read(), end=\"\")" 4<sub
python3 -c "import os; os.fchdir(4)" 4<in
python3 -c "
import os
top = os.getcwd()
for p in [\"nope\", \"in\", \"sub\", \"sub/../sub\", \"\", top + \"/sub\"]:
    try:
        os.chdir(p)
        print(repr(p[-3:]), \"in\", os.path.relpath(os.getcwd(), top))
        os.chdir(top)
    except OSError as e:
        print(repr(p[-3:]), e.errno)
"
i=0
while [ $i -lt 1100 ]; do
	cat in >/dev/null || exit 1
	i=$((i + 1))
done
echo "$i readers, each of them gone without waiting for its leave"
' sh "$D"
	echo "[exit $?]"
}

prog_both inherit workload

# the reader beside a holder
pf dd if=/dev/zero of="$MNT/big8" bs=1M count=8 status=none ||
	prog_fail "cannot write $MNT/big8"
# the holder's pid is $! itself (not a subshell's), so that kill ends it
LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$POOL \
	sh -c "exec 3<'$MNT/big8'; echo held >'$WORK/held'; exec sleep 30" &
holder=$!
i=0
while [ ! -s "$WORK/held" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -s "$WORK/held" ] || prog_fail "the holder did not start"
cat >"$WORK/reader.py" <<'EOF'
import os, sys
n = 0
while True:
    b = os.read(0, 4096)
    if not b:
        break
    n += len(b)
print(n, sum(1 for l in open("/proc/self/maps") if sys.argv[1] in l))
EOF
maps=$(pf sh -c 'exec python3 "$1" "$2" <"$3"' sh "$WORK/reader.py" "$POOL" \
	"$MNT/big8")
kill "$holder"
wait "$holder" 2>/dev/null
set -- $maps
[ "${1:-}" = 8388608 ] || prog_fail "the reader read ${1:-nothing}, not 8388608"
[ "${2:-0}" -ge 1 ] ||
	prog_fail "the reader did not map the pool file: no lease was taken"
pf rm -f "$MNT/big8"
prog_check_end
echo "ok: inherited descriptors in bash and python; a leased reader"

#!/bin/sh
# Many short subshells of a shell holding the pool, eight at a time, each
# a client that writes a file, opens it on a descriptor of its own, has a
# cat it starts (vfork) read it, and appends a line to a file the shell
# keeps open: under dash and bash, 1,500 subshells each (STRESS=1:
# 10,000). No call may fail and no line be lost; the output is the kernel
# directory's. A holder's fork raced its keeper making a description for
# a client (two ids for one description: EBADF and EIO in the subshells,
# the shell killed by SIGSEGV in one run of two), and a client counting
# itself in and out of a lease that had ended wrapped the next owner's
# count (the keeper waited for it for ever: a hang in one run of two).
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v bash >/dev/null || prog_skip "bash is not installed"
prog_init 64
N=1500
[ "${STRESS:-0}" = 1 ] && N=10000

cat >"$WORK/script.sh" <<'SCRIPT'
cd "$1" || exit 1
n=$2
exec 3>>lines
i=0
while [ $i -lt $n ]; do
	i=$((i + 1))
	(echo $i >f; exec 4<f; cat <&4 >/dev/null; echo $i >&3) &
	[ $((i % 8)) = 0 ] && wait
done
wait
exec 3>&-
echo "lines: $(wc -l <lines), distinct: $(sort -u lines | wc -l)"
[ "$(sort -n lines | tail -n 1)" = "$n" ] && echo "the last is $n"
v=$(cat f)
[ "$v" -ge 1 ] && [ "$v" -le "$n" ] && echo "f holds one of them"
# their order and the last writer are the run's: not compared
rm lines f
SCRIPT

workload()
{
	for sh in dash bash; do
		# bounded: a hang fails here, not at the harness's timeout
		x timeout -k 5 120 $sh "$WORK/script.sh" "$D" "$N"
	done
}

prog_both subshells workload

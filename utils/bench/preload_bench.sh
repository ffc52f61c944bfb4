#!/bin/sh
# preload_bench.sh -- the preload shim's figures, each beside the same
# program on /dev/shm (the kernel's reference) and against its target:
#
#   fio 4 KiB random read and random write (psync, one job), IOPS  >= 3x
#   (on a 1 GiB file, the figure, and on a 4 MiB one)
#   4 KiB appends to a new file, MiB/s                             >= 3x
#   dd of a 1 GiB file out of and into the mount, fresh process    >= 1x
#   creates, stats, unlinks of 10,000 files                >= 1x (stats 2x)
#   getppid and a read of a kernel file: the shim's cost over the bare
#   interceptor                                                     <= 3 %
#   start of /bin/true with the shim and PMEMFILE_POOLS set     <= +10 ms
#
# The pool lives on /dev/shm with PMEM_IS_PMEM_FORCE=1. BENCH_SCALE (a
# factor, default 1) shrinks the sizes and durations for a quick run.
#
# fio, the appends and dd run BENCH_ROUNDS times (default 3) on each side,
# the two sides taking turns, so that a slow moment of the machine (other
# work on it) does not fall on one side only; each figure is the best
# round, and every round's value is printed after it.
set -u

build=${BENCH_BUILD:-$(pwd)/build}
scale=${BENCH_SCALE:-1}
rounds=${BENCH_ROUNDS:-3}
SHIM=$build/lib/libpmemfile.so
INTERCEPT=$build/lib/libsyscall_intercept.so.0
OPS=$build/utils/bench/preload_bench_ops
MKFS=$build/bin/mkfs.pmemfile
export PMEM_IS_PMEM_FORCE=1 LC_ALL=C

for f in "$SHIM" "$OPS" "$MKFS"; do
	if [ ! -e "$f" ]; then
		echo "preload_bench: $f is not built"
		exit 1
	fi
done

work=$(mktemp -d /dev/shm/preload-bench.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
POOL=$work/pool
MNT=/mnt/pmemfile-bench
REF=$work/ref
mkdir "$REF"
failed=0

# scaled N [MIN]: N times BENCH_SCALE, rounded, at least MIN (default 1).
scaled()
{
	awk -v n="$1" -v s="$scale" -v m="${2:-1}" \
		'BEGIN { v = int(n * s + 0.5); print (v < m ? m : v) }'
}

pf()
{
	LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$POOL "$@"
}

new_pool()
{
	rm -f "$POOL"
	"$MKFS" "$POOL" "$1" >/dev/null || {
		echo "preload_bench: mkfs.pmemfile $POOL $1 failed"
		exit 1
	}
}

broken()
{
	echo "  $1: FAILED ($2)"
	failed=1
}

# higher NAME UNIT VALUE REF TARGET: a figure that should be at least
# TARGET times its reference.
higher()
{
	awk -v n="$1" -v u="$2" -v v="$3" -v r="$4" -v t="$5" 'BEGIN {
		ratio = r > 0 ? v / r : 0
		printf "  %-34s %12.1f %-6s /dev/shm %12.1f  ratio %6.2fx" \
			"  target >= %gx  %s\n", n, v, u, r, ratio, t,
			(ratio >= t ? "met" : "MISSED") }'
}

# most FILE: the greatest number in FILE (one a line).
most()
{
	awk 'NR == 1 || $1 > m { m = $1 } END { print m + 0 }' "$1"
}

# values FILE: the numbers of FILE on one line, as integers.
values()
{
	awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }' "$1"
}

# rounds_line P_FILE R_FILE: every round's value of each side.
rounds_line()
{
	echo "      rounds: pmemfile $(values "$1"), /dev/shm $(values "$2")"
}

# field FILE NAME: the value of "NAME value unit" in FILE.
field()
{
	awk -v n="$2" '$1 == n { print $2 }' "$1"
}

# best FILE NAME: the least value of the "NAME value unit" lines in FILE.
best()
{
	awk -v n="$2" '$1 == n && (b == "" || $2 < b) { b = $2 } END {
		print b }' "$1"
}

# fio_iops RW SIZE_MIB DIR read|write RUNNER...: IOPS of one fio job on a
# file of SIZE_MIB MiB in DIR.
fio_iops()
{
	rw=$1
	size=$2
	dir=$3
	what=$4
	shift 4
	"$@" fio --name=bench --filename="$dir/fio.dat" --ioengine=psync \
		--rw="$rw" --bs=4k --size="${size}m" --numjobs=1 \
		--thread --time_based --runtime="$(scaled 4 1)" \
		--randrepeat=0 --norandommap --output-format=json \
		--output="$work/fio.json" >"$work/fio.log" 2>&1 || {
		cat "$work/fio.log" "$work/fio.json" >&2
		return 1
	}
	python3 -c '
import json, sys
text = open(sys.argv[1]).read()
j = json.loads(text[text.index("{"):])["jobs"][0]
if j["error"]:
    sys.exit(1)
print(j[sys.argv[2]]["iops"])' "$work/fio.json" "$what"
}

# The big file is the figure; the small one, which the caches and the TLB
# hold, shows what the data path costs without their misses.
bench_fio()
{
	echo "fio, 4 KiB, psync, one job, $(scaled 4 1) s per run," \
		"best of $rounds:"
	for size in "$(scaled 1024 16)" 4; do
		for rw in randread randwrite; do
			fio_pair $rw "$size"
		done
	done
}

fio_pair()
{
	case $1 in
	randread) kind="read" ;;
	randwrite) kind="write" ;;
	esac
	new_pool "$(scaled 2048 128)M"
	: >"$work/fio.p"
	: >"$work/fio.r"
	i=0
	while [ $i -lt "$rounds" ]; do
		i=$((i + 1))
		fio_iops "$1" "$2" "$MNT" "$kind" pf >>"$work/fio.p" || {
			broken "fio $1 $2 MiB" "on the mount"
			return
		}
		fio_iops "$1" "$2" "$REF" "$kind" env >>"$work/fio.r" || {
			broken "fio $1 $2 MiB" "on /dev/shm"
			return
		}
	done
	rm -f "$REF/fio.dat"
	higher "$1 IOPS, $2 MiB file" IOPS "$(most "$work/fio.p")" \
		"$(most "$work/fio.r")" 3
	rounds_line "$work/fio.p" "$work/fio.r"
}

bench_append()
{
	mib=$(scaled 1024 16)
	echo "4 KiB appends to a new file, $mib MiB, a new pool each," \
		"best of $rounds:"
	: >"$work/ap.p"
	: >"$work/ap.r"
	i=0
	while [ $i -lt "$rounds" ]; do
		i=$((i + 1))
		new_pool "$(scaled 2048 128)M"
		pf "$OPS" append "$MNT/append" "$mib" >"$work/ap" ||
			broken appends "on the mount"
		field "$work/ap" appends >>"$work/ap.p"
		"$OPS" append "$REF/append" "$mib" >"$work/ap" ||
			broken appends "on /dev/shm"
		field "$work/ap" appends >>"$work/ap.r"
	done
	higher "appends" MiB/s "$(most "$work/ap.p")" "$(most "$work/ap.r")" 3
	rounds_line "$work/ap.p" "$work/ap.r"
}

# dd_rate ARGS...: MiB/s of a whole dd process (its start, the pool's
# opening and its exit included), from the wall clock.
dd_rate()
{
	t0=$(date +%s%N)
	"$@" bs=1M status=none || return 1
	t1=$(date +%s%N)
	awk -v c="$count" -v ns=$((t1 - t0)) 'BEGIN { print c / (ns / 1e9) }'
}

# dd_pair NAME PF_IF PF_OF REF_IF REF_OF: best of the rounds of each dd,
# the two taking turns.
dd_pair()
{
	name=$1
	shift
	: >"$work/dd.p"
	: >"$work/dd.r"
	i=0
	while [ $i -lt "$rounds" ]; do
		i=$((i + 1))
		dd_rate pf dd "$1" "$2" count="$count" >>"$work/dd.p" ||
			broken "$name" "on the mount"
		dd_rate dd "$3" "$4" count="$count" >>"$work/dd.r" ||
			broken "$name" "on /dev/shm"
	done
	higher "$name" MiB/s "$(most "$work/dd.p")" "$(most "$work/dd.r")" 1
	rounds_line "$work/dd.p" "$work/dd.r"
}

bench_dd()
{
	count=$(scaled 1024 16)
	echo "dd, bs=1M, $count MiB, each in a fresh process, best of $rounds:"
	new_pool "$(scaled 2048 128)M"
	dd_pair "dd into the mount" if=/dev/zero of="$MNT/big" \
		if=/dev/zero of="$REF/big"
	dd_pair "dd out of the mount" if="$MNT/big" of=/dev/null \
		if="$REF/big" of=/dev/null
	rm -f "$REF/big"
}

bench_meta()
{
	n=$(scaled 10000 100)
	echo "metadata, $n files in one directory:"
	new_pool "$(scaled 1024 128)M"
	pf "$OPS" meta "$MNT/meta" "$n" >"$work/meta.p" ||
		broken metadata "on the mount"
	"$OPS" meta "$REF/meta" "$n" >"$work/meta.r" ||
		broken metadata "on /dev/shm"
	for op in creates stats unlinks; do
		t=1
		[ $op = stats ] && t=2
		higher "$op" ops/s "$(field "$work/meta.p" $op)" \
			"$(field "$work/meta.r" $op)" $t
	done
}

bench_calls()
{
	n=$(scaled 1000000 10000)
	echo "calls not for a pool, best of 3 processes x 5 rounds x $n:"
	new_pool 128M
	head -c 4096 /dev/urandom >"$work/kfile"
	: >"$work/calls.n"
	: >"$work/calls.i"
	: >"$work/calls.p"
	# The three take turns, so that a slow moment of the machine does not
	# fall on one of them only.
	for round in 1 2 3; do
		"$OPS" calls "$work/kfile" "$n" >>"$work/calls.n" ||
			broken calls natively
		LD_PRELOAD=$INTERCEPT "$OPS" calls "$work/kfile" "$n" \
			>>"$work/calls.i" ||
			broken calls "with the bare interceptor"
		pf "$OPS" calls "$work/kfile" "$n" >>"$work/calls.p" ||
			broken calls "with the shim"
	done
	for c in getppid pread; do
		awk -v c="$c" -v s="$(best "$work/calls.p" $c)" \
			-v i="$(best "$work/calls.i" $c)" \
			-v n="$(best "$work/calls.n" $c)" 'BEGIN {
		d = i > 0 ? (s - i) / i * 100 : 0
		printf "  %-8s shim %6.1f ns  bare interceptor %6.1f ns" \
			"  native %6.1f ns  shim over interceptor %+5.1f%%" \
			"  target <= 3%%  %s\n", c, s, i, n, d,
			d <= 3 ? "met" : "MISSED" }'
	done
}

bench_start()
{
	runs=$(scaled 300 20)
	echo "start of /bin/true, $runs runs (hyperfine):"
	new_pool 128M
	hyperfine -N --warmup 20 --runs "$runs" --export-json \
		"$work/start.json" "env /bin/true" \
		"env LD_PRELOAD=$INTERCEPT /bin/true" \
		"env LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$POOL /bin/true" \
		>"$work/start.log" 2>&1 || {
		cat "$work/start.log"
		broken start hyperfine
		return
	}
	python3 -c '
import json, sys
r = [x["mean"] * 1e3 for x in json.load(open(sys.argv[1]))["results"]]
d = r[2] - r[0]
print("  %-34s %8.2f ms  bare interceptor %8.2f ms  no LD_PRELOAD %8.2f ms"
      % ("/bin/true with the shim", r[2], r[1], r[0]))
print("  %-34s %+8.2f ms  target <= +10 ms  %s"
      % ("added by the shim", d, "met" if d <= 10 else "MISSED"))
' "$work/start.json"
}

echo "preload shim vs /dev/shm (BENCH_SCALE=$scale)"
bench_fio
bench_append
bench_dd
bench_meta
bench_calls
bench_start
exit $failed

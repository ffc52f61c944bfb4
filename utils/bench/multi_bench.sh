#!/bin/sh
# multi_bench.sh -- several processes on one mount. Each workload runs on
# the mount (the shim, a pool), on /dev/shm (the kernel's reference) and on
# /dev/shm with the shim preloaded (the shim's own floor: what starting
# processes under it costs), and is printed with the ratio to the kernel's
# figure and its target:
#
#   200 x `echo $i > f$i; cat f$i` under /bin/sh, time          <= 1.5x
#   make -j2 of a small C project (6 files), time                <= 1.5x
#   tar c -C a . | tar x -C b of 100 MB of mixed files, MB/s     >= 1x
#   cp -r of 2,000 files of 10 KiB by a client, time             (none)
#   two processes appending 4 KiB blocks to two files, MB/s
#   together (the first holds the pool, the second is a client)  >= 1x
#
# then, through the C API (multi_bench_calls), the cost of a forwarded
# call beside the holder's own call and a native getppid, where its time
# goes, the cost of a hand-over (a holder's close; a holder's exit, which
# leaves the pool to a copy of it) and of a pool's opening by a new process.
#
# The pools live on /dev/shm with PMEM_IS_PMEM_FORCE=1. Each workload runs
# BENCH_ROUNDS times (default 3) on each side, the sides taking turns; the
# figure is the best round, and every round is printed after it.
# BENCH_SCALE (a factor, default 1) shrinks the sizes for a quick run;
# a workload still running after BENCH_TIMEOUT seconds (default 30) is
# stopped and reported as failed.
set -u

build=${BENCH_BUILD:-$(pwd)/build}
scale=${BENCH_SCALE:-1}
rounds=${BENCH_ROUNDS:-3}
SHIM=$build/lib/libpmemfile.so
MKFS=$build/bin/mkfs.pmemfile
APPEND=$build/utils/bench/multi_bench_append
CALLS=$build/utils/bench/multi_bench_calls
export PMEM_IS_PMEM_FORCE=1 LC_ALL=C

for f in "$SHIM" "$MKFS" "$APPEND" "$CALLS"; do
	if [ ! -e "$f" ]; then
		echo "multi_bench: $f is not built"
		exit 1
	fi
done

work=$(mktemp -d /dev/shm/multi-bench.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
POOL=$work/pool
MNT=/mnt/pmemfile-multi-bench
REF=$work/ref
FLOOR=$work/floor
mkdir "$REF" "$FLOOR"
failed=0
# A workload that takes longer than this (s) is stopped and counts as
# failed: a process that hangs must not hang the benchmark.
limit=${BENCH_TIMEOUT:-30}

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
		echo "multi_bench: mkfs.pmemfile $POOL $1 failed"
		exit 1
	}
}

broken()
{
	echo "  $1: FAILED ($2)"
	failed=1
}

# runner SIDE: the command that runs a program on SIDE (mount, kernel,
# floor: the shim on a kernel directory); dir_of SIDE: where it works.
runner()
{
	case $1 in
	kernel) echo env ;;
	*) echo env LD_PRELOAD="$SHIM" PMEMFILE_POOLS="$MNT:$POOL" ;;
	esac
}

dir_of()
{
	case $1 in
	mount) echo "$MNT" ;;
	kernel) echo "$REF" ;;
	floor) echo "$FLOOR" ;;
	esac
}

now_ns()
{
	date +%s%N
}

# best FILE lower|higher: the best number of FILE (one a line).
best()
{
	awk -v w="$2" 'NR == 1 || (w == "lower" ? $1 < b : $1 > b) { b = $1 }
		END { print b + 0 }' "$1"
}

# values FILE: the numbers of FILE on one line.
values()
{
	awk '{ printf "%s%.4g", (NR > 1 ? " " : ""), $1 }' "$1"
}

# figure NAME UNIT lower|higher TARGET: prints the best of each side's
# rounds ($work/NAME.mount, .kernel, .floor) with the mount's ratio to the
# kernel; for a time (lower) the target is the most, for a rate the least.
figure()
{
	m=$(best "$work/$1.mount" "$3")
	k=$(best "$work/$1.kernel" "$3")
	f=$(best "$work/$1.floor" "$3")
	awk -v n="$1" -v u="$2" -v w="$3" -v t="$4" -v m="$m" -v k="$k" \
		-v f="$f" 'BEGIN {
		r = k > 0 ? m / k : 0
		ok = w == "lower" ? r <= t : r >= t
		printf "  %-10s mount %9.1f %-4s /dev/shm %9.1f  shim on " \
			"/dev/shm %9.1f  ratio %5.2fx  target %s %gx  %s\n",
			n, m, u, k, f, r, (w == "lower" ? "<=" : ">="), t,
			(ok ? "met" : "MISSED") }'
	echo "      rounds: mount $(values "$work/$1.mount")," \
		"/dev/shm $(values "$work/$1.kernel")," \
		"shim on /dev/shm $(values "$work/$1.floor")"
}

# figure_only NAME UNIT lower|higher: figure, for a workload the issue sets
# no target for.
figure_only()
{
	m=$(best "$work/$1.mount" "$3")
	k=$(best "$work/$1.kernel" "$3")
	f=$(best "$work/$1.floor" "$3")
	awk -v n="$1" -v u="$2" -v m="$m" -v k="$k" -v f="$f" 'BEGIN {
		printf "  %-10s mount %9.1f %-4s /dev/shm %9.1f  shim on " \
			"/dev/shm %9.1f  ratio %5.2fx\n", n, m, u, k, f,
			(k > 0 ? m / k : 0) }'
	echo "      rounds: mount $(values "$work/$1.mount")," \
		"/dev/shm $(values "$work/$1.kernel")," \
		"shim on /dev/shm $(values "$work/$1.floor")"
}

# rounds NAME FUNCTION: runs FUNCTION SIDE for each side in turn, rounds
# times, each printing one number into $work/NAME.SIDE.
rounds()
{
	for s in mount kernel floor; do
		: >"$work/$1.$s"
	done
	i=0
	while [ $i -lt "$rounds" ]; do
		i=$((i + 1))
		for s in mount kernel floor; do
			v=$($2 "$s") || {
				broken "$1" "on $s"
				return 1
			}
			echo "$v" >>"$work/$1.$s"
		done
	done
}

# The shell loop, in ms: dash runs echo itself and starts a cat each time.
loop_once()
{
	d=$(dir_of "$1")
	t0=$(now_ns)
	timeout "$limit" $(runner "$1") /bin/sh -c 'cd "$1" || exit 1
		i=0
		while [ $i -lt 200 ]; do
			i=$((i + 1))
			echo $i > f$i
			cat f$i
		done >/dev/null
		rm -f f*' sh "$d" || return 1
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000))e-3
}

bench_loop()
{
	echo "200 x 'echo \$i > f\$i; cat f\$i' under /bin/sh, ms," \
		"best of $rounds:"
	new_pool 128M
	rounds loop loop_once && figure loop ms lower 1.5
}

# A small C project: six sources, a header, a Makefile.
make_project()
{
	p=$work/project
	mkdir -p "$p"
	cat >"$p/Makefile" <<'EOF'
OBJS = main.o one.o two.o three.o four.o five.o
prog: $(OBJS)
	$(CC) -o $@ $(OBJS)
%.o: %.c common.h
	$(CC) -O2 -c -o $@ $<
EOF
	cat >"$p/common.h" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
long one(long), two(long), three(long), four(long), five(long);
EOF
	for f in one two three four five; do
		awk -v f=$f 'BEGIN {
			print "#include \"common.h\""
			for (i = 0; i < 40; i++) {
				printf "static long %s_%d(long x)\n{\n", f, i
				printf "\tchar b[64];\n\tsnprintf(b, sizeof(b), "
				printf "\"%%ld\", x + %d);\n", i
				printf "\treturn (long)strlen(b) * x + %d;\n}\n", i
			}
			printf "long %s(long x)\n{\n\tlong s = 0;\n", f
			for (i = 0; i < 40; i++)
				printf "\ts += %s_%d(x);\n", f, i
			print "\treturn s;\n}"
		}' >"$p/$f.c"
	done
	cat >"$p/main.c" <<'EOF'
#include "common.h"
int main(int argc, char **argv)
{
	long x = argc > 1 ? atol(argv[1]) : 1;
	printf("%ld\n", one(x) + two(x) + three(x) + four(x) + five(x));
	return 0;
}
EOF
}

make_once()
{
	d=$(dir_of "$1")
	r=$(runner "$1")
	$r rm -rf "$d/project" && $r cp -r "$work/project" "$d/" ||
		return 1
	t0=$(now_ns)
	timeout "$limit" $r make -s -j2 -C "$d/project" >/dev/null \
		2>"$work/make.err" || {
		cat "$work/make.err" >&2
		return 1
	}
	t1=$(now_ns)
	# the program built in the mount runs from there
	$r /bin/sh -c '"$1"' sh "$d/project/prog" >/dev/null || return 1
	echo $(((t1 - t0) / 1000))e-3
}

bench_make()
{
	echo "make -j2 of a small C project (6 files, 200 functions), ms," \
		"best of $rounds:"
	new_pool 256M
	make_project
	rounds make make_once && figure make ms lower 1.5
}

# Files of mixed sizes (from 1 KiB to 4 MiB), MB megabytes in all.
make_tree()
{
	python3 - "$1" "$2" <<'EOF'
import os, sys
root, total = sys.argv[1], int(sys.argv[2]) * 1000000
sizes = [1 << 10, 3 << 10, 8 << 10, 20 << 10, 64 << 10, 200 << 10,
         1 << 20, 4 << 20]
chunk = os.urandom(4 << 20)
done, i = 0, 0
while done < total:
    d = os.path.join(root, "d%02d" % (i % 16))
    os.makedirs(d, exist_ok=True)
    n = min(sizes[i % len(sizes)], total - done)
    with open(os.path.join(d, "f%05d" % i), "wb") as f:
        f.write(chunk[i % 1024:i % 1024 + n])
    done += n
    i += 1
EOF
}

# tar c | tar x of the tree within one directory, in MB/s.
tar_once()
{
	d=$(dir_of "$1")
	r=$(runner "$1")
	$r rm -rf "$d/b" && $r mkdir "$d/b" || return 1
	t0=$(now_ns)
	# tar_cmd: as written (the first tar holds the pool), or from a
	# shell whose working directory is the mount (the shell holds it)
	timeout "$limit" $r /bin/sh -c "$tar_cmd" sh "$d" || return 1
	t1=$(now_ns)
	awk -v b="$tar_bytes" -v ns=$((t1 - t0)) 'BEGIN {
		print b / 1e6 / (ns / 1e9) }'
}

bench_tar()
{
	mb=$(scaled 100 4)
	echo "tar c -C a . | tar x -C b of $mb MB in $(scaled 100 4) MB" \
		"of files of 1 KiB to 4 MiB, MB/s, best of $rounds:"
	new_pool "$(scaled 512 64)M"
	make_tree "$work/tree" "$mb"
	tar_bytes=$(du -sb --apparent-size "$work/tree" | cut -f1)
	for s in mount kernel floor; do
		d=$(dir_of $s)
		$(runner $s) cp -r "$work/tree" "$d/a" || {
			broken tar "copying the tree to $s"
			return
		}
	done
	rm -rf "$work/tree"
	tar_cmd='tar c -C "$1/a" . | tar x -C "$1/b"'
	rounds tar tar_once && figure tar MB/s higher 1
	echo "  the same from a shell whose working directory is the mount:"
	tar_cmd='cd "$1" && tar c -C a . | tar x -C b'
	rounds tar_cd tar_once && figure tar_cd MB/s higher 1
	rm -rf "$REF/a" "$REF/b" "$FLOOR/a" "$FLOOR/b"
}

# cp -r of many small files, in ms, by a shell whose working directory is
# the mount: the shell holds the pool and cp (not the last command, which
# the shell would run in its own process) is its client, whose files are
# written under leases and closed one after another.
cp_once()
{
	d=$(dir_of "$1")
	r=$(runner "$1")
	$r rm -rf "$d/small" || return 1
	t0=$(now_ns)
	timeout "$limit" $r /bin/sh -c 'cd "$1" && cp -r "$2" small && :' \
		sh "$d" "$work/small" || return 1
	t1=$(now_ns)
	$r rm -rf "$d/small"
	echo $(((t1 - t0) / 1000))e-3
}

bench_cp()
{
	n=$(scaled 2000 100)
	echo "cp -r of $n files of 10 KiB into the mount by a client, ms," \
		"best of $rounds:"
	new_pool 256M
	python3 - "$work/small" "$n" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
data = os.urandom(10 << 10)
for i in range(n):
    d = os.path.join(root, "d%02d" % (i % 16))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d" % i), "wb") as f:
        f.write(data)
EOF
	rounds cp cp_once && figure_only cp ms lower
	rm -rf "$work/small"
}

# Two appenders at once, in MB/s together: the bytes of both over the
# span from the first one's first write to the last one's last.
append_once()
{
	d=$(dir_of "$1")
	r=$(runner "$1")
	rm -f "$work/app.done"
	: >"$work/app1"
	: >"$work/app2"
	timeout "$limit" $r "$APPEND" "$d/app1" "$append_mib" \
		"$work/app.done" >"$work/app1" 2>"$work/app1.err" &
	p1=$!
	timeout "$limit" $r "$APPEND" "$d/app2" "$append_mib" \
		"$work/app.done" >"$work/app2" 2>"$work/app2.err" &
	p2=$!
	# neither leaves before both are done: the holder stays one
	while ! [ -s "$work/app1" ] || ! [ -s "$work/app2" ]; do
		kill -0 $p1 2>/dev/null || kill -0 $p2 2>/dev/null || break
		sleep 0.01
	done
	: >"$work/app.done"
	st1=0 st2=0
	wait $p1 || st1=$?
	wait $p2 || st2=$?
	if [ $st1 != 0 ] || [ $st2 != 0 ]; then
		# what failed, on the bench's output (124: the time limit)
		echo "  append on $1: the appenders exited $st1 and $st2" \
			"$(cat "$work/app1.err" "$work/app2.err")" >&2
		return 1
	fi
	$r rm -f "$d/app1" "$d/app2"
	cat "$work/app1" "$work/app2" | awk 'NR == 1 || $1 < s { s = $1 }
		NR == 1 || $2 > e { e = $2 } { b += $3 }
		END { print b / 1e6 / (e - s) }'
}

bench_append()
{
	append_mib=$(scaled 256 4)
	echo "two processes appending 4 KiB blocks, $append_mib MiB each," \
		"to two files at once, MB/s together, best of $rounds" \
		"(each stays until both are done):"
	new_pool "$(scaled 1024 64)M"
	rounds append append_once && figure append MB/s higher 1
}

# us NAME: "median p99" of NAME in the calls' output.
us()
{
	awk -v n="$1" '$1 == n { print $2, $3 }' "$work/calls"
}

bench_calls()
{
	n=$(scaled 20000 1000)
	reps=$(scaled 30 5)
	echo "through the C API: $n calls of each kind, $reps hand-overs" \
		"and pool openings:"
	new_pool 64M
	timeout "$limit" "$CALLS" "$POOL" "$n" "$reps" >"$work/calls" || {
		broken calls multi_bench_calls
		return
	}
	# the forwarded calls alone again, counted by perf
	: >"$work/perf"
	if perf stat -x, -e raw_syscalls:sys_enter true >/dev/null 2>&1; then
		perf stat -x, -o "$work/perf" \
			-e raw_syscalls:sys_enter,context-switches \
			timeout "$limit" "$CALLS" "$POOL" "$n" "$reps" \
			forwarded >/dev/null ||
			: >"$work/perf"
	fi
	awk -v n="$n" '
	function show(name, what, m, p) {
		printf "  %-44s median %9.3f us  p99 %9.3f us\n", what, m, p
	}
	$1 == "cpu_fstat" { cpu = $0 }
	NF == 3 { med[$1] = $2; p99[$1] = $3 }
	END {
		show("", "fstat forwarded from a client", med["forwarded_fstat"],
			p99["forwarded_fstat"])
		show("", "fstat by the holder itself", med["holder_fstat"],
			p99["holder_fstat"])
		show("", "64-byte pread forwarded from a client",
			med["forwarded_pread"], p99["forwarded_pread"])
		show("", "64-byte pread by the holder itself",
			med["holder_pread"], p99["holder_pread"])
		show("", "getppid, native", med["native_getppid"],
			p99["native_getppid"])
		printf "  %-44s %.1fx the holder'"'"'s own, %.1fx getppid\n",
			"a forwarded fstat costs",
			med["forwarded_fstat"] / med["holder_fstat"],
			med["forwarded_fstat"] / med["native_getppid"]
		show("", "hand-over: the client'"'"'s next call returns",
			med["handover_next_call"], p99["handover_next_call"])
		show("", "hand-over: the holder'"'"'s close",
			med["handover_close"], p99["handover_close"])
		show("", "a holder exits: the client'"'"'s next call",
			med["exit_next_call"], p99["exit_next_call"])
		show("", "a new process opens the pool", med["pool_open"],
			p99["pool_open"])
		show("", "... and closes it", med["pool_close"],
			p99["pool_close"])
		print "  where a forwarded fstat'"'"'s time goes:"
		printf "    the call itself (the holder'"'"'s own) %.3f us; a " \
			"bare round trip between two processes on a shared " \
			"word %.3f us spinning, %.3f us sleeping in a futex\n",
			med["holder_fstat"], med["spin_round_trip"],
			med["futex_round_trip"]
		rest = med["forwarded_fstat"] - med["holder_fstat"]
		rest -= med["spin_round_trip"]
		printf "    the rest (claiming a channel, copying the caller'"'"'s" \
			" identity and the answer) %.3f us\n", rest
		split(cpu, c, " ")
		printf "    per call: client CPU %.3f us user %.3f us system, " \
			"%.4f futex sleeps; holder CPU %.3f us user %.3f us " \
			"system, %.4f sleeps\n", c[3], c[5], c[7], c[9], c[11],
			c[13]
	}' "$work/calls"
	[ -s "$work/perf" ] && awk -F, -v n="$n" '
		$3 == "raw_syscalls:sys_enter" { s = $1 }
		$3 == "context-switches" { cs = $1 }
		END {
			calls = 2 * n * 1.1
			printf "    perf stat of a run of the forwarded calls " \
				"alone (%d, and the program'"'"'s start): %.3f " \
				"system calls and %.3f context switches a " \
				"call\n", calls, s / calls, cs / calls
		}' "$work/perf"
	return 0
}

echo "several processes on one mount vs /dev/shm (BENCH_SCALE=$scale," \
	"$(nproc) CPUs)"
bench_loop
bench_make
bench_tar
bench_cp
bench_append
bench_calls
exit $failed

#!/bin/sh
# shim_pathfuzz: random sequences of path operations (pathfuzz: names, ".",
# "..", empty components, trailing slashes, directory descriptors, the cwd,
# symlinks within the tree and out of it into a kernel directory, bad
# pointers, paths over PATH_MAX) give the same results on a mount as on a
# kernel directory, and leave the same tree. Seeds from PATHFUZZ_SEED
# (default 1); 6 sequences of 400 operations, STRESS=1: 60 of 3000, and
# by default also seeds that once found a difference (55, 100-105, 1005;
# 26, 27, 35, 43 and 104 with 3000 operations).
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init

FUZZ=$TEST_BUILD/tests/preload/pathfuzz
if [ "${STRESS:-0}" = 1 ]; then runs=60 ops=3000; else runs=6 ops=400; fi
first=${PATHFUZZ_SEED:-1}

# tree DIR: the tree under DIR, one line an entry (sizes of files only)
tree()
{
	(cd "$1" && find . -mindepth 1 \( -type f -printf '%y %m %s %n %p\n' \) \
		-o -printf '%y %m %p\n' | LC_ALL=C sort)
}

# An OUTSIDE for each run, deep enough that no path climbs out of it, on
# another file system than the kernel directory, as a mount is to it: a
# rename or link between them fails with EXDEV in both runs.
outer=
for d in /var/tmp /tmp "${HOME:-/}"; do
	if [ -d "$d" ] && [ -w "$d" ] &&
		[ "$(stat -c %d "$d")" != "$(stat -c %d "$KDIR")" ]; then
		outer=$(mktemp -d "$d/pathfuzz.XXXXXX") && break
	fi
done
if [ -z "$outer" ]; then
	echo "no writable directory on another file system than $KDIR"
	exit 77
fi
trap 'rm -rf "$outer"' EXIT
for side in k m; do
	o=$outer/$side/1/2/3/o
	mkdir -p "$o/b" && echo outside >"$o/a" || shim_fail "no $o"
done

# the seeds first..first+runs-1, and seeds that once found a difference
seeds=$(seq "$first" $((first + runs - 1)))
# (SEED:OPS: that many operations)
[ -z "${PATHFUZZ_SEED:-}" ] &&
	seeds="$seeds 55 100 101 102 103 104 105 1005 26:3000 27:3000 35:3000
		43:3000 104:3000"
for item in $seeds; do
	seed=${item%%:*} n=$ops
	[ "$item" = "$seed" ] || n=${item#*:}
	# a seed run twice, with other lengths, gets a root of its own
	[ -e "$KDIR/s$seed" ] && seed=$seed.$n
	kroot=$KDIR/s$seed mroot=$MNT/s$seed
	mkdir "$kroot" || shim_fail "mkdir $kroot"
	pf mkdir "$mroot" || shim_fail "mkdir $mroot"
	"$FUZZ" "$kroot" "$outer/k/1/2/3/o" "${seed%.*}" "$n" \
		>"$WORK/k.out" 2>&1 || shim_fail "pathfuzz failed on the kernel"
	pf "$FUZZ" "$mroot" "$outer/m/1/2/3/o" "${seed%.*}" "$n" \
		>"$WORK/m.out" 2>&1 || shim_fail "pathfuzz failed on the mount"
	shim_diff "seed $seed" "$WORK/k.out" "$WORK/m.out"
	tree "$kroot" >"$WORK/k.tree"
	pf sh -c 'cd "$1" && find . -mindepth 1 \( -type f -printf "%y %m %s %n %p\n" \) -o -printf "%y %m %p\n" | LC_ALL=C sort' \
		sh "$mroot" >"$WORK/m.tree"
	shim_diff "tree of seed $seed" "$WORK/k.tree" "$WORK/m.tree"
	tree "$outer/k/1" >"$WORK/k.otree"
	tree "$outer/m/1" >"$WORK/m.otree"
	shim_diff "outside tree of seed $seed" "$WORK/k.otree" "$WORK/m.otree"
done
echo "ok: $(echo $seeds | wc -w) sequences of $ops (or SEED:OPS) path operations as on" \
	"a kernel directory"

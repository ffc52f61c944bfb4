#!/bin/sh
# run.sh BUILD BENCH... -- runs each benchmark in turn. A benchmark is a
# program in BUILD (utils/bench/x -> BUILD/utils/bench/x) or a script
# utils/bench/x.sh; each prints its figures beside their references.
set -u
build=$(cd "$1" && pwd)
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
export BENCH_BUILD="$build" BENCH_TOP="$top"
status=0
for b in "$@"; do
	echo "== $b"
	if [ -x "$build/$b" ]; then
		"$build/$b" || status=1
	elif [ -f "$top/$b.sh" ]; then
		sh "$top/$b.sh" || status=1
	else
		echo "no benchmark $b" >&2
		status=1
	fi
	echo
done
exit $status

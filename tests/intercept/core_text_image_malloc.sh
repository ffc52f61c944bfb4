#!/bin/sh
# A process patched at start-up from its text images, with no log, calls
# no malloc of the interceptor's: the objects' names are the loader's, and
# the list of the sites left alone is made only for the log. A program
# that never calls malloc then pays for no heap (its arena set up, the
# heap grown and faulted in). With INTERCEPT_LOG set, the list is made.
. "$TEST_TOP/tests/intercept/lib.sh"
export XDG_CACHE_HOME=$PWD/cache
dir=$XDG_CACHE_HOME/libsyscall_intercept
prog=$TB/heap_used

# run NAME: the program under the library (NAME.out)
run() {
	LD_PRELOAD=$LIB "$prog" >"$1.out" || fail "$1: the program failed"
	grep -q "^heap [0-9]*$" "$1.out" || fail "$1: no heap line"
}
# images NAME: how many images the program mapped
images() {
	awk '$6 ~ /\.text$/ { print $6 }' "$1.out" | sort -u | wc -l
}

env -u LD_PRELOAD "$prog" >native.out || fail "the program failed alone"
[ "$(sed -n 's/^heap //p' native.out)" = 0 ] ||
	fail "alone, the program holds heap memory: $(head -1 native.out)"

run first
[ "$(images first)" = 0 ] || fail "the first run mapped an image"
set -- "$dir"/*.text
[ $# = 2 ] || fail "$# images made, want 2 (libc, the loader): $*"

run second
[ "$(images second)" = 2 ] || fail "second run: $(images second) images mapped"
[ "$(sed -n 's/^heap //p' second.out)" = 0 ] ||
	fail "patched from the images, the program holds heap memory: $(head -1 second.out)"

INTERCEPT_LOG=$PWD/logged.log run logged
[ "$(images logged)" = 2 ] || fail "with a log: $(images logged) images mapped"
grep -q "^intercept: libc.so.6 patched at start: " logged.log ||
	fail "with a log: libc not logged as patched"
[ "$(sed -n 's/^heap //p' logged.out)" != 0 ] ||
	fail "with a log, no list of the sites left alone was made"
echo "patched from its images without a log: no heap; with a log: the list made"
exit 0

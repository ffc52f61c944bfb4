#!/bin/sh
# The plan cache: the first process plans and writes one file per object
# (named after its build-id) under $XDG_CACHE_HOME/libsyscall_intercept,
# the next ones patch from it with the same result; a damaged file, or one
# written by another build of the interceptor, is ignored and replaced;
# INTERCEPT_NO_CACHE=1 neither reads nor writes.
. "$TEST_TOP/tests/intercept/lib.sh"
export XDG_CACHE_HOME=$PWD/cache
dir=$XDG_CACHE_HOME/libsyscall_intercept

# summary LOG: the patching summary line, without the cache count
summary() {
	sed -n 's/^intercept: \(.*\); .*/\1/p' "$1"
}
cached() {
	sed -n 's/^intercept: .*; \([0-9]*\) objects planned from.*/\1/p' "$1"
}
run() {
	INTERCEPT_ALL_OBJS=1 INTERCEPT_LOG=$PWD/$1 LD_PRELOAD=$HOOK \
		TEST_HOOK_OUT=$PWD/hook.out ls -lR d >"$1.out" 2>&1 ||
		fail "ls under the library failed ($1)"
}

mkdir -p d/e
touch d/a d/e/b
ln -s a d/c
ls -lR d >want.out 2>&1
run first
expect_same "ls output, planned" want.out first.out
[ "$(cached first)" = 0 ] || fail "the first run found a cache"
files=$(ls "$dir" | wc -l)
objects=$(summary first | awk '{ print $1 }')
[ "$files" -ge 2 ] && [ "$files" = "$objects" ] ||
	fail "$files cache files for $objects objects"

run second
expect_same "ls output, from the cache" want.out second.out
[ "$(cached second)" = "$objects" ] ||
	fail "second run: $(cached second) objects from the cache, want $objects"
[ "$(summary first)" = "$(summary second)" ] ||
	fail "patching differs: '$(summary first)' then '$(summary second)'"
grep 'not patched' first | sort >left1
grep 'not patched' second | sort >left2
expect_same "sites left alone, planned and cached" left1 left2

# Damage, in the two largest files: one cut short, one with the offset of
# its first syscall moved by a byte.
set -- $(ls -S "$dir" | head -2 | sed "s|^|$dir/|")
head -c 100 "$1" >cut && mv cut "$1"
python3 - "$2" <<'PY' || fail "could not edit $2"
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
# the first plan's syscall offset, right after the 32-byte header
off = struct.unpack_from("<Q", data, 32)[0]
struct.pack_into("<Q", data, 32, off + 1)
open(sys.argv[1], "wb").write(data)
PY
run third
expect_same "ls output, damaged cache" want.out third.out
[ "$(cached third)" = $((objects - 2)) ] ||
	fail "damaged files used: $(cached third) objects from the cache"
run fourth
[ "$(cached fourth)" = "$objects" ] ||
	fail "damaged files not replaced: $(cached fourth) from the cache"

# A file of another build of the interceptor is replaced, not kept.
f=$(ls -S "$dir" | head -1)
mv "$dir/$f" "$dir/${f%.*}.0000000000000000"
run stale
[ "$(cached stale)" = $((objects - 1)) ] ||
	fail "another build's file used: $(cached stale) from the cache"
[ -e "$dir/$f" ] || fail "no new file for the object of $f"
[ -e "$dir/${f%.*}.0000000000000000" ] &&
	fail "another build's file of the same object was kept"

rm -rf "$dir"
INTERCEPT_NO_CACHE=1 run fifth
[ -e "$dir" ] && fail "INTERCEPT_NO_CACHE=1 wrote a cache"
[ "$(cached fifth)" = 0 ] || fail "INTERCEPT_NO_CACHE=1 read a cache"
expect_same "ls output, no cache" want.out fifth.out
echo "plans cached per object, reused, damaged files ignored and replaced"
exit 0

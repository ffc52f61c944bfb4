#!/bin/sh
# The plan cache: the first process plans and writes one file per object
# (named after its build-id) under $XDG_CACHE_HOME/libsyscall_intercept,
# the next ones patch from it with the same result; a damaged file (cut
# short, edited in place, even with its checksum made right) is ignored
# and replaced, one written by another build of the interceptor ignored
# (the files of the three other builds that wrote last are kept, older
# ones removed); INTERCEPT_NO_CACHE=1 neither reads nor writes. The text images beside
# the plans (<plan file>.text, core_text_image.sh) are removed before each
# damage, so that the plans are what the next run reads.
. "$TEST_TOP/tests/intercept/lib.sh"
export XDG_CACHE_HOME=$PWD/cache
dir=$XDG_CACHE_HOME/libsyscall_intercept

# summary LOG: the patching summary line, without the cache count
summary() {
	sed -n 's/^intercept: \(.*\); .*/\1/p' "$1"
}
# plans: the plan files, without the text images
plans() {
	ls -S "$dir" | grep -v '\.text$'
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
files=$(plans | wc -l)
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

# edit_plans FILE WHAT: edits the first plan of FILE in place (same size):
# "flip" changes a byte and leaves the checksum; "syscall" moves the
# syscall offset by a byte and "rip" makes the first instruction of a
# window that is not RIP-relative said to be, both with the checksum made
# right again, so that only checking the code finds them.
edit_plans() {
	python3 - "$1" "$2" <<'PY' || fail "could not edit $1"
import struct, sys
HEADER, PLAN, INSNS = 40, 40 + 8 * 16, 40
path, what = sys.argv[1], sys.argv[2]
data = bytearray(open(path, "rb").read())
nplans = struct.unpack_from("<I", data, 12)[0]
assert nplans > 0
if what == "flip":
    data[HEADER + 8] ^= 0x40
elif what == "syscall":
    off = struct.unpack_from("<Q", data, HEADER)[0]
    struct.pack_into("<Q", data, HEADER, off + 1)
else:
    for i in range(nplans):
        first = HEADER + i * PLAN + INSNS
        if data[first + 8] > 1 and data[first + 12] == 0:
            data[first + 12] = 1
            break
    else:
        sys.exit(1)
if what != "flip":
    # the checksum as intercept/plan_cache.c computes it
    M = 0xffffffffffffffff
    P = 0x9e3779b97f4a7c15
    struct.pack_into("<Q", data, 32, 0)
    lane = [0x243f6a8885a308d3, 0x13198a2e03707344,
            0xa4093822299f31d0, 0x082efa98ec4e6c89]
    h, i = len(data), 0
    while i + 8 <= len(data):
        k = (i // 8) % 4
        lane[k] = ((lane[k] ^ struct.unpack_from("<Q", data, i)[0]) * P) & M
        lane[k] ^= lane[k] >> 29
        i += 8
    for b in data[i:]:
        h = ((h ^ b) * P) & M
    for v in lane:
        h = ((h ^ v) * P) & M
        h ^= h >> 32
    struct.pack_into("<Q", data, 32, h)
open(path, "wb").write(data)
PY
}

# Damage: the two files with plans edited, a third cut short.
rm -f "$dir"/*.text
set -- $(plans | head -3 | sed "s|^|$dir/|")
edit_plans "$1" rip
edit_plans "$2" syscall
head -c 20 "$3" >cut && mv cut "$3"
run third
expect_same "ls output, damaged cache" want.out third.out
[ "$(cached third)" = $((objects - 3)) ] ||
	fail "damaged files used: $(cached third) objects from the cache"
run fourth
[ "$(cached fourth)" = "$objects" ] ||
	fail "damaged files not replaced: $(cached fourth) from the cache"
# a byte changed: the checksum no longer matches
rm -f "$dir"/*.text
edit_plans "$1" flip
run flipped
expect_same "ls output, a byte changed" want.out flipped.out
[ "$(cached flipped)" = $((objects - 1)) ] ||
	fail "a changed file used: $(cached flipped) objects from the cache"
run again
[ "$(cached again)" = "$objects" ] ||
	fail "a changed file not replaced: $(cached again) from the cache"

# A file of another build of the interceptor is not used; the files of
# the three other builds that wrote last are kept beside this build's
# (programs carrying different copies of the library do not remove each
# other's at every start), older ones are removed, and so are temporary
# copies of this build's left by a writer that died.
rm -f "$dir"/*.text
f=$(plans | head -1)
id=${f%.*}
mv "$dir/$f" "$dir/$id.0000000000000000"
for s in 1111111111111111 2222222222222222 3333333333333333; do
	cp "$dir/$id.0000000000000000" "$dir/$id.$s"
	cp "$dir/$id.0000000000000000" "$dir/$id.$s.text"
done
touch -d '-1 hour' "$dir/$id.0000000000000000"
touch -d '-2 hours' "$dir/$id.1111111111111111"*
cp "$dir/$id.0000000000000000" "$dir/$f.4242"
touch -d '-1 hour' "$dir/$f.4242"
cp "$dir/$id.0000000000000000" "$dir/$f.4343"
run stale
[ "$(cached stale)" = $((objects - 1)) ] ||
	fail "another build's file used: $(cached stale) from the cache"
[ -e "$dir/$f" ] || fail "no new file for the object of $f"
for kept in 0000000000000000 2222222222222222 2222222222222222.text \
	3333333333333333 3333333333333333.text "${f#$id.}.4343"; do
	[ -e "$dir/$id.$kept" ] || fail "$id.$kept removed"
done
for gone in 1111111111111111 1111111111111111.text "${f#$id.}.4242"; do
	[ -e "$dir/$id.$gone" ] && fail "$id.$gone kept"
done
rm -f "$dir/$f.4343"

rm -rf "$dir"
INTERCEPT_NO_CACHE=1 run fifth
[ -e "$dir" ] && fail "INTERCEPT_NO_CACHE=1 wrote a cache"
[ "$(cached fifth)" = 0 ] || fail "INTERCEPT_NO_CACHE=1 read a cache"
expect_same "ls output, no cache" want.out fifth.out
echo "plans cached per object, reused, damaged files ignored and replaced"
exit 0

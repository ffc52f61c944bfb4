#!/bin/sh
# Text images: the first process writes, beside the plans of each object
# patched at start-up, its patched text and trampolines (<plan file>.text,
# mode 0600); the next ones map them over the object's text, with the same
# patching and the same results. An image is refused, the object patched
# from its plans and the image written again, when the object's file is
# not the one it was made from (here a copy of libc, touched), when its
# tables do not match their checksum, when it is cut short, when others
# may read or write it, when another user owns it; a folder others may use is neither read nor
# written. Where the place of its trampolines is taken, the object is
# patched from its plans and the image left as it is.
. "$TEST_TOP/tests/intercept/lib.sh"
export XDG_CACHE_HOME=$PWD/cache
dir=$XDG_CACHE_HOME/libsyscall_intercept

# A copy of libc the test may touch; the loader takes it for every object.
mkdir lib
cp /lib/x86_64-linux-gnu/libc.so.6 lib/ 2>/dev/null ||
	skip "no /lib/x86_64-linux-gnu/libc.so.6 to copy"
id=$(readelf -n lib/libc.so.6 | sed -n 's/.*Build ID: *//p')
[ -n "$id" ] || skip "libc has no build-id"
mkdir -p d/e
touch d/a d/e/b
ls -lR d >want.out 2>&1

# run NAME: cat of its own mappings under the hook, the process that
# decides about the images (NAME.maps, NAME.log), then ls, after it
run() {
	LD_LIBRARY_PATH=$PWD/lib INTERCEPT_LOG=$PWD/$1.log LD_PRELOAD=$HOOK \
		TEST_HOOK_OUT=$PWD/hook.out cat /proc/self/maps >"$1.maps" ||
		fail "cat under the library failed ($1)"
	grep -q "^intercept: libc.so.6 patched at start: " "$1.log" ||
		fail "$1: libc not patched"
	LD_LIBRARY_PATH=$PWD/lib LD_PRELOAD=$HOOK TEST_HOOK_OUT=$PWD/hook.out \
		ls -lR d >"$1.out" 2>&1 || fail "ls under the library ($1)"
	expect_same "ls output ($1)" want.out "$1.out"
}
# images NAME: the images mapped by cat in run NAME
images() {
	awk '$6 ~ /\.text$/ { print $6 }' "$1.maps" | sort -u
}
# libc_mapped NAME: whether cat's libc came from its image
libc_mapped() {
	images "$1" | grep -q "/$id\.[0-9a-f]*\.text$"
}
# patching NAME: what the log says of the patching, without the cache count
patching() {
	{
		grep ' patched at start: ' "$1.log"
		sed -n 's/^intercept: \(.*objects.*\); .*/\1/p' "$1.log"
		grep 'not patched' "$1.log" | sort
	} | sort -u
}

run first
images first | grep -q . && fail "the first run mapped an image"
set -- "$dir"/*.text
[ $# = 2 ] || fail "$# images made, want 2 (libc, the loader): $*"
img=$(ls "$dir"/"$id".*.text) || fail "no image of libc ($id)"
[ "$(stat -c %a "$img")" = 600 ] || fail "image mode $(stat -c %a "$img")"
patching first >first.patching

run second
[ "$(images second | wc -l)" = 2 ] ||
	fail "second run: images mapped: $(images second)"
libc_mapped second || fail "second run: libc not from its image"
patching second >second.patching
expect_same "patching from the image" first.patching second.patching
grep -q '; 2 objects planned from the cache' second.log ||
	fail "second run: $(grep objects second.log)"

# refused WHY NAME: run NAME must not map libc's image, the next one must
refused() {
	run "$2"
	libc_mapped "$2" && fail "$1: the image was used"
	patching "$2" >"$2.patching"
	expect_same "patching after $1" first.patching "$2.patching"
	[ "$(stat -c %a "$img")" = 600 ] || fail "$1: image not rewritten"
	run "$2.again"
	libc_mapped "$2.again" || fail "$1: the image was not made again"
}

# the object's file changed (its modification time)
touch -d '2001-01-01' lib/libc.so.6
refused "libc touched" stale

# a byte of the tables changed: the checksum no longer matches
printf '\377' | dd of="$img" bs=1 seek=200 conv=notrunc 2>/dev/null
refused "a table byte changed" tampered

# cut short by a page: mapping it would fault
size=$(stat -c %s "$img")
truncate -s $((size - 4096)) "$img"
refused "cut short" short

# readable by others
chmod 644 "$img"
refused "mode 644" open

# another user's (the owner is the effective user the process started as)
if [ "$(id -u)" = 0 ]; then
	chown 65534 "$img"
	refused "owned by another user" foreign
fi

# a folder others may write: neither used nor written
chmod 775 "$dir"
before=$(stat -c %Y.%i "$img")
run shared
libc_mapped shared && fail "an image used from a folder of mode 775"
[ "$(stat -c %Y.%i "$img")" = "$before" ] ||
	fail "an image written in a folder of mode 775"
chmod 700 "$dir"
run private
libc_mapped private || fail "folder 700 again: the image not used"

# the place of libc's trampolines taken (area_blocker.so, preloaded after
# the archive's copy of the interceptor, maps a page there first): libc is
# patched from its plans, the loader still from its image, and the image
# is not written again
before=$(stat -c %Y.%i "$img")
blocked="$TB/hook_archive.so:$TB/area_blocker.so"
LD_LIBRARY_PATH=$PWD/lib INTERCEPT_LOG=$PWD/blocked.log LD_PRELOAD=$blocked \
	TEST_HOOK_OUT=$PWD/hook.out cat /proc/self/maps >blocked.maps ||
	fail "cat with the place of the trampolines taken"
libc_mapped blocked && fail "libc's image used with its trampolines' place taken"
[ "$(images blocked | wc -l)" = 1 ] ||
	fail "place taken: images mapped: $(images blocked)"
patching blocked >blocked.patching
expect_same "patching with the place taken" first.patching blocked.patching
[ "$(stat -c %Y.%i "$img")" = "$before" ] ||
	fail "an image written again although its place was taken"
LD_LIBRARY_PATH=$PWD/lib LD_PRELOAD=$blocked TEST_HOOK_OUT=$PWD/hook.out \
	ls -lR d >blocked.out 2>&1 || fail "ls with the place taken"
expect_same "ls output with the place taken" want.out blocked.out

# none with INTERCEPT_NO_CACHE=1
INTERCEPT_NO_CACHE=1 run nocache
images nocache | grep -q . && fail "INTERCEPT_NO_CACHE=1 mapped an image"
echo "images made, mapped, refused when stale, changed, cut or shared," \
	"passed by when their place is taken"
exit 0

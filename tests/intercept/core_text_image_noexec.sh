#!/bin/sh
# A plan cache on a file system mounted noexec: the text images cannot be
# mapped executable. The first process writes them (it cannot know), the
# next ones patch from the plans, with the same patching, and leave the
# images as they are instead of writing them again at every start.
# Needs a mount namespace of its own (root): skipped without one.
. "$TEST_TOP/tests/intercept/lib.sh"
unshare -m sh -c 'mount -t tmpfs -o noexec tmpfs "$0"' "$PWD" 2>/dev/null ||
	skip "no mount namespace to mount a noexec file system in"

mkdir cache
unshare -m sh -s "$HOOK" <<'INNER' >inner.out 2>&1
set -u
hook=$1
mount -t tmpfs -o noexec,size=32m tmpfs "$PWD/cache" || exit 2
export XDG_CACHE_HOME=$PWD/cache
dir=$XDG_CACHE_HOME/libsyscall_intercept
run() {
	INTERCEPT_LOG=$PWD/$1.log LD_PRELOAD=$hook TEST_HOOK_OUT=$PWD/hook.out \
		cat /proc/self/maps >"$1.maps" || { echo "cat failed ($1)"; exit 1; }
	grep ' patched at start: ' "$1.log" | sort >"$1.patching"
}
run first
ls "$dir"/*.text >/dev/null 2>&1 || { echo "no image written"; exit 1; }
stat -c '%n %Y %i' "$dir"/*.text >images.before
run second
grep -q '\.text$' second.maps && { echo "an image mapped from noexec"; exit 1; }
cmp -s first.patching second.patching ||
	{ echo "patching differs"; diff first.patching second.patching; exit 1; }
[ -s second.patching ] || { echo "nothing patched"; exit 1; }
stat -c '%n %Y %i' "$dir"/*.text >images.after
cmp -s images.before images.after ||
	{ echo "images written again"; cat images.before images.after; exit 1; }
exit 0
INNER
status=$?
[ $status = 0 ] || fail "$(cat inner.out) (status $status)"
echo "images on a noexec file system: not mapped, not written again"
exit 0

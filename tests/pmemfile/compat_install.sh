#!/bin/sh
# make install-pmemfile puts libpmemfile-posix-stubs.h beside
# libpmemfile-posix.h, as the discontinued library did, and a program
# written for that library (the old macro names, pmemfile_mmap,
# pmemfile_pool_suspend) builds with -Werror against the installed headers
# and links; make uninstall-pmemfile takes both headers away.
set -u
dest=$TMPDIR/dest
inc=$dest/usr/local/include
fail() {
	echo "FAIL: $*"
	exit 1
}
mk() {
	make -s -C "$TEST_TOP" B="$TEST_BUILD" DESTDIR="$dest" \
		-o "$TEST_BUILD/lib/libpmemfile-posix.so.0" \
		-o "$TEST_BUILD/lib/libpmemfile-posix.so" \
		-o "$TEST_BUILD/lib/libpmemfile-posix.a" \
		-o "$TEST_BUILD/lib/pkgconfig/libpmemfile-posix.pc" "$@"
}

mk install-pmemfile >install.log 2>&1 ||
	{ cat install.log; fail "make install-pmemfile"; }
for h in libpmemfile-posix.h libpmemfile-posix-stubs.h; do
	cmp -s "$inc/$h" "$TEST_TOP/include/$h" || fail "$h is not installed"
done

cat >old.c <<'PROG'
#define _GNU_SOURCE
#include <stddef.h>
#include <libpmemfile-posix.h>

int main(void)
{
	PMEMfilepool *pfp = NULL;
	int flags = PMEMFILE_FALLOC_FL_KEEP_SIZE | PMEMFILE_FALLOC_FL_PUNCH_HOLE;
	long now = PMEMFILE_UTIME_NOW + PMEMFILE_UTIME_OMIT;
	void *p = pmemfile_mmap(pfp, NULL, 4096, 0, 0, NULL, 0);

	if (pfp != NULL && pmemfile_pool_suspend(pfp) == 0)
		pmemfile_pool_resume(pfp, "pool");
	return p == PMEMFILE_MAP_FAILED && flags == 3 && now > 0 &&
	       PMEMFILE_ST_RDONLY == 1 ? 0 : 1;
}
PROG
cc -Wall -Wextra -Werror -I"$inc" -o old old.c \
	"$TEST_BUILD/lib/libpmemfile-posix.a" \
	$(pkg-config --libs libpmemobj libpmem) -lpthread ||
	fail "a program of the old API does not build"
./old || fail "the program of the old API exited with $?"
printf '#include <libpmemfile-posix-stubs.h>\n' >alone.c
cc -I"$inc" -c alone.c 2>err.txt && fail "the stubs header builds alone"
grep -q 'include <libpmemfile-posix.h>' err.txt ||
	{ cat err.txt; fail "the stubs header alone: no message naming the header"; }

mk uninstall-pmemfile >uninstall.log 2>&1 ||
	{ cat uninstall.log; fail "make uninstall-pmemfile"; }
left=$(find "$dest" -type f)
[ -z "$left" ] || fail "left after uninstall: $left"
echo "both headers installed; the old API builds against them"

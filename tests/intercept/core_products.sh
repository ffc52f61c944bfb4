#!/bin/sh
# The build products of libsyscall_intercept: the shared library exports
# exactly the public names and has its soname; no object asks for an
# executable stack; the archive is one position-independent object whose
# only global names are the public ones, with no table of pointers the
# loader must relocate; the pkg-config file names capstone
# for static links; make install puts everything under DESTDIR with PREFIX,
# LIBDIR, INCLUDEDIR and MANDIR honoured, and make uninstall takes it away.
. "$TEST_TOP/tests/intercept/lib.sh"
A=$TEST_BUILD/lib/libsyscall_intercept.a
PC=$TEST_BUILD/lib/pkgconfig/libsyscall_intercept.pc

cat >want <<'NAMES'
intercept_hook_point
intercept_hook_point_clone_child
intercept_hook_point_clone_child_args
intercept_hook_point_clone_parent
intercept_hook_point_clone_parent_args
intercept_hook_point_post
syscall_hook_in_process_allowed
syscall_no_intercept
NAMES

nm -D --defined-only "$LIB" | awk '{ print $3 }' | sort >got
expect_same "names exported by the shared library" want got
readelf -dW "$LIB" | grep -q 'SONAME.*\[libsyscall_intercept\.so\.0\]' ||
	fail "no soname libsyscall_intercept.so.0"
[ "$(readlink "$TEST_BUILD/lib/libsyscall_intercept.so")" = \
	libsyscall_intercept.so.0 ] || fail "libsyscall_intercept.so link"
readelf -lW "$LIB" | grep GNU_STACK | grep -q RWE &&
	fail "the shared library asks for an executable stack"

[ "$(ar t "$A" | wc -l)" = 1 ] || fail "the archive holds more than one object"
nm -g --defined-only "$A" | awk 'NF == 3 { print $3 }' | sort >got
expect_same "global names of the archive" want got
# (debug sections hold 32-bit offsets into other debug sections: skipped)
readelf -rW "$A" | awk '/^Relocation section/ { sec = $3 }
	/ R_X86_64_32S? / && sec !~ /debug/ { print sec }' | grep -q . &&
	fail "the archive is not position-independent"
readelf -SW "$A" | grep -q 'note.GNU-stack' ||
	fail "the archive's object has no .note.GNU-stack"
# A table of pointers (.data.rel.ro) is written by the loader at every
# start of every process, a page of the library for each: the log's names
# are kept as characters instead.
readelf -SW "$A" | grep -q '\.data\.rel\.ro' &&
	fail "the archive has tables of pointers the loader relocates"

grep -q '^Requires.private:.*capstone' "$PC" ||
	fail "capstone not in Requires.private"
PKG_CONFIG_PATH=$TEST_BUILD/lib/pkgconfig pkg-config --static --libs \
	libsyscall_intercept | grep -q -- -lcapstone ||
	fail "pkg-config --static --libs does not give -lcapstone"

dest=$PWD/dest
make -s -C "$TEST_TOP" B="$TEST_BUILD" DESTDIR="$dest" PREFIX=/opt/si \
	LIBDIR=/opt/si/lib64 INCLUDEDIR=/opt/si/inc MANDIR=/opt/si/man \
	install-intercept install-doc >make.out 2>&1 ||
	{ cat make.out; fail "make install failed"; }
for f in lib64/libsyscall_intercept.so.0 lib64/libsyscall_intercept.so \
	lib64/libsyscall_intercept.a lib64/pkgconfig/libsyscall_intercept.pc \
	inc/libsyscall_intercept_hook_point.h \
	man/man3/libsyscall_intercept.3; do
	[ -e "$dest/opt/si/$f" ] || fail "make install did not install $f"
done
grep -q '^libdir=/opt/si/lib64$' \
	"$dest/opt/si/lib64/pkgconfig/libsyscall_intercept.pc" ||
	fail "the installed .pc does not name LIBDIR"
make -s -C "$TEST_TOP" B="$TEST_BUILD" DESTDIR="$dest" PREFIX=/opt/si \
	LIBDIR=/opt/si/lib64 INCLUDEDIR=/opt/si/inc MANDIR=/opt/si/man \
	uninstall-intercept uninstall-doc >make.out 2>&1 ||
	{ cat make.out; fail "make uninstall failed"; }
left=$(find "$dest" -type f -o -type l | grep -i syscall_intercept)
[ -z "$left" ] || fail "make uninstall left $left"
echo "exports, archive, pkg-config file, install and uninstall as expected"
exit 0

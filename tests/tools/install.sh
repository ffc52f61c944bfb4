#!/bin/sh
# make install puts the tools in BINDIR and every man page of doc/ in its
# MANDIR/manN; make uninstall removes exactly those. Run with DESTDIR, and
# with the tools marked up to date so that nothing in the build is remade.
. "$TEST_TOP/tests/tools/lib.sh"
dest=$TMPDIR/dest
mk() {
	make -s -C "$TEST_TOP" B="$TEST_BUILD" DESTDIR="$dest" \
		-o "$TEST_BUILD/bin/pmemfile" -o "$TEST_BUILD/bin/mkfs.pmemfile" "$@"
}

mk install-tools install-doc >install.log 2>&1 ||
	{ cat install.log; echo "FAIL: make install-tools install-doc"; exit 1; }
bindir=$dest/usr/local/bin
mandir=$dest/usr/local/share/man
for t in pmemfile mkfs.pmemfile; do
	expect "mode of installed $t" "$(stat -c %a "$bindir/$t" 2>&1)" 755
	cmp -s "$bindir/$t" "$TEST_BUILD/bin/$t" ||
		{ echo "FAIL: installed $t differs from the built one"; failed=1; }
done
expect_run 0 "pmemfile 1.0.0" "" "$bindir/pmemfile" --version
pages=0
for page in "$TEST_TOP"/doc/*.[1-9]; do
	name=${page##*/}
	installed=$mandir/man${name##*.}/$name
	pages=$((pages + 1))
	cmp -s "$page" "$installed" ||
		{ echo "FAIL: doc/$name not installed as $installed"; failed=1; }
	expect "mode of $installed" "$(stat -c %a "$installed" 2>&1)" 644
done
[ -f "$mandir/man1/pmemfile.1" ] && [ -f "$mandir/man1/mkfs.pmemfile.1" ] ||
	{ echo "FAIL: the tools' man pages are not installed"; failed=1; }

mk uninstall-tools uninstall-doc >uninstall.log 2>&1 ||
	{ cat uninstall.log; echo "FAIL: make uninstall-tools uninstall-doc"; exit 1; }
left=$(find "$dest" -type f)
expect "files left after uninstall" "$left" ""
echo "$pages man pages"
finish

#!/bin/sh
# find on a mount: -newer, -perm, -name, -type and the other predicates that
# read metadata (-size, -empty, -links, -mtime, -samefile, -maxdepth, -path,
# -printf) select the same entries as on a kernel directory, and -delete
# removes the same ones.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 64

# The tree is made through the programs under test (mkdir, touch, chmod, ln,
# dd), so that its times and modes are the same in both runs.
workload()
{
	for d in src src/lib src/lib/old doc tmp bin empty; do
		$R mkdir -p "$D/$d"
	done
	for f in src/main.c src/util.c src/util.h src/lib/a.c src/lib/old/b.c \
		doc/README doc/guide.TXT bin/tool bin/script.sh tmp/x.tmp \
		tmp/y.tmp tmp/keep; do
		$R dd if=/dev/zero of="$D/$f" bs=1 count=${#f} status=none
	done
	$R dd if=/dev/zero of="$D/src/big.c" bs=1K count=40 status=none
	$R touch "$D/zero-length"
	$R ln -s main.c "$D/src/main-link.c"
	$R ln -s ../doc "$D/src/doc-link"
	$R ln "$D/src/util.c" "$D/src/util-hard.c"
	$R chmod 755 "$D/bin/tool" "$D/bin/script.sh"
	$R chmod 4711 "$D/bin/tool"
	$R chmod 666 "$D/tmp/keep"
	$R chmod 640 "$D/doc/README"
	$R chmod 700 "$D/src/lib/old"
	$R touch -h -d '2000-01-01 00:00:00' \
		"$D/src/main.c" "$D/src/lib/old/b.c" "$D/doc/README" \
		"$D/bin/tool" "$D/tmp/x.tmp" "$D/src/main-link.c"
	$R touch -d '2010-01-01 00:00:00' "$D/ref"
	$R touch -d '2020-01-01 00:00:00' "$D/src/util.c" "$D/doc/guide.TXT" \
		"$D/tmp/y.tmp" "$D/bin/script.sh"

	# find prints in directory order, which is the file system's own.
	f() {
		$R find "$@" >"$WORK/find.tmp" 2>&1
		rc=$?
		sort "$WORK/find.tmp"
		echo "[exit $rc] find $*"
	}
	f "$D"
	f "$D" -newer "$D/ref"
	f "$D" -type f -newer "$D/ref" -name '*.c'
	f "$D" ! -newer "$D/ref" -type f
	f "$D" -name '*.c'
	f "$D" -iname '*.txt'
	f "$D" -name '*.c' -type l
	f "$D" -type d
	f "$D" -type l
	f "$D" -xtype d
	f "$D" -type f -perm 644
	f "$D" -perm -u+x -type f
	# The roots' own modes differ (the pool's root is its mkfs's choice).
	f "$D" -mindepth 1 -perm /o+w
	f "$D" -perm -4000
	f "$D" -type f -perm /g+r ! -perm -o+r
	f "$D" -size +10k
	f "$D" -size -2c -type f
	f "$D" -empty
	f "$D" -links 2 -type f
	f "$D" -samefile "$D/src/util.c"
	f "$D" -mtime +3650
	f "$D" -maxdepth 1 -type d
	f "$D" -mindepth 3
	f "$D" -path '*/lib/*' -prune -o -name '*.c' -print
	f "$D" -type f -printf '%P %s %m %n %TY-%Tm-%Td\n'
	f -L "$D" -type d -name doc
	f "$D/nonexistent" -name x
	f "$D/tmp" -name '*.tmp' -delete
	f "$D/tmp"
	f "$D" -depth -name empty -type d -delete
	f "$D" -type d
}

prog_both find workload

#!/bin/sh
# pmemfile cp: trees copied into a pool, out of it and within it, compared
# with what cp -a and cp -r make of the same tree on a kernel directory:
# types, modes, owners, times, sizes, bytes, link targets and hard links.
. "$TEST_TOP/tests/tools/lib.sh"
new_pool p.pool
umask 022

# A tree with a bit of everything.
mkdir -p src/sub/deep src/empty src/setgid src/locked "src/with space"
head -c 1048579 /dev/urandom >src/big
printf 'text\n' >src/sub/file
: >src/sub/deep/empty
printf '#!/bin/sh\n' >src/sub/run
chmod 755 src/sub/run
printf 'ro\n' >"src/with space/ro"
chmod 444 "src/with space/ro"
ln -s file src/sub/rel
ln -s /etc/passwd src/abs
ln -s nowhere src/dangling
ln src/sub/file src/hard
mkfifo -m 640 src/sub/fifo
nodes=1
if [ "$(id -u)" -eq 0 ]; then
	mknod -m 600 src/null c 1 3
	nodes=2
fi
chmod 2750 src/setgid
chmod 4755 src/sub/run
chmod 500 src/locked
chmod 700 src/sub/deep
if [ "$(id -u)" -eq 0 ]; then
	chown 1234:5678 src/sub/file
	chown -h 42:43 src/sub/rel
	chown 7:8 src/setgid
fi
touch -h -d '2001-02-03 04:05:06.123456789' src/sub/rel src/abs
touch -d '2002-03-04 05:06:07.5' src/big src/sub/file src/sub/deep/empty
touch -d '1999-12-31 23:59:59' src/sub/deep src/sub src/empty src/setgid \
	src/locked "src/with space" src

# dump DIR: one line a file, every attribute cp -a keeps (atime is changed
# by the reading itself; a directory's size is its file system's own).
dump() {
	(cd "$1" && find . -printf '%p %y %m %U %G %n %T@ %l\n' | sort &&
		find . -type f -printf '%p %s\n' | sort &&
		find . -type f -exec md5sum {} + | sort &&
		find . -type c -exec stat -c '%n %t:%T' {} + | sort)
}
# dump_r DIR: what cp -r keeps (no owners, times, hard links).
dump_r() {
	(cd "$1" && find . -printf '%p %y %m %l\n' | sort &&
		find . -type f -exec md5sum {} + | sort)
}

cp -a src ref
# The reference has all of it: 16 names and the nodes, 6 files with their
# bytes, the device's numbers.
expect "lines of the reference dump" "$(dump ref | wc -l)" \
	$((28 + 2 * nodes - 1))
# Kernel -> pool -> kernel.
expect_run 0 "" "" "$PF" cp -a p.pool src :/
expect_run 0 "" "" "$PF" cp -a p.pool :/src out
expect "cp -a in and out, against cp -a" "$(dump out)" "$(dump ref)"
# Within the pool, then out.
expect_run 0 "" "" "$PF" cp -a p.pool :/src :/copy
expect_run 0 "" "" "$PF" cp -a p.pool :/copy out2
expect "cp -a within the pool, against cp -a" "$(dump out2)" "$(dump ref)"
# No temporary name is left anywhere.
expect "names in the pool" "$("$PF" ls -a p.pool /src/sub)" \
	"$(ls -a src/sub | LC_ALL=C sort)"
expect_run 0 "p.pool: consistent" "" "$PF" check p.pool

# -r: modes less the umask, no set-ID bits, the caller's files.
cp -r src ref_r
expect_run 0 "" "" "$PF" cp -r p.pool src :/r
expect_run 0 "" "" "$PF" cp -r p.pool :/r out_r
expect "cp -r in and out, against cp -r" "$(dump_r out_r)" "$(dump_r ref_r)"
expect "cp -r: owner" "$(stat -c '%u:%g' out_r/sub/file)" "$(id -u):$(id -g)"
expect "cp -r: hard links not kept" "$(stat -c %h out_r/hard)" 1

# Into an existing directory, under the source's name; several sources.
mkdir k1 k2
cp src/big src/sub/file k1/
cp -r src/sub k1/
expect_run 0 "" "" "$PF" mkdir p.pool /into
expect_run 0 "" "" "$PF" cp p.pool src/big src/sub/file :/into
expect_run 0 "" "" "$PF" cp -r p.pool src/sub :/into/
expect_run 0 "" "" "$PF" cp -r p.pool :/into/big :/into/file :/into/sub k2
expect "several sources into directories" "$(dump_r k2)" "$(dump_r k1)"
# A file over a file: replaced.
expect_run 0 "" "" "$PF" cp p.pool src/sub/file :/into/big
expect_run 0 "text" "" "$PF" cat p.pool /into/big

# Errors, each as cp says it.
run cp src kdst
expect_run 1 "" "pmemfile cp: -r not specified; omitting directory 'src'" \
	"$PF" cp p.pool src :/x
expect "status of cp of a directory without -r" "$rc" 1
expect_run 1 "" "pmemfile cp: cannot stat 'nope': No such file or directory" \
	"$PF" cp p.pool nope :/x
expect_run 1 "" "pmemfile cp: target '/into/big' is not a directory" \
	"$PF" cp p.pool src/big src/abs :/into/big
expect_run 1 "" "pmemfile cp: cannot copy the directory '/src' into itself, '/src/sub/src'" \
	"$PF" cp -r p.pool :/src :/src/sub
expect_run 1 "" "pmemfile cp: cannot copy the directory '/src' into itself, '/src/new'" \
	"$PF" cp -r p.pool :/src :/src/new
expect_run 2 "" "pmemfile cp: no path in the pool (a pool path starts with ':')
usage: pmemfile cp [-r] [-a] POOL SOURCE... DEST
Try 'pmemfile cp --help' for more information." "$PF" cp p.pool src dst
expect_run 2 "" "pmemfile cp: the sources must be all in the pool (':') or all outside it
usage: pmemfile cp [-r] [-a] POOL SOURCE... DEST
Try 'pmemfile cp --help' for more information." "$PF" cp p.pool src :/src k

# A copy into a full pool fails on the file that does not fit, and leaves
# no part of it.
new_pool full.pool
mkdir fill
head -c 20971520 /dev/urandom >fill/twenty
printf 'small\n' >fill/a
run "$PF" cp -r full.pool fill :/
expect "status of cp into a full pool" "$rc" 1
expect "message of cp into a full pool" "$err" \
	"pmemfile cp: /fill/twenty: No space left on device"
expect_run 0 "a" "" "$PF" ls full.pool /fill
expect_run 0 "small" "" "$PF" cat full.pool /fill/a
expect "check after a failed cp" "$("$PF" check full.pool | tail -n 1)" \
	"full.pool: consistent"
finish

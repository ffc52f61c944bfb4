#!/bin/sh
# tar on a mount: a source tree (with symlinks, hard links, an empty
# directory, modes, a sparse file, a name longer than 100 bytes, fixed
# times) archived into the mount, extracted in the mount, archived again out
# of the mount: the listings, the extracted tree and the archives made from
# it are those of a kernel directory, and so is a copy made by tar c | tar
# x within the mount. prog_tar_gzip.sh adds gzip.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 256

S=$WORK/src
mkdir -p "$S"
cp -r "$TEST_TOP/include" "$TEST_TOP/utils" "$S/"
long=$(printf 'a%.0s' $(seq 1 60))
mkdir -p "$S/deep/$long/$long" "$S/empty" "$S/private"
echo "deep file" >"$S/deep/$long/$long/name-$long.txt"
head -c 3000000 /dev/urandom >"$S/big.bin"
truncate -s 5M "$S/sparse"
printf 'tail' >>"$S/sparse"
ln -s include/libpmemfile-posix.h "$S/link-to-header"
ln -s /nonexistent/target "$S/dangling"
ln "$S/big.bin" "$S/big.hard"
echo secret >"$S/private/key"
chmod 600 "$S/private/key"
chmod 700 "$S/private"
chmod 755 "$S/utils/run-tests.sh"
find "$S" -exec touch -h -d '2015-06-07 08:09:10.5' {} +

workload()
{
	x tar -C "$S" -cf "$D/src.tar" .
	x tar -tvf "$D/src.tar" --numeric-owner | sort -k6
	x mkdir "$D/x"
	x tar -C "$D/x" -xpf "$D/src.tar"
	x "$TREEDUMP" "$D/x" -m
	x tar -C "$D/x" --sort=name --numeric-owner -cf "$O/back.tar" .
	x md5sum "$O/back.tar"
	x tar -C "$D/x" --sort=name --numeric-owner -cf "$D/back.tar" .
	x cmp "$D/back.tar" "$O/back.tar"
	x tar -C "$D/x" --sort=name -cSf "$D/sparse.tar" sparse big.bin
	x tar -tvf "$D/sparse.tar" --numeric-owner
	x mkdir "$D/y"
	x tar -C "$D/y" -xSf "$D/sparse.tar"
	x cmp "$D/y/sparse" "$S/sparse"
	x tar -C "$D/x" -xf "$D/src.tar" ./include/libpmemfile-posix.h
	x tar -C "$D/x" --diff -f "$D/src.tar"
	x mkdir "$O/ex"
	x tar -C "$O/ex" -xf "$D/back.tar"
	# a pipeline within the mount: the second tar is a client whose
	# fchown, fchmod and futimens (as root) are posted (multi_posted)
	x mkdir "$D/z"
	x sh -c 'tar -C "$1/x" -cf - . | tar -C "$1/z" -xpf -' sh "$D"
	x "$TREEDUMP" "$D/z" -m
}

prog_both tar workload

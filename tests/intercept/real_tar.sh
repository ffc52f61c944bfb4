#!/bin/sh
# tar creates, lists and extracts an archive (plain and through gzip) the
# same with and without interception.
. "$TEST_TOP/tests/intercept/lib.sh"

setup() {
	mkdir -p src/sub
	seq 1 20000 >src/numbers
	head -c 100000 /dev/zero >src/sub/zeros
	echo small >src/sub/small
	ln -s numbers src/link
	touch -h -d 2020-01-01 src src/* src/sub/*
}
run_compared 200 setup '
tar --sort=name -cf a.tar src && tar -tvf a.tar
tar --sort=name -czf a.tgz src && tar -tzf a.tgz
mkdir x && tar -xf a.tar -C x && diff -r src x/src && echo same
cmp a.tar a.tar && md5sum a.tar'

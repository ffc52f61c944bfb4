#!/bin/sh
# ls lists a tree the same with and without interception.
. "$TEST_TOP/tests/intercept/lib.sh"

setup() {
	mkdir -p a/b/c empty
	for i in 1 2 3 4 5 6 7 8 9 10; do
		head -c $((i * 100)) /dev/zero >a/f$i
	done
	echo x >a/b/c/deep
	ln -s f1 a/link
	chmod 600 a/f2
}
run_compared 100 setup '
ls -la --time-style=+ a | sed "s/ [0-9][0-9]* [a-z0-9]* *[a-z0-9]* / /"
ls -R .
ls -d a/*
ls missing
ls -s --block-size=1 a'

#!/bin/sh
# gcc (its driver, cc1, as, collect2, ld) compiles a program, which then
# runs, the same with and without interception.
. "$TEST_TOP/tests/intercept/lib.sh"
command -v gcc >/dev/null || skip "no gcc"

setup() {
	cat >hello.c <<'C'
#include <stdio.h>
int main(void)
{
	printf("hello, world %d\n", 6 * 7);
	return 3;
}
C
}
run_compared 1000 setup '
gcc -O2 -o hello hello.c && ./hello
gcc -Wall -Werror -c -o bad.o -x c - <<C 2>err
int f(void) { int unused; return 0; }
C
echo "gcc status $?"
sed "s/^<stdin>:/S:/" err'

#!/bin/sh
# make -j2 in a mount: a small C project (three sources, a header, a
# Makefile, a test script) built in parallel in the mount, rebuilt after a
# header changes, its test script (read from the mount, with its data in
# the mount) run, then cleaned: make's output, the objects and the program
# are those of a kernel directory. The program runs from the mount too
# (./prog, and make check running it), as from the kernel directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v make >/dev/null || prog_skip "make is not installed"
command -v gcc >/dev/null || prog_skip "gcc is not installed"
prog_init 128

S=$WORK/src
mkdir -p "$S"
cat >"$S/Makefile" <<'MK'
CFLAGS = -O2 -Wall
OBJS = main.o words.o sum.o

all: prog

prog: $(OBJS)
	gcc -o $@ $(OBJS)

%.o: %.c proj.h
	gcc $(CFLAGS) -c -o $@ $<

check: prog
	sh ./test.sh $(PROG)

clean:
	rm -f prog $(OBJS)

.PHONY: all check clean
MK
cat >"$S/proj.h" <<'H'
#define SCALE 3
int words(const char *line);
long sum(long n);
H
cat >"$S/main.c" <<'C'
#include <stdio.h>
#include "proj.h"

int main(void)
{
	char line[256];
	int n = 0;
	while (fgets(line, sizeof(line), stdin))
		n += words(line);
	printf("words %d sum %ld\n", n, sum(n));
	return 0;
}
C
cat >"$S/words.c" <<'C'
#include <ctype.h>
#include "proj.h"

int words(const char *s)
{
	int n = 0, in = 0;
	for (; *s; s++) {
		if (isspace((unsigned char)*s))
			in = 0;
		else if (!in && ++n)
			in = 1;
	}
	return n;
}
C
cat >"$S/sum.c" <<'C'
#include "proj.h"

long sum(long n)
{
	long s = 0;
	for (long i = 1; i <= n; i++)
		s += i * SCALE;
	return s;
}
C
cat >"$S/test.sh" <<'T'
prog=${1:-./prog}
printf 'one two three\nfour  five\n\n six\n' >input
"$prog" <input >got || exit 1
cat got
[ "$(cat got)" = "$(cat expected)" ] && echo "test passed" || echo "test FAILED"
T
echo "words 6 sum 63" >"$S/expected"

workload()
{
	$R cp -r "$S" "$D/p"
	# the commands of the two jobs start in one order; their ends may not
	x sh -c "make -C '$D/p' -j2 2>&1 | sort"
	x sh -c "cd '$D/p' && md5sum main.o words.o sum.o prog"
	x make -C "$D/p" -j2
	# times in the past, one after the other: no clock skew to report
	x sh -c "cd '$D/p' && touch -d 2001-01-01 *.o prog"
	x touch -d 2002-01-01 "$D/p/proj.h"
	x sh -c "make -C '$D/p' -j2 2>&1 | sort"
	x make -C "$D/p" -s check
	x sh -c "cd '$D/p' && ./prog <input"
	x sh -c "cd '$D/p' && touch -d 2003-01-01 *.o prog"
	x sed -i 's/SCALE 3/SCALE 4/' "$D/p/proj.h"
	x sh -c "make -C '$D/p' -j2 -s prog && cd '$D/p' && ./prog <input"
	x make -C "$D/p" clean
	x ls "$D/p"
}

prog_both make workload

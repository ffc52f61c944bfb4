#!/bin/sh
# A C compiler reading its sources from a mount: gcc -c on a file of the
# mount that includes a header beside it and one from an -I directory of the
# mount, the preprocessor's output, and the program built from the object:
# the same as from a kernel directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v gcc >/dev/null || prog_skip "gcc is not installed"
prog_init 64

S=$WORK/src
mkdir -p "$S/inc"
cat >"$S/x.c" <<'EOF'
#include <stdio.h>
#include "x.h"
#include <other.h>

int main(void)
{
	printf("%s %d\n", GREETING, answer());
	return 0;
}
EOF
echo '#define GREETING "hello from the mount"' >"$S/x.h"
printf '#include <string.h>\nstatic int answer(void) { return %s; }\n' \
	'(int)strlen("forty-two chars, counted by the compiler!!")' \
	>"$S/inc/other.h"

workload()
{
	$R cp -r "$S/." "$D/"
	x gcc -c "$D/x.c" -I "$D/inc" -o "$O/x.o"
	x gcc -o "$O/x" "$O/x.o"
	x "$O/x"
	x sh -c "gcc -E -P -I '$D/inc' '$D/x.c' | tail -n 8"
	x gcc -c "$D/missing.c" -o "$O/missing.o"
	x sh -c "cd '$D' && gcc -c x.c -I inc -o '$O/rel.o' && echo compiled"
	x cmp "$O/x.o" "$O/rel.o"
	# Objects name their source file: ROOT differs in them.
	rm -f "$O/x.o" "$O/rel.o" "$O/x"
}

prog_both gcc workload

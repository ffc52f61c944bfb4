#!/bin/sh
# pmemfile run refuses a program linked statically (the shim cannot be
# loaded into it: it would run without the mount) with status 126 and a
# message, and runs the same program linked dynamically.
. "$TEST_TOP/tests/tools/lib.sh"
new_pool p.pool

cat >prog.c <<'END'
#include <stdio.h>
int main(void) { puts("ran"); return 3; }
END
cc -o dynamic prog.c || {
	echo "FAIL: cannot build a program"
	exit 1
}
if ! cc -static -o static prog.c 2>/dev/null; then
	echo "no static C library to link a test program with"
	exit 77
fi
expect_run 126 "" "pmemfile run: ./static: linked statically: the preload shim cannot be loaded into it, so it would not see the pool" \
	"$PF" run p.pool -- ./static
expect_run 3 "ran" "" "$PF" run p.pool -- ./dynamic
# found through PATH as execvp would
expect_run 126 "" "pmemfile run: static: linked statically: the preload shim cannot be loaded into it, so it would not see the pool" \
	env PATH="$(pwd):$PATH" "$PF" run p.pool -- static
finish

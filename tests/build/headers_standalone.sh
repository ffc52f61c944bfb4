#!/bin/sh
# Each public header compiles on its own, as C and as C++, warning-free.
set -u
inc=$TEST_TOP/include
for h in libsyscall_intercept_hook_point.h libpmemfile-posix.h; do
	printf '#ifndef _GNU_SOURCE\n#define _GNU_SOURCE\n#endif\n#include <%s>\nint main(void) { return 0; }\n' \
		"$h" >"$TMPDIR/t.c"
	gcc -std=c11 -Wall -Wextra -Werror -pedantic -I"$inc" -c \
		"$TMPDIR/t.c" -o "$TMPDIR/t.o" || { echo "$h: C"; exit 1; }
	if command -v g++ >/dev/null; then
		cp "$TMPDIR/t.c" "$TMPDIR/t.cc"
		g++ -Wall -Wextra -Werror -I"$inc" -c "$TMPDIR/t.cc" \
			-o "$TMPDIR/t.o" || { echo "$h: C++"; exit 1; }
	fi
done
exit 0

#!/bin/sh
# shim_libs: a program whose start-up libraries are stored in the mount
# (LD_LIBRARY_PATH into it, absolute or relative, DT_RUNPATH $ORIGIN, a
# library needing another, a kernel program with its library in the
# mount, an execve from a shell, the loader run with --library-path or
# LD_LIBRARY_PATH on a program of the mount or of the kernel) runs
# as with the same files in a kernel directory: same output and exit
# status, the loader's same error for a library needed through a
# DT_RUNPATH that does not apply. A kernel program rewritten in place by
# the shell that ran it has the libraries of its new content found. The copies the loader mapped are neither
# open nor named in LD_PRELOAD in the program, whose children start
# cleanly. A library without DT_SONAME cannot be matched: the loader's
# "cannot open shared object file".
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
command -v gcc >/dev/null || shim_fail "gcc is needed"
LDSO=$(readelf -l /bin/sh | sed -n 's/.*interpreter: \(.*\)]/\1/p')
[ -x "$LDSO" ] || shim_fail "no loader found in /bin/sh: '$LDSO'"

cat >"$WORK/bar.c" <<'END'
int bar(void) { return 4; }
END
cat >"$WORK/foo.c" <<'END'
int bar(void);
int foo(int x) { return x * 10 + bar(); }
END
cat >"$WORK/main.c" <<'END'
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int foo(int);
int main(int argc, char **argv)
{
	char link[300], target[256];
	const char *pre = getenv("LD_PRELOAD");
	printf("%s: foo(3)=%d\n", argc > 1 ? argv[1] : "main", foo(3));
	if (pre && strstr(pre, "/proc/self/fd"))
		printf("LD_PRELOAD names a copy: %s\n", pre);
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (strstr(target, "memfd:"))
			printf("a copy is open: %s\n", target);
	}
	closedir(d);
	fflush(stdout);
	return system("echo child") == 0 ? 6 : 1;
}
END

# steps DIR WORK LDSO TAG: the script, run in DIR (the kernel's or the mount)
steps='cd "$1" && mkdir lib && cp "$2"/*.c . || exit 1
gcc -shared -fPIC -o lib/libbar.so -Wl,-soname,libbar.so bar.c &&
gcc -shared -fPIC -o lib/libfoo.so -Wl,-soname,libfoo.so foo.c -Llib -lbar &&
gcc -shared -fPIC -o lib/libfoo2.so -Wl,-soname,libfoo2.so foo.c -Llib -lbar \
	-Wl,-rpath,\$ORIGIN &&
gcc -o prog main.c -Llib -lfoo -Wl,-rpath-link,lib &&
gcc -o prog2 main.c -Llib -lfoo2 -Wl,-rpath,\$ORIGIN/lib -Wl,-rpath-link,lib &&
gcc -o prog3 main.c -Llib -lfoo -Wl,-rpath,\$ORIGIN/lib -Wl,-rpath-link,lib &&
cp prog "$2/kprog.$4" || exit 1
LD_LIBRARY_PATH="$1/lib" ./prog abs; echo "rc=$?"
LD_LIBRARY_PATH=/nonexistent:lib "$1/prog" rel; echo "rc=$?"
./prog2 origin; echo "rc=$?"
./prog3 runpath-not-transitive 2>&1; echo "rc=$?"
./prog none 2>&1; echo "rc=$?"
sh -c "LD_LIBRARY_PATH=lib exec ./prog exec"; echo "rc=$?"
$3 --library-path lib ./prog ldso; echo "rc=$?"
LD_LIBRARY_PATH=lib $3 ./prog ldso-env; echo "rc=$?"
LD_LIBRARY_PATH="$1/lib" "$2/kprog.$4" kernel-program; echo "rc=$?"
LD_LIBRARY_PATH="$1/lib" $3 "$2/kprog.$4" kernel-ldso; echo "rc=$?"
$3 --library-path "$1/lib" "$2/kprog.$4" kernel-ldso-path; echo "rc=$?"'

sh -c "$steps" sh "$KDIR" "$WORK" "$LDSO" k >"$WORK/out.k/run" 2>&1
pf sh -c "$steps" sh "$MNT" "$WORK" "$LDSO" m >"$WORK/out.m/run" 2>&1
sed -e "s|$KDIR|ROOT|g" -e "s|kprog\.k|kprog|g" "$WORK/out.k/run" >"$WORK/k"
sed -e "s|$MNT|ROOT|g" -e "s|kprog\.m|kprog|g" "$WORK/out.m/run" >"$WORK/m"
diff -u "$WORK/k" "$WORK/m" || shim_fail "programs with libraries in the mount ran otherwise"
[ "$(grep -c 'foo(3)=34' "$WORK/m")" = 9 ] ||
	shim_fail "the programs did not all run: $(cat "$WORK/m")"
echo "ok: libraries in the mount load as from a kernel directory"

# a kernel program rewritten in place (same inode) by the shell that ran
# it: what its first run found (no DT_RUNPATH, nothing to copy) does not
# hold for the new content, whose DT_RUNPATH names the lib directory
relearn='cd "$1" && cp prog "$2/kprog5.$3" &&
gcc -o prog5 main.c -Llib -lfoo2 -Wl,-rpath,"$1/lib" -Wl,-rpath-link,lib ||
	exit 1
"$2/kprog5.$3" before 2>&1; echo "rc=$?"
cat prog5 >"$2/kprog5.$3"
"$2/kprog5.$3" after; echo "rc=$?"'
sh -c "$relearn" sh "$KDIR" "$WORK" k >"$WORK/out.k/relearn" 2>&1
pf sh -c "$relearn" sh "$MNT" "$WORK" m >"$WORK/out.m/relearn" 2>&1
sed "s|kprog5\.k|kprog5|g" "$WORK/out.k/relearn" >"$WORK/k"
sed "s|kprog5\.m|kprog5|g" "$WORK/out.m/relearn" >"$WORK/m"
diff -u "$WORK/k" "$WORK/m" ||
	shim_fail "a program rewritten in place ran otherwise"
[ "$(grep -c 'after: foo(3)=34' "$WORK/m")" = 1 ] &&
	grep -q 'libfoo.so: cannot open shared object file' "$WORK/m" ||
	shim_fail "a program rewritten in place: $(cat "$WORK/m")"
echo "ok: a program rewritten in place has its new libraries found"

# a library without DT_SONAME: the loader cannot take the copy for it
pf sh -c "cd '$MNT' && gcc -shared -fPIC -o lib/libnoso.so foo.c -Llib -lbar &&
	gcc -o prog4 main.c -Llib -lnoso -Wl,-rpath-link,lib" ||
	shim_fail "cannot build prog4"
got=$(pf sh -c "cd '$MNT' && LD_LIBRARY_PATH=lib ./prog4" 2>&1)
[ "$got" = "./prog4: error while loading shared libraries: libnoso.so: cannot open shared object file: No such file or directory" ] ||
	shim_fail "a library without DT_SONAME gave: $got"
echo "ok: a library without DT_SONAME fails with the loader's error"
shim_check_mountpoint

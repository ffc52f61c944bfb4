#!/bin/sh
# shim_ldso: the dynamic loader run as a program ("ld.so [OPTIONS] PROG
# ARGS") on a program stored in the mount runs it as from a kernel
# directory: same output, exit status, argv[0] (the path as given, or
# --argv0), /proc/self/exe (the loader), --list, ldd, --verify and the
# loader's error for a missing program; the copy the loader opened is not
# left open in the program. A copy of the loader elsewhere is the loader
# too (argv[0] is then /proc/self/fd/N unless --argv0 says otherwise); a
# static-pie program, which has no PT_INTERP either, keeps its arguments.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
command -v gcc >/dev/null || shim_fail "gcc is needed"
LDSO=$(readelf -l /bin/sh | sed -n 's/.*interpreter: \(.*\)]/\1/p')
[ -x "$LDSO" ] || shim_fail "no loader found in /bin/sh: '$LDSO'"

cat >"$WORK/prog.c" <<'END'
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	char exe[256], link[300], target[256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	printf("prog argc=%d", argc);
	for (int i = 0; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf(" exe=%s\n", exe);
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (strstr(target, "memfd:prog"))
			printf("a copy is open: %s\n", target);
	}
	closedir(d);
	FILE *f = fopen("wrote", "w");
	fprintf(f, "%s\n", argv[0]);
	fclose(f);
	return 7;
}
END
printf 'int main(int c, char **v) { return c == 2 && v[1][0] == 46 ? 9 : 1; }\n' \
	>"$WORK/sp.c"
gcc -static-pie -o "$WORK/sp" "$WORK/sp.c" 2>/dev/null || rm -f "$WORK/sp"
cp "$LDSO" "$WORK/ldcopy.so" || shim_fail "cannot copy the loader"

# steps DIR WORK LDSO: the script, run in DIR (the kernel's or the mount)
steps='cd "$1" && cp "$2/prog.c" . && gcc -o prog prog.c || exit 1
L=$3
$L ./prog a "b c"; echo "rc=$?"
$L "$1/prog" abs; echo "rc=$?"
$L --library-path /nonexistent --inhibit-cache ./prog opts; echo "rc=$?"
$L --argv0 named --audit "" ./prog argv0; echo "rc=$?"
sh -c "exec $L ./prog from-exec"; echo "rc=$?"
cat wrote
chmod -x prog && $L ./prog not-executable; echo "rc=$?"; chmod +x prog
$L ./missing 2>&1; echo "rc=$?"
$L --bad-option ./prog 2>/dev/null; echo "rc=$?"
$L --list ./prog | sed "s/ (0x[0-9a-f]*)//"; echo "rc=$?"
ldd ./prog | sed "s/ (0x[0-9a-f]*)//"; echo "rc=$?"
$L --verify ./prog; echo "rc=$?"
$2/ldcopy.so --argv0 copy ./prog copy; echo "rc=$?"
if [ -x "$2/sp" ]; then $2/sp ./prog; echo "static-pie rc=$?"; fi'

sh -c "$steps" sh "$KDIR" "$WORK" "$LDSO" >"$WORK/out.k/run" 2>&1
pf sh -c "$steps" sh "$MNT" "$WORK" "$LDSO" >"$WORK/out.m/run" 2>&1
# the shim itself is listed by --list and ldd under the shim only
sed -e "s|$KDIR|ROOT|g" "$WORK/out.k/run" >"$WORK/k"
sed -e "s|$MNT|ROOT|g" -e "\|$SHIM|d" "$WORK/out.m/run" >"$WORK/m"
diff -u "$WORK/k" "$WORK/m" || shim_fail "the loader ran programs in the mount otherwise"
grep -q "prog argc=3 \[./prog\] \[a\] \[b c\]" "$WORK/m" ||
	shim_fail "the program did not run: $(cat "$WORK/m")"
grep -q "libc.so.6 =>" "$WORK/m" || shim_fail "--list printed nothing"
[ -x "$WORK/sp" ] && ! grep -q "static-pie rc=9" "$WORK/m" &&
	shim_fail "a static-pie program had its argument changed"
echo "ok: ld.so runs programs in the mount as in a kernel directory"

# a copy of the loader without --argv0: argv[0] names the copy it opened
got=$(pf sh -c "cd '$MNT' && '$WORK/ldcopy.so' ./prog x" 2>&1)
case $got in
"prog argc=2 [/proc/self/fd/"*"] [x] exe=$WORK/ldcopy.so") ;;
*) shim_fail "a copy of the loader gave: $got" ;;
esac
echo "ok: a copy of the loader runs programs in the mount"
shim_check_mountpoint

#!/bin/sh
# shim_execpool: programs stored in the mount run: a binary built there
# (from a memfd copy: /proc/self/exe names the memfd), "#!" scripts with
# an interpreter in the kernel or in the mount, an interpreter's argument,
# and the kernel's errors for a file without execute permission and for
# a missing interpreter, all as in a kernel directory.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
command -v gcc >/dev/null || shim_fail "gcc is needed"

cat >"$WORK/hello.c" <<'END'
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	char exe[256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	printf("hello argc=%d", argc);
	for (int i = 0; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\n");
	FILE *f = fopen("exe.txt", "w");
	fprintf(f, "%s\n", exe);
	fclose(f);
	return 3;
}
END

# steps DIR: the script, run in DIR (the kernel's or the mount)
steps='cd "$1" && cp "$2/hello.c" . && gcc -o hello hello.c &&
./hello a "b c"; echo "rc=$?"
printf "#!/bin/sh -e\necho script \$0 \$1\n" >s.sh && chmod +x s.sh
./s.sh arg1; echo "rc=$?"
printf "#!%s/hello  one arg \n" "$1" >s2 && chmod +x s2
./s2 x; echo "rc=$?"
printf "#!/no/such/interpreter\n" >bad && chmod +x bad
./bad 2>/dev/null; echo "rc=$?"
sh -c "exec ./hello from-exec"; echo "rc=$?"
chmod -x hello && ./hello 2>/dev/null; echo "rc=$?"'

sh -c "$steps" sh "$KDIR" "$WORK" >"$WORK/out.k/run" 2>&1
pf sh -c "$steps" sh "$MNT" "$WORK" >"$WORK/out.m/run" 2>&1
sed "s|$KDIR|ROOT|g" "$WORK/out.k/run" >"$WORK/k"
sed "s|$MNT|ROOT|g" "$WORK/out.m/run" >"$WORK/m"
diff -u "$WORK/k" "$WORK/m" || shim_fail "programs in the mount ran otherwise"
grep -q 'rc=3' "$WORK/m" || shim_fail "the binary did not run: $(cat "$WORK/m")"
exe=$(pf cat "$MNT/exe.txt")
case $exe in
/memfd:hello*) ;;
*) shim_fail "/proc/self/exe of a program in the mount is $exe" ;;
esac
echo "ok: binaries and scripts in the mount run as in a kernel directory"

# dash runs the program from a vfork child, which opens the pool for it
# before the shell itself has: the shell's own use of the mount afterwards
# works (it was refused, the pool taken for opened twice in the process).
first='"$1/hello" first; echo "rc=$?"; cd "$1" && ls hello && ./hello again'
sh -c "$first" sh "$KDIR" >"$WORK/k2" 2>&1
pf sh -c "$first" sh "$MNT" >"$WORK/m2" 2>&1
sed -i "s|$KDIR|ROOT|g" "$WORK/k2"
sed -i "s|$MNT|ROOT|g" "$WORK/m2"
diff -u "$WORK/k2" "$WORK/m2" ||
	shim_fail "a program in the mount run first broke the shell's mount"
echo "ok: a program in the mount run before the shell used the mount"
shim_check_mountpoint

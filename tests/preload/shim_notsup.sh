#!/bin/sh
# shim_notsup: calls a pool cannot serve fail (ENOTSUP; EBUSY for shrinking
# a file that is mapped shared) with a log line and never reach the kernel;
# with PMEMFILE_EXIT_ON_NOT_SUPPORTED=1 the program is stopped instead.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_expect notsup <<'END'
open(in("f"), O_CREAT | O_RDWR, 0755) = 3
write(fd, "#!/bin/sh\necho hi\n", 18) = 18
mmap shared writable: mapped
ftruncate(fd, 0) = -1 EBUSY
mremap shared: grown
ftruncate(fd, 0) = -1 EBUSY
munmap(p, 8192) = 0
ftruncate(fd, 0) = 0
socketpair(AF_UNIX, SOCK_STREAM, 0, sv) = 0
send_fd(sv[0], fd) = 1
send_fd(sv[0], sv[1]) = 1
close(sv[0]) = 0
close(sv[1]) = 0
chroot(in("")) = -1 EOPNOTSUPP
execv(in("f"), argv) = -1 ENOEXEC
fcntl(fd, F_GETPIPE_SZ) = -1 EBADF
fcntl(fd, F_NOTIFY, 0) = -1 EOPNOTSUPP
close(fd) = 0
END

PMEMFILE_EXIT_ON_NOT_SUPPORTED=1 pf "$OPS" notsup "$MNT" "$WORK/out.m" \
	>"$WORK/exit.out" 2>&1
status=$?
[ "$status" -ne 0 ] || shim_fail "PMEMFILE_EXIT_ON_NOT_SUPPORTED=1 did not" \
	"stop the program"
grep -q "PMEMFILE_EXIT_ON_NOT_SUPPORTED" "$WORK/exit.out" ||
	shim_fail "no message naming PMEMFILE_EXIT_ON_NOT_SUPPORTED"
grep -q "chroot" "$WORK/exit.out" &&
	shim_fail "the program went on after the unsupported call"
echo "ok: PMEMFILE_EXIT_ON_NOT_SUPPORTED=1 stops at the first one ($status)"
shim_check_mountpoint

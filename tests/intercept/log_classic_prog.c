// SPDX-License-Identifier: BSD-3-Clause
/*
 * log_classic_prog.c -- makes a fixed list of system calls through libc's
 * syscall() under INTERCEPT_LOG, between two write(-1, ...) markers, and
 * prints on stdout the lines the log must hold for them in the classic form,
 * each site shown as "OBJECT 0xOFF" (log_classic.sh puts the real offsets
 * in the same form). Ends with exit_group(7).
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"

static char want[16384];
static size_t want_len;
static const char *object;

/* One call: its line before and, unless after is NULL, its line after. */
static void expect(const char *before, const char *after)
{
	want_len += (size_t)snprintf(want + want_len, sizeof(want) - want_len,
				     "%s 0xOFF -- %s\n", object, before);
	if (after != NULL)
		want_len +=
		    (size_t)snprintf(want + want_len, sizeof(want) - want_len,
				     "%s 0xOFF -- %s\n", object, after);
	CHECK(want_len < sizeof(want), "the expected lines do not fit");
}

static char *fmt(const char *f, ...)
{
	static char bufs[4][1024];
	static int next;
	char *b = bufs[next++ % 4];
	va_list ap;

	va_start(ap, f);
	vsnprintf(b, sizeof(bufs[0]), f, ap);
	va_end(ap);
	return b;
}

/* getppid is answered by the hook with 4321. */
static int hook(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		long *result)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (nr != SYS_getppid)
		return 1;
	*result = 4321;
	return 0;
}

int main(void)
{
	static const char data[] = "a\0b\x01\"\\\n\t\r\a\b\f\v\xff";
	char in[64];
	char longbuf[200];
	int pipefd[2];
	struct flock fl = {.l_type = F_WRLCK,
			   .l_whence = SEEK_SET,
			   .l_start = 10,
			   .l_len = 20};
	Dl_info info;

	CHECK(dladdr((void *)syscall, &info) != 0, "dladdr(syscall)");
	object = info.dli_fname;
	memset(longbuf, 'x', sizeof(longbuf));
	intercept_hook_point = hook;

	syscall(SYS_write, -1, "begin", 5);
	expect("write(-1, \"begin\", 5) = ?",
	       "write(-1, \"begin\", 5) = -9 EBADF (Bad file number)");

	syscall(SYS_openat, AT_FDCWD, "no\"such\\file\n", O_RDONLY | O_CLOEXEC);
	expect("openat(AT_FDCWD, \"no\\\"such\\\\file\\n\", O_RDONLY | "
	       "O_CLOEXEC) = ?",
	       "openat(AT_FDCWD, \"no\\\"such\\\\file\\n\", O_RDONLY | "
	       "O_CLOEXEC) = -2 ENOENT (No such file or directory)");

	long w = syscall(SYS_openat, AT_FDCWD, "f",
			 O_WRONLY | O_CREAT | O_TRUNC, 0640);
	CHECK(w >= 0, "openat f: %m");
	expect("openat(AT_FDCWD, \"f\", O_WRONLY | O_CREAT | O_TRUNC, 0640) "
	       "= ?",
	       fmt("openat(AT_FDCWD, \"f\", O_WRONLY | O_CREAT | O_TRUNC, "
		   "0640) = %ld",
		   w));

	const char *escaped =
	    "\"a\\0b\\x01\\\"\\\\\\n\\t\\r\\a\\b\\f\\v\\xff\"";
	syscall(SYS_write, w, data, sizeof(data) - 1);
	expect(fmt("write(%ld, %s, 14) = ?", w, escaped),
	       fmt("write(%ld, %s, 14) = 14", w, escaped));

	char xs[123];
	memset(xs, 'x', 122);
	xs[122] = '\0';
	syscall(SYS_write, w, longbuf, sizeof(longbuf));
	expect(fmt("write(%ld, \"%s...\", 200) = ?", w, xs),
	       fmt("write(%ld, \"%s...\", 200) = 200", w, xs));

	syscall(SYS_fcntl, w, F_SETLK, &fl);
	const char *flock_text =
	    fmt("0x%016lx ({.l_type = 1 (F_WRLCK), .l_whence = 0 (SEEK_SET), "
		".l_start = 10, .l_len = 20, .l_pid = 0})",
		(unsigned long)&fl);
	expect(fmt("fcntl(%ld, 6 (F_SETLK), %s) = ?", w, flock_text),
	       fmt("fcntl(%ld, 6 (F_SETLK), %s) = 0", w, flock_text));

	syscall(SYS_close, w);
	expect(fmt("close(%ld) = ?", w), fmt("close(%ld) = 0", w));

	long r = syscall(SYS_openat, AT_FDCWD, "f", O_RDONLY);
	expect("openat(AT_FDCWD, \"f\", O_RDONLY) = ?",
	       fmt("openat(AT_FDCWD, \"f\", O_RDONLY) = %ld", r));
	syscall(SYS_read, r, in, 14);
	expect(fmt("read(%ld, 0x%016lx, 14) = ?", r, (unsigned long)in),
	       fmt("read(%ld, %s, 14) = 14", r, escaped));
	syscall(SYS_read, r, NULL, 15);
	expect(fmt("read(%ld, (null), 15) = ?", r),
	       fmt("read(%ld, (null), 15) = -14 EFAULT (Bad address)", r));
	syscall(SYS_lseek, r, -3L, SEEK_END);
	expect(fmt("lseek(%ld, -3, SEEK_END) = ?", r),
	       fmt("lseek(%ld, -3, SEEK_END) = 211", r));
	syscall(SYS_fcntl, r, F_GETFD, 0);
	expect(fmt("fcntl(%ld, 1 (F_GETFD), 0x0) = ?", r),
	       fmt("fcntl(%ld, 1 (F_GETFD), 0x0) = 0", r));
	syscall(SYS_close, r);
	expect(fmt("close(%ld) = ?", r), fmt("close(%ld) = 0", r));

	syscall(SYS_access, "f", R_OK | W_OK);
	expect("access(\"f\", R_OK | W_OK) = ?",
	       "access(\"f\", R_OK | W_OK) = 0");
	syscall(SYS_access, "nope", F_OK);
	expect(
	    "access(\"nope\", F_OK) = ?",
	    "access(\"nope\", F_OK) = -2 ENOENT (No such file or directory)");

	syscall(SYS_pipe2, pipefd, O_CLOEXEC | O_NONBLOCK);
	expect(fmt("pipe2(0x%016lx, O_CLOEXEC | O_NONBLOCK) = ?",
		   (unsigned long)pipefd),
	       fmt("pipe2([%d, %d], O_CLOEXEC | O_NONBLOCK) = 0", pipefd[0],
		   pipefd[1]));

	syscall(SYS_mkdir, "d", 0755);
	expect("mkdir(\"d\", 0755) = ?", "mkdir(\"d\", 0755) = 0");
	syscall(SYS_mkdir, "d", 0);
	expect("mkdir(\"d\", 00) = ?",
	       "mkdir(\"d\", 00) = -17 EEXIST (File exists)");

	void *map =
	    (void *)syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(map != MAP_FAILED, "mmap: %m");
	expect("mmap((null), 0x1000, 0x3, 0x22, -1, 0x0) = ?",
	       fmt("mmap((null), 0x1000, 0x3, 0x22, -1, 0x0) = 0x%016lx",
		   (unsigned long)map));

	/* refused (a thread needs CLONE_SIGHAND): the flags by name */
	syscall(SYS_clone, CLONE_THREAD | CLONE_VM | SIGCHLD, 0, 0, 0, 0);
	expect("clone(CLONE_THREAD | CLONE_VM | 0x11, (null), (null), (null), "
	       "0x0) = ?",
	       "clone(CLONE_THREAD | CLONE_VM | 0x11, (null), (null), (null), "
	       "0x0) = -22 EINVAL (Invalid argument)");

	/* the pid is an int: -1, not 4294967295 */
	syscall(SYS_wait4, -1, NULL, WNOHANG, NULL);
	expect("wait4(-1, 0x0, 0x1, 0x0) = ?",
	       "wait4(-1, 0x0, 0x1, 0x0) = -10 ECHILD (No child processes)");

	/* not in the classic table: number and six arguments in hex */
	long ppid = syscall(SYS_getppid, 1, 2, 3, 0x10, 0xabc, -1);
	CHECK_EQ(ppid, 4321, "getppid answered by the hook");
	expect(
	    "syscall(110, 0x1, 0x2, 0x3, 0x10, 0xabc, 0xffffffffffffffff) = ?",
	    "syscall(110, 0x1, 0x2, 0x3, 0x10, 0xabc, 0xffffffffffffffff) "
	    "= 4321");

	syscall(SYS_write, -1, "end", 3);
	expect("write(-1, \"end\", 3) = ?",
	       "write(-1, \"end\", 3) = -9 EBADF (Bad file number)");

	/* no line after it: it does not return */
	expect("exit_group(0x7)", NULL);
	CHECK(fwrite(want, 1, want_len, stdout) == want_len, "stdout");
	CHECK(fflush(stdout) == 0, "stdout");
	syscall(SYS_exit_group, 7);
	return 1;
}

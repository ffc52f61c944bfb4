// SPDX-License-Identifier: BSD-3-Clause
/*
 * hook_preload.c -- hook_preload.so, the hook the shell tests preload.
 *
 * Counts the system calls it sees and passes them all to the kernel, with
 * garbage left in *result (which the library must ignore). Environment:
 *   TEST_HOOK_OUT=path      at exit_group, and when the library is unloaded,
 *                           appends a line to path:
 *                             exit pid=P calls=N allowed=A comm=C
 *                             fini pid=P calls=N allowed=A comm=C
 *   TEST_HOOK_GETPPID=n     answers getppid with n instead.
 * Its own output uses only syscall_no_intercept.
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

static const char *out_path;
static long fake_ppid = -1;
static atomic_long calls;

static void report(const char *what)
{
	char comm[32] = "?";
	char line[160];

	if (out_path == NULL)
		return;
	long fd = syscall_no_intercept(SYS_open, "/proc/self/comm", O_RDONLY);
	if (fd >= 0) {
		long n =
		    syscall_no_intercept(SYS_read, fd, comm, sizeof(comm) - 1);
		comm[n > 0 ? n - 1 : 0] = '\0';
		syscall_no_intercept(SYS_close, fd);
	}
	int len = snprintf(
	    line, sizeof(line), "%s pid=%ld calls=%ld allowed=%d comm=%s\n",
	    what, syscall_no_intercept(SYS_getpid), atomic_load(&calls),
	    syscall_hook_in_process_allowed(), comm);
	fd = syscall_no_intercept(SYS_open, out_path,
				  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
				  0644);
	if (fd < 0)
		return;
	syscall_no_intercept(SYS_write, fd, line, len);
	syscall_no_intercept(SYS_close, fd);
}

static int hook(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		long *result)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	atomic_fetch_add(&calls, 1);
	if (nr == SYS_getppid && fake_ppid >= 0) {
		*result = fake_ppid;
		return 0;
	}
	if (nr == SYS_exit_group)
		report("exit");
	*result = -0x7777;
	return 1;
}

static __attribute__((constructor)) void hook_preload_init(void)
{
	const char *ppid = getenv("TEST_HOOK_GETPPID");

	out_path = getenv("TEST_HOOK_OUT");
	if (ppid != NULL)
		fake_ppid = atol(ppid);
	intercept_hook_point = hook;
}

static __attribute__((destructor)) void hook_preload_fini(void)
{
	report("fini");
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_sites.c -- the patcher never puts a jump where another function
 * branches to (a rel32 jump into the middle of a would-be window), falls
 * back to a jump through padding there, and leaves a site it cannot patch
 * alone, working, and named in INTERCEPT_LOG.
 *
 * The sites are in libcore_sites.so (core_sites_asm.S), patched under
 * INTERCEPT_ALL_OBJS=1: the test re-executes itself with it set.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#define ANSWER 5000

long core_far_target(long nr);
long core_far_jumper(void);
long core_boxed(long nr);
extern const char core_boxed_site[];

static int answered;

static int hook(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		long *result)
{
	(void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (nr != SYS_getppid)
		return 1;
	answered++;
	*result = ANSWER;
	return 0;
}

static int fail(const char *what, long got, long want)
{
	printf("FAIL: %s: %ld, want %ld\n", what, got, want);
	return 1;
}

/*
 * The number of lines of the log holding both strings. The log is read with
 * syscall_no_intercept: reads through libc would be logged, and grow it.
 */
static int log_lines(const char *a, const char *b)
{
	static char text[1 << 20];
	long fd = syscall_no_intercept(SYS_open, "core_sites.log", O_RDONLY);
	long len;
	int n = 0;

	if (fd < 0)
		return -1;
	len = syscall_no_intercept(SYS_read, fd, text, sizeof(text) - 1);
	syscall_no_intercept(SYS_close, fd);
	if (len < 0)
		return -1;
	text[len] = '\0';
	for (char *line = strtok(text, "\n"); line != NULL;
	     line = strtok(NULL, "\n"))
		n += strstr(line, a) != NULL && strstr(line, b) != NULL;
	return n;
}

int main(int argc, char **argv)
{
	long ppid = syscall_no_intercept(SYS_getppid);
	char offset[32];
	Dl_info info;
	long r;

	(void)argc;
	if (getenv("INTERCEPT_ALL_OBJS") == NULL) {
		setenv("INTERCEPT_ALL_OBJS", "1", 1);
		setenv("INTERCEPT_LOG", "core_sites.log", 1);
		execv("/proc/self/exe", argv);
		perror("execv");
		return 1;
	}
	intercept_hook_point = hook;

	r = core_far_target(SYS_getppid);
	if (r != ANSWER + 3 || answered != 1)
		return fail("core_far_target: result", r, ANSWER + 3);
	r = core_far_jumper();
	if (r != 103)
		return fail("core_far_jumper: the branch into the site", r,
			    103);
	r = core_boxed(SYS_getppid);
	if (r != ppid || answered != 1)
		return fail("core_boxed: native result", r, ppid);

	if (dladdr(core_boxed_site, &info) == 0)
		return fail("dladdr", 0, 1);
	snprintf(offset, sizeof(offset), " %#lx -- ",
		 (unsigned long)(core_boxed_site - (char *)info.dli_fbase));
	r = log_lines(offset, "not patched");
	if (r != 1)
		return fail("log lines naming the unpatched site", r, 1);
	r = log_lines("libcore_sites.so", "not patched");
	if (r != 1)
		return fail("unpatched sites logged in libcore_sites.so", r, 1);
	printf("a far branch target kept out of windows, an unpatchable site "
	       "logged and working\n");
	return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * hook_results.c -- what a hook returns is what the program sees: passed
 * through calls get the kernel's result (garbage left in *result by the hook
 * is ignored), answered calls get *result, negative values become errno.
 * Also syscall_no_intercept: never hooked, -ENOSYS for unknown numbers.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

#define FAKE_PPID 424242L
#define ODD_RESULT (-5000L)
#define UNKNOWN_NR 100000L
#define REFUSED_PATH "/dev/null"

static long seen_args[6];
static int hook_return = 1;

static int answer(long nr, const long args[6], long *result)
{
	switch (nr) {
	case SYS_getppid:
		memcpy(seen_args, args, sizeof(seen_args));
		*result = FAKE_PPID;
		return 0;
	case SYS_dup:
		*result = -EPERM;
		return 0;
	case SYS_openat:
		if (strcmp((const char *)args[1], REFUSED_PATH) != 0)
			break;
		*result = -EACCES;
		return 0;
	case SYS_getpgid:
		*result = ODD_RESULT;
		return 0;
	case UNKNOWN_NR:
		*result = 77;
		return 0;
	}
	*result = -EFAULT;
	return hook_return;
}

static void check_pass_through(void)
{
	long before = hook_count_calls(SYS_getppid);
	long want = syscall_no_intercept(SYS_getppid);

	CHECK_EQ(hook_count_calls(SYS_getppid), before,
		 "hook calls after syscall_no_intercept");
	CHECK_EQ(getppid(), want, "getppid passed through");
	CHECK_EQ(hook_count_calls(SYS_getppid), before + 1,
		 "hook calls after getppid");

	errno = 0;
	CHECK_EQ(close(-1), -1, "close(-1) passed through");
	CHECK_EQ(errno, EBADF, "errno of close(-1)");
	CHECK_EQ(hook_count_calls(SYS_close), 1, "hook calls of close");

	errno = 0;
	CHECK_EQ(syscall(UNKNOWN_NR), -1, "unknown number passed through");
	CHECK_EQ(errno, ENOSYS, "errno of an unknown number");
}

static void check_answers(void)
{
	hook_count_extra = answer;

	errno = 0;
	CHECK_EQ(getppid(), FAKE_PPID, "getppid answered by the hook");
	CHECK_EQ(syscall(SYS_getppid, 11, 12, 13, 14, 15, 16), FAKE_PPID,
		 "syscall(SYS_getppid) answered by the hook");
	for (int i = 0; i < 6; i++)
		CHECK_EQ(seen_args[i], 11 + i, "argument seen by the hook");
	CHECK_EQ(errno, 0, "errno after answered calls");

	CHECK_EQ(dup(1), -1, "dup refused by the hook");
	CHECK_EQ(errno, EPERM, "errno of the refused dup");

	errno = 0;
	CHECK_EQ(open(REFUSED_PATH, O_RDONLY), -1, "open refused by the hook");
	CHECK_EQ(errno, EACCES, "errno of the refused open");

	/* Not refused: the same hook passes other paths to the kernel. */
	int fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0, "open(/dev/zero) passed through: %m");
	close(fd);

	/* A value outside the errno range is a result, not an error. */
	errno = 0;
	CHECK_EQ(syscall(SYS_getpgid, 0), ODD_RESULT, "odd answered result");
	CHECK_EQ(errno, 0, "errno after an odd answered result");

	CHECK_EQ(syscall(UNKNOWN_NR, 1, 2, 3, 4, 5, 6), 77,
		 "unknown number answered by the hook");

	/* Any non-zero return passes the call through. */
	hook_return = -1;
	errno = 0;
	CHECK_EQ(close(-1), -1, "close(-1) with hook returning -1");
	CHECK_EQ(errno, EBADF, "errno of close(-1) with hook returning -1");
	hook_count_extra = NULL;
}

static void check_no_intercept(void)
{
	long before = hook_count_calls(SYS_getpid);

	CHECK_EQ(syscall_no_intercept(UNKNOWN_NR), -ENOSYS,
		 "syscall_no_intercept of an unknown number");
	CHECK_EQ(syscall_no_intercept(-1L), -ENOSYS,
		 "syscall_no_intercept(-1)");
	CHECK_EQ(syscall_no_intercept(SYS_close, -1), -EBADF,
		 "syscall_no_intercept(SYS_close, -1)");
	CHECK_EQ(syscall_error_code(-EBADF), EBADF, "syscall_error_code");
	CHECK_EQ(syscall_error_code(getpid()), 0, "syscall_error_code(pid)");
	CHECK_EQ(syscall_no_intercept(SYS_getpid), getpid(),
		 "syscall_no_intercept(SYS_getpid)");
	CHECK_EQ(hook_count_calls(SYS_getpid), before + 2,
		 "hook calls of getpid (2 from getpid, none from "
		 "syscall_no_intercept)");
}

/* All six arguments reach the kernel: mmap of a file at an offset. */
static void check_no_intercept_six_args(void)
{
	static char page[2][4096];
	int fd = open("six_args", O_RDWR | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0, "open: %m");
	memset(page[0], 'a', sizeof(page[0]));
	memset(page[1], 'b', sizeof(page[1]));
	CHECK_EQ(write(fd, page, sizeof(page)), sizeof(page), "write");
	long before = hook_count_calls(SYS_mmap);
	long addr = syscall_no_intercept(SYS_mmap, 0L, 4096L, (long)PROT_READ,
					 (long)MAP_PRIVATE, (long)fd, 4096L);
	CHECK(syscall_error_code(addr) == 0, "mmap: errno %d",
	      syscall_error_code(addr));
	CHECK(memcmp((void *)addr, page[1], 4096) == 0,
	      "mmap at offset 4096 does not show the second page");
	CHECK_EQ(hook_count_calls(SYS_mmap), before, "hook calls of mmap");
	CHECK_EQ(syscall_no_intercept(SYS_munmap, addr, 4096L), 0, "munmap");
	close(fd);
	unlink("six_args");
}

int main(void)
{
	CHECK_EQ(syscall_hook_in_process_allowed(), 1,
		 "syscall_hook_in_process_allowed");
	check_pass_through();
	check_answers();
	check_no_intercept();
	check_no_intercept_six_args();
	printf("hook results as expected\n");
	return 0;
}

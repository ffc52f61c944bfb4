// SPDX-License-Identifier: BSD-3-Clause
/*
 * sigaltstack.c -- a handler running on an alternate signal stack of the
 * size the C library recommends (sysconf(_SC_SIGSTKSZ)) makes hooked
 * system calls, with their right results, as it can without interception.
 * The memory below the alternate stack is a guard page, so that a
 * trampoline that needs more stack than that is caught.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

static volatile long seen_ppid;
static volatile int on_alt_stack;
static char *stack_lo, *stack_hi;

static void handler(int sig)
{
	char here;

	(void)sig;
	on_alt_stack = &here >= stack_lo && &here < stack_hi;
	seen_ppid = getppid();
	CHECK_EQ(write(-1, "", 0), -1, "write(-1) in the handler");
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	long size = sysconf(_SC_SIGSTKSZ);
	struct sigaction sa;
	stack_t ss;

	size = (size + page - 1) / page * page;
	char *map = mmap(NULL, size + page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(map != MAP_FAILED, "mmap: %m");
	CHECK(mprotect(map, page, PROT_NONE) == 0, "mprotect: %m");
	stack_lo = map + page;
	stack_hi = stack_lo + size;
	ss.ss_sp = stack_lo;
	ss.ss_size = size;
	ss.ss_flags = 0;
	CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack: %m");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_ONSTACK;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction: %m");

	hook_count_reset();
	CHECK_EQ(raise(SIGUSR1), 0, "raise");
	CHECK(on_alt_stack, "the handler did not run on the alternate stack");
	CHECK_EQ(seen_ppid, syscall_no_intercept(SYS_getppid),
		 "getppid in the handler");
	CHECK_EQ(hook_count_calls(SYS_getppid), 1, "getppid calls hooked");
	CHECK_EQ(hook_count_calls(SYS_write), 1, "write calls hooked");
	printf("handler on a %ld-byte alternate stack intercepted\n", size);
	return 0;
}

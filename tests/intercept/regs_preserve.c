// SPDX-License-Identifier: BSD-3-Clause
/*
 * regs_preserve.c -- a patched system call site cannot tell it was patched:
 * the registers the kernel preserves across syscall (all general registers
 * but rax, rcx and r11, the flags, xmm0-xmm15) and the red zone below rsp
 * hold the same values after it, while the hook in between clobbers all of
 * them that the ABI lets it clobber. (vector_regs.c checks ymm and zmm.)
 *
 * The site is in libregs_asm.so (regs_asm.S), which is patched only under
 * INTERCEPT_ALL_OBJS=1: the test re-executes itself with it set, then with
 * INTERCEPT_VECTOR_SAVE=ymm and =xmm.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

struct regs_seen {
	long rax, rbx, rdx, rsi, rdi, rbp, r8, r9, r10, r12, r13, r14, r15;
	long rsp_after, rsp_before, flags;
	uint64_t red_zone[16];
	uint64_t xmm[16][2];
};

_Static_assert(offsetof(struct regs_seen, red_zone) == 128, "layout");
_Static_assert(offsetof(struct regs_seen, xmm) == 256, "layout");

long regs_syscall(long nr, struct regs_seen *seen);

#define ARG0 0x4444444444444404L	  /* rdi */
#define ARG1 0x3333333333333303L	  /* rsi */
#define ARG2 0x2222222222222202L	  /* rdx */
#define ARG3 ((long)0x8888888888888808UL) /* r10 */
#define ARG4 0x6666666666666606L	  /* r8 */
#define ARG5 0x7777777777777707L	  /* r9 */
#define ANSWER 0x1234L
/* CF PF AF ZF SF OF as loaded; DF must stay clear. */
#define FLAGS_LOADED 0x8d5L
#define FLAGS_CHECKED (FLAGS_LOADED | 0x400L)

static long site_calls;
static int answer_getppid;

static void clobber_everything_allowed(void)
{
	volatile char stack_use[512];

	memset((char *)stack_use, 0xee, sizeof(stack_use));
	__asm__ volatile("mov $-1, %%rax\n\t"
			 "mov $-1, %%rcx\n\t"
			 "mov $-1, %%rdx\n\t"
			 "mov $-1, %%rsi\n\t"
			 "mov $-1, %%rdi\n\t"
			 "mov $-1, %%r8\n\t"
			 "mov $-1, %%r9\n\t"
			 "mov $-1, %%r10\n\t"
			 "mov $-1, %%r11\n\t"
			 "pcmpeqd %%xmm0, %%xmm0\n\t"
			 "pcmpeqd %%xmm1, %%xmm1\n\t"
			 "pcmpeqd %%xmm2, %%xmm2\n\t"
			 "pcmpeqd %%xmm3, %%xmm3\n\t"
			 "pcmpeqd %%xmm4, %%xmm4\n\t"
			 "pcmpeqd %%xmm5, %%xmm5\n\t"
			 "pcmpeqd %%xmm6, %%xmm6\n\t"
			 "pcmpeqd %%xmm7, %%xmm7\n\t"
			 "pcmpeqd %%xmm8, %%xmm8\n\t"
			 "pcmpeqd %%xmm9, %%xmm9\n\t"
			 "pcmpeqd %%xmm10, %%xmm10\n\t"
			 "pcmpeqd %%xmm11, %%xmm11\n\t"
			 "pcmpeqd %%xmm12, %%xmm12\n\t"
			 "pcmpeqd %%xmm13, %%xmm13\n\t"
			 "pcmpeqd %%xmm14, %%xmm14\n\t"
			 "pcmpeqd %%xmm15, %%xmm15\n\t"
			 "xor %%eax, %%eax\n\t"
			 :
			 :
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
			   "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
			   "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
			   "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "cc",
			   "memory");
}

static int regs_hook(long nr, const long a[6], long *result)
{
	clobber_everything_allowed();
	if (a[0] == ARG0 && a[1] == ARG1 && a[2] == ARG2 && a[3] == ARG3 &&
	    a[4] == ARG4 && a[5] == ARG5)
		site_calls++;
	if (nr == SYS_getppid && answer_getppid) {
		*result = ANSWER;
		return 0;
	}
	return 1;
}

static void check_site(const char *what, long nr, long want)
{
	struct regs_seen seen;
	long before = site_calls;

	memset(&seen, 0, sizeof(seen));
	long got = regs_syscall(nr, &seen);

	fprintf(stderr, "%s\n", what);
	CHECK_EQ(got, want, "result");
	CHECK_EQ(seen.rax, want, "rax right after the site");
	CHECK_EQ(site_calls, before + 1, "hook calls from the asm site");
	CHECK_EQ(seen.rbx, 0x1111111111111101L, "rbx");
	CHECK_EQ(seen.rdx, ARG2, "rdx");
	CHECK_EQ(seen.rsi, ARG1, "rsi");
	CHECK_EQ(seen.rdi, ARG0, "rdi");
	CHECK_EQ(seen.rbp, 0x5555555555555505L, "rbp");
	CHECK_EQ(seen.r8, ARG4, "r8");
	CHECK_EQ(seen.r9, ARG5, "r9");
	CHECK_EQ(seen.r10, ARG3, "r10");
	CHECK_EQ(seen.r12, (long)0x9999999999999909UL, "r12");
	CHECK_EQ(seen.r13, (long)0xaaaaaaaaaaaaaa0aUL, "r13");
	CHECK_EQ(seen.r14, (long)0xbbbbbbbbbbbbbb0bUL, "r14");
	CHECK_EQ(seen.r15, (long)0xcccccccccccccc0cUL, "r15");
	CHECK_EQ(seen.rsp_after, seen.rsp_before, "rsp");
	CHECK_EQ(seen.flags & FLAGS_CHECKED, FLAGS_LOADED,
		 "flags (CF PF AF ZF SF OF set, DF clear)");
	for (int i = 0; i < 16; i++)
		CHECK(seen.red_zone[i] == 0x5a5a000000000000UL + i + 1,
		      "red zone quadword at rsp-%d: %#lx", 8 * (i + 1),
		      (unsigned long)seen.red_zone[i]);
	for (int i = 0; i < 16; i++)
		CHECK(seen.xmm[i][0] == 0x0123456789abcd00UL + i &&
			  seen.xmm[i][1] == 0xfedcba9876543200UL + i,
		      "xmm%d: %#lx %#lx", i, (unsigned long)seen.xmm[i][0],
		      (unsigned long)seen.xmm[i][1]);
}

int main(int argc, char **argv)
{
	(void)argc;
	check_reexec_all_objs(argv);
	hook_count_extra = regs_hook;

	check_site("getppid passed through", SYS_getppid,
		   syscall_no_intercept(SYS_getppid));
	answer_getppid = 1;
	check_site("getppid answered by the hook", SYS_getppid, ANSWER);
	answer_getppid = 0;
	check_site("close failing with EBADF", SYS_close, -EBADF);
	check_site("an unknown number", 100000, -ENOSYS);

	/* The same again with less vector state saved, which must never
	 * cost the general registers, the flags, xmm0-15 or the red zone. */
	const char *save = getenv("INTERCEPT_VECTOR_SAVE");
	const char *next = save == NULL		      ? "ymm"
			   : strcmp(save, "ymm") == 0 ? "xmm"
						      : NULL;
	printf("registers, flags and red zone preserved (vector save %s)\n",
	       save == NULL ? "full" : save);
	if (next != NULL) {
		fflush(stdout);
		setenv("INTERCEPT_VECTOR_SAVE", next, 1);
		execv("/proc/self/exe", argv);
		CHECK(0, "re-executing with INTERCEPT_VECTOR_SAVE=%s: %m",
		      next);
	}
	return 0;
}

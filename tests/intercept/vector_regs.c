// SPDX-License-Identifier: BSD-3-Clause
/*
 * vector_regs.c -- the kernel preserves the whole vector state across
 * syscall, so a patched site must find it intact after the hook ran, even a
 * hook that uses the upper halves of ymm registers (AVX code, vzeroupper) or
 * the AVX-512 registers (zmm16-zmm31, the mask registers), as glibc's string
 * functions do. The sites are in libvector_asm.so (vector_asm.S), patched
 * under INTERCEPT_ALL_OBJS=1 (the test re-executes itself with it). Then
 * again under INTERCEPT_VECTOR_SAVE=ymm, which must still keep ymm whole.
 */
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libsyscall_intercept_hook_point.h>

#include "check.h"
#include "hook_count.h"

long vector_syscall_ymm(long nr, unsigned char *seen);
long vector_syscall_zmm(long nr, unsigned char *seen);
extern const unsigned char vector_table[];

#define YMM_BYTES (16 * 32)
#define ZMM_BYTES (32 * 64 + 8 * 8)

static long site_calls;
/* INTERCEPT_VECTOR_SAVE=ymm: the hook promises to leave AVX-512 alone. */
static int ymm_only;

__attribute__((target("avx"))) static void clobber_ymm(void)
{
	__asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\t"
			 "vpcmpeqd %%ymm5, %%ymm5, %%ymm5\n\t"
			 "vpcmpeqd %%ymm8, %%ymm8, %%ymm8\n\t"
			 "vpcmpeqd %%ymm15, %%ymm15, %%ymm15\n\t"
			 "vzeroupper\n\t"
			 :
			 :
			 : "xmm0", "xmm5", "xmm8", "xmm15");
}

__attribute__((target("avx512f"))) static void clobber_zmm(void)
{
	__asm__ volatile("vpternlogd $0xff, %%zmm16, %%zmm16, %%zmm16\n\t"
			 "vpternlogd $0xff, %%zmm31, %%zmm31, %%zmm31\n\t"
			 "kxnorw %%k1, %%k1, %%k1\n\t"
			 "kxnorw %%k7, %%k7, %%k7\n\t"
			 :
			 :
			 : "xmm16", "xmm31", "k1", "k7");
}

static int vector_hook(long nr, const long args[6], long *result)
{
	(void)args;
	(void)result;
	if (nr != SYS_sched_yield)
		return 1;
	site_calls++;
	if (__builtin_cpu_supports("avx512f") && !ymm_only)
		clobber_zmm();
	clobber_ymm();
	return 1;
}

/* Compares bytes [from, from + n) of seen with the table. */
static void check_bytes(const char *what, const unsigned char *seen,
			size_t from, size_t n, size_t reg_bytes)
{
	for (size_t i = from; i < from + n; i++)
		CHECK(seen[i] == vector_table[i],
		      "%s%zu, byte %zu: %#x, want %#x", what,
		      (i - from) / reg_bytes, (i - from) % reg_bytes, seen[i],
		      vector_table[i]);
}

int main(int argc, char **argv)
{
	static unsigned char seen[ZMM_BYTES];

	(void)argc;
	if (!__builtin_cpu_supports("avx")) {
		printf("no AVX on this CPU\n");
		return 77;
	}
	check_reexec_all_objs(argv);
	const char *save = getenv("INTERCEPT_VECTOR_SAVE");
	ymm_only = save != NULL && strcmp(save, "ymm") == 0;
	hook_count_extra = vector_hook;

	CHECK_EQ(vector_syscall_ymm(SYS_sched_yield, seen), 0, "sched_yield");
	CHECK_EQ(site_calls, 1, "hook calls from the ymm site");
	check_bytes("ymm", seen, 0, YMM_BYTES, 32);

	if (ymm_only) {
		printf("ymm registers preserved under "
		       "INTERCEPT_VECTOR_SAVE=ymm\n");
	} else if (__builtin_cpu_supports("avx512f")) {
		memset(seen, 0, sizeof(seen));
		CHECK_EQ(vector_syscall_zmm(SYS_sched_yield, seen), 0,
			 "sched_yield");
		CHECK_EQ(site_calls, 2, "hook calls from the zmm site");
		check_bytes("zmm", seen, 0, 32 * 64, 64);
		/* The mask registers of AVX512F hold 16 bits, 8 bytes apart. */
		for (int k = 0; k < 8; k++)
			check_bytes("k", seen, 32 * 64 + 8 * k, 2, 8);
		printf("ymm, zmm and mask registers preserved\n");
	} else {
		printf("ymm registers preserved (no AVX-512 here)\n");
	}
	if (!ymm_only) {
		fflush(stdout);
		setenv("INTERCEPT_VECTOR_SAVE", "ymm", 1);
		execv("/proc/self/exe", argv);
		CHECK(0, "re-executing with INTERCEPT_VECTOR_SAVE=ymm: %m");
	}
	return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_apply_fail.c -- when making one executable segment writable fails
 * while an object is patched, the segments made writable before it get
 * their protection back (they were left writable and not executable) and
 * the object stays as it was; with nothing failing, the same object is
 * patched and its system calls still work.
 *
 * The object is made here: two pages of code, each a function around a
 * getpid system call, described by program headers of two executable
 * segments. The failure comes from the link: syscall_no_intercept is
 * wrapped (-Wl,--wrap), and its mprotect of the second page fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../intercept/patcher.h"

long __real_syscall_no_intercept(long nr, ...);

/* The page whose mprotect to read and write fails, 0 for none. */
static uintptr_t fail_at;

long __wrap_syscall_no_intercept(long nr, long a0, long a1, long a2, long a3,
				 long a4, long a5)
{
	if (nr == SYS_mprotect && fail_at != 0 && (uintptr_t)a0 == fail_at &&
	    a2 == (PROT_READ | PROT_WRITE))
		return -ENOMEM;
	return __real_syscall_no_intercept(nr, a0, a1, a2, a3, a4, a5);
}

/* mov $SYS_getpid, %eax; syscall; ret, after some nops */
static const unsigned char code[] = {0x90, 0x90, 0x90, 0x90, 0xb8, 0x27,
				     0x00, 0x00, 0x00, 0x0f, 0x05, 0xc3};

/* The permissions /proc/self/maps shows for the page at addr. */
static void perms_of(uintptr_t addr, char out[5])
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	strcpy(out, "????");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;
		char p[5];

		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 &&
		    addr >= lo && addr < hi) {
			strcpy(out, p);
			break;
		}
	}
	if (f != NULL)
		fclose(f);
}

static int fail(const char *what)
{
	printf("FAIL: %s\n", what);
	return 1;
}

int main(void)
{
	/* code, a gap, code: two segments */
	char *area = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return fail("mmap");
	char *one = area, *two = area + 2 * 4096;
	memset(area, 0xcc, 3 * 4096);
	memcpy(one, code, sizeof(code));
	memcpy(two, code, sizeof(code));
	if (mprotect(one, 4096, PROT_READ | PROT_EXEC) ||
	    mprotect(two, 4096, PROT_READ | PROT_EXEC) ||
	    mprotect(area + 4096, 4096, PROT_NONE))
		return fail("mprotect");
	ElfW(Phdr) ph[2] = {
	    {.p_type = PT_LOAD,
	     .p_flags = PF_R | PF_X,
	     .p_vaddr = (uintptr_t)one,
	     .p_filesz = 4096,
	     .p_memsz = 4096},
	    {.p_type = PT_LOAD,
	     .p_flags = PF_R | PF_X,
	     .p_vaddr = (uintptr_t)two,
	     .p_filesz = 4096,
	     .p_memsz = 4096},
	};
	struct patch_object obj = {
	    .name = "core_apply_fail", .phdr = ph, .phnum = 2};
	struct patch_stats stats;
	long (*f1)(void) = (long (*)(void))(uintptr_t)one;
	long (*f2)(void) = (long (*)(void))(uintptr_t)two;
	char p[5];

	fail_at = (uintptr_t)two;
	if (patch_object(&obj, &stats) != -ENOMEM)
		return fail("patch_object did not report the failed mprotect");
	perms_of((uintptr_t)one, p);
	if (strcmp(p, "r-xp") != 0) {
		printf("the first segment is %s after the failure\n", p);
		return fail("a segment was left without its protection");
	}
	perms_of((uintptr_t)two, p);
	if (strcmp(p, "r-xp") != 0)
		return fail("the second segment changed");
	if (memcmp(one, code, sizeof(code)) || memcmp(two, code, sizeof(code)))
		return fail("the code changed although patching failed");
	if (f1() != getpid() || f2() != getpid())
		return fail("the unpatched code does not work");

	fail_at = 0;
	if (patch_object(&obj, &stats) != 0 || stats.patched != 2)
		return fail("the object was not patched with nothing failing");
	if (memcmp(one, code, sizeof(code)) == 0)
		return fail("the code did not change");
	perms_of((uintptr_t)one, p);
	if (strcmp(p, "r-xp") != 0)
		return fail("the first segment lost its protection");
	if (f1() != getpid() || f2() != getpid())
		return fail("the patched code does not work");
	printf("a failed mprotect leaves the object as it was\n");
	return 0;
}

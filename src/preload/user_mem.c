/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * user_mem.c -- the bytes of a path or a structure a call points to, read
 * as the kernel reads them: a bad pointer gets EFAULT, not a fault in the
 * shim. A read goes through process_vm_readv, which fails where the
 * memory is not mapped or not readable, unless the page is known to be
 * readable:
 *
 * - the loadable segments of the objects loaded at start (the program,
 *   the loader, the libraries, their string constants) and the strings
 *   of argv and the environment on the stack, noted before main: the
 *   paths a program starts with are there;
 * - the pages this thread read a path from without a fault.
 *
 * Both hold until memory is unmapped or made unreadable (path_maps_changed).
 */
#include <errno.h>
#include <link.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "libsyscall_intercept_hook_point.h"
#include "path.h"
#include "preload.h"

#define PAGE_SIZE_4K 4096UL

static uintptr_t page_of(uintptr_t addr)
{
	return addr & ~(PAGE_SIZE_4K - 1);
}

/*
 * Pages this thread has read a path from through process_vm_readv, stored
 * as page + 1 (0 is no page): a path on one of them is read directly,
 * without the system call, until path_maps_gen moves.
 */
#define KNOWN_PAGES 4
static _Atomic unsigned long path_maps_gen;
static __thread struct {
	unsigned long gen;
	uintptr_t page[KNOWN_PAGES];
	unsigned next;
} known __attribute__((tls_model("initial-exec")));

/*
 * The pages found readable at start, [lo, hi), page-aligned: valid while
 * path_maps_gen is still 0, which no unmapping has moved yet.
 */
#define START_RANGES 64

static struct {
	uintptr_t lo, hi;
} start_range[START_RANGES];
static _Atomic int start_nranges;
static int start_filling;

static void start_add(uintptr_t lo, uintptr_t hi)
{
	lo = page_of(lo);
	hi = page_of(hi + PAGE_SIZE_4K - 1);
	if (lo >= hi || start_filling == START_RANGES)
		return;
	start_range[start_filling].lo = lo;
	start_range[start_filling].hi = hi;
	start_filling++;
}

static int start_add_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size, (void)data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_R) &&
		    ph->p_memsz > 0)
			start_add(info->dlpi_addr + ph->p_vaddr,
				  info->dlpi_addr + ph->p_vaddr + ph->p_memsz);
	}
	return 0;
}

void path_note_start_memory(char **argv, char **envp)
{
	if (atomic_load_explicit(&path_maps_gen, memory_order_acquire) != 0)
		return;
	dl_iterate_phdr(start_add_object, NULL);
	/*
	 * The strings of argv, then of envp, as the kernel put them on the
	 * stack, up to the program's name (AT_EXECFN) at its top: one run.
	 */
	const char *first = argv != NULL && argv[0] != NULL ? argv[0]
			    : envp != NULL		    ? envp[0]
							    : NULL;
	const char *top = (const char *)getauxval(AT_EXECFN);
	if (first != NULL && top != NULL && first < top &&
	    (uintptr_t)(top - first) < (1UL << 24))
		start_add((uintptr_t)first, (uintptr_t)top + strlen(top) + 1);
	atomic_store_explicit(&start_nranges, start_filling,
			      memory_order_release);
}

/* [at, at + n), within one page, is in a range readable since start. */
static bool start_known(uintptr_t at, size_t n)
{
	int count = atomic_load_explicit(&start_nranges, memory_order_acquire);

	if (count == 0 ||
	    atomic_load_explicit(&path_maps_gen, memory_order_acquire) != 0)
		return false;
	for (int i = 0; i < count; i++)
		if (at >= start_range[i].lo && at + n <= start_range[i].hi)
			return true;
	return false;
}

void path_maps_changed(void)
{
	atomic_fetch_add_explicit(&path_maps_gen, 1, memory_order_release);
}

static bool page_known(uintptr_t page)
{
	if (known.gen !=
	    atomic_load_explicit(&path_maps_gen, memory_order_acquire))
		return false;
	for (int i = 0; i < KNOWN_PAGES; i++)
		if (known.page[i] == page + 1)
			return true;
	return false;
}

/* page read without a fault, while the generation was gen */
static void page_learn(uintptr_t page, unsigned long gen)
{
	if (known.gen != gen) {
		memset(known.page, 0, sizeof(known.page));
		known.gen = gen;
	}
	known.page[known.next++ % KNOWN_PAGES] = page + 1;
}

/* n bytes at at into out: 0, -EFAULT, or -ENOSYS when refused */
static long read_user(char *out, uintptr_t at, size_t n)
{
	uintptr_t page = page_of(at);
	if (page_known(page) || start_known(at, n)) {
		memcpy(out, (const void *)at, n);
		return (long)n;
	}
	unsigned long gen =
	    atomic_load_explicit(&path_maps_gen, memory_order_acquire);
	struct iovec local = {out, n};
	struct iovec remote = {(void *)at, n};
	long got = syscall_no_intercept(SYS_process_vm_readv, preload_pid,
					&local, 1, &remote, 1, 0);
	if (got == -ENOSYS || got == -EPERM || got == -ESRCH)
		return -ENOSYS;
	if (got <= 0)
		return -EFAULT;
	if ((size_t)got == n)
		page_learn(page, gen);
	return got;
}

int path_copy_user(void *out, const void *user, size_t n)
{
	for (size_t have = 0; have < n;) {
		uintptr_t at = (uintptr_t)user + have;
		size_t chunk = 4096 - at % 4096;
		if (chunk > n - have)
			chunk = n - have;
		long got = read_user((char *)out + have, at, chunk);
		if (got == -ENOSYS) {
			memcpy((char *)out + have, (const void *)at, n - have);
			return 0;
		}
		if (got <= 0)
			return -EFAULT;
		have += (size_t)got;
	}
	return 0;
}

int path_copy_in(const char *user, char out[PMEMFILE_PATH_MAX])
{
	if (user == NULL)
		return -EFAULT;
	for (size_t have = 0; have < PMEMFILE_PATH_MAX;) {
		uintptr_t at = (uintptr_t)user + have;
		/* to the end of the page, or of the first 256 bytes */
		size_t n = 4096 - at % 4096;
		if (have == 0 && n > 256)
			n = 256;
		if (n > PMEMFILE_PATH_MAX - have)
			n = PMEMFILE_PATH_MAX - have;
		long got = read_user(out + have, at, n);
		if (got == -ENOSYS) {
			/* refused (a sandbox): read it as the caller would */
			size_t len = strnlen(user, PMEMFILE_PATH_MAX);
			if (len == PMEMFILE_PATH_MAX)
				return -ENAMETOOLONG;
			memcpy(out, user, len + 1);
			return 0;
		}
		if (got < 0)
			return (int)got;
		if (memchr(out + have, '\0', (size_t)got) != NULL)
			return 0;
		have += (size_t)got;
	}
	return -ENAMETOOLONG;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * powercut_recorder.c -- powercut_recorder.so, preloaded into the workload
 * of the power-cut test. A hook of libsyscall_intercept sees every msync of
 * a shared mapping of the pool file (the only way bytes of a pool that is
 * not persistent memory reach the medium: libpmem's persist on such a pool
 * is an msync) and appends to the journal (powercut.h) the pages it writes
 * back, as they are at that moment. The msync itself is answered without
 * the kernel: the journal is the medium of the test, and the workload need
 * not wait for a disk.
 *
 * libpmem rounds the range it is asked to persist out to whole pages before
 * its msync; this library defines pmem_msync too, to note the range asked
 * for before the real one runs, so that the journal holds both. It also
 * defines the libpmem calls that persist only on persistent memory and
 * journals each one that touches the pool's mapping (on this pool they
 * make nothing persistent).
 *
 * Environment: POWERCUT_POOL (the pool file), POWERCUT_JOURNAL (appended
 * to). Threads may share the journal: a spin lock keeps its records whole.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <libsyscall_intercept_hook_point.h>

#include "powercut.h"

#define PAGE 4096UL
#define MAX_MAPS 16

struct pool_map {
	uintptr_t addr;
	uint64_t len;
	uint64_t off; /* in the file */
};

static dev_t pool_dev;
static ino_t pool_ino;
static long journal = -1;
static struct pool_map maps[MAX_MAPS];
static int nmaps;
static atomic_flag lock = ATOMIC_FLAG_INIT;

/* The range pmem_msync was asked for, until its msync is journaled. */
static __thread uintptr_t asked_addr;
static __thread size_t asked_len;

static void lock_take(void)
{
	while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
		;
}

static void lock_drop(void)
{
	atomic_flag_clear_explicit(&lock, memory_order_release);
}

/* The journal is the test's evidence: a record it cannot write ends it. */
static void journal_write(const struct pc_rec *r, const void *data)
{
	struct iovec iov[2] = {{(void *)r, sizeof(*r)},
			       {(void *)data, data ? r->len : 0}};
	long want = (long)(sizeof(*r) + (data ? r->len : 0));
	if (syscall_no_intercept(SYS_writev, journal, iov, 2) != want) {
		static const char msg[] = "powercut_recorder: journal write "
					  "failed\n";
		syscall_no_intercept(SYS_write, 2, msg, sizeof(msg) - 1);
		syscall_no_intercept(SYS_exit_group, 99);
	}
}

static int is_pool_fd(long fd)
{
	struct stat st;
	if (fd < 0 || syscall_no_intercept(SYS_fstat, fd, &st) != 0)
		return 0;
	return st.st_dev == pool_dev && st.st_ino == pool_ino;
}

static uint64_t page_up(uint64_t n)
{
	return (n + PAGE - 1) & ~(PAGE - 1);
}

/* Forgets what the mappings held in [addr, addr + len) (an munmap). */
static void maps_forget(uintptr_t addr, uint64_t len)
{
	for (int i = 0; i < nmaps;) {
		struct pool_map m = maps[i];
		uintptr_t end = m.addr + m.len;
		if (m.addr >= addr + len || addr >= end) {
			i++;
			continue;
		}
		maps[i] = maps[--nmaps];
		/* the parts before and after the hole stay mapped */
		if (m.addr < addr && nmaps < MAX_MAPS)
			maps[nmaps++] =
			    (struct pool_map){m.addr, addr - m.addr, m.off};
		if (end > addr + len && nmaps < MAX_MAPS)
			maps[nmaps++] =
			    (struct pool_map){addr + len, end - (addr + len),
					      m.off + (addr + len - m.addr)};
	}
}

static const struct pool_map *map_of(uintptr_t addr)
{
	for (int i = 0; i < nmaps; i++)
		if (addr >= maps[i].addr && addr < maps[i].addr + maps[i].len)
			return &maps[i];
	return NULL;
}

static long do_mmap(long a0, long a1, long a2, long a3, long a4, long a5)
{
	long r = syscall_no_intercept(SYS_mmap, a0, a1, a2, a3, a4, a5);
	if (syscall_error_code(r))
		return r;
	uint64_t len = page_up((uint64_t)a1);
	lock_take();
	maps_forget((uintptr_t)r, len);
	if (nmaps < MAX_MAPS)
		maps[nmaps++] =
		    (struct pool_map){(uintptr_t)r, len, (uint64_t)a5};
	lock_drop();
	return r;
}

/* Journals the pages an msync of the pool writes back; 0 if not the pool. */
static int journal_msync(uintptr_t addr, uint64_t len)
{
	lock_take();
	const struct pool_map *m = map_of(addr);
	if (!m) {
		lock_drop();
		return 0;
	}
	uint64_t end = page_up(addr + len);
	if (end > m->addr + m->len)
		end = m->addr + m->len;
	uintptr_t a = addr, alen = len;
	if (asked_len && asked_addr >= addr && asked_addr + asked_len <= end) {
		a = asked_addr;
		alen = asked_len;
	}
	struct pc_rec r = {PC_MAGIC,
			   PC_FLUSH,
			   addr - m->addr + m->off,
			   end - addr,
			   a - m->addr + m->off,
			   alen};
	journal_write(&r, (const void *)addr);
	lock_drop();
	return 1;
}

static int hook(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		long *result)
{
	(void)a2;
	if (nr == SYS_mmap &&
	    ((a3 & MAP_TYPE) == MAP_SHARED ||
	     (a3 & MAP_TYPE) == MAP_SHARED_VALIDATE) &&
	    is_pool_fd(a4)) {
		*result = do_mmap(a0, a1, a2, a3, a4, a5);
		return 0;
	}
	/* what an munmap or a fixed mapping of something else takes away */
	if (nr == SYS_munmap || (nr == SYS_mmap && (a3 & MAP_FIXED))) {
		lock_take();
		maps_forget((uintptr_t)a0, page_up((uint64_t)a1));
		lock_drop();
		return 1;
	}
	if (nr == SYS_msync && journal_msync((uintptr_t)a0, (uint64_t)a1)) {
		asked_len = 0;
		*result = 0;
		return 0;
	}
	return 1;
}

static void *real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);
	if (!f)
		abort();
	return f;
}

int pmem_msync(const void *addr, size_t len)
{
	static int (*next)(const void *, size_t);
	if (!next)
		next = (int (*)(const void *, size_t))real("pmem_msync");
	asked_addr = (uintptr_t)addr;
	asked_len = len;
	int ret = next(addr, len);
	asked_len = 0;
	return ret;
}

static void journal_volatile(const void *addr, size_t len)
{
	lock_take();
	const struct pool_map *m = map_of((uintptr_t)addr);
	if (m) {
		struct pc_rec r = {
		    PC_MAGIC, PC_VOLATILE, (uintptr_t)addr - m->addr + m->off,
		    len,      0,	   0};
		journal_write(&r, NULL);
	}
	lock_drop();
}

void pmem_persist(const void *addr, size_t len)
{
	static void (*next)(const void *, size_t);
	if (!next)
		next = (void (*)(const void *, size_t))real("pmem_persist");
	journal_volatile(addr, len);
	next(addr, len);
}

void pmem_flush(const void *addr, size_t len)
{
	static void (*next)(const void *, size_t);
	if (!next)
		next = (void (*)(const void *, size_t))real("pmem_flush");
	journal_volatile(addr, len);
	next(addr, len);
}

int pmem_deep_flush(const void *addr, size_t len)
{
	static int (*next)(const void *, size_t);
	if (!next)
		next = (int (*)(const void *, size_t))real("pmem_deep_flush");
	journal_volatile(addr, len);
	return next(addr, len);
}

static __attribute__((constructor)) void recorder_init(void)
{
	const char *pool = getenv("POWERCUT_POOL");
	const char *path = getenv("POWERCUT_JOURNAL");
	struct stat st;
	if (!pool || !path || stat(pool, &st) != 0)
		abort();
	pool_dev = st.st_dev;
	pool_ino = st.st_ino;
	journal = syscall_no_intercept(
	    SYS_open, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (journal < 0)
		abort();
	intercept_hook_point = hook;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * objalloc.c -- the memory libpmemobj builds a pool's runtime in.
 *
 * pmemobj_open builds the runtime of the pool's 1,024 lanes: some 10,000
 * allocations, 11 MiB, every byte written at once (the logs are zeroed).
 * Out of malloc's heap each 4 KiB page of it costs a page fault: some
 * 3,000, half of the open's time (5 of 10 ms here), and freeing the
 * blocks one by one is most of the close. libpmemobj lets its allocator be
 * replaced (pmemobj_set_funcs): the blocks of 256 bytes and more it
 * allocates while a thread opens a pool (objalloc_open_begin .. _end) are
 * cut off in order from a region of 32 MiB of address space advised for
 * transparent huge pages, which a few faults fill. Any other allocation,
 * on this thread after the open or on another thread, is malloc's, as
 * before. (A program that set functions of its own for its own pools has
 * them replaced at the first open of a pmemfile pool: malloc's again but
 * during the opens.)
 *
 * A block of a region is not reused: its pool's close frees them all, and
 * the last one freed (once its open is over) gives the region's memory
 * back (MADV_DONTNEED) and the region to the next open. A region keeps its
 * addresses for good, so that a free tells a block of it by its address
 * alone, whatever other threads do. A full region, or none free, leaves
 * the rest to malloc. Each block carries its size before it for realloc,
 * in 16 bytes, so that a block is aligned as malloc's are.
 *
 * After the open, the first use of each allocation class has libpmemobj
 * make the class's recycler of runs: 512 KiB (a count for each chunk the
 * heap may have), zeroed at once, kept until the close: seven of them
 * took a process that opened a pool and wrote ten files of every size
 * 900 page faults (11.3 ms of processor time in all, 8.9 ms with the
 * recyclers in huge pages, 1,410 -> 511 faults). So the blocks of
 * LATE_MIN to LATE_MAX bytes asked for outside an open are cut from a
 * region of their own (late), under a lock (they are few), whose space
 * freed serves again and whose memory goes back when its last block is
 * freed.
 */
#include <libpmemobj.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "objalloc.h"

#define REGION_SIZE (32UL << 20)
#define HUGE_PAGE (2UL << 20)
#define REGIONS 8
#define HEADER 16
/*
 * Smaller blocks are malloc's: libpmemobj keeps some of those it makes
 * while it opens a pool past the pool's close (16 bytes of its list of
 * pools), which would keep a region from being given back; the lanes'
 * are 400 bytes and more.
 */
#define SMALL 256

struct region {
	_Atomic uintptr_t base; /* 0 until mapped, then the same for good */
	uintptr_t next;		/* where the next block goes: the opener's */
	uintptr_t high;		/* the end of what was ever handed out */
	/* the blocks not freed, plus 1 while its open goes on */
	atomic_long live;
	/*
	 * An open or its blocks use it. Taken and given back without a lock,
	 * which a child forked meanwhile would inherit taken.
	 */
	atomic_int busy;
};

static struct region regions[REGIONS];
#define LATE_MIN (128UL << 10)
#define LATE_MAX (4UL << 20)
static pthread_mutex_t late_lock = PTHREAD_MUTEX_INITIALIZER;
/* the region of late blocks once taken (under late_lock), for good */
static struct region *_Atomic late;
/* No region from this one on was ever mapped: region_of looks no further. */
static atomic_int regions_mapped;
static pthread_once_t funcs_once = PTHREAD_ONCE_INIT;
static __thread struct region *opening
    __attribute__((tls_model("initial-exec")));

/*
 * libpmemobj allocates a vector of 8 KiB for each transaction and frees it
 * at the end: two a created file. malloc keeps freed blocks of up to 1 KiB
 * for the thread that freed them, and these went to its bins and back each
 * time. So the last block of KEEP_MIN .. KEEP_MAX bytes a thread had from
 * malloc here (big_last), once freed, is kept for the thread's next
 * allocation of that size or less; the key's destructor frees it when the
 * thread ends.
 */
#define KEEP_MIN 4096
#define KEEP_MAX (64UL << 10)
static pthread_key_t kept_key;
static bool kept_ok; /* the key was made */
static __thread void *big_last __attribute__((tls_model("initial-exec")));
static __thread size_t kept_size __attribute__((tls_model("initial-exec")));

/* A block of size bytes from malloc, or the one this thread keeps. */
static void *big_malloc(size_t size)
{
	if (!kept_ok || size < KEEP_MIN || size > KEEP_MAX)
		return malloc(size);
	void *p = pthread_getspecific(kept_key);
	if (p != NULL && kept_size >= size)
		(void)pthread_setspecific(kept_key, NULL);
	else
		p = malloc(size);
	big_last = p;
	return p;
}

/* Whether this thread keeps malloc's block p instead of freeing it. */
static bool kept_put(void *p)
{
	if (p != big_last || pthread_getspecific(kept_key) != NULL ||
	    pthread_setspecific(kept_key, p) != 0)
		return false;
	big_last = NULL;
	kept_size = malloc_usable_size(p);
	return true;
}

/* The region a block of which p is, NULL if p is malloc's. */
static struct region *region_of(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	int n = atomic_load_explicit(&regions_mapped, memory_order_acquire);

	for (int i = 0; i < n; ++i) {
		uintptr_t base = atomic_load_explicit(&regions[i].base,
						      memory_order_acquire);
		if (base && a >= base && a < base + REGION_SIZE)
			return &regions[i];
	}
	return NULL;
}

/* Its last block is gone and its open over: the memory goes back. */
static void region_release(struct region *r)
{
	uintptr_t base = atomic_load(&r->base);

	madvise((void *)base, r->high - base, MADV_DONTNEED);
	atomic_store(&r->busy, 0);
}

static void region_put(struct region *r)
{
	if (atomic_fetch_sub(&r->live, 1) == 1)
		region_release(r);
}

static struct region *region_take(void);

/*
 * The late region is cut in units of LATE_UNIT, a bit each in late_used,
 * so that the space of a block freed (a transaction's vector grown past
 * LATE_MIN, freed at its end) serves the next ones: what stays resident
 * is bounded by the blocks in use, not by all that ever were.
 */
#define LATE_UNIT (64UL << 10)
#define LATE_UNITS (REGION_SIZE / LATE_UNIT)
static uint64_t late_used[LATE_UNITS / 64];

/* Units a late block of size bytes takes, its header with it. */
static size_t late_units_of(size_t size)
{
	return (size + HEADER + LATE_UNIT - 1) / LATE_UNIT;
}

static bool late_unit_used(size_t u)
{
	return (late_used[u / 64] >> (u % 64)) & 1;
}

static void late_units_set(size_t first, size_t n, bool used)
{
	for (size_t u = first; u < first + n; ++u) {
		if (used)
			late_used[u / 64] |= 1ULL << (u % 64);
		else
			late_used[u / 64] &= ~(1ULL << (u % 64));
	}
}

/* The first of n free units in a row, or LATE_UNITS. */
static size_t late_units_find(size_t n)
{
	size_t run = 0;
	for (size_t u = 0; u < LATE_UNITS; ++u) {
		run = late_unit_used(u) ? 0 : run + 1;
		if (run == n)
			return u + 1 - n;
	}
	return LATE_UNITS;
}

/* A block of size bytes (LATE_MIN .. LATE_MAX) of the late region, or NULL. */
static void *late_malloc(size_t size)
{
	size_t n = late_units_of(size);
	void *p = NULL;

	pthread_mutex_lock(&late_lock);
	struct region *r = late;
	if (r == NULL) {
		r = region_take();
		/* its own 1 of live: it stays the late region */
		if (r != NULL) {
			r->high = atomic_load(&r->base);
			atomic_store(&r->live, 1);
			atomic_store(&late, r);
		}
	}
	size_t first = r != NULL ? late_units_find(n) : LATE_UNITS;
	if (first < LATE_UNITS) {
		late_units_set(first, n, true);
		uintptr_t block = atomic_load(&r->base) + first * LATE_UNIT;
		if (block + n * LATE_UNIT > r->high)
			r->high = block + n * LATE_UNIT;
		atomic_fetch_add(&r->live, 1);
		*(size_t *)block = size;
		p = (void *)(block + HEADER);
	}
	pthread_mutex_unlock(&late_lock);
	return p;
}

/*
 * A block of the late region freed: its units serve again; the last one
 * freed gives the region's memory back.
 */
static void late_put(struct region *r, void *p)
{
	uintptr_t block = (uintptr_t)p - HEADER;
	uintptr_t base = atomic_load(&r->base);
	size_t n = late_units_of(*(size_t *)block);

	pthread_mutex_lock(&late_lock);
	late_units_set((block - base) / LATE_UNIT, n, false);
	if (atomic_fetch_sub(&r->live, 1) == 2) {
		madvise((void *)base, r->high - base, MADV_DONTNEED);
		r->high = base;
	}
	pthread_mutex_unlock(&late_lock);
}

static void *objalloc_malloc(size_t size)
{
	struct region *r = opening;

	if (r == NULL && size >= LATE_MIN && size <= LATE_MAX) {
		void *p = late_malloc(size);
		if (p != NULL)
			return p;
	}
	if (r == NULL || size < SMALL || size > REGION_SIZE)
		return big_malloc(size);
	uintptr_t need =
	    (size + HEADER + HEADER - 1) & ~(uintptr_t)(HEADER - 1);
	if (r->next + need > atomic_load(&r->base) + REGION_SIZE)
		return malloc(size);
	uintptr_t block = r->next;
	r->next += need;
	if (r->next > r->high)
		r->high = r->next;
	atomic_fetch_add(&r->live, 1);
	*(size_t *)block = size;
	return (void *)(block + HEADER);
}

static void objalloc_free(void *p)
{
	struct region *r = p ? region_of(p) : NULL;

	if (r != NULL && r == late)
		late_put(r, p);
	else if (r != NULL)
		region_put(r);
	else if (p == NULL || !kept_put(p))
		free(p);
}

static void *objalloc_realloc(void *p, size_t size)
{
	if (p == NULL)
		return big_malloc(size);
	if (region_of(p) == NULL) {
		if (p == big_last)
			big_last = NULL;
		return realloc(p, size);
	}
	size_t old = *(size_t *)((uintptr_t)p - HEADER);
	void *n = objalloc_malloc(size);
	if (n == NULL)
		return NULL;
	memcpy(n, p, old < size ? old : size);
	objalloc_free(p);
	return n;
}

static char *objalloc_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = objalloc_malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

static void set_funcs(void)
{
	kept_ok = pthread_key_create(&kept_key, free) == 0;
	pmemobj_set_funcs(objalloc_malloc, objalloc_free, objalloc_realloc,
			  objalloc_strdup);
}

/* REGION_SIZE of address space at a huge page's boundary, or 0. */
static uintptr_t region_map(void)
{
	size_t span = REGION_SIZE + HUGE_PAGE;
	void *m = mmap(NULL, span, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED)
		return 0;
	uintptr_t lo = (uintptr_t)m;
	uintptr_t base = (lo + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	if (base > lo)
		munmap(m, base - lo);
	if (lo + span > base + REGION_SIZE)
		munmap((void *)(base + REGION_SIZE),
		       lo + span - (base + REGION_SIZE));
	/* without transparent huge pages it is still one piece, in order */
	madvise((void *)base, REGION_SIZE, MADV_HUGEPAGE);
	return base;
}

/* A region no open and no block uses, mapped, or NULL. */
static struct region *region_take(void)
{
	for (int i = 0; i < REGIONS; ++i) {
		struct region *r = &regions[i];
		int idle = 0;

		if (!atomic_compare_exchange_strong(&r->busy, &idle, 1))
			continue;
		if (atomic_load(&r->base) == 0) {
			uintptr_t base = region_map();
			if (base == 0) {
				atomic_store(&r->busy, 0);
				return NULL;
			}
			atomic_store_explicit(&r->base, base,
					      memory_order_release);
			int n = atomic_load(&regions_mapped);
			while (n < i + 1 && !atomic_compare_exchange_weak(
						&regions_mapped, &n, i + 1))
				;
		}
		return r;
	}
	return NULL;
}

void objalloc_open_begin(void)
{
	struct region *r;

	pthread_once(&funcs_once, set_funcs);
	r = region_take();
	if (r != NULL) {
		r->next = r->high = atomic_load(&r->base);
		atomic_store(&r->live, 1);
	}
	opening = r;
}

void objalloc_open_end(void)
{
	struct region *r = opening;

	opening = NULL;
	if (r != NULL)
		region_put(r);
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_dirty -- the written pages of a range (pmemfile/dirty.c), on a
 * shared map of a file in $TMPDIR as a pool image is mapped: after each
 * round of writes, dirty_collect reports exactly the pages written since
 * the last collect (stores by the program, a read(2) into the range by the
 * kernel, pages never touched before), in runs, in address order, and a
 * collect right after reports none; reading pages reports nothing; pages
 * unprotected ahead of a write (dirty_unprotect) are reported whether
 * written or not, and written without a fault each. A
 * kernel without the asynchronous write protection (before Linux 6.7)
 * makes the test skip, saying so.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "core.h"
#include "pmemfile/dirty.h"

#define PAGES 4096 /* 16 MiB */
#define PG 4096

static char *base;
static bool want[PAGES], seen[PAGES];
static uintptr_t last_end;
static int runs;

static int note(void *arg, uintptr_t start, uintptr_t end)
{
	(void)arg;
	if (start < last_end || start >= end || (start | end) & (PG - 1) ||
	    start < (uintptr_t)base || end > (uintptr_t)base + PAGES * PG)
		CORE_FAIL("run [%#lx, %#lx) out of order or range", start, end);
	last_end = end;
	runs++;
	for (uintptr_t p = start; p < end; p += PG)
		seen[(p - (uintptr_t)base) / PG] = true;
	return 0;
}

/* Collects and compares with want; both cleared after. */
static void check(struct dirty *d, const char *what)
{
	memset(seen, 0, sizeof(seen));
	last_end = 0;
	runs = 0;
	long n = dirty_collect(d, note, NULL);
	long expected = 0;
	for (int i = 0; i < PAGES; i++) {
		expected += want[i];
		if (want[i] != seen[i])
			CORE_FAIL("%s: page %d written %d, reported %d", what,
				  i, want[i], seen[i]);
	}
	CORE_EQ(n, expected);
	memset(want, 0, sizeof(want));
	/* nothing written since */
	CORE_EQ(dirty_collect(d, note, NULL), 0);
}

int main(void)
{
	const char *path = core_pool_path("core_dirty.img");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CORE_TRUE(fd >= 0);
	CORE_EQ(ftruncate(fd, (off_t)PAGES * PG), 0);
	base = mmap(NULL, (size_t)PAGES * PG, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	CORE_TRUE(base != MAP_FAILED);
	unlink(path);

	struct dirty *d;
	CORE_EQ(dirty_start(base + 1, PG, &d), -EINVAL);
	CORE_EQ(dirty_start(base, 100, &d), -EINVAL);
	int r = dirty_start(base, (size_t)PAGES * PG, &d);
	if (r == -ENOTSUP || r == -EPERM) {
		printf("dirty tracking is not available here (%s): the kernel "
		       "needs userfaultfd's asynchronous write protection and "
		       "PAGEMAP_SCAN (Linux 6.7)\n",
		       strerror(-r));
		return 77;
	}
	CORE_EQ(r, 0);

	/* pages never touched, one store each */
	base[0] = 1;
	want[0] = true;
	base[(PAGES - 1) * PG + 17] = 1;
	want[PAGES - 1] = true;
	check(d, "first stores");

	/* reads count for nothing */
	volatile char sum = 0;
	for (int i = 0; i < PAGES; i += 3)
		sum += base[(size_t)i * PG];
	(void)sum;
	check(d, "reads");

	/* a run of pages, then the kernel writing into the range */
	memset(base + 100 * PG + 10, 7, 5 * PG);
	for (int i = 100; i <= 105; i++)
		want[i] = true;
	int src = open("/proc/self/stat", O_RDONLY);
	CORE_TRUE(src >= 0);
	CORE_TRUE(read(src, base + 2000 * PG + 4000, 200) > 0);
	close(src);
	want[2000] = want[2001] = true;
	check(d, "a run and a read(2)");

	/* random rounds: more runs than one scan reports at once */
	srand(7);
	for (int round = 0; round < 20; round++) {
		int n = 1 + rand() % 1200;
		for (int k = 0; k < n; k++) {
			int i = rand() % PAGES;
			base[(size_t)i * PG + (size_t)(rand() % PG)] ^= 1;
			want[i] = true;
		}
		char what[32];
		snprintf(what, sizeof(what), "round %d", round);
		check(d, what);
	}

	/*
	 * pages unprotected ahead of a big write: reported, written or not,
	 * and written with no fault each; protected again by the collect
	 */
	CORE_EQ(dirty_unprotect(d, base - PG, 2 * PG), -EINVAL);
	CORE_EQ(dirty_unprotect(d, base + (PAGES - 1) * PG, 2 * PG), -EINVAL);
	CORE_EQ(dirty_unprotect(d, base, 0), -EINVAL);
	memset(base + 1000 * PG, 1, 256 * PG); /* mapped */
	for (int i = 1000; i < 1256; i++)
		want[i] = true;
	check(d, "pages mapped");
	CORE_EQ(dirty_unprotect(d, base + 1000 * PG + 10, 256 * PG - 20), 0);
	struct rusage ru0, ru1;
	CORE_EQ(getrusage(RUSAGE_SELF, &ru0), 0);
	memset(base + 1000 * PG, 2, 200 * PG);
	CORE_EQ(getrusage(RUSAGE_SELF, &ru1), 0);
	long faults = ru1.ru_minflt - ru0.ru_minflt;
	if (faults > 16)
		CORE_FAIL("200 unprotected pages written with %ld faults",
			  faults);
	for (int i = 1000; i < 1256; i++)
		want[i] = true; /* 56 of them unprotected, not written */
	check(d, "pages unprotected");
	base[1100 * PG] = 3;
	want[1100] = true;
	check(d, "one of them written again");
	/* pages not mapped (unmapped again): written, they are reported */
	CORE_EQ(madvise(base + 3000 * PG, 10 * PG, MADV_DONTNEED), 0);
	CORE_EQ(dirty_collect(d, NULL, NULL), 0);
	CORE_EQ(dirty_unprotect(d, base + 3000 * PG, 10 * PG), 0);
	memset(base + 3000 * PG, 4, 10 * PG);
	for (int i = 3000; i < 3010; i++)
		want[i] = true;
	check(d, "pages never mapped");

	/* what a collect costs with few pages written */
	for (int i = 0; i < 10; i++)
		base[(size_t)i * 97 * PG] = 2;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long n = dirty_collect(d, NULL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CORE_EQ(n, 10);
	printf("collect of 10 written pages in 16 MiB: %.0f us\n",
	       (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
		   (double)(t1.tv_nsec - t0.tv_nsec) / 1e3);
	dirty_stop(d);
	base[5 * PG] = 3; /* writable as before */
	munmap(base, (size_t)PAGES * PG);
	close(fd);
	printf("PASS\n");
	return 0;
}

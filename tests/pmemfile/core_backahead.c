// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_backahead -- the backing of a journal mode's image ahead of small
 * extents (direct_back_ahead, direct.c), on a sparse file in /dev/shm
 * mapped shared, as an image is: over a window of 512 KiB whose second
 * chunk holds a page with data (as the header of a run of small extents
 * does where the run starts), every hole of the window is allocated and
 * mapped, past that page too; the page with data keeps its bytes and is
 * not mapped (a page with data is never made writable there: in journal
 * mode a sync point would take it for a hole's), and the runs of holes
 * backed are given to the journal mode (jmode_zero_add, a stand-in here)
 * without it; a second call over the same window backs nothing more.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "core.h"
#include "pmemfile/direct.h"
#include "pmemfile/internal.h"

#define PG 4096UL
#define CHUNK (64UL << 10)
#define WINDOW (512UL << 10)
#define SIZE (4UL << 20)
/* the page with data: the third of the second chunk */
#define DATA_AT (CHUNK + 2 * PG)

/*
 * The journal mode's side, here alone: the runs of pages backed that were
 * holes (jmode_zero_add), in order.
 */
#define GEN 7
static uint64_t zero_runs[64][2];
static int nzero_runs;

uint64_t jmode_zero_gen(PMEMfilepool *pfp)
{
	(void)pfp;
	return GEN;
}

void jmode_zero_add(PMEMfilepool *pfp, uint64_t gen, uint64_t start,
		    uint64_t end)
{
	(void)pfp;
	CORE_EQ(gen, GEN);
	CORE_TRUE(nzero_runs < 64);
	zero_runs[nzero_runs][0] = start;
	zero_runs[nzero_runs][1] = end;
	nzero_runs++;
}

/* the shim's count of dup2 calls (kcall.h): none here */
_Atomic uint64_t pf_own_fds_gen;

void jmode_back_ahead(PMEMfilepool *pfp, uint64_t off, uint64_t len)
{
	(void)pfp;
	(void)off;
	(void)len;
}

/* Whether page at of the mapping is present (/proc/self/pagemap). */
static bool mapped(const char *base, uint64_t at)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	CORE_TRUE(fd >= 0);
	uint64_t entry;
	CORE_EQ(pread(fd, &entry, sizeof(entry),
		      (off_t)((uintptr_t)(base + at) / PG * sizeof(entry))),
		sizeof(entry));
	close(fd);
	return entry >> 63;
}

/* The file's pages with data in [0, SIZE), by lseek. */
static uint64_t data_pages(int fd)
{
	uint64_t n = 0;
	off_t at = 0;
	for (;;) {
		off_t d = lseek(fd, at, SEEK_DATA);
		if (d < 0 || (uint64_t)d >= SIZE)
			return n;
		off_t h = lseek(fd, d, SEEK_HOLE);
		CORE_TRUE(h > d);
		n += ((uint64_t)h - (uint64_t)d) / PG;
		at = h;
	}
}

int main(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/dev/shm/core_backahead.%d",
		 (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	CORE_TRUE(fd >= 0);
	unlink(path); /* nothing left behind, even by a failure */
	CORE_EQ(ftruncate(fd, (off_t)SIZE), 0);
	char page[PG];
	memset(page, 0x5a, sizeof(page));
	CORE_EQ(pwrite(fd, page, sizeof(page), (off_t)DATA_AT), PG);
	off_t hole = lseek(fd, 0, SEEK_HOLE);
	if (hole < 0 || lseek(fd, DATA_AT, SEEK_DATA) != (off_t)DATA_AT ||
	    hole != 0) {
		printf("SKIP: /dev/shm tells no holes from data\n");
		return 77;
	}

	struct pmemfilepool pool;
	memset(&pool, 0, sizeof(pool));
	pool.pool_size = SIZE;
	pool.base = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CORE_TRUE(pool.base != MAP_FAILED);
	pool.direct_read = calloc(SIZE / CHUNK + 1, 1);
	CORE_TRUE(pool.direct_read != NULL);
	struct stat st;
	CORE_EQ(fstat(fd, &st), 0);
	pool.direct_fd = fd;
	pool.direct_writable = true;
	pool.direct_dev = st.st_dev;
	pool.direct_ino = st.st_ino;

	direct_back_ahead(&pool, 0, WINDOW);
	/* the window, every page, and nothing past it */
	CORE_EQ(lseek(fd, 0, SEEK_HOLE), WINDOW);
	CORE_EQ(data_pages(fd), WINDOW / PG);
	for (uint64_t at = 0; at < WINDOW; at += PG) {
		if (at == DATA_AT) {
			if (mapped(pool.base, at))
				CORE_FAIL("the page with data at %#lx was "
					  "mapped",
					  (unsigned long)at);
		} else if (!mapped(pool.base, at)) {
			CORE_FAIL("hole page at %#lx not mapped",
				  (unsigned long)at);
		}
	}
	/* the holes listed as such, the page with data not */
	uint64_t listed = 0;
	for (int i = 0; i < nzero_runs; i++) {
		uint64_t a = zero_runs[i][0], b = zero_runs[i][1];
		if (a >= b || b > WINDOW || (i && a < zero_runs[i - 1][1]) ||
		    (a <= DATA_AT && DATA_AT < b))
			CORE_FAIL("run [%#lx, %#lx) of the holes backed",
				  (unsigned long)a, (unsigned long)b);
		listed += b - a;
	}
	CORE_EQ(listed, WINDOW - PG);
	if (memcmp(pool.base + DATA_AT, page, PG) != 0)
		CORE_FAIL("the page with data changed");
	for (uint64_t at = 0; at < WINDOW; at += PG)
		if (at != DATA_AT && pool.base[at] != 0)
			CORE_FAIL("page at %#lx is not zeros",
				  (unsigned long)at);

	direct_back_ahead(&pool, 0, WINDOW);
	CORE_EQ(data_pages(fd), WINDOW / PG);
	CORE_EQ(listed, WINDOW - PG);

	munmap(pool.base, SIZE);
	free((void *)pool.direct_read);
	close(fd);
	printf("a window of %lu KiB backed past a page with data, that page "
	       "left unmapped\n",
	       WINDOW >> 10);
	return 0;
}

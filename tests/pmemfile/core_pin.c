// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_pin -- pmemfile_pin_pages: the offsets it gives are where the file's
 * bytes are in the pool file (read and written through a mapping of the
 * pool file and compared with pmemfile_pread/pwrite), holes get storage,
 * the last page is zero past the size, pages past it get 0; while pinned,
 * shrinking and punching fail with EBUSY and an unlinked file lives on;
 * after the unpin all of it works and the pool checks clean.
 */
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core.h"
#include "pmemfile/check.h"

#define PG 4096
#define POOL_SIZE (16 << 20)

static char *pool_map;

static void fill(char *b, size_t n, char seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (char)(seed + i * 7);
}

int main(void)
{
	const char *pool = core_pool_path("pin.pool");
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	CORE_TRUE(p);
	int pfd = open(pool, O_RDWR);
	CORE_TRUE(pfd >= 0);
	pool_map =
	    mmap(NULL, POOL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, pfd, 0);
	CORE_TRUE(pool_map != MAP_FAILED);

	/* page 0 data, pages 1-2 a hole, page 3 data, size 3 pages + 100 */
	PMEMfile *f = pmemfile_open(p, "/f", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	char a[PG], b[PG], got[PG], zero[PG] = {0};
	fill(a, PG, 1);
	fill(b, PG, 2);
	CORE_EQ(pmemfile_pwrite(p, f, a, PG, 0), PG);
	CORE_EQ(pmemfile_pwrite(p, f, b, 100, 3 * PG), 100);
	/* bytes past the size in the last page, which a map must show as 0 */
	CORE_EQ(pmemfile_pwrite(p, f, b, PG, 3 * PG), PG);
	CORE_EQ(pmemfile_ftruncate(p, f, 3 * PG + 100), 0);

	uint64_t off[6];
	PMEMfilepin *pin = pmemfile_pin_pages(p, f, 0, 6 * PG, off);
	CORE_TRUE(pin);
	for (int i = 0; i < 4; i++) {
		CORE_TRUE(off[i] != 0 && off[i] % PG == 0);
		CORE_TRUE(off[i] + PG <= POOL_SIZE);
	}
	CORE_EQ(off[4], 0);
	CORE_EQ(off[5], 0);
	CORE_EQ(memcmp(pool_map + off[0], a, PG), 0);
	CORE_EQ(memcmp(pool_map + off[1], zero, PG), 0);
	CORE_EQ(memcmp(pool_map + off[2], zero, PG), 0);
	CORE_EQ(memcmp(pool_map + off[3], b, 100), 0);
	CORE_EQ(memcmp(pool_map + off[3] + 100, zero, PG - 100), 0);

	/* a store through the pool's page is the file's byte, and back */
	memcpy(pool_map + off[2] + 10, "mapped", 6);
	CORE_EQ(pmemfile_pread(p, f, got, 6, 2 * PG + 10), 6);
	CORE_EQ(memcmp(got, "mapped", 6), 0);
	CORE_EQ(pmemfile_pwrite(p, f, "written", 7, PG + 5), 7);
	CORE_EQ(memcmp(pool_map + off[1] + 5, "written", 7), 0);
	/* the holes got storage: st_blocks counts 4 pages at least */
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_fstat(p, f, &st), 0);
	CORE_TRUE(st.st_blocks >= 4 * PG / 512);
	CORE_EQ(st.st_size, 3 * PG + 100);

	/* the storage stays: no shrinking, no punching; growing is fine */
	errno = 0;
	CORE_EQ(pmemfile_ftruncate(p, f, PG), -1);
	CORE_EQ(errno, EBUSY);
	errno = 0;
	CORE_EQ(
	    pmemfile_fallocate(
		p, f, PMEMFILE_FL_PUNCH_HOLE | PMEMFILE_FL_KEEP_SIZE, 0, PG),
	    -1);
	CORE_EQ(errno, EBUSY);
	CORE_EQ(pmemfile_ftruncate(p, f, 8 * PG), 0);
	CORE_EQ(pmemfile_pread(p, f, got, PG, 0), PG);
	CORE_EQ(memcmp(got, a, PG), 0);

	/* unlinked and closed while pinned: the pages are still the file's */
	CORE_EQ(pmemfile_unlink(p, "/f"), 0);
	pmemfile_close(p, f);
	PMEMfile *g = pmemfile_open(p, "/g", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(g);
	char big[64 * 1024];
	fill(big, sizeof(big), 9);
	for (int i = 0; i < 64; i++)
		CORE_EQ(pmemfile_write(p, g, big, sizeof(big)), sizeof(big));
	CORE_EQ(memcmp(pool_map + off[0], a, PG), 0);
	CORE_EQ(memcmp(pool_map + off[2] + 10, "mapped", 6), 0);
	pmemfile_unpin_pages(p, pin);

	/* wrong arguments */
	uint64_t one;
	errno = 0;
	CORE_TRUE(!pmemfile_pin_pages(p, g, 100, PG, &one));
	CORE_EQ(errno, EINVAL);
	errno = 0;
	CORE_TRUE(!pmemfile_pin_pages(p, g, 0, 100, &one));
	CORE_EQ(errno, EINVAL);
	errno = 0;
	CORE_TRUE(!pmemfile_pin_pages(p, g, 0, 0, &one));
	CORE_EQ(errno, EINVAL);
	PMEMfile *w = pmemfile_open(p, "/g", O_WRONLY);
	CORE_TRUE(w);
	errno = 0;
	CORE_TRUE(!pmemfile_pin_pages(p, w, 0, PG, &one));
	CORE_EQ(errno, EACCES);
	pmemfile_close(p, w);
	PMEMfile *d = pmemfile_open(p, "/", O_RDONLY | O_DIRECTORY);
	CORE_TRUE(d);
	errno = 0;
	CORE_TRUE(!pmemfile_pin_pages(p, d, 0, PG, &one));
	CORE_EQ(errno, ENODEV);
	pmemfile_close(p, d);

	/* unpinned: shrinking and punching work again */
	PMEMfilepin *pg = pmemfile_pin_pages(p, g, 0, PG, &one);
	CORE_TRUE(pg);
	pmemfile_unpin_pages(p, pg);
	CORE_EQ(
	    pmemfile_fallocate(
		p, g, PMEMFILE_FL_PUNCH_HOLE | PMEMFILE_FL_KEEP_SIZE, 0, PG),
	    0);
	CORE_EQ(pmemfile_ftruncate(p, g, PG), 0);
	pmemfile_close(p, g);
	pmemfile_pool_close(p);
	munmap(pool_map, POOL_SIZE);
	close(pfd);

	CORE_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	printf("pins keep pages in place and give their pool offsets\n");
	return 0;
}

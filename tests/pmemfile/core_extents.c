// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_extents -- file data sits in 4 KiB-aligned extents of the pool
 * file, a file growing by 4 KiB appends gets few, growing extents (not one
 * per append), holes read as zeros, and a truncation frees the extents
 * beyond the new size.
 */
#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <unistd.h>

#include "core.h"
#include "pmemfile/layout.h"

static const char *pool;

/* Checks every extent of the only regular file; returns their count. */
static uint64_t check_extents(uint64_t *bytes)
{
	PMEMobjpool *pop = pmemobj_open(pool, PMEMFILE_LAYOUT_NAME);
	CORE_TRUE(pop);
	struct pmemfile_super *s =
	    pmemobj_direct(pmemobj_root(pop, sizeof(struct pmemfile_super)));
	struct pmemfile_inode *in = NULL;
	for (uint64_t a = s->inode_arrays; a && !in;) {
		struct pmemfile_inode_array *arr = (void *)((char *)pop + a);
		for (size_t i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++)
			if (S_ISREG(arr->inodes[i].mode))
				in = &arr->inodes[i];
		a = arr->next;
	}
	CORE_TRUE(in);
	uint64_t n = in->file.nextents, sum = 0;
	struct pmemfile_extent_block *b = NULL;
	for (uint64_t i = 0; i < n; i++) {
		struct pmemfile_extent *e;
		if (i < PMEMFILE_INLINE_EXTENTS) {
			e = &in->file.e[i];
		} else {
			uint64_t k = (i - PMEMFILE_INLINE_EXTENTS) %
				     PMEMFILE_EXTENTS_PER_BLOCK;
			if (k == 0)
				b = (void *)((char *)pop +
					     (b ? b->next : in->file.blocks));
			e = &b->e[k];
		}
		if (e->data % 4096 || e->off % 4096 || e->len % 4096)
			CORE_FAIL("extent %lu: off %lu len %lu at %lu",
				  (unsigned long)i, (unsigned long)e->off,
				  (unsigned long)e->len,
				  (unsigned long)e->data);
		sum += e->len;
	}
	pmemobj_close(pop);
	*bytes = sum;
	return n;
}

int main(void)
{
	pool = core_pool_path("extents.pool");
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 256 << 20, 0600);
	CORE_TRUE(p);
	PMEMfile *f = pmemfile_open(p, "/f", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	static char page[4096];
	const int pages = 16384; /* 64 MiB */
	for (int i = 0; i < pages; i++) {
		memset(page, i & 0xff, sizeof(page));
		CORE_EQ(pmemfile_write(p, f, page, sizeof(page)), 4096);
	}
	/* a hole, then data after it */
	CORE_EQ(pmemfile_pwrite(p, f, "end", 3, (off_t)pages * 4096 + 100000),
		3);
	pmemfile_close(p, f);
	pmemfile_pool_close(p);

	uint64_t bytes, n = check_extents(&bytes);
	/*
	 * growth by an eighth of the file: a few hundred extents for 64 MiB,
	 * not 16384 (in a 256 MiB pool extents stop growing at 256 KiB, 256
	 * of them for 64 MiB: their runs of 128 units are at most 1/8 of the
	 * pool)
	 */
	if (n > 400)
		CORE_FAIL("%lu extents for %d appends", (unsigned long)n,
			  pages);
	CORE_TRUE(bytes >= (uint64_t)pages * 4096);

	p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	f = pmemfile_open(p, "/f", O_RDWR);
	CORE_TRUE(f);
	static char got[4096];
	for (int i = 0; i < pages; i += 997) {
		CORE_EQ(pmemfile_pread(p, f, got, 4096, (off_t)i * 4096), 4096);
		memset(page, i & 0xff, sizeof(page));
		CORE_EQ(memcmp(got, page, 4096), 0);
	}
	CORE_EQ(pmemfile_pread(p, f, got, 4096, (off_t)pages * 4096 + 4096),
		4096);
	for (int i = 0; i < 4096; i++)
		CORE_EQ(got[i], 0);

	CORE_EQ(pmemfile_ftruncate(p, f, 4096), 0);
	pmemfile_close(p, f);
	pmemfile_pool_close(p);
	n = check_extents(&bytes);
	if (bytes > (4 << 20))
		CORE_FAIL("%lu bytes in %lu extents after truncate to 4096",
			  (unsigned long)bytes, (unsigned long)n);
	unlink(pool);
	printf("%s\n", "extents aligned, few, growing, freed by truncate");
	return 0;
}

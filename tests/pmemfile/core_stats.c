// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_stats -- pmemfile_stats counts what the discontinued library's
 * counters counted, in this layout: inodes in use (the four roots of a new
 * pool, an open file without a name until its close), directory blocks
 * (root 0's first one is made with the pool; a directory gets its first at
 * its first name and keeps its blocks when the names go), extent blocks
 * (one for each 170 extents beyond the 4 of the inode), inode arrays (63
 * inodes each) and data extents.
 */
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <unistd.h>

#include "core.h"
#include "pmemfile/layout.h"

static PMEMfilepool *p;

/* The five counters, in the order of struct pmemfile_stats. */
static void expect_stats(int line, unsigned inodes, unsigned dirs,
			 unsigned block_arrays, unsigned inode_arrays,
			 unsigned blocks)
{
	struct pmemfile_stats s;
	memset(&s, 0xff, sizeof(s));
	pmemfile_stats(p, &s);
	if (s.inodes != inodes || s.dirs != dirs ||
	    s.block_arrays != block_arrays || s.inode_arrays != inode_arrays ||
	    s.blocks != blocks)
		CORE_FAIL("line %d: inodes %u dirs %u block_arrays %u "
			  "inode_arrays %u blocks %u, expected %u %u %u %u %u",
			  line, s.inodes, s.dirs, s.block_arrays,
			  s.inode_arrays, s.blocks, inodes, dirs, block_arrays,
			  inode_arrays, blocks);
}
#define EXPECT_STATS(...) expect_stats(__LINE__, __VA_ARGS__)

static void create(const char *path)
{
	PMEMfile *f = pmemfile_open(p, path, O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (!f)
		CORE_FAIL("create %s: %s", path, strerror(errno));
	pmemfile_close(p, f);
}

/* Directory blocks: 128 names of up to 16 bytes fill one. */
static void dir_blocks(void)
{
	CORE_EQ(pmemfile_mkdir(p, "/d", 0755), 0);
	EXPECT_STATS(5, 1, 0, 1, 0);
	char name[32];
	for (int i = 0; i < 128; i++) {
		snprintf(name, sizeof(name), "/d/%03d", i);
		create(name);
	}
	EXPECT_STATS(5 + 128, 2, 0, 3, 0);
	create("/d/128");
	EXPECT_STATS(5 + 129, 3, 0, 3, 0);
	for (int i = 0; i <= 128; i++) {
		snprintf(name, sizeof(name), "/d/%03d", i);
		CORE_EQ(pmemfile_unlink(p, name), 0);
	}
	/* the names went, the blocks stay; the emptied arrays are freed */
	EXPECT_STATS(5, 3, 0, 1, 0);
	CORE_EQ(pmemfile_rmdir(p, "/d"), 0);
	EXPECT_STATS(4, 1, 0, 1, 0);
}

/* Inode arrays: the roots and 59 files fill the first one. */
static void inode_arrays(void)
{
	char name[32];
	for (int i = 0; i < 59; i++) {
		snprintf(name, sizeof(name), "/i%02d", i);
		create(name);
	}
	EXPECT_STATS(63, 1, 0, 1, 0);
	create("/i59");
	EXPECT_STATS(64, 1, 0, 2, 0);
	for (int i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "/i%02d", i);
		CORE_EQ(pmemfile_unlink(p, name), 0);
	}
	EXPECT_STATS(4, 1, 0, 1, 0);
}

/* Extents apart from each other: one each, the fifth in an extent block. */
static void extents(void)
{
	PMEMfile *f = pmemfile_open(p, "/f", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	EXPECT_STATS(5, 1, 0, 1, 0);
	for (int i = 0; i < 4; i++)
		CORE_EQ(pmemfile_pwrite(p, f, "x", 1, (off_t)i << 20), 1);
	EXPECT_STATS(5, 1, 0, 1, 4);
	CORE_EQ(pmemfile_pwrite(p, f, "x", 1, 4 << 20), 1);
	EXPECT_STATS(5, 1, 1, 1, 5);
	for (int i = 5; i < 4 + PMEMFILE_EXTENTS_PER_BLOCK + 1; i++)
		CORE_EQ(pmemfile_pwrite(p, f, "x", 1, (off_t)i << 20), 1);
	EXPECT_STATS(5, 1, 2, 1, 4 + PMEMFILE_EXTENTS_PER_BLOCK + 1);
	CORE_EQ(pmemfile_ftruncate(p, f, 1), 0);
	EXPECT_STATS(5, 1, 0, 1, 1);

	/* a file without a name counts until its close */
	CORE_EQ(pmemfile_unlink(p, "/f"), 0);
	EXPECT_STATS(5, 1, 0, 1, 1);
	pmemfile_close(p, f);
	EXPECT_STATS(4, 1, 0, 1, 0);
}

int main(void)
{
	const char *pool = core_pool_path("stats.pool");
	unlink(pool);
	p = pmemfile_pool_create(pool, 64 << 20, 0600);
	CORE_TRUE(p);
	/* four roots, root 0's first directory block, one inode array */
	EXPECT_STATS(4, 1, 0, 1, 0);
	create("/a");
	EXPECT_STATS(5, 1, 0, 1, 0);
	CORE_EQ(pmemfile_unlink(p, "/a"), 0);
	EXPECT_STATS(4, 1, 0, 1, 0);
	dir_blocks();
	inode_arrays();
	extents();
	pmemfile_pool_close(p);

	/* the same figures from a pool opened again */
	p = pmemfile_pool_open(pool);
	CORE_TRUE(p);
	EXPECT_STATS(4, 1, 0, 1, 0);
	pmemfile_pool_close(p);
	unlink(pool);
	printf("%s\n", "pmemfile_stats counts inodes, directory blocks, "
		       "extent blocks, inode arrays and extents");
	return 0;
}

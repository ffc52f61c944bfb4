// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool_sparse -- a sparse pool in memory takes from its file system what
 * its files use, no more: a new pool takes a few megabytes, a file of
 * 1 MiB adds its extents (between 1 and 2 MiB), and once that file is
 * removed, a file of 1 MiB written in a new opening of the pool, which
 * lands on the freed pages, adds nothing (the library maps pages ahead of
 * the writes, and reading a hole to map it would allocate a page).
 */
#include "tcheck.h"

#include <libpmemfile-posix.h>
#include <stdint.h>
#include <sys/stat.h>

#define KiB (1L << 10)
#define MiB (1L << 20)
#define CHUNK 65536

static char path[4096];

static long allocated(void)
{
	struct stat st;
	T_EQ(stat(path, &st), 0);
	return (long)st.st_blocks * 512;
}

static void write_file(PMEMfilepool *pfp, const char *name, char fill)
{
	static char buf[CHUNK];
	memset(buf, fill, sizeof(buf));
	PMEMfile *f = pmemfile_open(
	    pfp, name, PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY,
	    0644);
	T_ASSERT(f != NULL);
	for (long off = 0; off < MiB; off += CHUNK)
		T_EQ(pmemfile_write(pfp, f, buf, CHUNK), CHUNK);
	pmemfile_close(pfp, f);
}

static void check_file(PMEMfilepool *pfp, const char *name, char fill)
{
	static char buf[CHUNK], want[CHUNK];
	memset(want, fill, sizeof(want));
	PMEMfile *f = pmemfile_open(pfp, name, PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	for (long off = 0; off < MiB; off += CHUNK) {
		T_EQ(pmemfile_read(pfp, f, buf, CHUNK), CHUNK);
		if (memcmp(buf, want, CHUNK))
			T_FAIL("%s: wrong data at %ld", name, off);
	}
	T_EQ(pmemfile_read(pfp, f, buf, CHUNK), 0);
	pmemfile_close(pfp, f);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(path, sizeof(path));

	PMEMfilepool *pfp = pmemfile_pool_create(path, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	long made = allocated();
	if (made >= 16 * MiB)
		T_FAIL("a new 64 MiB pool takes %ld bytes", made);

	write_file(pfp, "/a", 'a');
	long grew = allocated() - made;
	if (grew < MiB || grew > 2 * MiB)
		T_FAIL("a file of 1 MiB added %ld bytes to the pool file",
		       grew);

	T_EQ(pmemfile_unlink(pfp, "/a"), 0);
	pmemfile_pool_close(pfp);
	pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	long before = allocated();
	write_file(pfp, "/b", 'b');
	grew = allocated() - before;
	if (grew > 64 * KiB)
		T_FAIL("a file of 1 MiB in the space of a removed one added "
		       "%ld bytes to the pool file",
		       grew);
	check_file(pfp, "/b", 'b');
	pmemfile_pool_close(pfp);
	unlink(path);
	printf("PASS pool_sparse (new pool %ld KiB, second file +%ld KiB)\n",
	       made / KiB, grew / KiB);
	return 0;
}

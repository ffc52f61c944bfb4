// SPDX-License-Identifier: BSD-3-Clause
/*
 * space_fill -- statfs tells what a pool can take. For files of several
 * sizes (10 B to 1 MiB) in pools of 8 and 64 MiB, files are made until
 * ENOSPC (exactly that errno, from the creation or a write):
 *
 * - then statfs says the pool is full: less than one allocation unit free
 *   (an inode array, 16 KiB, the biggest unit a creation needs), or no
 *   inode free where a creation was refused;
 * - what the files hold (their blocks, as du counts them), what the pool
 *   made for them (inode arrays of the 16 KiB class where that class
 *   holds files, extent blocks, the directories' blocks and tables) and
 *   what statfs says is left is what f_bavail said before the fill, to
 *   one allocation unit (the pool's biggest: a block of metadata takes a
 *   unit of any size where its own has none free);
 * - f_ffree never promised fewer inodes than were made.
 *
 * Then the files are made in a directory, which is removed with them (as
 * rm -rf does) and made again, three times, in one process and across
 * reopens, with the sizes mixed (small files after big ones and big ones
 * after small ones): each fill makes no fewer files than the first fill
 * of that size, and the pool is as empty after each removal as before the
 * first fill (inode arrays, extents, the directory's blocks and tables
 * given back).
 */
#include "check.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
/* an inode array, the biggest unit a creation takes */
#define UNIT (16 * KiB)
/* files a directory: its blocks and table stay small (a block of 128
 * records, a table of 512 entries in a 4 KiB unit) */
#define PER_DIR 100

static char path[4096];
static char buf[MiB];

struct fill {
	uint64_t files;	 /* made */
	uint64_t blocks; /* bytes they hold, as st_blocks says */
	bool create;	 /* the fill ended with a creation refused */
};

static pmemfile_statfs_t statfs_of(PMEMfilepool *pfp)
{
	pmemfile_statfs_t st;
	T_EQ(pmemfile_statfs(pfp, &st), 0);
	return st;
}

/* The name of file n of a fill under prefix: PER_DIR files a directory. */
static void file_name(char *name, size_t len, const char *prefix, uint64_t n)
{
	snprintf(name, len, "%s/%llu/f%llu", prefix,
		 (unsigned long long)(n / PER_DIR), (unsigned long long)n);
}

/* The directory of file n, made with its first file; 0 or -errno. */
static int dir_for(PMEMfilepool *pfp, const char *prefix, uint64_t n)
{
	if (n % PER_DIR)
		return 0;
	char name[64];
	snprintf(name, sizeof(name), "%s/%llu", prefix,
		 (unsigned long long)(n / PER_DIR));
	return pmemfile_mkdir(pfp, name, 0755) ? -errno : 0;
}

/* Files of size bytes under prefix until ENOSPC; the last one, cut short,
 * stays (its blocks counted, not the file). */
static struct fill fill(PMEMfilepool *pfp, const char *prefix, size_t size)
{
	struct fill r = {0, 0, false};
	for (;; r.files++) {
		char name[64];
		int d = dir_for(pfp, prefix, r.files);
		if (d) {
			T_EQ(-d, ENOSPC);
			r.create = true;
			return r;
		}
		file_name(name, sizeof(name), prefix, r.files);
		PMEMfile *f = pmemfile_open(
		    pfp, name, PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
		if (f == NULL) {
			T_EQ(errno, ENOSPC);
			r.create = true;
			return r;
		}
		ssize_t n = pmemfile_write(pfp, f, buf, size);
		int e = errno;
		pmemfile_close(pfp, f);
		pmemfile_stat_t st;
		T_EQ(pmemfile_stat(pfp, name, &st), 0);
		r.blocks += (uint64_t)st.st_blocks * 512;
		if (n != (ssize_t)size) {
			/* a short write is no error: the next one would be */
			if (n < 0)
				T_EQ(e, ENOSPC);
			return r;
		}
	}
}

/* Removes the n files of a fill under prefix, its last one cut short if
 * there is one, and their directories. */
static void remove_all(PMEMfilepool *pfp, const char *prefix, uint64_t n)
{
	char name[64];
	for (uint64_t i = 0; i <= n; i++) {
		file_name(name, sizeof(name), prefix, i);
		if (pmemfile_unlink(pfp, name) != 0)
			T_EQ(errno, ENOENT); /* no file cut short */
	}
	for (uint64_t d = 0; d <= n / PER_DIR; d++) {
		snprintf(name, sizeof(name), "%s/%llu", prefix,
			 (unsigned long long)d);
		if (pmemfile_rmdir(pfp, name) != 0)
			T_EQ(errno, ENOENT);
	}
}

/*
 * What the pool made for n files: inode arrays (in runs of one chunk, 14
 * arrays, each chunk worth 62 pages of files; the first run was made with
 * the pool), extent blocks of 170 extents, for each directory of PER_DIR
 * files a block and a table of 4 KiB (smaller tables and block lists come
 * from libpmemobj's own classes, in the runs the pool was made with), and
 * the root's blocks and table for those directories (a table of 8 or 16
 * KiB is a unit of the arrays' class).
 */
static uint64_t metadata(PMEMfilepool *pfp, uint64_t n)
{
	struct pmemfile_stats s;
	pmemfile_stats(pfp, &s);
	uint64_t bytes = (uint64_t)s.block_arrays * 4 * KiB;
	uint64_t full = n / PER_DIR, last = n % PER_DIR;
	bytes += full * 8 * KiB;
	if (last)
		bytes += 4 * KiB + (4 * (last + 1) * 8 > KiB ? 4 * KiB : 0);
	uint64_t dirs = full + (last != 0);
	bytes += dirs / 128 * 4 * KiB;
	uint64_t cap = 16, array_units = s.inode_arrays;
	while (cap < 4 * (dirs + 1))
		cap *= 2;
	if (cap * 8 > 4 * KiB)
		array_units++;
	else if (cap * 8 > KiB)
		bytes += 4 * KiB;
	bytes += ((array_units + 13) / 14 - 1) * 62 * 4 * KiB;
	return bytes;
}

/*
 * The biggest allocation unit of a pool: its biggest extent size (a run of
 * 64 of them at most 1/8 of the pool, 1/16 below 16 MiB), or an inode
 * array. A block of metadata takes a unit of any size where its own has
 * none free.
 */
static uint64_t biggest_unit(uint64_t pool)
{
	uint64_t cap = pool / (pool < 16 * MiB ? 16 : 8), unit = 4 * KiB;
	while (unit * 4 * 64 <= cap && unit < 4 * MiB)
		unit *= 4;
	return unit > UNIT ? unit : UNIT;
}

static void near(const char *what, uint64_t got, uint64_t want, uint64_t tol)
{
	uint64_t d = got > want ? got - want : want - got;
	if (d > tol)
		T_FAIL("%s: %llu bytes, statfs said %llu (%lld off, %llu "
		       "allowed)",
		       what, (unsigned long long)got, (unsigned long long)want,
		       (long long)(got - want), (unsigned long long)tol);
}

/* One fill of size-byte files in a new pool of pool bytes, checked. */
static void first_fill(uint64_t pool, size_t size)
{
	unlink(path);
	PMEMfilepool *pfp = pmemfile_pool_create(path, pool, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_statfs_t before = statfs_of(pfp);
	T_EQ(pmemfile_mkdir(pfp, "/f", 0755), 0);
	struct fill r = fill(pfp, "/f", size);
	pmemfile_statfs_t after = statfs_of(pfp);
	uint64_t free_after = (uint64_t)after.f_bavail * after.f_bsize;
	printf("%llu MiB pool, files of %zu bytes: %llu made, %llu bytes "
	       "in them; statfs said %llu bytes free before, %llu after\n",
	       (unsigned long long)(pool / MiB), size,
	       (unsigned long long)r.files, (unsigned long long)r.blocks,
	       (unsigned long long)before.f_bavail * before.f_bsize,
	       (unsigned long long)free_after);
	if (free_after >= UNIT && !(r.create && after.f_ffree == 0))
		T_FAIL("ENOSPC with %llu bytes and %llu inodes free, as "
		       "statfs says",
		       (unsigned long long)free_after,
		       (unsigned long long)after.f_ffree);
	uint64_t meta = metadata(pfp, r.files + 1);
	near("files, their metadata and what is left",
	     r.blocks + meta + free_after,
	     (uint64_t)before.f_bavail * before.f_bsize, biggest_unit(pool));
	T_ASSERT(before.f_ffree >= r.files);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
}

/*
 * Fills the directory /d (made for it) with size-byte files and removes
 * it with them: no fewer than *want files (set by the first time, 0).
 */
static void refill(PMEMfilepool *pfp, size_t size, uint64_t *want,
		   const char *when)
{
	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);
	struct fill r = fill(pfp, "/d", size);
	if (*want == 0)
		*want = r.files;
	if (r.files < *want)
		T_FAIL("%s: %llu files of %zu bytes, %llu the first time", when,
		       (unsigned long long)r.files, size,
		       (unsigned long long)*want);
	remove_all(pfp, "/d", r.files);
	T_EQ(pmemfile_rmdir(pfp, "/d"), 0);
}

/* Three cycles in one process, then across reopens, sizes mixed. */
static void cycles(uint64_t pool, size_t small, size_t big)
{
	unlink(path);
	PMEMfilepool *pfp = pmemfile_pool_create(path, pool, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_statfs_t st0 = statfs_of(pfp), st;
	uint64_t nsmall = 0, nbig = 0;
	for (int i = 0; i < 3; i++) {
		refill(pfp, small, &nsmall, "small files, one process");
		st = statfs_of(pfp);
		T_EQ(st.f_bavail, st0.f_bavail);
		refill(pfp, big, &nbig, "big files, one process");
		st = statfs_of(pfp);
		T_EQ(st.f_bavail, st0.f_bavail);
	}
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
	for (int i = 0; i < 3; i++) {
		pfp = pmemfile_pool_open(path);
		T_ASSERT(pfp != NULL);
		refill(pfp, big, &nbig, "big files, reopened");
		pmemfile_pool_close(pfp);
		pfp = pmemfile_pool_open(path);
		T_ASSERT(pfp != NULL);
		refill(pfp, small, &nsmall, "small files, reopened");
		st = statfs_of(pfp);
		T_EQ(st.f_bavail, st0.f_bavail);
		pmemfile_pool_close(pfp);
	}
	printf("%llu MiB pool: %llu files of %zu bytes, %llu of %zu bytes, "
	       "the first time (as many or more after)\n",
	       (unsigned long long)(pool / MiB), (unsigned long long)nsmall,
	       small, (unsigned long long)nbig, big);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(path, sizeof(path));
	memset(buf, 'x', sizeof(buf));
	static const size_t sizes[] = {10, 3000, 20000, 100000, MiB};
	uint64_t pools[] = {8 * MiB, 64 * MiB};
	for (int p = 0; p < 2; p++) {
		for (int s = 0; s < 5; s++)
			first_fill(pools[p], sizes[s]);
		cycles(pools[p], sizes[0], sizes[3]);
		cycles(pools[p], sizes[1], sizes[4]);
	}
	unlink(path);
	printf("PASS space_fill\n");
	return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_pool_space -- small pools and full pools: an 8 MiB pool (the
 * smallest libpmemobj makes) can be created and filled with files and
 * directories until ENOSPC; a file grows until the pool is full, not until
 * its big extents run out; statfs's f_bavail is within 10 % of what can
 * really be written; a directory grows until the pool is full, not until
 * its hash table cannot double; a full pool stays consistent.
 */
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <unistd.h>

#include "core.h"
#include "pmemfile/check.h"

#define MiB ((uint64_t)1 << 20)

static char buf[1 << 20];

static uint64_t avail(PMEMfilepool *p)
{
	pmemfile_statfs_t st;
	CORE_EQ(pmemfile_statfs(p, &st), 0);
	return (uint64_t)st.f_bavail * st.f_bsize;
}

/* Writes name until it holds max bytes or the pool is full. */
static uint64_t fill(PMEMfilepool *p, const char *name, uint64_t max)
{
	PMEMfile *f = pmemfile_open(p, name, O_CREAT | O_WRONLY, 0644);
	CORE_TRUE(f);
	uint64_t done = 0;
	while (done < max) {
		ssize_t r = pmemfile_write(p, f, buf, sizeof(buf));
		if (r < 0) {
			CORE_EQ(errno, ENOSPC);
			break;
		}
		CORE_TRUE(r > 0);
		done += (uint64_t)r;
	}
	pmemfile_close(p, f);
	return done;
}

/* What was written is what statfs promised, to 10 %. */
static void near(uint64_t written, uint64_t promised)
{
	if (written * 10 < promised * 9 || written * 10 > promised * 11)
		CORE_FAIL("wrote %llu bytes, statfs said %llu available",
			  (unsigned long long)written,
			  (unsigned long long)promised);
}

static void check(const char *path)
{
	CORE_EQ(pmemfile_check_pool(path, stdout), 0);
}

static void small_pool(void)
{
	const char *path = core_pool_path("small.pool");
	unlink(path);
	PMEMfilepool *p = pmemfile_pool_create(path, 8 * MiB, 0600);
	if (!p)
		CORE_FAIL("8 MiB pool: %s", pmemfile_errormsg());
	uint64_t a = avail(p);
	CORE_TRUE(a > 2 * MiB);
	near(fill(p, "/big", 16 * MiB), a);
	CORE_EQ(avail(p) < 256 << 10, 1);
	CORE_EQ(pmemfile_unlink(p, "/big"), 0);
	/* directories and files until ENOSPC */
	int n = 0;
	for (;; n++) {
		char name[64];
		snprintf(name, sizeof(name), "/d%d", n);
		if (pmemfile_mkdir(p, name, 0755)) {
			CORE_EQ(errno, ENOSPC);
			break;
		}
		snprintf(name, sizeof(name), "/d%d/f", n);
		PMEMfile *f = pmemfile_open(p, name, O_CREAT | O_WRONLY, 0644);
		if (!f) {
			CORE_EQ(errno, ENOSPC);
			break;
		}
		ssize_t w = pmemfile_write(p, f, buf, 4096);
		pmemfile_close(p, f);
		if (w < 0) {
			CORE_EQ(errno, ENOSPC);
			break;
		}
		CORE_EQ(w, 4096);
	}
	CORE_TRUE(n > 100);
	pmemfile_pool_close(p);
	check(path);
	unlink(path);
}

/* A write bigger than the pool stops where statfs said it would. */
static void full_write(void)
{
	const char *path = core_pool_path("p16.pool");
	unlink(path);
	PMEMfilepool *p = pmemfile_pool_create(path, 16 * MiB, 0600);
	CORE_TRUE(p);
	uint64_t a = avail(p);
	near(fill(p, "/f", 20 * MiB), a);
	pmemfile_pool_close(p);
	check(path);
	unlink(path);
}

/* Two 200 MiB files in a 512 MiB pool: the second does not stop when the
 * biggest extents run out. */
static void two_files(void)
{
	const char *path = core_pool_path("p512.pool");
	unlink(path);
	PMEMfilepool *p = pmemfile_pool_create(path, 512 * MiB, 0600);
	CORE_TRUE(p);
	CORE_EQ(fill(p, "/a", 200 * MiB), 200 * MiB);
	uint64_t a = avail(p);
	CORE_EQ(fill(p, "/b", 200 * MiB), 200 * MiB);
	near(fill(p, "/c", 512 * MiB) + 200 * MiB, a);
	pmemfile_pool_close(p);
	check(path);
	unlink(path);
}

/*
 * Names in one directory of a 16 MiB pool until ENOSPC: when the pool has
 * no room for a bigger hash table, the directory goes on with the one it
 * has (8192 names at most before, ~14000 now).
 */
static void many_names(void)
{
	const char *path = core_pool_path("names.pool");
	unlink(path);
	PMEMfilepool *p = pmemfile_pool_create(path, 16 * MiB, 0600);
	CORE_TRUE(p);
	CORE_EQ(pmemfile_mkdir(p, "/n", 0755), 0);
	int n = 0;
	for (;; n++) {
		char name[64];
		snprintf(name, sizeof(name), "/n/f%06d-with-a-longer-name", n);
		PMEMfile *f = pmemfile_open(p, name, O_CREAT | O_WRONLY, 0644);
		if (!f) {
			CORE_EQ(errno, ENOSPC);
			break;
		}
		pmemfile_close(p, f);
	}
	if (n < 12000)
		CORE_FAIL("ENOSPC after %d names in a 16 MiB pool", n);
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, "/n/f000000-with-a-longer-name", &st), 0);
	pmemfile_pool_close(p);
	check(path);
	unlink(path);
}

int main(void)
{
	memset(buf, 'x', sizeof(buf));
	small_pool();
	full_write();
	two_files();
	many_names();
	printf("small pools usable, writes fill pools to ENOSPC as statfs "
	       "says\n");
	return 0;
}

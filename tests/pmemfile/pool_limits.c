// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool_limits -- the limits of libpmemfile-posix(3) at their edges, where
 * this machine allows them:
 *
 * - pool size: a sparse pool of 1 TiB (6 TiB with STRESS=1) is made, used
 *   at both ends of its offsets range, reopened and checked, and its file
 *   takes a small part of that;
 * - file size: a file grows to INT64_MAX bytes (one byte written just
 *   below it) and no further, with the kernel's errors (compared with a
 *   file on the kernel's file system in TMPDIR).
 */
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "check.h"
#include "tcheck.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

static char pool[4096];

static void big_pool(uint64_t size)
{
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, size, 0600);
	if (!p)
		T_FAIL("a pool of %llu GiB: %s",
		       (unsigned long long)(size / GiB), pmemfile_errormsg());
	pmemfile_statfs_t sf;
	T_EQ(pmemfile_statfs(p, &sf), 0);
	/* the blocks files can take: all but libpmemobj's metadata and
	 * the runs' headers (3.1 %) */
	T_ASSERT(sf.f_blocks <= size / 4096);
	T_ASSERT(sf.f_blocks >= size / 4096 / 100 * 96);
	/* data beyond the first 8 GiB of the pool's offsets: a hole */
	static char buf[1 << 20];
	memset(buf, 'x', sizeof(buf));
	PMEMfile *f = pmemfile_open(p, "/f", O_CREAT | O_RDWR, 0644);
	T_ASSERT(f != NULL);
	for (int i = 0; i < 16; i++)
		T_EQ(pmemfile_pwrite(p, f, buf, sizeof(buf),
				     (off_t)(size / 2 + (uint64_t)i * MiB)),
		     sizeof(buf));
	pmemfile_close(p, f);
	for (int i = 0; i < 200; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/n%d", i);
		T_EQ(pmemfile_mkdir(p, name, 0755), 0);
	}
	pmemfile_pool_close(p);

	p = pmemfile_pool_open(pool);
	T_ASSERT(p != NULL);
	f = pmemfile_open(p, "/f", O_RDONLY);
	T_ASSERT(f != NULL);
	char back[1 << 12];
	T_EQ(pmemfile_pread(p, f, back, sizeof(back),
			    (off_t)(size / 2 + 15 * MiB)),
	     sizeof(back));
	T_EQ(memcmp(back, buf, sizeof(back)), 0);
	pmemfile_close(p, f);
	pmemfile_pool_close(p);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	struct stat st;
	T_EQ(stat(pool, &st), 0);
	/* the array map (a bit for each 4 KiB) is most of it */
	uint64_t most = size / 32768 + 64 * MiB;
	if ((uint64_t)st.st_blocks * 512 > most)
		T_FAIL("a pool of %llu GiB takes %llu MiB",
		       (unsigned long long)(size / GiB),
		       (unsigned long long)st.st_blocks * 512 / MiB);
	unlink(pool);
}

struct edge {
	long r;
	int err;
};

/* The results of the writes and truncates at INT64_MAX, on pool or kernel. */
static void file_edges(PMEMfilepool *p, int fd, struct edge *e)
{
	PMEMfile *f = NULL;
	if (p) {
		f = pmemfile_open(p, "/huge", O_CREAT | O_RDWR, 0644);
		T_ASSERT(f != NULL);
	}
	const off_t top = INT64_MAX;
	struct {
		int op; /* 0 pwrite, 1 ftruncate */
		off_t off;
	} steps[] = {{0, top - 1}, {0, top}, {1, top}, {0, top - 4096}};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		errno = 0;
		long r;
		if (steps[i].op == 0 && p)
			r = pmemfile_pwrite(p, f, "ab", 2, steps[i].off);
		else if (steps[i].op == 0)
			r = pwrite(fd, "ab", 2, steps[i].off);
		else if (p)
			r = pmemfile_ftruncate(p, f, steps[i].off);
		else
			r = ftruncate(fd, steps[i].off);
		e[i] = (struct edge){r, r < 0 ? errno : 0};
	}
	/* the size reached and the last byte */
	char c = 0;
	if (p) {
		pmemfile_stat_t st;
		T_EQ(pmemfile_fstat(p, f, &st), 0);
		e[4] = (struct edge){(long)(st.st_size == top), 0};
		T_EQ(pmemfile_pread(p, f, &c, 1, top - 1), 1);
		pmemfile_close(p, f);
	} else {
		struct stat st;
		T_EQ(fstat(fd, &st), 0);
		e[4] = (struct edge){(long)(st.st_size == top), 0};
		T_EQ(pread(fd, &c, 1, top - 1), 1);
	}
	e[5] = (struct edge){c, 0};
}

static void max_file_size(const char *tmp)
{
	char kpath[4200];
	snprintf(kpath, sizeof(kpath), "%s/huge.kernel", tmp);
	int fd = open(kpath, O_CREAT | O_RDWR | O_TRUNC, 0644);
	T_ASSERT(fd >= 0);
	struct edge k[6], m[6];
	file_edges(NULL, fd, k);
	close(fd);
	unlink(kpath);

	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 64 * MiB, 0600);
	T_ASSERT(p != NULL);
	file_edges(p, -1, m);
	pmemfile_pool_close(p);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	static const char *const what[] = {"pwrite of 2 bytes at INT64_MAX - 1",
					   "pwrite at INT64_MAX",
					   "ftruncate to INT64_MAX",
					   "pwrite at INT64_MAX - 4096",
					   "size is INT64_MAX",
					   "last byte"};
	for (int i = 0; i < 6; i++)
		if (m[i].r != k[i].r || m[i].err != k[i].err)
			T_FAIL("%s: pmemfile %ld (errno %d), kernel %ld (errno "
			       "%d)",
			       what[i], m[i].r, m[i].err, k[i].r, k[i].err);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(pool, sizeof(pool), "%s/limits.pool", tmp);
	max_file_size(tmp);
	big_pool(getenv("STRESS") ? 6 * TiB : TiB);
	printf("a %s TiB sparse pool and a file of INT64_MAX bytes work\n",
	       getenv("STRESS") ? "6" : "1");
	return 0;
}

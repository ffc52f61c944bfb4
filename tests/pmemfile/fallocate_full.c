// SPDX-License-Identifier: BSD-3-Clause
/*
 * fallocate_full -- a fallocate that the pool cannot give fails with
 * ENOSPC and keeps nothing of what it took, as on tmpfs: the file's size
 * and blocks and the pool's free blocks are as before (fallocate(fd, 0, 0,
 * INT64_MAX) once kept every extent it got past the end of the file, and
 * the unlink after it failed). Then the file can be removed and a
 * directory made beside it, and the pool passes the checker. A file that
 * fills the pool can be removed (its extents are freed a few at a time),
 * also when it was open at the pool's close. The kernel's
 * answers come from the same calls on a file in /dev/shm (tmpfs).
 */
#include "check.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#define MiB (1UL << 20)

static char path[4096];

struct result {
	int ret, err;
	long long size;
	long long blocks_added; /* st_blocks after less before */
};

static struct result kernel_fallocate(int mode, off_t off, off_t len)
{
	char name[64];
	snprintf(name, sizeof(name), "/dev/shm/fallocate_full.%d", getpid());
	int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
	T_ASSERT(fd >= 0);
	static char buf[5000];
	memset(buf, 'k', sizeof(buf));
	T_EQ(write(fd, buf, sizeof(buf)), sizeof(buf));
	struct result r;
	struct stat st;
	T_EQ(fstat(fd, &st), 0);
	r.blocks_added = -st.st_blocks;
	errno = 0;
	r.ret = fallocate(fd, mode, off, len);
	r.err = r.ret ? errno : 0;
	T_EQ(fstat(fd, &st), 0);
	r.size = st.st_size;
	r.blocks_added += st.st_blocks;
	close(fd);
	T_EQ(unlink(name), 0);
	return r;
}

static unsigned long long free_blocks(PMEMfilepool *pfp)
{
	pmemfile_statfs_t sfs;
	T_EQ(pmemfile_statfs(pfp, &sfs), 0);
	return (unsigned long long)sfs.f_bfree;
}

static void one(PMEMfilepool *pfp, int mode, off_t off, off_t len)
{
	struct result k = kernel_fallocate(mode, off, len);
	static char buf[5000];
	memset(buf, 'p', sizeof(buf));
	PMEMfile *f = pmemfile_open(pfp, "/d/f",
				    PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, buf, sizeof(buf)), sizeof(buf));
	unsigned long long bfree = free_blocks(pfp);
	struct result p;
	pmemfile_stat_t st;
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	p.blocks_added = -st.st_blocks;
	errno = 0;
	p.ret = pmemfile_fallocate(pfp, f, mode, off, len);
	p.err = p.ret ? errno : 0;
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	p.size = st.st_size;
	p.blocks_added += st.st_blocks;
	pmemfile_close(pfp, f);
	if (p.ret != k.ret || p.err != k.err || p.size != k.size ||
	    p.blocks_added != k.blocks_added)
		T_FAIL("fallocate(mode %d, %lld, %lld): pmemfile %d %s size "
		       "%lld blocks +%lld, kernel %d %s size %lld blocks +%lld",
		       mode, (long long)off, (long long)len, p.ret,
		       strerrorname_np(p.err) ? strerrorname_np(p.err) : "0",
		       p.size, p.blocks_added, k.ret,
		       strerrorname_np(k.err) ? strerrorname_np(k.err) : "0",
		       k.size, k.blocks_added);
	T_EQ(free_blocks(pfp), bfree);
	T_EQ(pmemfile_unlink(pfp, "/d/f"), 0);
	T_EQ(pmemfile_mkdir(pfp, "/d/after", 0755), 0);
	T_EQ(pmemfile_rmdir(pfp, "/d/after"), 0);
}

/* A file takes every unit of the pool, by fallocate of 1 MiB and then of
 * 4 KiB pieces until ENOSPC. */
static PMEMfile *fill(PMEMfilepool *pfp, const char *name)
{
	PMEMfile *f =
	    pmemfile_open(pfp, name, PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(f != NULL);
	off_t off = 0;
	for (off_t piece = 1 << 20; piece >= 4096; piece /= 16) {
		while (pmemfile_fallocate(pfp, f, 0, off, piece) == 0)
			off += piece;
		T_EQ(errno, ENOSPC);
	}
	T_ASSERT(off > (off_t)(16 * MiB));
	return f;
}

/*
 * The removal of a file that fills the pool frees all of it although no
 * room is left for a longer transaction log: unlinked and closed; and
 * unlinked while open, left open at the pool's close, freed at its open.
 */
static PMEMfilepool *fill_and_remove(PMEMfilepool *pfp)
{
	PMEMfile *f = fill(pfp, "/d/all");
	pmemfile_close(pfp, f);
	T_EQ(pmemfile_unlink(pfp, "/d/all"), 0);
	T_EQ(pmemfile_mkdir(pfp, "/d/after", 0755), 0);
	T_EQ(pmemfile_rmdir(pfp, "/d/after"), 0);

	unsigned long long bfree = free_blocks(pfp);
	f = fill(pfp, "/d/open");
	T_EQ(pmemfile_unlink(pfp, "/d/open"), 0);
	(void)f;
	pmemfile_pool_close(pfp);
	pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	T_EQ(free_blocks(pfp), bfree);
	T_EQ(pmemfile_mkdir(pfp, "/d/after", 0755), 0);
	T_EQ(pmemfile_rmdir(pfp, "/d/after"), 0);
	return pfp;
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(path, sizeof(path));
	PMEMfilepool *pfp = pmemfile_pool_create(path, 256 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);
	T_EQ(pmemfile_mkdir(pfp, "/d/keep", 0755), 0);
	/* more than the pool, from 0 and past the end, with and without
	 * KEEP_SIZE; both fail on tmpfs too */
	one(pfp, 0, 0, INT64_MAX);
	one(pfp, 0, 4096, INT64_MAX - 4096);
	one(pfp, PMEMFILE_FL_KEEP_SIZE, 0, INT64_MAX);
	one(pfp, 0, 1LL << 40, 1LL << 40);
	pfp = fill_and_remove(pfp);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
	pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	pmemfile_stat_t st;
	T_EQ(pmemfile_stat(pfp, "/d/keep", &st), 0);
	T_ERRNO(pmemfile_stat(pfp, "/d/f", &st), ENOENT);
	pmemfile_pool_close(pfp);
	unlink(path);
	printf("PASS fallocate_full\n");
	return 0;
}

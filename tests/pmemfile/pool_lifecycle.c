// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool_lifecycle -- pmemfile_pool_create/open/close: data survives a
 * reopen, size 0 takes the existing file's size, creating over an existing
 * pool or with a size too small fails with a message, opening a missing
 * file fails with ENOENT, statfs reports the pool, and the checker accepts
 * what was made.
 */
#include "check.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#define MiB (1UL << 20)

static char path[4096];

static void fill(PMEMfilepool *pfp)
{
	PMEMfile *f = pmemfile_open(pfp, "/data",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0640);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, "persistent", 10), 10);
	pmemfile_close(pfp, f);
	T_EQ(pmemfile_mkdir(pfp, "/dir", 0755), 0);
	T_EQ(pmemfile_symlink(pfp, "data", "/dir/link"), 0);
}

static void verify(PMEMfilepool *pfp)
{
	char buf[32] = {0};
	pmemfile_stat_t st;
	PMEMfile *f = pmemfile_open(pfp, "/dir/../data", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_read(pfp, f, buf, sizeof(buf)), 10);
	T_ASSERT(memcmp(buf, "persistent", 10) == 0);
	pmemfile_close(pfp, f);
	T_EQ(pmemfile_lstat(pfp, "/data", &st), 0);
	T_EQ(st.st_mode, PMEMFILE_S_IFREG | 0640);
	T_EQ(pmemfile_readlink(pfp, "/dir/link", buf, sizeof(buf)), 4);
}

static void create_reopen(void)
{
	PMEMfilepool *pfp = pmemfile_pool_create(path, 16 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	fill(pfp);
	pmemfile_statfs_t sfs;
	T_EQ(pmemfile_statfs(pfp, &sfs), 0);
	T_ASSERT(sfs.f_bsize > 0 && sfs.f_blocks > 0);
	T_ASSERT(sfs.f_bfree <= sfs.f_blocks);
	T_ASSERT((unsigned long long)sfs.f_blocks * sfs.f_bsize <= 16 * MiB);
	T_ASSERT((unsigned long long)sfs.f_blocks * sfs.f_bsize >= 8 * MiB);
	pmemfile_pool_close(pfp);

	struct stat st;
	T_EQ(stat(path, &st), 0);
	T_EQ(st.st_size, 16 * MiB);
	T_EQ(st.st_mode & 0777, 0600);

	pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	verify(pfp);
	/* The pool is in use: a second open of the same file must fail. */
	T_ASSERT(pmemfile_pool_open(path) == NULL);
	T_ASSERT(pmemfile_errormsg()[0] != '\0');
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);

	/* Creating with a size over an existing pool refuses to clobber it. */
	T_ASSERT(pmemfile_pool_create(path, 16 * MiB, 0600) == NULL);
	T_ASSERT(pmemfile_errormsg()[0] != '\0');
	pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	verify(pfp);
	pmemfile_pool_close(pfp);
	unlink(path);
}

static void size_zero(void)
{
	int fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0644);
	T_ASSERT(fd >= 0);
	T_EQ(ftruncate(fd, 24 * MiB), 0);
	close(fd);
	PMEMfilepool *pfp = pmemfile_pool_create(path, 0, 0644);
	T_ASSERT(pfp != NULL);
	fill(pfp);
	pmemfile_statfs_t sfs;
	T_EQ(pmemfile_statfs(pfp, &sfs), 0);
	T_ASSERT((unsigned long long)sfs.f_blocks * sfs.f_bsize > 16 * MiB);
	pmemfile_pool_close(pfp);
	struct stat st;
	T_EQ(stat(path, &st), 0);
	T_EQ(st.st_size, 24 * MiB);
	pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	verify(pfp);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
	unlink(path);

	/* Size 0 with no file to take the size from. */
	T_ASSERT(pmemfile_pool_create(path, 0, 0644) == NULL);
	T_ASSERT(pmemfile_errormsg()[0] != '\0');
}

static void bad_arguments(void)
{
	errno = 0;
	T_ASSERT(pmemfile_pool_open(path) == NULL);
	T_EQ(errno, ENOENT);
	T_ASSERT(pmemfile_errormsg()[0] != '\0');
	/* A pool below libpmemobj's minimum cannot hold a file system. */
	T_ASSERT(pmemfile_pool_create(path, 1 * MiB, 0600) == NULL);
	T_ASSERT(pmemfile_errormsg()[0] != '\0');
	unlink(path);
	char missing[4200];
	snprintf(missing, sizeof(missing), "%s.dir/none/pool", path);
	T_ASSERT(pmemfile_pool_create(missing, 16 * MiB, 0600) == NULL);
	T_ASSERT(pmemfile_errormsg()[0] != '\0');
}

int main(void)
{
	t_pool_path(path, sizeof(path));
	create_reopen();
	size_zero();
	bad_arguments();
	printf("pool create, reopen, size 0 and refusals behave\n");
	return 0;
}

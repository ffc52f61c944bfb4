// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool_fd_numbers -- the descriptors the library keeps for an open pool
 * leave the low numbers to the program and stay under 1024 whatever
 * RLIMIT_NOFILE allows (the test raises it to the hard limit, up to
 * 65536): a process's descriptor table is as large as its highest number,
 * and the kernel copies the whole table at each fork and vfork (the pool
 * file kept at three quarters of a limit of 20000 made every vfork of a
 * shell holding a pool copy a table of 16384 entries, some 50 us).
 */
#include "tcheck.h"

#include <dirent.h>
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <sys/resource.h>
#include <sys/stat.h>

#define MiB (1L << 20)
/* at three quarters of it, a number past 1024 */
#define LIMIT_MIN 2048
#define LIMIT_MAX 65536

static char path[4096];

/* The highest descriptor open on the pool file, -1 if none. */
static int pool_fd_high(const struct stat *pool)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	struct stat st;
	int high = -1;

	T_ASSERT(d != NULL);
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		if (fstat(fd, &st) == 0 && st.st_dev == pool->st_dev &&
		    st.st_ino == pool->st_ino && fd > high)
			high = fd;
	}
	closedir(d);
	return high;
}

int main(int argc, char *argv[])
{
	struct rlimit rl;
	struct stat pool;

	(void)argc;
	t_force_pmem(argv);
	t_pool_path(path, sizeof(path));
	T_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max < LIMIT_MIN) {
		printf("SKIP pool_fd_numbers (RLIMIT_NOFILE hard limit %lu, "
		       "under %d)\n",
		       (unsigned long)rl.rlim_max, LIMIT_MIN);
		return 77;
	}
	rl.rlim_cur = rl.rlim_max < LIMIT_MAX ? rl.rlim_max : LIMIT_MAX;
	T_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);

	PMEMfilepool *pfp = pmemfile_pool_create(path, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = pmemfile_open(
	    pfp, "/a", PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_RDWR,
	    0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, "abc", 3), 3);
	T_EQ(stat(path, &pool), 0);

	int high = pool_fd_high(&pool);
	if (high < 0)
		T_FAIL("no descriptor of the pool file is open");
	if (high >= 1024)
		T_FAIL("the library keeps the pool file at %d", high);
	/* the program still gets the lowest number free */
	int low = open("/dev/null", O_RDONLY | O_CLOEXEC);
	T_EQ(low, 3);
	close(low);

	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);
	unlink(path);
	printf("PASS pool_fd_numbers (the pool file at %d, limit %lu)\n", high,
	       (unsigned long)rl.rlim_cur);
	return 0;
}

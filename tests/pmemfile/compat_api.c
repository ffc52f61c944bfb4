// SPDX-License-Identifier: BSD-3-Clause
/*
 * compat_api -- what programs written for the discontinued
 * libpmemfile-posix find: the macro names PMEMFILE_FALLOC_FL_*,
 * PMEMFILE_UTIME_NOW/OMIT and PMEMFILE_ST_* with the kernel's values and
 * working in the calls; pmemfile_pool_suspend and pmemfile_pool_resume;
 * and the environment it read: PMEMFILE_BLOCK_SIZE,
 * PMEMFILE_OVERALLOCATE_ON_APPEND, PMEMFILE_POSIX_LOG_LEVEL and
 * PMEMFILE_POSIX_LOG_FILE.
 */
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <linux/falloc.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define MiB (1UL << 20)

static char path[4096];
static char logpath[4200];
static char other[4200];

static void macros(void)
{
	T_EQ(PMEMFILE_FALLOC_FL_KEEP_SIZE, FALLOC_FL_KEEP_SIZE);
	T_EQ(PMEMFILE_FALLOC_FL_PUNCH_HOLE, FALLOC_FL_PUNCH_HOLE);
	T_EQ(PMEMFILE_FALLOC_FL_COLLAPSE_RANGE, FALLOC_FL_COLLAPSE_RANGE);
	T_EQ(PMEMFILE_FALLOC_FL_ZERO_RANGE, FALLOC_FL_ZERO_RANGE);
	T_EQ(PMEMFILE_FALLOC_FL_INSERT_RANGE, FALLOC_FL_INSERT_RANGE);
	T_EQ(PMEMFILE_UTIME_NOW, UTIME_NOW);
	T_EQ(PMEMFILE_UTIME_OMIT, UTIME_OMIT);
	T_EQ(PMEMFILE_ST_RDONLY, ST_RDONLY);
	T_EQ(PMEMFILE_ST_NOSUID, ST_NOSUID);
	T_EQ(PMEMFILE_ST_NODEV, ST_NODEV);
	T_EQ(PMEMFILE_ST_NOEXEC, ST_NOEXEC);
	T_EQ(PMEMFILE_ST_SYNCHRONOUS, ST_SYNCHRONOUS);
	T_EQ(PMEMFILE_ST_MANDLOCK, ST_MANDLOCK);
	T_EQ(PMEMFILE_ST_WRITE, ST_WRITE);
	T_EQ(PMEMFILE_ST_APPEND, ST_APPEND);
	T_EQ(PMEMFILE_ST_IMMUTABLE, ST_IMMUTABLE);
	T_EQ(PMEMFILE_ST_NOATIME, ST_NOATIME);
	T_EQ(PMEMFILE_ST_NODIRATIME, ST_NODIRATIME);
	T_EQ(PMEMFILE_ST_RELATIME, ST_RELATIME);
}

/* The old names work in the calls: a punched hole, a kept and a new time. */
static void old_names_in_calls(PMEMfilepool *pfp)
{
	char buf[8];
	pmemfile_stat_t st;
	PMEMfile *f =
	    pmemfile_open(pfp, "/f", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, "abcdefgh", 8), 8);
	T_EQ(pmemfile_fallocate(pfp, f,
				PMEMFILE_FALLOC_FL_PUNCH_HOLE |
				    PMEMFILE_FALLOC_FL_KEEP_SIZE,
				2, 3),
	     0);
	T_EQ(pmemfile_pread(pfp, f, buf, 8, 0), 8);
	T_ASSERT(memcmp(buf, "ab\0\0\0fgh", 8) == 0);

	pmemfile_timespec_t times[2] = {{1000, 5}, {2000, 7}};
	T_EQ(pmemfile_futimens(pfp, f, times), 0);
	times[0].tv_nsec = PMEMFILE_UTIME_OMIT;
	times[1].tv_nsec = PMEMFILE_UTIME_NOW;
	T_EQ(pmemfile_futimens(pfp, f, times), 0);
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	T_EQ(st.st_atim.tv_sec, 1000);
	T_EQ(st.st_atim.tv_nsec, 5);
	T_ASSERT(st.st_mtim.tv_sec > 2000);
	pmemfile_close(pfp, f);
}

static void suspend_resume(PMEMfilepool *pfp)
{
	pmemfile_stat_t st;

	snprintf(other, sizeof(other), "%s.other", path);
	T_ASSERT(close(open(other, O_CREAT | O_WRONLY, 0600)) == 0);
	T_ERRNO(pmemfile_pool_resume(pfp, path), EINVAL);
	T_EQ(pmemfile_pool_suspend(pfp), 0);
	T_ERRNO(pmemfile_pool_suspend(pfp), EINVAL);
	T_ERRNO(pmemfile_pool_resume(pfp, other), EINVAL);
	T_ERRNO(pmemfile_pool_resume(pfp, "/nonexistent/pool"), ENOENT);
	T_ERRNO(pmemfile_pool_resume(pfp, NULL), EFAULT);
	T_EQ(pmemfile_pool_resume(pfp, path), 0);
	T_ERRNO(pmemfile_pool_resume(pfp, path), EINVAL);
	T_EQ(pmemfile_stat(pfp, "/f", &st), 0);
	T_EQ(st.st_size, 8);
	unlink(other);
}

/* 512-byte blocks of /name after 33 appends of 4 KiB (132 KiB). */
static long long blocks_after_appends(PMEMfilepool *pfp, const char *name)
{
	static char data[4096];
	pmemfile_stat_t st;
	PMEMfile *f = pmemfile_open(pfp, name,
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	for (int i = 0; i < 33; i++)
		T_EQ(pmemfile_write(pfp, f, data, sizeof(data)), sizeof(data));
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	pmemfile_close(pfp, f);
	return (long long)st.st_blocks;
}

/* The pool's two variables are read when it is opened. */
static long long blocks_with(const char *block_size, const char *overallocate)
{
	long long blocks;

	if (block_size)
		setenv("PMEMFILE_BLOCK_SIZE", block_size, 1);
	else
		unsetenv("PMEMFILE_BLOCK_SIZE");
	if (overallocate)
		setenv("PMEMFILE_OVERALLOCATE_ON_APPEND", overallocate, 1);
	else
		unsetenv("PMEMFILE_OVERALLOCATE_ON_APPEND");
	PMEMfilepool *pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	blocks = blocks_after_appends(pfp, "/appended");
	T_EQ(pmemfile_unlink(pfp, "/appended"), 0);
	pmemfile_pool_close(pfp);
	return blocks;
}

static void allocation_env(void)
{
	/*
	 * by need, growing by an eighth of what the file holds: 4 KiB
	 * extents up to 128 KiB, then one of 16 KiB for the 33rd page
	 */
	T_EQ(blocks_with(NULL, NULL), 144 * 1024 / 512);
	/* by need only: 33 pages */
	T_EQ(blocks_with(NULL, "0"), 132 * 1024 / 512);
	/* extents of 64 KiB: three hold them */
	T_EQ(blocks_with("65536", NULL), 192 * 1024 / 512);
	/* 20000 rounds up to the 64 KiB class too; it turns growth off */
	T_EQ(blocks_with("20000", "1"), 192 * 1024 / 512);
	/* ignored: below 4096, or not a number */
	T_EQ(blocks_with("1024", NULL), 144 * 1024 / 512);
	T_EQ(blocks_with("64k", NULL), 144 * 1024 / 512);
	unsetenv("PMEMFILE_BLOCK_SIZE");
	unsetenv("PMEMFILE_OVERALLOCATE_ON_APPEND");
}

/*
 * Every message of pmemfile_errormsg went to the log, one line each: that
 * of suspend_resume's wrong file, and that of opening the log as a pool.
 */
static void log_env(void)
{
	char want[1200], got[1200] = {0};
	PMEMfilepool *pfp = pmemfile_pool_open(logpath); /* not a pool */
	T_ASSERT(pfp == NULL);
	int n = snprintf(want, sizeof(want),
			 "libpmemfile-posix: %s: not the file of the suspended "
			 "pool\nlibpmemfile-posix: %s\n",
			 other, pmemfile_errormsg());
	int fd = open(logpath, O_RDONLY);
	T_ASSERT(fd >= 0);
	T_EQ(read(fd, got, sizeof(got) - 1), n);
	close(fd);
	if (strcmp(got, want) != 0)
		T_FAIL("log holds \"%s\", want \"%s\"", got, want);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(path, sizeof(path));
	snprintf(logpath, sizeof(logpath), "%s.log", path);
	unlink(logpath);
	/* read at the first message, which must come after this */
	setenv("PMEMFILE_POSIX_LOG_LEVEL", "1", 1);
	setenv("PMEMFILE_POSIX_LOG_FILE", logpath, 1);

	macros();
	PMEMfilepool *pfp = pmemfile_pool_create(path, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	old_names_in_calls(pfp);
	suspend_resume(pfp);
	pmemfile_pool_close(pfp);
	allocation_env();
	log_env();
	unlink(logpath);
	unlink(path);
	printf("old macro names, suspend and resume and environment\n");
	return 0;
}

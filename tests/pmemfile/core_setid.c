// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_setid -- a write, truncate, O_TRUNC open or fallocate by a user
 * without CAP_FSETID clears S_ISUID, and S_ISGID when group execute is set
 * or the group is not the user's, as Linux does (kernel 6.x,
 * setattr_should_drop_suidgid); with CAP_FSETID, or on an empty write,
 * the bits stay. Also: fallocate with KEEP_SIZE moves mtime, as the
 * kernel's file_modified() does.
 */
#include <libpmemfile-posix.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

static PMEMfilepool *p;

static unsigned mode_of(const char *path)
{
	pmemfile_stat_t st;
	CORE_EQ(pmemfile_stat(p, path, &st), 0);
	return st.st_mode & 07777;
}

/* As root: path (re)made with owner 1000, group gid, mode. */
static void make(const char *path, unsigned gid, unsigned mode)
{
	CORE_EQ(pmemfile_setfsuid(p, 0) >= 0, 1);
	CORE_EQ(pmemfile_setfsgid(p, 0) >= 0, 1);
	CORE_EQ(pmemfile_setcap(p, PMEMFILE_CAP_CHOWN), 0);
	CORE_EQ(pmemfile_setcap(p, PMEMFILE_CAP_FOWNER), 0);
	CORE_EQ(pmemfile_setcap(p, PMEMFILE_CAP_FSETID), 0);
	PMEMfile *f = pmemfile_open(p, path, O_CREAT | O_WRONLY, 0666);
	CORE_TRUE(f);
	pmemfile_close(p, f);
	CORE_EQ(pmemfile_chown(p, path, 1000, gid), 0);
	CORE_EQ(pmemfile_chmod(p, path, mode), 0);
	CORE_EQ(mode_of(path), mode);
}

/* The user 1000 (group 1000), without capabilities. */
static void user(void)
{
	CORE_EQ(pmemfile_clrcap(p, PMEMFILE_CAP_CHOWN), 0);
	CORE_EQ(pmemfile_clrcap(p, PMEMFILE_CAP_FOWNER), 0);
	CORE_EQ(pmemfile_clrcap(p, PMEMFILE_CAP_FSETID), 0);
	pmemfile_setfsgid(p, 1000);
	pmemfile_setfsuid(p, 1000);
}

static void write_one(const char *path, size_t n)
{
	PMEMfile *f = pmemfile_open(p, path, O_WRONLY);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_write(p, f, "x", n), n);
	pmemfile_close(p, f);
}

int main(void)
{
	const char *pool = core_pool_path("setid.pool");
	unlink(pool);
	p = pmemfile_pool_create(pool, 16 << 20, 0600);
	CORE_TRUE(p);

	/* write: both bits go with group execute */
	make("/w", 1000, 06777);
	user();
	write_one("/w", 1);
	CORE_EQ(mode_of("/w"), 0777);

	/* an empty write changes nothing */
	make("/e", 1000, 06777);
	user();
	write_one("/e", 0);
	CORE_EQ(mode_of("/e"), 06777);

	/* no group execute, user in the group: S_ISGID stays */
	make("/nx", 1000, 06766);
	user();
	write_one("/nx", 1);
	CORE_EQ(mode_of("/nx"), 02766);

	/* no group execute, user not in the group: S_ISGID goes too */
	make("/og", 4000, 06766);
	user();
	write_one("/og", 1);
	CORE_EQ(mode_of("/og"), 0766);

	/* truncate, ftruncate, O_TRUNC, fallocate */
	make("/t", 1000, 06777);
	user();
	CORE_EQ(pmemfile_truncate(p, "/t", 1), 0);
	CORE_EQ(mode_of("/t"), 0777);
	make("/ft", 1000, 04777);
	user();
	PMEMfile *f = pmemfile_open(p, "/ft", O_WRONLY);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_ftruncate(p, f, 0), 0);
	pmemfile_close(p, f);
	CORE_EQ(mode_of("/ft"), 0777);
	make("/ot", 1000, 04777);
	user();
	f = pmemfile_open(p, "/ot", O_WRONLY | O_TRUNC);
	CORE_TRUE(f);
	pmemfile_close(p, f);
	CORE_EQ(mode_of("/ot"), 0777);
	make("/fa", 1000, 06777);
	user();
	f = pmemfile_open(p, "/fa", O_WRONLY);
	CORE_TRUE(f);
	CORE_EQ(pmemfile_fallocate(p, f, 0, 0, 4096), 0);
	pmemfile_close(p, f);
	CORE_EQ(mode_of("/fa"), 0777);

	/* with CAP_FSETID the bits stay */
	make("/c", 1000, 06777);
	user();
	CORE_EQ(pmemfile_setcap(p, PMEMFILE_CAP_FSETID), 0);
	write_one("/c", 1);
	CORE_EQ(pmemfile_truncate(p, "/c", 0), 0);
	CORE_EQ(mode_of("/c"), 06777);

	/* fallocate(KEEP_SIZE) moves mtime */
	f = pmemfile_open(p, "/k", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	pmemfile_stat_t a, b;
	CORE_EQ(pmemfile_fstat(p, f, &a), 0);
	usleep(20000); /* past a tick of the coarse clock */
	CORE_EQ(pmemfile_fallocate(p, f, PMEMFILE_FL_KEEP_SIZE, 0, 8192), 0);
	CORE_EQ(pmemfile_fstat(p, f, &b), 0);
	CORE_TRUE(b.st_mtim.tv_sec != a.st_mtim.tv_sec ||
		  b.st_mtim.tv_nsec != a.st_mtim.tv_nsec);
	pmemfile_close(p, f);

	pmemfile_pool_close(p);
	unlink(pool);
	printf("set-user-ID and set-group-ID cleared as the kernel does\n");
	return 0;
}

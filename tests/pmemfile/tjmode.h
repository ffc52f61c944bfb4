/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tjmode.h -- the pool of the journal-mode tests (jmode_*).
 */
#ifndef TESTS_PMEMFILE_TJMODE_H
#define TESTS_PMEMFILE_TJMODE_H

#include <errno.h>
#include <libpmemfile-posix.h>
#include <stdio.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "tcheck.h"

/*
 * The directory on a disk the tests make their pools in
 * (PMEMFILE_TEST_DISK unless empty, else /var/tmp); NULL (after saying why)
 * where it is in memory (tmpfs, ramfs): the mode is for disks.
 */
static inline const char *t_disk_dir(void)
{
	const char *base = getenv("PMEMFILE_TEST_DISK");
	struct statfs sf;
	if (!base || !*base)
		base = "/var/tmp";
	if (statfs(base, &sf) != 0 || sf.f_type == TMPFS_MAGIC ||
	    sf.f_type == RAMFS_MAGIC) {
		printf("%s is not on a disk file system (set "
		       "PMEMFILE_TEST_DISK)\n",
		       base);
		return NULL;
	}
	return base;
}

/*
 * A new pool of size bytes at path, its attribute set to journal mode,
 * open in that mode; NULL (after saying why) where the mode cannot run.
 */
static inline PMEMfilepool *t_jmode_pool(const char *path, size_t size)
{
	PMEMfilepool *pfp = pmemfile_pool_create(path, size, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);
	T_EQ(setxattr(path, "user.pmemfile.durability", "journal", 7, 0), 0);
	pfp = pmemfile_pool_open(path);
	if (!pfp && errno == ENOTSUP) {
		printf("journal mode is not available here: %s\n",
		       pmemfile_errormsg());
		return NULL;
	}
	T_ASSERT(pfp != NULL);
	return pfp;
}

/*
 * A child that opens the pool at path and runs fn: its pid, once fn is
 * done (the child waits then, to be killed: t_kill).
 */
static inline pid_t t_child_done(const char *path, void (*fn)(PMEMfilepool *))
{
	int p[2];
	T_EQ(pipe(p), 0);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		PMEMfilepool *pfp = pmemfile_pool_open(path);
		if (!pfp)
			_exit(1);
		fn(pfp);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	char c;
	T_EQ(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

/* The child pid killed (SIGKILL) and waited for. */
static inline void t_kill(pid_t pid)
{
	T_EQ(kill(pid, SIGKILL), 0);
	int st;
	T_EQ(waitpid(pid, &st, 0), pid);
	T_ASSERT(WIFSIGNALED(st));
}

#endif

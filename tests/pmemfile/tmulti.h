/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tmulti.h -- the tests of several processes on one pool: a process of
 * the test started in a role, and one-byte messages between them.
 */
#ifndef TESTS_PMEMFILE_TMULTI_H
#define TESTS_PMEMFILE_TMULTI_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcheck.h"

static inline void t_say(int fd, char c)
{
	T_EQ(write(fd, &c, 1), 1);
}

static inline void t_hear(int fd, char want)
{
	char c = 0;
	T_EQ(read(fd, &c, 1), 1);
	T_EQ(c, want);
}

/*
 * This program again, with fork and exec (a fork child of a holder cannot
 * open the pool through the C API), as "self role pool arg": its fd 10
 * reads what is written to *to, what it writes to its fd 11 is read from
 * *from.
 */
static inline pid_t t_start_role(const char *self, const char *role,
				 const char *pool, const char *arg, int *to,
				 int *from)
{
	int down[2], up[2];
	T_EQ(pipe(down), 0);
	T_EQ(pipe(up), 0);
	fflush(NULL);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		if (dup2(down[0], 10) < 0 || dup2(up[1], 11) < 0)
			_exit(2);
		/* the ends it does not use: a parent that dies is an EOF */
		close(down[0]);
		close(down[1]);
		close(up[0]);
		close(up[1]);
		execl("/proc/self/exe", self, role, pool, arg, (char *)NULL);
		_exit(3);
	}
	close(down[0]);
	close(up[1]);
	/* not in the next role's process: this one's EOF stays this one's */
	fcntl(down[1], F_SETFD, FD_CLOEXEC);
	fcntl(up[0], F_SETFD, FD_CLOEXEC);
	*to = down[1];
	*from = up[0];
	return pid;
}

/*
 * Whether this process was started by t_start_role as role; then the pool
 * it was given is copied into pool.
 */
static inline bool t_is_role(int argc, char *argv[], const char *role,
			     char *pool, size_t size)
{
	if (argc != 4 || strcmp(argv[1], role) != 0)
		return false;
	snprintf(pool, size, "%s", argv[2]);
	return true;
}

/* Waits for pid, which must have exited with 0. */
static inline void t_reap(pid_t pid)
{
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	T_ASSERT(WIFEXITED(status));
	T_EQ(WEXITSTATUS(status), 0);
}

/*
 * A mount namespace of this process's own (its children's too), with a
 * tmpfs of opts mounted on a new folder named from tmpl (its path into
 * dir): false, said as a SKIP, where that cannot be made (not root, no
 * user namespaces).
 */
static inline bool t_own_tmpfs(char *dir, size_t size, const char *tmpl,
			       const char *opts)
{
	if (unshare(CLONE_NEWNS)) {
		printf("SKIP: no mount namespace of our own (%s): a small "
		       "tmpfs needs root\n",
		       strerror(errno));
		return false;
	}
	T_EQ(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	snprintf(dir, size, "%s", tmpl);
	T_ASSERT(mkdtemp(dir) != NULL);
	if (mount("tmpfs", dir, "tmpfs", 0, opts)) {
		printf("SKIP: cannot mount a tmpfs (%s)\n", strerror(errno));
		rmdir(dir);
		return false;
	}
	return true;
}

#ifdef PMEMFILE_SHARE_H
/* Whether this process holds a granted lease (its direct path ran). */
static inline bool t_holds_lease(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	for (int i = 0; i < SHARE_LEASES; i++)
		if (atomic_load(&s->lease[i].state) == LEASE_GRANTED &&
		    s->lease[i].pid == getpid())
			return true;
	return false;
}
#endif

#endif

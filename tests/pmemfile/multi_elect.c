// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_elect -- the lock of the election of the pool's holder, left taken
 * by a process that died in it, does not stop the next process. A vfork
 * child (posix_spawn's, whose first call in a mount opens the pool) takes
 * it too, on the TLS of the parent thread that waits for it: a robust
 * pthread mutex then recorded the parent thread's id, and one the child
 * was killed in stayed taken for every process, by a thread still alive.
 *
 * The first process creates the pool and holds it. The lock is then given
 * to a process that has exited: the holder's close (its resignation takes
 * the lock) and a second process's open (its election) go through. Then to
 * a live process that exits 300 ms later: the close waits for it and goes
 * through after. Then to a live process with the identity of another (its
 * pid reused after the one in the lock died): the close goes through at
 * once. A test still waiting after 20 s fails (SIGALRM).
 */
#include "check.h"
#include "share.h"
#include "tmulti.h"

#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#define POOL_SIZE (16UL << 20)

static char pool[4096];

/* A second process: opens the pool (it holds it now), writes, closes. */
static int opener(void)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = pmemfile_open(pfp, "/second",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, "2nd", 3), 3);
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);
	return 0;
}

/* A process that lives for ms milliseconds, started now. */
static pid_t lives_for(int ms)
{
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		usleep((useconds_t)ms * 1000);
		_exit(0);
	}
	return pid;
}

int main(int argc, char *argv[])
{
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "opener", pool, sizeof(pool)))
		return opener();
	t_pool_path(pool, sizeof(pool));
	alarm(20);

	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	struct share_seg *s = pfp->share;
	T_ASSERT(s != NULL);
	T_EQ(atomic_load(&s->holder), getpid());

	/* taken by a process that died in it */
	pid_t dead = lives_for(0);
	T_EQ(waitpid(dead, NULL, 0), dead);
	atomic_store(&s->elect_pid, (uint32_t)dead);
	pmemfile_pool_close(pfp);

	int to, from;
	pid_t pid = t_start_role(argv[0], "opener", pool, "", &to, &from);
	t_reap(pid);

	/* taken by a live process, which exits meanwhile */
	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	s = pfp->share;
	T_EQ(atomic_load(&s->holder), getpid());
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/second", &st), 0);
	T_EQ(st.st_size, 3);
	pid_t live = lives_for(300);
	atomic_store(&s->elect_pid, (uint32_t)live);
	pmemfile_pool_close(pfp);
	T_EQ(waitpid(live, NULL, WNOHANG), live); /* it was gone first */

	/*
	 * taken by a process that died in it, whose pid a live process got
	 * (one that lives past the alarm, with the identity of another)
	 */
	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	s = pfp->share;
	T_EQ(atomic_load(&s->holder), getpid());
	pid_t other = lives_for(60000);
	atomic_store(&s->elect_pid, (uint32_t)other);
	atomic_store(&s->elect_start, 1);
	pmemfile_pool_close(pfp);
	T_EQ(waitpid(other, NULL, WNOHANG), 0); /* it lives on */
	T_EQ(kill(other, SIGKILL), 0);
	T_EQ(waitpid(other, NULL, 0), other);
	alarm(0);

	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	printf("multi_elect: ok\n");
	return 0;
}

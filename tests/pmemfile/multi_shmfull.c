// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_shmfull -- /dev/shm, where the processes of a pool share their
 * segment, has no room left: nobody is killed (a store to a page of a
 * file in memory that its file system cannot give raises SIGBUS).
 *  - Full before the pool is used: the first process opens the pool
 *    alone (no segment) and works; a second one's open fails with ENOSPC
 *    and says why.
 *  - Full after the segment was made: a client's call that needs a
 *    channel whose window has no pages yet fails with ENOSPC; once there
 *    is room again, it works. The holder goes on all along, and the pool
 *    checks clean.
 *
 * A tmpfs of 12 MiB is mounted on /dev/shm in a mount namespace of the
 * test's own (the pool lives on another one); skipped where that cannot
 * be made (not root, no user namespaces).
 */
#include "check.h"
#include "share.h"
#include "tmulti.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1UL << 20)
#define FILLER "/dev/shm/filler"

static char dir[64], pool[128];

/* Fills /dev/shm to its last page. */
static void fill_shm(void)
{
	static char b[65536];
	int fd = open(FILLER, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	T_ASSERT(fd >= 0);
	for (size_t size = sizeof(b); size >= 4096; size /= 2)
		while (write(fd, b, size) == (ssize_t)size)
			;
	T_EQ(errno, ENOSPC);
	T_EQ(close(fd), 0);
}

/* A second process, while /dev/shm was full before the first: ENOSPC. */
static int second(void)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp == NULL);
	T_EQ(errno, ENOSPC);
	T_ASSERT(strstr(pmemfile_errormsg(), "/dev/shm") != NULL);
	return 0;
}

/*
 * A client, while /dev/shm is full: its call fails with ENOSPC; tells
 * 'e', and at 'r' (room again) calls again, which works.
 */
static int client(int in, int out)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_ASSERT(pfp->share != NULL);
	T_ASSERT(atomic_load(&pfp->share->holder) != getpid());
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/f", &st), -1);
	T_EQ(errno, ENOSPC);
	t_say(out, 'e');
	t_hear(in, 'r');
	T_EQ(pmemfile_stat(pfp, "/f", &st), 0);
	T_EQ(st.st_size, 5);
	pmemfile_pool_close(pfp);
	return 0;
}

static void reap_ok(pid_t pid)
{
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		T_FAIL("process %d was killed by signal %s", (int)pid,
		       sigabbrev_np(WTERMSIG(status)));
	T_EQ(WEXITSTATUS(status), 0);
}

static void full_before(const char *self)
{
	fill_shm();
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_ASSERT(pfp->share == NULL); /* alone */
	PMEMfile *f = pmemfile_open(pfp, "/f",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, "hello", 5), 5);
	pmemfile_close(pfp, f);
	int to, from;
	pid_t pid = t_start_role(self, "second", pool, "", &to, &from);
	reap_ok(pid);
	close(to);
	close(from);
	pmemfile_pool_close(pfp);
	T_EQ(unlink(FILLER), 0);
}

static void full_after(const char *self)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_ASSERT(pfp->share != NULL);
	fill_shm();
	int to, from;
	pid_t pid = t_start_role(self, "client", pool, "", &to, &from);
	t_hear(from, 'e');
	/* the holder's own calls go on */
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/f", &st), 0);
	T_EQ(unlink(FILLER), 0);
	t_say(to, 'r');
	reap_ok(pid);
	close(to);
	close(from);
	pmemfile_pool_close(pfp);
}

int main(int argc, char *argv[])
{
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "second", pool, sizeof(pool)))
		return second();
	if (t_is_role(argc, argv, "client", pool, sizeof(pool)))
		return client(10, 11);
	if (unshare(CLONE_NEWNS)) {
		printf("SKIP: no mount namespace of our own (%s): a small "
		       "tmpfs needs root\n",
		       strerror(errno));
		return 77;
	}
	T_EQ(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	snprintf(dir, sizeof(dir), "/tmp/multi_shmfull.XXXXXX");
	T_ASSERT(mkdtemp(dir) != NULL);
	if (mount("tmpfs", dir, "tmpfs", 0, "size=80m") ||
	    mount("tmpfs", "/dev/shm", "tmpfs", 0, "size=12m,mode=1777")) {
		printf("SKIP: cannot mount a tmpfs (%s)\n", strerror(errno));
		umount(dir);
		rmdir(dir);
		return 77;
	}
	snprintf(pool, sizeof(pool), "%s/pool", dir);
	PMEMfilepool *pfp = pmemfile_pool_create(pool, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);

	full_before(argv[0]);
	full_after(argv[0]);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	umount("/dev/shm");
	umount(dir);
	rmdir(dir);
	printf("multi_shmfull: ok\n");
	return 0;
}

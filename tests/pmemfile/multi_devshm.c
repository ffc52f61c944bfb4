// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_devshm -- what the processes of a pool may find in /dev/shm, where
 * they share their segment:
 *  - no room left: nobody is killed (a store to a page of a file in
 *    memory that its file system cannot give raises SIGBUS). Full before
 *    the pool is used, the first process opens the pool alone (no
 *    segment) and works, and a second one's open fails with ENOSPC and
 *    says why; full after the segment was made, a client's call that
 *    needs a channel whose window has no pages yet fails with ENOSPC,
 *    and once there is room again it works. The holder goes on all
 *    along, and the pool checks clean.
 *  - a segment's file left over by a killed last process of another
 *    version, cut short or overwritten, is replaced by the next process
 *    (with its image), and the pool is shared (it was opened by each
 *    process alone, which locked the others out); one that another
 *    process holds is left alone.
 *
 * A tmpfs of 12 MiB is mounted on /dev/shm in a mount namespace of the
 * test's own (the pool lives on another one), where no other program's
 * process sweeps segments nobody holds (share.c) meanwhile; skipped where
 * that cannot be made (not root, no user namespaces).
 */
#include "check.h"
#include "share.h"
#include "tmulti.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/file.h>
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

static void segment_name(char *name, size_t size)
{
	struct stat ps;
	T_EQ(stat(pool, &ps), 0);
	snprintf(name, size, "/dev/shm/pmemfile.%llx.%llx",
		 (unsigned long long)ps.st_dev, (unsigned long long)ps.st_ino);
}

/* A file name of n bytes: another version's header, or a pattern. */
static void put_file(const char *name, size_t n, bool other_version)
{
	char *b = calloc(1, n);
	T_ASSERT(b != NULL);
	if (other_version) {
		struct share_seg *h = (struct share_seg *)(void *)b;
		h->magic = SHARE_MAGIC;
		h->version = SHARE_VERSION - 1;
		h->size = (uint32_t)n;
	} else {
		for (size_t i = 0; i < n; i++)
			b[i] = (char)(i * 131 + 7);
	}
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	T_ASSERT(fd >= 0);
	T_EQ(write(fd, b, n), (ssize_t)n);
	T_EQ(close(fd), 0);
	free(b);
}

/* A pool of its own for a case (a new segment's name). */
static void new_pool(void)
{
	static int n;
	char old[sizeof(pool)];
	snprintf(old, sizeof(old), "%s", pool);
	snprintf(pool, sizeof(pool), "%s/pool.%d", dir, ++n);
	PMEMfilepool *pfp = pmemfile_pool_create(pool, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);
	T_EQ(unlink(old), 0);
}

/*
 * A left-over segment file (cut: n bytes; else the segment's size, with
 * another version's header or a pattern) and an image beside it: the
 * first process to use the pool replaces both, and the next one is its
 * client; the last to leave removes the new file.
 */
static void left_over(size_t n, bool other_version)
{
	char name[128], image[136];
	new_pool();
	segment_name(name, sizeof(name));
	snprintf(image, sizeof(image), "%s.image", name);
	put_file(name, n, other_version);
	put_file(image, 4096, false);
	int go[2], said[2];
	T_EQ(pipe(go), 0);
	T_EQ(pipe(said), 0);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		close(go[1]);
		close(said[0]);
		PMEMfilepool *pfp = pmemfile_pool_open(pool);
		struct stat st;
		if (!pfp || pmemfile_stat(pfp, "/", &st) != 0)
			_exit(1);
		if (atomic_load(&pfp->share->holder) != getpid())
			_exit(2);
		if (write(said[1], "x", 1) != 1)
			_exit(3);
		char c;
		if (read(go[0], &c, 1) != 0)
			_exit(4);
		pmemfile_pool_close(pfp);
		_exit(0);
	}
	close(go[0]);
	close(said[1]);
	char c;
	T_EQ(read(said[0], &c, 1), 1);
	close(said[0]);
	struct stat st;
	T_EQ(stat(name, &st), 0);
	T_EQ(st.st_size, (off_t)sizeof(struct share_seg));
	T_EQ(stat(image, &st), -1);
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_ASSERT(pfp->share != NULL);
	T_ASSERT(pfp->share->magic == SHARE_MAGIC);
	T_EQ(pfp->share->version, SHARE_VERSION);
	T_EQ(atomic_load(&pfp->share->holder), pid);
	T_EQ(pmemfile_stat(pfp, "/", &st), 0);
	pmemfile_pool_close(pfp);
	close(go[1]);
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	T_ASSERT(WIFEXITED(status));
	T_EQ(WEXITSTATUS(status), 0);
	T_EQ(stat(name, &st), -1);
}

/*
 * Such a file that another process holds (its shared lock: a process of
 * that other version) stays as it is; this process opens the pool alone.
 */
static void held_by_another_version(void)
{
	char name[128];
	new_pool();
	segment_name(name, sizeof(name));
	put_file(name, 4096, false);
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	T_ASSERT(fd >= 0);
	T_EQ(flock(fd, LOCK_SH), 0);
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_ASSERT(pfp->share == NULL);
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/", &st), 0);
	pmemfile_pool_close(pfp);
	T_EQ(stat(name, &st), 0);
	T_EQ(st.st_size, 4096);
	char b[4096];
	T_EQ(pread(fd, b, sizeof(b), 0), (ssize_t)sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++)
		T_EQ(b[i], (char)(i * 131 + 7));
	T_EQ(close(fd), 0);
	T_EQ(unlink(name), 0);
}

int main(int argc, char *argv[])
{
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "second", pool, sizeof(pool)))
		return second();
	if (t_is_role(argc, argv, "client", pool, sizeof(pool)))
		return client(10, 11);
	if (!t_own_tmpfs(dir, sizeof(dir), "/tmp/multi_devshm.XXXXXX",
			 "size=80m"))
		return 77;
	/* in the namespace: where this test's processes share segments */
	T_EQ(mount("tmpfs", "/dev/shm", "tmpfs", 0, "size=12m,mode=1777"), 0);
	snprintf(pool, sizeof(pool), "%s/pool", dir);
	PMEMfilepool *pfp = pmemfile_pool_create(pool, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);

	full_before(argv[0]);
	full_after(argv[0]);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	left_over(sizeof(struct share_seg), false);
	left_over(sizeof(struct share_seg), true);
	left_over(4096, false);
	held_by_another_version();
	T_EQ(unlink(pool), 0);
	umount("/dev/shm");
	umount(dir);
	rmdir(dir);
	printf("multi_devshm: ok\n");
	return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * slot_reuse -- an inode slot freed by one thread is taken by another's
 * creation only at the right moment, with the right state, whatever the
 * order the two threads run in. The freeing thread (an unlink) is stopped
 * at two points by wrappers of the library's libpmemobj calls, and the main
 * thread creates files meanwhile:
 *
 * - at the allocation lock, before its transaction takes it: no creation
 *   may get the slot being freed (its mode must still be set: creations
 *   read the modes under that lock), and once the unlink ends, creations
 *   go on (a full inode array put back into the free list made them fail
 *   with EIO);
 * - after its transaction commits, before it drops the removed inode's
 *   cached state: a file created in the slot, kept open and unlinked, is
 *   an orphan like any other (it was freed while open: the new inode had
 *   been given the removed one's cached state).
 *
 * The checker then accepts the pool. An alarm turns a deadlock into a
 * failure.
 */
#include "check.h"
#include "tcheck.h"

#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "layout.h"

#define MiB (1UL << 20)

enum stop_point { STOP_NONE, STOP_AT_ALLOC_LOCK, STOP_AFTER_COMMIT };

static PMEMfilepool *pfp;
static char path[4096];

static pthread_mutex_t stop_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;
static enum stop_point stop_at;
static bool stopped, resumed;

/* Set in the freeing thread only; the second says it took the lock. */
static __thread bool freeing;
static __thread bool took_alloc_lock;

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "FAIL: deadlock: no progress in time\n";
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* In the freeing thread at point p: waits there until resume_freer. */
static void stop_here(enum stop_point p)
{
	if (!freeing || stop_at != p)
		return;
	pthread_mutex_lock(&stop_mutex);
	stopped = true;
	pthread_cond_broadcast(&stop_cond);
	while (!resumed)
		pthread_cond_wait(&stop_cond, &stop_mutex);
	pthread_mutex_unlock(&stop_mutex);
	freeing = false;
}

int __real_pmemobj_tx_lock(enum pobj_tx_param type, void *lockp);
int __wrap_pmemobj_tx_lock(enum pobj_tx_param type, void *lockp)
{
	/* the library's one transaction lock is the allocation lock */
	stop_here(STOP_AT_ALLOC_LOCK);
	if (freeing)
		took_alloc_lock = true;
	return __real_pmemobj_tx_lock(type, lockp);
}

int __real_pmemobj_tx_end(void);
int __wrap_pmemobj_tx_end(void)
{
	int r = __real_pmemobj_tx_end();
	if (took_alloc_lock)
		stop_here(STOP_AFTER_COMMIT);
	return r;
}

static void *unlink_worker(void *p)
{
	freeing = true;
	if (pmemfile_unlink(pfp, p))
		T_FAIL("unlink %s: %s", (const char *)p,
		       strerrorname_np(errno));
	return NULL;
}

/* Starts the unlink of name and returns once it is stopped at p. */
static pthread_t start_freer(const char *name, enum stop_point p)
{
	pthread_t th;
	stopped = resumed = false;
	stop_at = p;
	T_EQ(pthread_create(&th, NULL, unlink_worker, (void *)name), 0);
	pthread_mutex_lock(&stop_mutex);
	while (!stopped)
		pthread_cond_wait(&stop_cond, &stop_mutex);
	pthread_mutex_unlock(&stop_mutex);
	return th;
}

static void resume_freer(pthread_t th)
{
	pthread_mutex_lock(&stop_mutex);
	resumed = true;
	pthread_cond_broadcast(&stop_cond);
	pthread_mutex_unlock(&stop_mutex);
	T_EQ(pthread_join(th, NULL), 0);
}

/*
 * The inode number of the entry name of directory dir, from a listing:
 * no lock of that inode is taken, so a wrongly shared one cannot block.
 */
static uint64_t listed_ino(const char *dir, const char *name)
{
	char buf[8192];
	uint64_t ino = 0;
	PMEMfile *d = pmemfile_open(pfp, dir, PMEMFILE_O_DIRECTORY);
	T_ASSERT(d != NULL);
	int n;
	while ((n = pmemfile_getdents64(pfp, d, (void *)buf, sizeof(buf))) >
	       0) {
		for (int pos = 0; pos < n;) {
			unsigned short reclen;
			memcpy(&reclen, buf + pos + 16, sizeof(reclen));
			if (!strcmp(buf + pos + 19, name))
				memcpy(&ino, buf + pos, sizeof(ino));
			T_ASSERT(reclen > 0);
			pos += reclen;
		}
	}
	T_EQ(n, 0);
	pmemfile_close(pfp, d);
	if (!ino)
		T_FAIL("%s/%s not listed", dir, name);
	return ino;
}

static void create(const char *dir, const char *name)
{
	char full[256];
	snprintf(full, sizeof(full), "%s/%s", dir, name);
	PMEMfile *f = pmemfile_open(
	    pfp, full, PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY,
	    0644);
	if (!f)
		T_FAIL("create %s: %s", full, strerrorname_np(errno));
	pmemfile_close(pfp, f);
}

/*
 * /d/x and /d/y share the first inode array, which the creations fill
 * while the unlink of /d/x waits at the allocation lock.
 */
static void free_waits_for_lock(void)
{
	create("/d", "x");
	create("/d", "y");
	uint64_t x = listed_ino("/d", "x");
	pthread_t th = start_freer("/d/x", STOP_AT_ALLOC_LOCK);
	char name[64];
	for (unsigned i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
		snprintf(name, sizeof(name), "n%u", i);
		create("/e", name);
		if (listed_ino("/e", name) == x)
			T_FAIL(
			    "/e/%s took the slot of /d/x (0x%llx) before the "
			    "unlink of /d/x held the allocation lock",
			    name, (unsigned long long)x);
	}
	resume_freer(th);
	pmemfile_stat_t st;
	T_ERRNO(pmemfile_stat(pfp, "/d/x", &st), ENOENT);
	/* the first array is full but for the slot of /d/x */
	create("/e", "after-x");
	T_EQ(listed_ino("/e", "after-x"), x);
}

/* The slot of /d/y is the only free one of the first array, which heads
 * the free list once /d/y is gone. */
static void new_inode_own_state(void)
{
	uint64_t y = listed_ino("/d", "y");
	pthread_t th = start_freer("/d/y", STOP_AFTER_COMMIT);
	PMEMfile *f = pmemfile_open(
	    pfp, "/e/new", PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_RDWR,
	    0644);
	T_ASSERT(f != NULL);
	T_EQ(listed_ino("/e", "new"), y);
	resume_freer(th);

	T_EQ(pmemfile_unlink(pfp, "/e/new"), 0);
	pmemfile_stat_t st;
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	if (!S_ISREG(st.st_mode) || st.st_nlink != 0)
		T_FAIL("/e/new open and unlinked: mode 0%o, %lu links, "
		       "expected a regular file with 0 (its inode was freed "
		       "while open)",
		       (unsigned)st.st_mode, (unsigned long)st.st_nlink);
	T_EQ(pmemfile_pwrite(pfp, f, "orphan", 6, 0), 6);
	char got[6];
	T_EQ(pmemfile_pread(pfp, f, got, sizeof(got), 0), 6);
	T_ASSERT(memcmp(got, "orphan", 6) == 0);
	pmemfile_close(pfp, f);
	/* the orphan went at its close: its slot is the next one taken */
	create("/e", "after-y");
	T_EQ(listed_ino("/e", "after-y"), y);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	t_pool_path(path, sizeof(path));
	signal(SIGALRM, on_alarm);
	alarm(60);

	pfp = pmemfile_pool_create(path, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);
	T_EQ(pmemfile_mkdir(pfp, "/e", 0755), 0);
	free_waits_for_lock();
	new_inode_own_state();
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
	printf("a freed slot is taken after its free holds the allocation "
	       "lock, by an inode with state of its own\n");
	return 0;
}

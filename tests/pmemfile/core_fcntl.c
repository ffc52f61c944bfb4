// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_fcntl -- pmemfile_fcntl's record-lock ranges, F_GETLK of F_UNLCK,
 * locks held through a second description (POSIX and OFD, l_pid included),
 * F_SETFL of O_NOATIME by a user who does not own the file, and
 * F_DUPFD: each call made on a pool file and on a kernel file in the
 * test's directory, the results (value and errno) compared. F_DUPFD and
 * F_DUPFD_CLOEXEC are the exception: EINVAL by design (the man page).
 */
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <unistd.h>

#include "core.h"

static PMEMfilepool *p;
static PMEMfile *pf;
static int kfd;

/* One lock request on both files: same result, same errno. */
static void lock_both(int cmd, short type, short whence, int64_t start,
		      int64_t len)
{
	struct flock a = {
	    .l_type = type, .l_whence = whence, .l_start = start, .l_len = len};
	struct flock b = a;
	errno = 0;
	int kr = fcntl(kfd, cmd, &a);
	int ke = kr < 0 ? errno : 0;
	errno = 0;
	int pr = pmemfile_fcntl(p, pf, cmd, &b);
	int pe = pr < 0 ? errno : 0;
	if (kr != pr || ke != pe)
		CORE_FAIL("fcntl(%d, type %d, whence %d, %lld, %lld): kernel "
			  "%d (errno %d), pmemfile %d (errno %d)",
			  cmd, type, whence, (long long)start, (long long)len,
			  kr, ke, pr, pe);
	if (cmd == F_GETLK && kr == 0) {
		CORE_EQ(b.l_type, a.l_type);
		if (a.l_type != F_UNLCK)
			CORE_EQ(b.l_pid, a.l_pid);
	}
}

/*
 * One query on a second description of each file: same result, errno, and
 * for a conflict the same lock and l_pid.
 */
static void query_both(PMEMfile *pf2, int kfd2, int cmd, short type,
		       pid_t in_pid)
{
	struct flock a = {.l_type = type,
			  .l_whence = SEEK_SET,
			  .l_start = 0,
			  .l_len = 10,
			  .l_pid = in_pid};
	struct flock b = a;
	errno = 0;
	int kr = fcntl(kfd2, cmd, &a);
	int ke = kr < 0 ? errno : 0;
	errno = 0;
	int pr = pmemfile_fcntl(p, pf2, cmd, &b);
	int pe = pr < 0 ? errno : 0;
	if (kr != pr || ke != pe)
		CORE_FAIL("second description: fcntl(%d, type %d): kernel %d "
			  "(errno %d), pmemfile %d (errno %d)",
			  cmd, type, kr, ke, pr, pe);
	if (kr == 0 && (cmd == F_GETLK || cmd == F_OFD_GETLK)) {
		CORE_EQ(b.l_type, a.l_type);
		if (a.l_type != F_UNLCK) {
			CORE_EQ(b.l_start, a.l_start);
			CORE_EQ(b.l_len, a.l_len);
			CORE_EQ(b.l_pid, a.l_pid);
		}
	}
}

/*
 * A lock held through another description of this process: an OFD query
 * sees a POSIX lock with the process's pid, a POSIX query sees an OFD lock
 * with l_pid -1, and an OFD lock goes with the last close of its
 * description. (A lock held by another process has no counterpart: the
 * pool is held by one process, whose memory holds the locks.)
 */
static void second_description(const char *kpath)
{
	PMEMfile *pf2 = pmemfile_open(p, "/f", O_RDWR);
	CORE_TRUE(pf2);
	int kfd2 = open(kpath, O_RDWR);
	CORE_TRUE(kfd2 >= 0);
	lock_both(F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
	query_both(pf2, kfd2, F_GETLK, F_WRLCK, 0);
	query_both(pf2, kfd2, F_OFD_GETLK, F_WRLCK, 0);
	query_both(pf2, kfd2, F_OFD_GETLK, F_RDLCK, 0);
	query_both(pf2, kfd2, F_OFD_GETLK, F_WRLCK, 1);
	query_both(pf2, kfd2, F_OFD_SETLK, F_RDLCK, 0);
	lock_both(F_SETLK, F_UNLCK, SEEK_SET, 0, 10);
	query_both(pf2, kfd2, F_OFD_SETLK, F_WRLCK, 0);
	lock_both(F_GETLK, F_RDLCK, SEEK_SET, 0, 10);
	lock_both(F_SETLK, F_RDLCK, SEEK_SET, 5, 1);
	/* a duplicate keeps the description, its last close drops the lock */
	PMEMfile *pf3 = pmemfile_dup(p, pf2);
	CORE_TRUE(pf3);
	int kfd3 = dup(kfd2);
	CORE_TRUE(kfd3 >= 0);
	pmemfile_close(p, pf2);
	close(kfd2);
	lock_both(F_GETLK, F_WRLCK, SEEK_SET, 0, 10);
	pmemfile_close(p, pf3);
	close(kfd3);
	lock_both(F_GETLK, F_WRLCK, SEEK_SET, 0, 10);
	lock_both(F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
	lock_both(F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
}

int main(void)
{
	const char *pool = core_pool_path("fcntl.pool");
	unlink(pool);
	p = pmemfile_pool_create(pool, 16 << 20, 0600);
	CORE_TRUE(p);
	pf = pmemfile_open(p, "/f", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(pf);
	kfd =
	    open(core_pool_path("kernel.f"), O_CREAT | O_RDWR | O_TRUNC, 0644);
	CORE_TRUE(kfd >= 0);
	CORE_EQ(pmemfile_lseek(p, pf, 100, SEEK_SET), 100);
	CORE_EQ(lseek(kfd, 100, SEEK_SET), 100);

	lock_both(F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
	lock_both(F_GETLK, F_UNLCK, SEEK_SET, 0, 10);
	lock_both(F_GETLK, F_WRLCK, SEEK_SET, 0, 10);
	lock_both(F_SETLK, F_WRLCK, SEEK_SET, INT64_MAX - 10, 100);
	lock_both(F_SETLK, F_WRLCK, SEEK_SET, INT64_MAX - 10, 11);
	lock_both(F_SETLK, F_WRLCK, SEEK_SET, INT64_MAX - 10, 12);
	lock_both(F_SETLK, F_WRLCK, SEEK_SET, -1, 10);
	lock_both(F_SETLK, F_WRLCK, SEEK_SET, 5, -10);
	lock_both(F_SETLK, F_WRLCK, SEEK_SET, 10, -10);
	lock_both(F_SETLK, F_RDLCK, SEEK_CUR, -100, 1);
	lock_both(F_SETLK, F_RDLCK, SEEK_CUR, -101, 1);
	lock_both(F_SETLK, F_RDLCK, SEEK_CUR, INT64_MAX, 1);
	lock_both(F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	lock_both(F_SETLK, 77, SEEK_SET, 0, 0);
	lock_both(F_SETLK, F_RDLCK, 9, 0, 0);
	second_description(core_pool_path("kernel.f"));

	/* F_DUPFD: no descriptor numbers in the library */
	errno = 0;
	CORE_EQ(pmemfile_fcntl(p, pf, F_DUPFD, 0), -1);
	CORE_EQ(errno, EINVAL);
	errno = 0;
	CORE_EQ(pmemfile_fcntl(p, pf, F_DUPFD_CLOEXEC, 0), -1);
	CORE_EQ(errno, EINVAL);

	/* the access mode does not change, O_APPEND does */
	CORE_EQ(pmemfile_fcntl(p, pf, F_SETFL, O_RDONLY | O_APPEND), 0);
	CORE_EQ(pmemfile_fcntl(p, pf, F_GETFL) & (O_ACCMODE | O_APPEND),
		O_RDWR | O_APPEND);

	/* O_NOATIME: EPERM for a user who does not own the file */
	CORE_EQ(pmemfile_chmod(p, "/f", 0666), 0);
	CORE_EQ(pmemfile_clrcap(p, PMEMFILE_CAP_FOWNER), 0);
	pmemfile_setfsuid(p, 1000);
	PMEMfile *g = pmemfile_open(p, "/f", O_RDWR);
	CORE_TRUE(g);
	errno = 0;
	CORE_EQ(pmemfile_fcntl(p, g, F_SETFL, O_NOATIME), -1);
	CORE_EQ(errno, EPERM);
	CORE_EQ(pmemfile_fcntl(p, g, F_SETFL, O_NONBLOCK), 0);
	CORE_EQ(pmemfile_fcntl(p, g, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	pmemfile_close(p, g);

	pmemfile_close(p, pf);
	pmemfile_pool_close(p);
	close(kfd);
	unlink(pool);
	printf("fcntl lock ranges and flags as the kernel's\n");
	return 0;
}

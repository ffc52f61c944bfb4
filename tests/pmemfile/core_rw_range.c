// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_rw_range -- reads and writes whose end would pass the largest file
 * offset: the same calls on a pool file
 * and on a kernel file of the test's directory give the same result and
 * errno (EINVAL, from the kernel's rw_verify_area); and with a NULL
 * buffer, EFAULT where bytes would be copied (a read past the end gives
 * 0, a vector gives the bytes before the NULL one).
 */
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <limits.h>
#include <stdint.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core.h"

static void same(const char *what, long k, int ke, long p, int pe)
{
	if (k != p || (k < 0 && ke != pe))
		CORE_FAIL("%s: kernel %ld (errno %d), pmemfile %ld (errno %d)",
			  what, k, ke, p, pe);
}

#define BOTH(what, kcall, pcall)                \
	do {                                    \
		errno = 0;                      \
		long k_ = (long)(kcall);        \
		int ke_ = errno;                \
		errno = 0;                      \
		long p_ = (long)(pcall);        \
		same(what, k_, ke_, p_, errno); \
	} while (0)

int main(void)
{
	const char *pool = core_pool_path("rw.pool");
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 16 << 20, 0600);
	CORE_TRUE(p);
	PMEMfile *f = pmemfile_open(p, "/f", O_CREAT | O_RDWR, 0644);
	CORE_TRUE(f);
	int fd =
	    open(core_pool_path("kernel.f"), O_CREAT | O_RDWR | O_TRUNC, 0644);
	CORE_TRUE(fd >= 0);
	char buf[8] = "zz";
	const long max = LLONG_MAX;

	BOTH("pwrite 2 at max-1", pwrite(fd, buf, 2, max - 1),
	     pmemfile_pwrite(p, f, buf, 2, max - 1));
	BOTH("pwrite 1 at max-1", pwrite(fd, buf, 1, max - 1),
	     pmemfile_pwrite(p, f, buf, 1, max - 1));
	BOTH("pwrite 1 at max", pwrite(fd, buf, 1, max),
	     pmemfile_pwrite(p, f, buf, 1, max));
	BOTH("pwrite 0 at max", pwrite(fd, buf, 0, max),
	     pmemfile_pwrite(p, f, buf, 0, max));
	BOTH("pread 1 at max", pread(fd, buf, 1, max),
	     pmemfile_pread(p, f, buf, 1, max));
	BOTH("pread 2 at max-1", pread(fd, buf, 2, max - 1),
	     pmemfile_pread(p, f, buf, 2, max - 1));
	BOTH("pread 0 at max", pread(fd, buf, 0, max),
	     pmemfile_pread(p, f, buf, 0, max));
	BOTH("lseek max", lseek(fd, max, SEEK_SET),
	     pmemfile_lseek(p, f, max, SEEK_SET));
	BOTH("write 1 at max", write(fd, buf, 1), pmemfile_write(p, f, buf, 1));
	BOTH("read 1 at max", read(fd, buf, 1), pmemfile_read(p, f, buf, 1));
	struct iovec iov = {buf, 1};
	pmemfile_iovec_t piov = {buf, 1};
	BOTH("writev 1 at max", writev(fd, &iov, 1),
	     pmemfile_writev(p, f, &piov, 1));
	BOTH("preadv 1 at max", preadv(fd, &iov, 1, max),
	     pmemfile_preadv(p, f, &piov, 1, max));
	BOTH("lseek 0", lseek(fd, 0, SEEK_SET),
	     pmemfile_lseek(p, f, 0, SEEK_SET));
	/* a count no buffer can have: EFAULT (access_ok), not EINVAL */
	/* volatile: the compiler would refuse the call it can see */
	static volatile size_t huge_v = (size_t)LLONG_MAX + 1, max_v = SIZE_MAX;
	const size_t huge = huge_v, size_max = max_v;
	BOTH("read SSIZE_MAX+1", read(fd, buf, huge),
	     pmemfile_read(p, f, buf, huge));
	BOTH("write SIZE_MAX", write(fd, buf, size_max),
	     pmemfile_write(p, f, buf, size_max));
	BOTH("pread SSIZE_MAX+1 at 0", pread(fd, buf, huge, 0),
	     pmemfile_pread(p, f, buf, huge, 0));
	BOTH("pwrite SSIZE_MAX+1 at -1", pwrite(fd, buf, huge, -1),
	     pmemfile_pwrite(p, f, buf, huge, -1));

	/* a NULL buffer faults where bytes would be copied, not before */
	static void *volatile null_v;
	void *null = null_v;
	BOTH("write NULL 5", write(fd, null, 5), pmemfile_write(p, f, null, 5));
	BOTH("write NULL 0", write(fd, null, 0), pmemfile_write(p, f, null, 0));
	BOTH("pread NULL 4 at 0 of an empty file", pread(fd, null, 4, 0),
	     pmemfile_pread(p, f, null, 4, 0));
	BOTH("write 8", write(fd, "01234567", 8),
	     pmemfile_write(p, f, "01234567", 8));
	struct iovec iov2[2] = {{buf, 2}, {NULL, 3}};
	pmemfile_iovec_t piov2[2] = {{buf, 2}, {NULL, 3}};
	BOTH("writev 2 and NULL 3", writev(fd, iov2, 2),
	     pmemfile_writev(p, f, piov2, 2));
	BOTH("pwrite NULL 3 at 1", pwrite(fd, null, 3, 1),
	     pmemfile_pwrite(p, f, null, 3, 1));
	BOTH("lseek 0 again", lseek(fd, 0, SEEK_SET),
	     pmemfile_lseek(p, f, 0, SEEK_SET));
	BOTH("read NULL 4", read(fd, null, 4), pmemfile_read(p, f, null, 4));
	BOTH("pread NULL 4 at 5", pread(fd, null, 4, 5),
	     pmemfile_pread(p, f, null, 4, 5));
	BOTH("pread NULL 4 past the end", pread(fd, null, 4, 100),
	     pmemfile_pread(p, f, null, 4, 100));
	BOTH("preadv 2 and NULL 3 at 0", preadv(fd, iov2, 2, 0),
	     pmemfile_preadv(p, f, piov2, 2, 0));
	BOTH("read NULL 0", read(fd, null, 0), pmemfile_read(p, f, null, 0));

	close(fd);
	pmemfile_close(p, f);
	pmemfile_pool_close(p);
	unlink(pool);
	printf("read/write ranges checked as the kernel does\n");
	return 0;
}

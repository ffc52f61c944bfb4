// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_bad_path -- unlink, rmdir, mkdir, mknod and symlink of an empty or
 * NULL path fail with the kernel's ENOENT and EFAULT, whatever the stack
 * held before: a walk that fails before it starts leaves nothing to
 * release (it released a stale directory pointer).
 */
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

/* Leaves the stack below the caller full of a non-NULL pattern. */
static __attribute__((noinline)) void dirty_stack(void)
{
	volatile unsigned char junk[65536];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0xa5;
}

#define FAILS(expr, err)                                                     \
	do {                                                                 \
		dirty_stack();                                               \
		errno = 0;                                                   \
		int r_ = (expr);                                             \
		if (r_ != -1 || errno != (err))                              \
			CORE_FAIL("%s = %d errno %s, expected -1 %s", #expr, \
				  r_, strerrorname_np(errno),                \
				  strerrorname_np(err));                     \
	} while (0)

int main(void)
{
	const char *pool = core_pool_path("bad_path.pool");
	unlink(pool);
	PMEMfilepool *p = pmemfile_pool_create(pool, 16 << 20, 0600);
	CORE_TRUE(p);
	/* as the kernel: "" names nothing, NULL faults */
	FAILS(pmemfile_unlink(p, ""), ENOENT);
	FAILS(pmemfile_rmdir(p, ""), ENOENT);
	FAILS(pmemfile_mkdir(p, "", 0755), ENOENT);
	FAILS(pmemfile_mknodat(p, PMEMFILE_AT_CWD, "", S_IFIFO | 0600, 0),
	      ENOENT);
	FAILS(pmemfile_symlink(p, "t", ""), ENOENT);
	FAILS(pmemfile_unlink(p, NULL), EFAULT);
	FAILS(pmemfile_rmdir(p, NULL), EFAULT);
	FAILS(pmemfile_mkdir(p, NULL, 0755), EFAULT);
	FAILS(pmemfile_unlinkat(p, NULL, "x", 0), EBADF);
	CORE_EQ(pmemfile_mkdir(p, "/d", 0755), 0);
	CORE_EQ(pmemfile_rmdir(p, "/d"), 0);
	pmemfile_pool_close(p);
	unlink(pool);
	printf("empty and NULL paths fail as the kernel's\n");
	return 0;
}

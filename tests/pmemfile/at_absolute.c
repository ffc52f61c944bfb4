// SPDX-License-Identifier: BSD-3-Clause
/*
 * at_absolute -- the *at calls given an absolute path leave their
 * directory argument unused, as the kernel ignores the descriptor then:
 * with NULL or a pointer that is no handle they act as with
 * PMEMFILE_AT_CWD, as the kernel's calls do with a closed descriptor (each
 * compared with the same call on a kernel directory). They crashed,
 * looking at the handle first.
 */
#include "procid.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <sys/stat.h>

#define POOL_SIZE (16UL << 20)
#define NOT_A_HANDLE ((PMEMfile *)(uintptr_t)0xbad)

static PMEMfilepool *pfp;
static char kdir[4096];

/* The kernel path of a pool path (an absolute one, under kdir). */
static const char *kp(const char *path)
{
	static char buf[2][8192];
	static int n;
	n ^= 1;
	snprintf(buf[n], sizeof(buf[n]), "%s%s", kdir, path);
	return buf[n];
}

/* Both calls succeed, or both fail with the same errno. */
#define SAME(kexpr, pexpr)                                                   \
	do {                                                                 \
		errno = 0;                                                   \
		long k_ = (long)(kexpr);                                     \
		int ke_ = errno;                                             \
		errno = 0;                                                   \
		long p_ = (long)(pexpr);                                     \
		int pe_ = errno;                                             \
		if ((k_ < 0) != (p_ < 0) || (k_ < 0 && ke_ != pe_))          \
			T_FAIL("%s: kernel %ld %s, pool %ld %s", #pexpr, k_, \
			       strerrorname_np(ke_), p_,                     \
			       strerrorname_np(pe_));                        \
	} while (0)

static void with(PMEMfile *dir)
{
	int kfd = 1000; /* closed: the kernel does not look at it */
	pmemfile_stat_t ks, ps;
	char buf[64];

	SAME(mkdirat(kfd, kp("/d"), 0755),
	     pmemfile_mkdirat(pfp, dir, "/d", 0755));
	int fd = openat(kfd, kp("/d/f"), O_CREAT | O_WRONLY, 0644);
	PMEMfile *f =
	    pmemfile_openat(pfp, dir, "/d/f", O_CREAT | O_WRONLY, 0644);
	T_ASSERT(fd >= 0 && f != NULL);
	close(fd);
	pmemfile_close(pfp, f);
	SAME(faccessat(kfd, kp("/d/f"), W_OK, 0),
	     pmemfile_faccessat(pfp, dir, "/d/f", W_OK, 0));
	SAME(fstatat(kfd, kp("/d/f"), &ks, 0),
	     pmemfile_fstatat(pfp, dir, "/d/f", &ps, 0));
	SAME(fchmodat(kfd, kp("/d/f"), 0600, 0),
	     pmemfile_fchmodat(pfp, dir, "/d/f", 0600, 0));
	SAME(fchownat(kfd, kp("/d/f"), getuid(), getgid(), 0),
	     pmemfile_fchownat(pfp, dir, "/d/f", getuid(), getgid(), 0));
	SAME(utimensat(kfd, kp("/d/f"), NULL, 0),
	     pmemfile_utimensat(pfp, dir, "/d/f", NULL, 0));
	SAME(futimesat(kfd, kp("/d/f"), NULL),
	     pmemfile_futimesat(pfp, dir, "/d/f", NULL));
	SAME(symlinkat("f", kfd, kp("/d/l")),
	     pmemfile_symlinkat(pfp, "f", dir, "/d/l"));
	SAME(readlinkat(kfd, kp("/d/l"), buf, sizeof(buf)),
	     pmemfile_readlinkat(pfp, dir, "/d/l", buf, sizeof(buf)));
	SAME(linkat(kfd, kp("/d/f"), kfd, kp("/d/g"), 0),
	     pmemfile_linkat(pfp, dir, "/d/f", dir, "/d/g", 0));
	SAME(renameat(kfd, kp("/d/g"), kfd, kp("/d/h")),
	     pmemfile_renameat(pfp, dir, "/d/g", dir, "/d/h"));
	SAME(unlinkat(kfd, kp("/d/h"), 0),
	     pmemfile_unlinkat(pfp, dir, "/d/h", 0));
	SAME(unlinkat(kfd, kp("/d/l"), 0),
	     pmemfile_unlinkat(pfp, dir, "/d/l", 0));
	SAME(unlinkat(kfd, kp("/d/f"), 0),
	     pmemfile_unlinkat(pfp, dir, "/d/f", 0));
	SAME(unlinkat(kfd, kp("/d"), AT_REMOVEDIR),
	     pmemfile_unlinkat(pfp, dir, "/d", PMEMFILE_AT_REMOVEDIR));
	/* a relative path needs the directory: the kernel's EBADF */
	SAME(mkdirat(kfd, "d", 0755), pmemfile_mkdirat(pfp, NULL, "d", 0755));
}

int main(int argc, char *argv[])
{
	char pool[4096];
	(void)argc;
	t_force_pmem(argv);
	t_pool_path(pool, sizeof(pool));
	const char *tmp = getenv("TMPDIR");
	snprintf(kdir, sizeof(kdir), "%s/kernel",
		 tmp && *tmp ? tmp : "/dev/shm");
	T_ASSERT(mkdir(kdir, 0755) == 0 || errno == EEXIST);
	pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_cred_of_process(pfp), 0);
	with(NULL);
	with(NOT_A_HANDLE);
	pmemfile_pool_close(pfp);
	printf("PASS\n");
	return 0;
}

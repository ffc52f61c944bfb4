// SPDX-License-Identifier: BSD-3-Clause
/*
 * mmap_api -- pmemfile_mmap, pmemfile_munmap, pmemfile_mremap,
 * pmemfile_msync and pmemfile_mprotect against mmap(2) and its family on
 * a kernel file in $TMPDIR, step by step: the same results and errno
 * (bad length, offset and flags, a write-only or O_PATH file, a shared
 * writable map of a read-only file, a directory), the same bytes through
 * the maps and through read and write, SIGBUS past the end of the file
 * until the file grows over the page,
 * a map that outlives the file's name, and mremap that grows in place, moves
 * and shrinks. A shared map pins its pages: shrinking the file fails with
 * EBUSY until the last page of the map is unmapped (in this process: a
 * fork child unmapping its copy changes nothing). pmemfile_fsync,
 * pmemfile_fdatasync and pmemfile_syncfs against fsync(2) and its family
 * (stores through a shared map, then the call; a read-only, O_PATH or
 * directory descriptor).
 */
#include "check.h"
#include "procid.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define POOL_SIZE (32UL << 20)
#define PG 4096

static PMEMfilepool *pfp;
static char kdir[4096];

/* One file opened both ways: in the pool and in the kernel directory. */
struct both {
	PMEMfile *f;
	int fd;
};

static struct both open_both(const char *name, int flags)
{
	char path[8192];
	struct both b;
	snprintf(path, sizeof(path), "%s/%s", kdir, name);
	b.fd = open(path, flags, 0644);
	int e = errno;
	snprintf(path, sizeof(path), "/%s", name);
	b.f = pmemfile_open(pfp, path, flags, 0644);
	if (b.fd < 0 || b.f == NULL)
		T_FAIL("open %s 0%o: kernel %s, pool %s", name, flags,
		       b.fd < 0 ? strerrorname_np(e) : "ok",
		       b.f == NULL ? strerrorname_np(errno) : "ok");
	return b;
}

static void close_both(struct both b)
{
	close(b.fd);
	pmemfile_close(pfp, b.f);
}

/* Both maps fail with the same errno, or both succeed (then unmapped). */
static void same_mmap(const char *what, struct both b, size_t len, int prot,
		      int flags, off_t off)
{
	errno = 0;
	void *k = mmap(NULL, len, prot, flags, b.fd, off);
	int ke = errno;
	errno = 0;
	void *p = pmemfile_mmap(pfp, NULL, len, prot, flags, b.f, off);
	int pe = errno;
	if ((k == MAP_FAILED) != (p == PMEMFILE_MAP_FAILED) || ke != pe)
		T_FAIL("%s: kernel %s, pool %s", what,
		       k == MAP_FAILED ? strerrorname_np(ke) : "a map",
		       p == PMEMFILE_MAP_FAILED ? strerrorname_np(pe)
						: "a map");
	if (k != MAP_FAILED)
		munmap(k, len);
	if (p != PMEMFILE_MAP_FAILED)
		T_EQ(pmemfile_munmap(pfp, p, len), 0);
}

static sigjmp_buf bus_jump;

static void on_bus(int sig)
{
	(void)sig;
	siglongjmp(bus_jump, 1);
}

/* Whether reading the byte at p raises SIGBUS. */
static bool bus_at(volatile const char *p)
{
	if (sigsetjmp(bus_jump, 1))
		return true;
	(void)*p;
	return false;
}

static void fill(struct both b, size_t len, char c)
{
	char buf[PG];
	memset(buf, c, sizeof(buf));
	for (size_t off = 0; off < len; off += PG) {
		T_EQ(pwrite(b.fd, buf, PG, (off_t)off), PG);
		T_EQ(pmemfile_pwrite(pfp, b.f, buf, PG, (off_t)off), PG);
	}
}

static void errors(void)
{
	struct both rw = open_both("e", O_CREAT | O_RDWR);
	fill(rw, 2 * PG, 'e');
	same_mmap("length 0", rw, 0, PROT_READ, MAP_SHARED, 0);
	same_mmap("offset not page aligned", rw, PG, PROT_READ, MAP_SHARED, 1);
	same_mmap("no map type", rw, PG, PROT_READ, 0, 0);
	same_mmap("private and shared", rw, PG, PROT_READ,
		  MAP_SHARED | MAP_PRIVATE | 0x08000000, 0);
	same_mmap("shared read-write", rw, PG, PROT_READ | PROT_WRITE,
		  MAP_SHARED, 0);
	close_both(rw);

	struct both ro = open_both("e", O_RDONLY);
	same_mmap("shared writable of read-only", ro, PG,
		  PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	same_mmap("private writable of read-only", ro, PG,
		  PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	same_mmap("shared read of read-only", ro, PG, PROT_READ, MAP_SHARED, 0);
	close_both(ro);

	struct both wo = open_both("e", O_WRONLY);
	same_mmap("write-only", wo, PG, PROT_WRITE, MAP_SHARED, 0);
	same_mmap("write-only private", wo, PG, PROT_READ, MAP_PRIVATE, 0);
	close_both(wo);

	struct both op = open_both("e", O_PATH);
	same_mmap("O_PATH", op, PG, PROT_READ, MAP_SHARED, 0);
	close_both(op);

	struct both d = open_both(".", O_RDONLY | O_DIRECTORY);
	same_mmap("directory", d, PG, PROT_READ, MAP_SHARED, 0);
	same_mmap("directory private", d, PG, PROT_READ, MAP_PRIVATE, 0);
	close_both(d);

	T_ERRNO(pmemfile_mmap(pfp, NULL, PG, PROT_READ, MAP_SHARED, NULL, 0),
		EBADF);
	T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_SHARED, -1, 0), EBADF);

	/* msync and munmap: alignment and flags, as the kernel checks */
	char *k = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_ASSERT(k != MAP_FAILED);
	T_ERRNO(msync(k + 1, PG, MS_SYNC), EINVAL);
	T_ERRNO(pmemfile_msync(pfp, k + 1, PG, MS_SYNC), EINVAL);
	T_ERRNO(msync(k, PG, MS_SYNC | MS_ASYNC), EINVAL);
	T_ERRNO(pmemfile_msync(pfp, k, PG, MS_SYNC | MS_ASYNC), EINVAL);
	T_ERRNO(msync(k, PG, 0x100), EINVAL);
	T_ERRNO(pmemfile_msync(pfp, k, PG, 0x100), EINVAL);
	T_ERRNO(munmap(k + 1, PG), EINVAL);
	T_ERRNO(pmemfile_munmap(pfp, k + 1, PG), EINVAL);
	T_ERRNO(munmap(k, 0), EINVAL);
	T_ERRNO(pmemfile_munmap(pfp, k, 0), EINVAL);
	T_EQ(munmap(k, PG), 0);
	/* an unmapped range */
	T_ERRNO(msync(k, PG, MS_SYNC), ENOMEM);
	T_ERRNO(pmemfile_msync(pfp, k, PG, MS_SYNC), ENOMEM);
	T_ERRNO(pmemfile_mremap(pfp, k, PG, 2 * PG, 4, NULL), EINVAL);
	T_ERRNO(mremap(k, PG, 2 * PG, 4, NULL), EINVAL);
	T_ERRNO(pmemfile_mremap(pfp, k, PG, 0, MREMAP_MAYMOVE, NULL), EINVAL);
	T_ERRNO(mremap(k, PG, 0, MREMAP_MAYMOVE), EINVAL);
}

/* A shared map of each: the same bytes, both ways, as the file changes. */
static void shared(void)
{
	struct both b = open_both("s", O_CREAT | O_RDWR);
	fill(b, 3 * PG, 's');
	T_EQ(ftruncate(b.fd, 2 * PG + 100), 0);
	T_EQ(pmemfile_ftruncate(pfp, b.f, 2 * PG + 100), 0);
	char *k =
	    mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, b.fd, 0);
	char *p = pmemfile_mmap(pfp, NULL, 4 * PG, PROT_READ | PROT_WRITE,
				MAP_SHARED, b.f, 0);
	T_ASSERT(k != MAP_FAILED && p != PMEMFILE_MAP_FAILED);
	T_ASSERT(memcmp(k, p, 2 * PG + 100) == 0);
	/* past the size, on the last page: zeros */
	T_ASSERT(k[2 * PG + 100] == 0 && p[2 * PG + 100] == 0);
	T_ASSERT(k[3 * PG - 1] == 0 && p[3 * PG - 1] == 0);
	/* past the last page: SIGBUS */
	T_ASSERT(bus_at(k + 3 * PG));
	T_ASSERT(bus_at(p + 3 * PG));

	/* stores through the map are the file's bytes */
	memcpy(k + 5000, "through the map", 15);
	memcpy(p + 5000, "through the map", 15);
	char kb[32], pb[32];
	T_EQ(pread(b.fd, kb, 15, 5000), 15);
	T_EQ(pmemfile_pread(pfp, b.f, pb, 15, 5000), 15);
	T_ASSERT(memcmp(kb, "through the map", 15) == 0);
	T_ASSERT(memcmp(pb, "through the map", 15) == 0);
	/* and writes show in the map */
	T_EQ(pwrite(b.fd, "written", 7, 100), 7);
	T_EQ(pmemfile_pwrite(pfp, b.f, "written", 7, 100), 7);
	T_ASSERT(memcmp(k + 100, "written", 7) == 0);
	T_ASSERT(memcmp(p + 100, "written", 7) == 0);
	T_EQ(msync(k, 4 * PG, MS_SYNC), 0);
	T_EQ(pmemfile_msync(pfp, p, 4 * PG, MS_SYNC), 0);

	/* the map follows the file's growth over its last page */
	T_EQ(pwrite(b.fd, "grown", 5, 3 * PG + 8), 5);
	T_EQ(pmemfile_pwrite(pfp, b.f, "grown", 5, 3 * PG + 8), 5);
	T_ASSERT(!bus_at(k + 3 * PG) && !bus_at(p + 3 * PG));
	T_ASSERT(memcmp(k + 3 * PG + 8, "grown", 5) == 0);
	T_ASSERT(memcmp(p + 3 * PG + 8, "grown", 5) == 0);
	T_EQ(ftruncate(b.fd, 4 * PG), 0);
	T_EQ(pmemfile_ftruncate(pfp, b.f, 4 * PG), 0);
	k[4 * PG - 1] = 'e';
	p[4 * PG - 1] = 'e';
	T_EQ(pread(b.fd, kb, 1, 4 * PG - 1), 1);
	T_EQ(pmemfile_pread(pfp, b.f, pb, 1, 4 * PG - 1), 1);
	T_ASSERT(kb[0] == 'e' && pb[0] == 'e');

	/* read-only now, as the kernel makes it */
	T_EQ(mprotect(k, PG, PROT_READ), 0);
	T_EQ(pmemfile_mprotect(pfp, p, PG, PROT_READ), 0);
	T_EQ(mprotect(k, PG, PROT_READ | PROT_WRITE), 0);
	T_EQ(pmemfile_mprotect(pfp, p, PG, PROT_READ | PROT_WRITE), 0);

	/* the pages are pinned: the file does not shrink under the map */
	T_ERRNO(pmemfile_ftruncate(pfp, b.f, 0), EBUSY);
	/* a fork child's copy of the map is its own: unmapping it there
	 * leaves the parent's pinned */
	pid_t child = fork();
	T_ASSERT(child >= 0);
	if (child == 0)
		_exit(pmemfile_munmap(pfp, p, 4 * PG) == 0 ? 0 : 1);
	int status;
	T_EQ(waitpid(child, &status, 0), child);
	T_EQ(status, 0);
	T_ERRNO(pmemfile_ftruncate(pfp, b.f, 0), EBUSY);
	T_ASSERT(p[100] == 'w');
	T_EQ(pmemfile_munmap(pfp, p + PG, PG), 0); /* a hole: two ranges */
	T_ERRNO(pmemfile_ftruncate(pfp, b.f, 0), EBUSY);
	T_EQ(pmemfile_munmap(pfp, p, PG), 0);
	T_ERRNO(pmemfile_ftruncate(pfp, b.f, 0), EBUSY);
	T_EQ(pmemfile_munmap(pfp, p + 2 * PG, 2 * PG), 0);
	T_EQ(pmemfile_ftruncate(pfp, b.f, 0), 0);
	T_EQ(munmap(k, 4 * PG), 0);
	close_both(b);

	/* a map outlives the file's name and its handle */
	b = open_both("gone", O_CREAT | O_RDWR);
	fill(b, PG, 'g');
	k = mmap(NULL, PG, PROT_READ, MAP_SHARED, b.fd, 0);
	p = pmemfile_mmap(pfp, NULL, PG, PROT_READ, MAP_SHARED, b.f, 0);
	T_ASSERT(k != MAP_FAILED && p != PMEMFILE_MAP_FAILED);
	close_both(b);
	char path[8192];
	snprintf(path, sizeof(path), "%s/gone", kdir);
	T_EQ(unlink(path), 0);
	T_EQ(pmemfile_unlink(pfp, "/gone"), 0);
	T_ASSERT(k[PG - 1] == 'g' && p[PG - 1] == 'g');
	T_EQ(munmap(k, PG), 0);
	T_EQ(pmemfile_munmap(pfp, p, PG), 0);
}

/* A private map is a copy: stores stay in it. */
static void private(void)
{
	struct both b = open_both("p", O_CREAT | O_RDWR);
	fill(b, 2 * PG, 'p');
	/* made over a shared map, which it ends (and so its pin) */
	char *ks = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, b.fd, 0);
	char *ps =
	    pmemfile_mmap(pfp, NULL, 2 * PG, PROT_READ, MAP_SHARED, b.f, 0);
	T_ASSERT(ks != MAP_FAILED && ps != PMEMFILE_MAP_FAILED);
	char *k = mmap(ks, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_FIXED, b.fd, PG);
	char *p = pmemfile_mmap(pfp, ps, 2 * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_FIXED, b.f, PG);
	T_ASSERT(k == ks && p == ps);
	T_ASSERT(k[0] == 'p' && p[0] == 'p');
	k[0] = 'x';
	p[0] = 'x';
	char kc, pc;
	T_EQ(pread(b.fd, &kc, 1, PG), 1);
	T_EQ(pmemfile_pread(pfp, b.f, &pc, 1, PG), 1);
	T_ASSERT(kc == 'p' && pc == 'p');
	/* nothing pinned */
	T_EQ(pmemfile_ftruncate(pfp, b.f, 0), 0);
	T_EQ(munmap(k, 2 * PG), 0);
	T_EQ(pmemfile_munmap(pfp, p, 2 * PG), 0);
	close_both(b);
}

/* mremap of a shared map: grown in place or moved, shrunk. */
static void remap(void)
{
	struct both b = open_both("r", O_CREAT | O_RDWR);
	fill(b, 4 * PG, 'r');
	T_EQ(pwrite(b.fd, "third", 5, 2 * PG), 5);
	T_EQ(pmemfile_pwrite(pfp, b.f, "third", 5, 2 * PG), 5);
	/* room after the map: a reservation given back */
	char *kr =
	    mmap(NULL, 8 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *pr =
	    mmap(NULL, 8 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_ASSERT(kr != MAP_FAILED && pr != MAP_FAILED);
	T_EQ(munmap(kr + PG, 7 * PG), 0);
	T_EQ(munmap(pr + PG, 7 * PG), 0);
	char *k = mmap(kr, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		       b.fd, 0);
	char *p = pmemfile_mmap(pfp, pr, PG, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_FIXED, b.f, 0);
	T_ASSERT(k == kr && p == pr);
	/* in place, without MREMAP_MAYMOVE */
	T_ASSERT(mremap(k, PG, 3 * PG, 0) == k);
	T_ASSERT(pmemfile_mremap(pfp, p, PG, 3 * PG, 0, NULL) == p);
	T_ASSERT(memcmp(k + 2 * PG, "third", 5) == 0);
	T_ASSERT(memcmp(p + 2 * PG, "third", 5) == 0);
	memcpy(k + 2 * PG + 10, "grown", 5);
	memcpy(p + 2 * PG + 10, "grown", 5);
	char kb[8], pb[8];
	T_EQ(pread(b.fd, kb, 5, 2 * PG + 10), 5);
	T_EQ(pmemfile_pread(pfp, b.f, pb, 5, 2 * PG + 10), 5);
	T_ASSERT(memcmp(kb, "grown", 5) == 0 && memcmp(pb, "grown", 5) == 0);

	/* no room after it: ENOMEM, or moved with MREMAP_MAYMOVE */
	char *kw = mmap(k + 3 * PG, PG, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	char *pw = mmap(p + 3 * PG, PG, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	T_ASSERT(kw != MAP_FAILED && pw != MAP_FAILED);
	T_ERRNO(mremap(k, 3 * PG, 4 * PG, 0), ENOMEM);
	T_ERRNO(pmemfile_mremap(pfp, p, 3 * PG, 4 * PG, 0, NULL), ENOMEM);
	/* the old range is gone (checked before anything else is mapped) */
	char *k2 = mremap(k, 3 * PG, 4 * PG, MREMAP_MAYMOVE);
	T_ERRNO(msync(k, PG, MS_SYNC), ENOMEM);
	char *p2 =
	    pmemfile_mremap(pfp, p, 3 * PG, 4 * PG, MREMAP_MAYMOVE, NULL);
	T_ERRNO(pmemfile_msync(pfp, p, PG, MS_SYNC), ENOMEM);
	T_ASSERT(k2 != MAP_FAILED && k2 != k);
	T_ASSERT(p2 != PMEMFILE_MAP_FAILED && p2 != p);
	T_ASSERT(memcmp(k2 + 2 * PG + 10, "grown", 5) == 0);
	T_ASSERT(memcmp(p2 + 2 * PG + 10, "grown", 5) == 0);
	T_ASSERT(k2[4 * PG - 1] == 'r' && p2[4 * PG - 1] == 'r');
	/* shrunk: the rest unmapped, the pin kept for what remains */
	T_ASSERT(mremap(k2, 4 * PG, PG, 0) == k2);
	T_ERRNO(msync(k2 + PG, PG, MS_SYNC), ENOMEM);
	T_ASSERT(pmemfile_mremap(pfp, p2, 4 * PG, PG, 0, NULL) == p2);
	T_ERRNO(pmemfile_msync(pfp, p2 + PG, PG, MS_SYNC), ENOMEM);
	T_ERRNO(pmemfile_ftruncate(pfp, b.f, 0), EBUSY);
	T_EQ(munmap(k2, PG), 0);
	T_EQ(pmemfile_munmap(pfp, p2, PG), 0);
	T_EQ(pmemfile_ftruncate(pfp, b.f, 0), 0);
	munmap(kw, PG);
	munmap(pw, PG);
	close_both(b);
}

/* fsync, fdatasync, syncfs, kernel and pool: the same results and errno. */
static void same_sync(const char *what, int kret, int kerr, int pret, int perr)
{
	if (kret != pret || (kret != 0 && kerr != perr))
		T_FAIL("%s: kernel %d %s, pool %d %s", what, kret,
		       kret ? strerrorname_np(kerr) : "", pret,
		       pret ? strerrorname_np(perr) : "");
}

#define SAME_SYNC(what, kcall, pcall)                  \
	do {                                           \
		errno = 0;                             \
		int kr_ = (kcall);                     \
		int ke_ = errno;                       \
		errno = 0;                             \
		int pr_ = (pcall);                     \
		same_sync(what, kr_, ke_, pr_, errno); \
	} while (0)

static void syncs(void)
{
	struct both b = open_both("s", O_CREAT | O_RDWR);
	fill(b, 2 * PG, 's');
	char *k =
	    mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, b.fd, 0);
	char *p = pmemfile_mmap(pfp, NULL, 2 * PG, PROT_READ | PROT_WRITE,
				MAP_SHARED, b.f, 0);
	T_ASSERT(k != MAP_FAILED && p != PMEMFILE_MAP_FAILED);
	memcpy(k + PG - 3, "synced", 6);
	memcpy(p + PG - 3, "synced", 6);
	SAME_SYNC("fsync", fsync(b.fd), pmemfile_fsync(pfp, b.f));
	SAME_SYNC("fdatasync", fdatasync(b.fd), pmemfile_fdatasync(pfp, b.f));
	SAME_SYNC("syncfs", syncfs(b.fd), pmemfile_syncfs(pfp));
	char kb[8], pb[8];
	T_EQ(pread(b.fd, kb, 6, PG - 3), 6);
	T_EQ(pmemfile_pread(pfp, b.f, pb, 6, PG - 3), 6);
	T_ASSERT(memcmp(kb, "synced", 6) == 0 && memcmp(pb, "synced", 6) == 0);
	T_EQ(munmap(k, 2 * PG), 0);
	T_EQ(pmemfile_munmap(pfp, p, 2 * PG), 0);
	close_both(b);

	struct both ro = open_both("s", O_RDONLY);
	SAME_SYNC("fsync of read-only", fsync(ro.fd),
		  pmemfile_fsync(pfp, ro.f));
	close_both(ro);
	struct both path = open_both("s", O_PATH);
	SAME_SYNC("fsync of O_PATH", fsync(path.fd),
		  pmemfile_fsync(pfp, path.f));
	SAME_SYNC("fdatasync of O_PATH", fdatasync(path.fd),
		  pmemfile_fdatasync(pfp, path.f));
	close_both(path);
	struct both dir = open_both(".", O_RDONLY | O_DIRECTORY);
	SAME_SYNC("fsync of a directory", fsync(dir.fd),
		  pmemfile_fsync(pfp, dir.f));
	close_both(dir);
	T_ERRNO(pmemfile_fsync(pfp, NULL), EBADF);
	T_ERRNO(pmemfile_fdatasync(pfp, NULL), EBADF);
	T_ERRNO(pmemfile_fsync(NULL, NULL), EFAULT);
	T_ERRNO(pmemfile_syncfs(NULL), EFAULT);
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
	signal(SIGBUS, on_bus);
	pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_cred_of_process(pfp), 0);
	errors();
	shared();
	private();
	remap();
	syncs();
	/* a map left at close is forgotten with its pool */
	struct both b = open_both("left", O_CREAT | O_RDWR);
	fill(b, PG, 'l');
	T_ASSERT(pmemfile_mmap(pfp, NULL, PG, PROT_READ, MAP_SHARED, b.f, 0) !=
		 PMEMFILE_MAP_FAILED);
	close_both(b);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	printf("PASS\n");
	return 0;
}

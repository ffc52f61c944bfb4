// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_unbacked -- a client writing a file in records through its
 * descriptor of the pool file, and file size limits:
 *  - its leases after the one that came with its open leave the storage
 *    they reserve to its writes (lease.c, LEASE_UNBACKED): a fresh pool
 *    file takes the pages written, not the storage reserved past them,
 *    while the lease lasts; records of 1,000 bytes among the 10 KiB ones
 *    go the same way; the file reads back whole, of its exact size and
 *    blocks once closed, and the pool checks clean;
 *  - the lease that comes with its next open is such a lease too, and a
 *    small file written under it reads back the same;
 *  - a client whose file size limit (RLIMIT_FSIZE) is below the pool
 *    file's size writes its records through its mapping instead: none of
 *    its writes reaches the kernel past the limit, which would kill it
 *    with SIGXFSZ;
 *  - such a process as the first to use a pool (the segment beside it
 *    to be made by it, bigger than the limit) gets EFBIG from its open,
 *    where sizing the segment killed it with SIGXFSZ before; while
 *    another process uses the pool it joins it, and writes.
 *
 * The first process creates the pool and holds it; the clients are this
 * program again, started with fork and exec.
 */
#include "check.h"
#include "share.h"
#include "shim_calls.h"
#include "tmulti.h"

#include <errno.h>
#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define KIB 1024L
#define MIB (1024L * KIB)
#define POOL_SIZE (256UL << 20)

static char pool[4096];

static char byte_at(long i, int seed)
{
	return (char)((i * 13 + i / 4096 * 5 + seed) & 0xff);
}

static void fill(char *b, long at, long n, int seed)
{
	for (long i = 0; i < n; i++)
		b[i] = byte_at(at + i, seed);
}

/* The pool file's allocated bytes. */
static long pool_bytes(void)
{
	struct stat st;
	T_EQ(stat(pool, &st), 0);
	return (long)st.st_blocks * 512;
}

/* Whether this process holds a lease whose storage is left unbacked. */
static bool holds_unbacked(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	for (int i = 0; i < SHARE_LEASES; i++)
		if (atomic_load(&s->lease[i].state) == LEASE_GRANTED &&
		    s->lease[i].pid == getpid() && s->lease[i].unbacked)
			return true;
	return false;
}

/* Records of 10 KiB, every fourth of 1,000 bytes, from at to at least n. */
static long write_records(PMEMfilepool *pfp, PMEMfile *f, long at, long n,
			  int seed)
{
	static char b[10 * KIB];
	for (int i = 0; at < n; i++) {
		long k = i % 4 == 3 ? 1000 : (long)sizeof(b);
		fill(b, at, k, seed);
		T_EQ(pmemfile_write(pfp, f, b, (size_t)k), k);
		at += k;
	}
	return at;
}

/* The file at path is n bytes of stream seed, in whole pages. */
static void expect(PMEMfilepool *pfp, const char *path, long n, int seed)
{
	static char b[64 * KIB], want[64 * KIB];
	struct stat st;
	T_EQ(pmemfile_stat(pfp, path, &st), 0);
	T_EQ(st.st_size, n);
	T_EQ(st.st_blocks, (n + 4095) / 4096 * 8);
	PMEMfile *f = pmemfile_open(pfp, path, PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	for (long at = 0; at < n;) {
		ssize_t got = pmemfile_read(pfp, f, b, sizeof(b));
		T_ASSERT(got > 0);
		fill(want, at, got, seed);
		T_ASSERT(memcmp(b, want, (size_t)got) == 0);
		at += got;
	}
	T_EQ(pmemfile_read(pfp, f, b, 1), 0);
	pmemfile_close(pfp, f);
}

/*
 * The storage past what the client wrote, reserved for its writes, is in
 * the file's blocks while the lease lasts (fstat) but not in the pool
 * file's: its pages are made by the writes.
 */
static void client_records(PMEMfilepool *pfp)
{
	PMEMfile *f = pmemfile_open(pfp, "/rec",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	long before = pool_bytes();
	long at = write_records(pfp, f, 0, 3 * MIB, 1);
	while (!holds_unbacked(pfp)) {
		T_ASSERT(at < 32 * MIB);
		at = write_records(pfp, f, at, at + 64 * KIB, 1);
	}
	struct stat st;
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	T_EQ(st.st_size, at);
	long reserved = (long)st.st_blocks * 512 - at;
	long grew = pool_bytes() - before;
	printf("wrote %ld, reserved %ld more, the pool file grew by %ld\n", at,
	       reserved, grew);
	T_ASSERT(reserved >= MIB);
	/* the written pages, and a little for the inode and extents */
	T_ASSERT(grew >= at && grew <= at + 512 * KIB);
	at = write_records(pfp, f, at, 5 * MIB + 777, 1);
	pmemfile_close(pfp, f);
	expect(pfp, "/rec", at, 1);
}

/* A small file: its lease comes with its open, unbacked. */
static void client_small(PMEMfilepool *pfp)
{
	static char b[3000];
	PMEMfile *f = pmemfile_open(pfp, "/small",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	T_ASSERT(holds_unbacked(pfp));
	fill(b, 0, sizeof(b), 4);
	T_EQ(pmemfile_write(pfp, f, b, sizeof(b)), (ssize_t)sizeof(b));
	T_ASSERT(holds_unbacked(pfp));
	pmemfile_close(pfp, f);
	expect(pfp, "/small", sizeof(b), 4);
}

/* Under a file size limit below the pool file's size. */
static void client_limited(PMEMfilepool *pfp)
{
	struct rlimit rl = {MIB, RLIM_INFINITY};
	T_EQ(setrlimit(RLIMIT_FSIZE, &rl), 0);
	PMEMfile *f = pmemfile_open(pfp, "/lim",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	long at = write_records(pfp, f, 0, 900 * KIB, 2);
	T_ASSERT(t_holds_lease(pfp) && !holds_unbacked(pfp));
	pmemfile_close(pfp, f);
	expect(pfp, "/lim", at, 2);
}

static int client(void)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	client_records(pfp);
	client_small(pfp);
	client_limited(pfp);
	pmemfile_pool_close(pfp);
	return 0;
}

/* The first process to use the pool, under a file size limit. */
static int first(void)
{
	struct rlimit rl = {MIB, RLIM_INFINITY};
	T_EQ(setrlimit(RLIMIT_FSIZE, &rl), 0);
	errno = 0;
	T_ASSERT(pmemfile_pool_open(pool) == NULL);
	T_EQ(errno, EFBIG);
	return 0;
}

/* One under that limit that joins a pool another process holds. */
static int joiner(void)
{
	struct rlimit rl = {MIB, RLIM_INFINITY};
	T_EQ(setrlimit(RLIMIT_FSIZE, &rl), 0);
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = pmemfile_open(pfp, "/first",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	long at = write_records(pfp, f, 0, 300 * KIB, 3);
	pmemfile_close(pfp, f);
	expect(pfp, "/first", at, 3);
	pmemfile_pool_close(pfp);
	return 0;
}

int main(int argc, char *argv[])
{
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "client", pool, sizeof(pool)))
		return client();
	if (t_is_role(argc, argv, "first", pool, sizeof(pool)))
		return first();
	if (t_is_role(argc, argv, "joiner", pool, sizeof(pool)))
		return joiner();
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	int to, from;
	t_reap(t_start_role(argv[0], "client", pool, "", &to, &from));
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/rec", &st), 0);
	T_EQ(pmemfile_stat(pfp, "/lim", &st), 0);
	T_EQ(pmemfile_stat(pfp, "/small", &st), 0);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);

	t_reap(t_start_role(argv[0], "first", pool, "", &to, &from));
	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	t_reap(t_start_role(argv[0], "joiner", pool, "", &to, &from));
	T_EQ(pmemfile_stat(pfp, "/first", &st), 0);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	printf("multi_unbacked: ok\n");
	return 0;
}

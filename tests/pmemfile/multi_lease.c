// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_lease -- a client's reads and writes made under a lease (lease.h)
 * give what the holder's would:
 *  - an appender's blocks are the file's bytes and size for the holder
 *    while the client still appends;
 *  - the holder's truncate ends the lease, and the appends after it go to
 *    the new end;
 *  - a reader sees a region the holder overwrote in the middle of its
 *    reading, and its offset is where it read to;
 *  - a writer's offset is given back to the description (lseek, pread);
 *  - a fork child that writes through the same description puts its block
 *    between its parent's, as the kernel's shared offset does;
 *  - an appender killed at any moment leaves whole blocks of its stream
 *    and a file the holder can truncate (its lease ends without it);
 *  - a file written in records from start to end is written under leases
 *    all along, in few extents, and takes the blocks the kernel's would;
 *  - a file the program puts at the number of the client's descriptor of
 *    the pool file gets none of its writes.
 * Each step checks that the client did hold a lease, so that the direct
 * path is what is tested. The pool checks clean at the end.
 *
 * The first process creates the pool and holds it; the second, started
 * with fork and exec, is the client.
 */
#include "check.h"
#include "share.h"
#include "shim_calls.h"
#include "tmulti.h"

#include <fcntl.h>
#include <signal.h>
#include <libpmemfile-posix.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLK 4096
#define MIB (1L << 20)
#define POOL_SIZE (256UL << 20)
#define BIG (8 * MIB)
#define HOLE_AT (4 * MIB)
#define HOLE_LEN (64 * 1024)

static char pool[4096];

/* The byte at offset i of a stream made with seed. */
static char byte_at(long i, int seed)
{
	return (char)((i * 31 + i / BLK * 7 + seed) & 0xff);
}

static void fill(char *b, long at, long n, int seed)
{
	for (long i = 0; i < n; i++)
		b[i] = byte_at(at + i, seed);
}

static void append_blocks(PMEMfilepool *pfp, PMEMfile *f, long from, long n,
			  int seed)
{
	static char b[BLK];
	for (long at = from; at < from + n; at += BLK) {
		fill(b, at, BLK, seed);
		T_EQ(pmemfile_write(pfp, f, b, BLK), BLK);
	}
}

/*
 * Writes blocks of stream seed from offset from, at least n bytes, and on
 * until the client holds a lease (it asks for one after some writes, and
 * holds it until the storage reserved for it is full); where it stopped.
 */
static long append_leased(PMEMfilepool *pfp, PMEMfile *f, long from, long n,
			  int seed)
{
	long at = from;
	while (at < from + n || !t_holds_lease(pfp)) {
		T_ASSERT(at < from + n + 64 * MIB);
		append_blocks(pfp, f, at, BLK, seed);
		at += BLK;
	}
	return at;
}

/* The file's bytes [at, at + n) are the stream seed's [from, from + n). */
static void expect(PMEMfilepool *pfp, const char *path, long at, long n,
		   long from, int seed)
{
	static char got[MIB], want[MIB];
	PMEMfile *f = pmemfile_open(pfp, path, PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	for (long done = 0; done < n;) {
		long k = n - done < MIB ? n - done : MIB;
		T_EQ(pmemfile_pread(pfp, f, got, (size_t)k, at + done), k);
		fill(want, from + done, k, seed);
		T_EQ(memcmp(got, want, (size_t)k), 0);
		done += k;
	}
	pmemfile_close(pfp, f);
}

static long size_of(PMEMfilepool *pfp, const char *path)
{
	struct stat st;
	T_EQ(pmemfile_stat(pfp, path, &st), 0);
	return st.st_size;
}

/* a and b are the same stat, field by field. */
static void same_stat(const struct stat *a, const struct stat *b)
{
	T_EQ(a->st_dev, b->st_dev);
	T_EQ(a->st_ino, b->st_ino);
	T_EQ(a->st_mode, b->st_mode);
	T_EQ(a->st_nlink, b->st_nlink);
	T_EQ(a->st_uid, b->st_uid);
	T_EQ(a->st_gid, b->st_gid);
	T_EQ(a->st_rdev, b->st_rdev);
	T_EQ(a->st_size, b->st_size);
	T_EQ(a->st_blocks, b->st_blocks);
	T_EQ(a->st_blksize, b->st_blksize);
	T_EQ(a->st_atim.tv_sec, b->st_atim.tv_sec);
	T_EQ(a->st_atim.tv_nsec, b->st_atim.tv_nsec);
	T_EQ(a->st_mtim.tv_sec, b->st_mtim.tv_sec);
	T_EQ(a->st_mtim.tv_nsec, b->st_mtim.tv_nsec);
	T_EQ(a->st_ctim.tv_sec, b->st_ctim.tv_sec);
	T_EQ(a->st_ctim.tv_nsec, b->st_ctim.tv_nsec);
}

static void client_append(PMEMfilepool *pfp, int in, int out)
{
	PMEMfile *f = pmemfile_open(
	    pfp, "/w", PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY | PMEMFILE_O_APPEND,
	    0644);
	T_ASSERT(f != NULL);
	append_leased(pfp, f, 0, 4 * MIB, 1);
	t_say(out, 'a');
	/* the holder read the file and truncated it: the lease is over */
	t_hear(in, 'b');
	T_ASSERT(!t_holds_lease(pfp));
	append_blocks(pfp, f, 0, 2 * MIB, 2);
	t_say(out, 'c');
	t_hear(in, 'd');
	pmemfile_close(pfp, f);
}

static void client_read(PMEMfilepool *pfp, int in, int out)
{
	static char got[10240], want[10240];
	PMEMfile *f = pmemfile_open(pfp, "/big", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	long at = 0;
	bool told = false, leased = false;
	for (;;) {
		leased = leased || t_holds_lease(pfp);
		if (!told && at >= 2 * MIB) {
			/* a write through a reader's description, leased */
			T_ASSERT(t_holds_lease(pfp));
			T_ERRNO(pmemfile_write(pfp, f, got, 1), EBADF);
			t_say(out, 'e');
			t_hear(in, 'f'); /* the holder overwrote a region */
			told = true;
		}
		ssize_t n = pmemfile_read(pfp, f, got, sizeof(got));
		T_ASSERT(n >= 0);
		if (n == 0)
			break;
		fill(want, at, n, 3);
		for (long i = 0; i < n; i++)
			if (at + i >= HOLE_AT && at + i < HOLE_AT + HOLE_LEN)
				want[i] = 'X';
		T_EQ(memcmp(got, want, (size_t)n), 0);
		at += n;
	}
	T_ASSERT(leased);
	T_EQ(at, BIG);
	T_EQ(pmemfile_lseek(pfp, f, 0, PMEMFILE_SEEK_CUR), BIG);
	pmemfile_close(pfp, f);
}

static void client_offset(PMEMfilepool *pfp)
{
	static char got[BLK], want[BLK];
	PMEMfile *f =
	    pmemfile_open(pfp, "/o", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(f != NULL);
	long end = append_leased(pfp, f, 0, 3 * MIB, 4);
	/* lseek and fstat under the lease are this process's own */
	T_EQ(pmemfile_lseek(pfp, f, 0, PMEMFILE_SEEK_CUR), end);
	struct stat st;
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	T_EQ(st.st_size, end);
	T_ASSERT(t_holds_lease(pfp));
	T_EQ(pmemfile_lseek(pfp, f, -BLK, PMEMFILE_SEEK_END), end - BLK);
	T_EQ(pmemfile_lseek(pfp, f, BLK, PMEMFILE_SEEK_CUR), end);
	T_EQ(pmemfile_lseek(pfp, f, -1, PMEMFILE_SEEK_SET), -1);
	T_EQ(errno, EINVAL);
	T_ASSERT(t_holds_lease(pfp));
	/* a call the holder runs ends it: the offset comes back to it */
	T_EQ(pmemfile_fchmod(pfp, f, 0640), 0);
	T_ASSERT(!t_holds_lease(pfp));
	T_EQ(pmemfile_lseek(pfp, f, 0, PMEMFILE_SEEK_CUR), end);
	T_EQ(pmemfile_pread(pfp, f, got, BLK, MIB + 100), BLK);
	fill(want, MIB + 100, BLK, 4);
	T_EQ(memcmp(got, want, BLK), 0);
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	T_EQ(st.st_mode & 07777, 0640);
	T_EQ(st.st_size, end);
	T_EQ(pmemfile_ftruncate(pfp, f, 3 * MIB), 0);
	pmemfile_close(pfp, f);
}

static void client_fork(PMEMfilepool *pfp, int out)
{
	PMEMfile *f = pmemfile_open(pfp, "/k",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	long end = append_leased(pfp, f, 0, 3 * MIB, 5);
	fflush(NULL);
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0) {
		append_blocks(pfp, f, end, BLK, 6);
		_exit(0);
	}
	t_reap(pid);
	append_blocks(pfp, f, end + BLK, BLK, 5);
	pmemfile_close(pfp, f);
	char c = (char)(end / BLK % 256);
	T_EQ(write(out, &c, 1), 1);
}

/*
 * A process that has not mapped the pool file gets no lease with the open
 * of a writer, and one with the open of a reader (even of an empty file),
 * whose mapping it keeps: then it gets one with a writer's open too. It
 * writes one byte to a new file under the lease of that open and leaves as
 * a process that exits does (pmemfile_process_exit), the file still open.
 */
static int leaver(const char *name)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	char other[64];
	snprintf(other, sizeof(other), "%s.r", name);
	PMEMfile *f = pmemfile_open(pfp, other,
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	T_ASSERT(!t_holds_lease(pfp));
	pmemfile_close(pfp, f);
	struct stat a, st;
	f = pmemfile_openat_stat(pfp, PMEMFILE_AT_CWD, other, PMEMFILE_O_RDONLY,
				 0, &a);
	T_ASSERT(f != NULL);
	T_ASSERT(t_holds_lease(pfp));
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	same_stat(&a, &st);
	char b[8];
	T_EQ(pmemfile_read(pfp, f, b, sizeof(b)), 0);
	pmemfile_close(pfp, f);
	T_EQ(pmemfile_unlink(pfp, other), 0);
	f = pmemfile_open(pfp, name, PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY,
			  0644);
	T_ASSERT(f != NULL);
	T_ASSERT(t_holds_lease(pfp));
	T_EQ(pmemfile_write(pfp, f, "x", 1), 1);
	pmemfile_process_exit();
	_exit(0);
}

/*
 * The storage the leaver's lease reserved is freed when its wait ends:
 * stat counts what the kernel would (one page), not the reservation.
 */
static void leavers(PMEMfilepool *pfp, const char *self)
{
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/lv%d", i);
		int to, from;
		pid_t pid =
		    t_start_role(self, "leaver", pool, name, &to, &from);
		t_reap(pid);
		close(to);
		close(from);
		struct stat st;
		T_EQ(pmemfile_stat(pfp, name, &st), 0);
		T_EQ(st.st_size, 1);
		T_ASSERT(st.st_blocks > 0 && st.st_blocks <= 4096 / 512);
		T_EQ(pmemfile_unlink(pfp, name), 0);
	}
}

/* Appends blocks to /z until it is killed. */
static int appender(int out)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = pmemfile_open(
	    pfp, "/z", PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY | PMEMFILE_O_APPEND,
	    0644);
	T_ASSERT(f != NULL);
	append_leased(pfp, f, 0, 3 * MIB, 7);
	t_say(out, 'z');
	for (long at = 0;; at += BLK)
		append_blocks(pfp, f, at, BLK, 7);
}

/* The appender, killed while it holds a lease, over and over. */
static void kill_appenders(PMEMfilepool *pfp, const char *self)
{
	for (int round = 0; round < 6; round++) {
		int to, from;
		pid_t pid =
		    t_start_role(self, "appender", pool, "", &to, &from);
		t_hear(from, 'z');
		usleep(round * 3000);
		T_EQ(kill(pid, SIGKILL), 0);
		int status;
		T_EQ(waitpid(pid, &status, 0), pid);
		T_ASSERT(WIFSIGNALED(status));
		close(to);
		close(from);
		long size = size_of(pfp, "/z");
		T_ASSERT(size >= 3 * MIB);
		/* a block cut short by the kill is not in the size */
		long whole = size / BLK * BLK;
		expect(pfp, "/z", 0, whole, 0, 7);
		T_EQ(pmemfile_truncate(pfp, "/z", 0), 0);
	}
}

/*
 * Leases that come with the open: a small file read whole and written
 * whole with no other call to the holder, fstat under the lease giving
 * what the holder's stat of the path gives, field by field.
 */
static void client_open_lease(PMEMfilepool *pfp)
{
	static char b[100];
	PMEMfile *f = pmemfile_open(pfp, "/small",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0600);
	T_ASSERT(f != NULL);
	T_ASSERT(t_holds_lease(pfp));
	memset(b, 's', sizeof(b));
	T_EQ(pmemfile_write(pfp, f, b, sizeof(b)), (ssize_t)sizeof(b));
	struct stat a, h;
	T_EQ(pmemfile_fstat(pfp, f, &a), 0);
	T_ASSERT(t_holds_lease(pfp));
	T_EQ(pmemfile_stat(pfp, "/small", &h), 0);
	T_EQ(a.st_size, 100);
	pmemfile_close(pfp, f);

	f = pmemfile_open(pfp, "/small", PMEMFILE_O_RDONLY, 0);
	T_ASSERT(f != NULL);
	T_ASSERT(t_holds_lease(pfp));
	T_EQ(pmemfile_fstat(pfp, f, &a), 0);
	T_EQ(pmemfile_stat(pfp, "/small", &h), 0);
	T_EQ(a.st_dev, h.st_dev);
	T_EQ(a.st_ino, h.st_ino);
	T_EQ(a.st_mode, h.st_mode);
	T_EQ(a.st_nlink, h.st_nlink);
	T_EQ(a.st_uid, h.st_uid);
	T_EQ(a.st_gid, h.st_gid);
	T_EQ(a.st_size, h.st_size);
	T_EQ(a.st_blocks, h.st_blocks);
	T_EQ(a.st_blksize, h.st_blksize);
	T_EQ(a.st_mtim.tv_sec, h.st_mtim.tv_sec);
	T_EQ(a.st_mtim.tv_nsec, h.st_mtim.tv_nsec);
	T_EQ(a.st_ctim.tv_nsec, h.st_ctim.tv_nsec);
	memset(b, 0, sizeof(b));
	T_EQ(pmemfile_read(pfp, f, b, sizeof(b)), 100);
	T_EQ(b[0], 's');
	T_EQ(b[99], 's');
	T_EQ(pmemfile_read(pfp, f, b, sizeof(b)), 0);
	T_ASSERT(t_holds_lease(pfp));
	pmemfile_close(pfp, f);
	T_EQ(pmemfile_unlink(pfp, "/small"), 0);
}

/*
 * The shim's open (pmemfile_openat_stat) gives the stat of the file it
 * opened, from the holder's answer or from the lease of the open: what
 * pmemfile_fstat gives after it, for a file created (a writer's lease), a
 * big file read (a reader's), a directory and an O_PATH handle (none),
 * and the errno of an open that fails.
 */
static void client_open_stat(PMEMfilepool *pfp)
{
	static const struct {
		const char *path;
		int flags;
	} opens[] = {
	    {"/created", PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY},
	    {"/created", PMEMFILE_O_RDONLY},
	    {"/big", PMEMFILE_O_RDONLY},
	    {"/", PMEMFILE_O_RDONLY | PMEMFILE_O_DIRECTORY},
	    {"/big", PMEMFILE_O_PATH},
	};
	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
		struct stat a, b;
		memset(&a, 0xa5, sizeof(a));
		memset(&b, 0x5a, sizeof(b));
		PMEMfile *f =
		    pmemfile_openat_stat(pfp, PMEMFILE_AT_CWD, opens[i].path,
					 opens[i].flags, 0640, &a);
		T_ASSERT(f != NULL);
		T_EQ(pmemfile_fstat(pfp, f, &b), 0);
		same_stat(&a, &b);
		pmemfile_close(pfp, f);
	}
	struct stat st;
	errno = 0;
	T_ASSERT(pmemfile_openat_stat(pfp, PMEMFILE_AT_CWD, "/none",
				      PMEMFILE_O_RDONLY, 0, &st) == NULL);
	T_EQ(errno, ENOENT);
	T_EQ(pmemfile_unlink(pfp, "/created"), 0);
}

/*
 * A file written from start to end in records of 10 KiB (as tar x writes
 * it) is written under leases all along: past a lease's storage the next
 * one comes with the write. Each lease goes on from the storage the one
 * before reserved, so the file's extents are the reserved pieces of
 * 256 KiB and the cut one at its end (pmemfile_stats counts the pool's
 * extents); its blocks are then its size rounded up to a page.
 */
static void client_records(PMEMfilepool *pfp)
{
	static char b[10240];
	const long size = 4 * MIB + 1000;
	struct pmemfile_stats before, after;
	pmemfile_stats(pfp, &before);
	PMEMfile *f = pmemfile_open(pfp, "/rec",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	for (long at = 0; at < size; at += (long)sizeof(b)) {
		long n =
		    size - at < (long)sizeof(b) ? size - at : (long)sizeof(b);
		fill(b, at, n, 7);
		T_EQ(pmemfile_write(pfp, f, b, (size_t)n), n);
		T_ASSERT(t_holds_lease(pfp));
	}
	pmemfile_close(pfp, f);
	pmemfile_stats(pfp, &after);
	T_ASSERT(after.blocks - before.blocks <= 16 + 1);
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/rec", &st), 0);
	T_EQ(st.st_size, size);
	T_EQ(st.st_blocks, (size + BLK - 1) / BLK * (BLK / 512));
	expect(pfp, "/rec", 0, size, 0, 7);
	T_EQ(pmemfile_unlink(pfp, "/rec"), 0);
}

/* The descriptor of the pool file this process has, -1 if none. */
static int pool_fd(void)
{
	char link[64], target[4096];
	for (int fd = 0; fd < 1024; fd++) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		if (strcmp(target, pool) == 0)
			return fd;
	}
	return -1;
}

/*
 * A client's big writes go through its descriptor of the pool file, the
 * process's like any other: a file the program puts at its number (dup2)
 * gets none of the writes after, which go on through the mapping.
 */
static void client_fd_taken(PMEMfilepool *pfp)
{
	static char b[64 * 1024];
	PMEMfile *f = pmemfile_open(pfp, "/taken",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	fill(b, 0, sizeof(b), 9);
	T_EQ(pmemfile_write(pfp, f, b, sizeof(b)), (ssize_t)sizeof(b));
	T_ASSERT(t_holds_lease(pfp));
	int fd = pool_fd();
	T_ASSERT(fd >= 0);
	char other[] = "/tmp/multi_lease_taken.XXXXXX";
	int k = mkstemp(other);
	T_ASSERT(k >= 0);
	T_EQ(unlink(other), 0);
	T_EQ(dup2(k, fd), fd);
	T_EQ(pool_fd(), -1);
	for (long at = (long)sizeof(b); at < 5 * (long)sizeof(b);
	     at += (long)sizeof(b)) {
		fill(b, at, sizeof(b), 9);
		T_EQ(pmemfile_write(pfp, f, b, sizeof(b)), (ssize_t)sizeof(b));
		T_ASSERT(t_holds_lease(pfp));
	}
	struct stat st;
	T_EQ(fstat(k, &st), 0);
	T_EQ(st.st_size, 0);
	T_EQ(close(k), 0);
	T_EQ(close(fd), 0);
	pmemfile_close(pfp, f);
	expect(pfp, "/taken", 0, 5 * (long)sizeof(b), 0, 9);
	T_EQ(pmemfile_unlink(pfp, "/taken"), 0);
}

static int client(int in, int out)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	client_append(pfp, in, out);
	client_read(pfp, in, out);
	client_offset(pfp);
	client_open_lease(pfp);
	client_open_stat(pfp);
	client_records(pfp);
	client_fd_taken(pfp);
	client_fork(pfp, out);
	pmemfile_pool_close(pfp);
	return 0;
}

int main(int argc, char *argv[])
{
	static char buf[HOLE_LEN];
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "client", pool, sizeof(pool)))
		return client(10, 11);
	if (t_is_role(argc, argv, "leaver", pool, sizeof(pool)))
		return leaver(argv[3]);
	if (t_is_role(argc, argv, "appender", pool, sizeof(pool)))
		return appender(11);
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	PMEMfile *big = pmemfile_open(pfp, "/big",
				      PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(big != NULL);
	append_blocks(pfp, big, 0, BIG, 3);
	client_open_stat(pfp); /* as the holder */

	int to, from;
	pid_t pid = t_start_role(argv[0], "client", pool, "", &to, &from);

	/* the appender: its bytes are there while it goes on */
	t_hear(from, 'a');
	long wrote = size_of(pfp, "/w");
	T_ASSERT(wrote >= 4 * MIB && wrote % BLK == 0);
	expect(pfp, "/w", 0, wrote, 0, 1);
	T_EQ(pmemfile_truncate(pfp, "/w", MIB + 123), 0);
	t_say(to, 'b');
	t_hear(from, 'c');
	T_EQ(size_of(pfp, "/w"), 3 * MIB + 123);
	expect(pfp, "/w", 0, MIB + 123, 0, 1);
	expect(pfp, "/w", MIB + 123, 2 * MIB, 0, 2);
	t_say(to, 'd');

	/* the reader: a region overwritten while it reads */
	t_hear(from, 'e');
	memset(buf, 'X', sizeof(buf));
	T_EQ(pmemfile_pwrite(pfp, big, buf, HOLE_LEN, HOLE_AT), HOLE_LEN);
	t_say(to, 'f');

	/* the fork child's block between its parent's */
	char c;
	T_EQ(read(from, &c, 1), 1);
	long end = size_of(pfp, "/k") - 2 * BLK;
	T_ASSERT(end >= 3 * MIB && end / BLK % 256 == (unsigned char)c);
	expect(pfp, "/k", 0, end, 0, 5);
	expect(pfp, "/k", end, BLK, end, 6);
	expect(pfp, "/k", end + BLK, BLK, end + BLK, 5);
	T_EQ(size_of(pfp, "/o"), 3 * MIB);
	expect(pfp, "/o", 0, 3 * MIB, 0, 4);

	t_reap(pid);
	leavers(pfp, argv[0]);
	kill_appenders(pfp, argv[0]);
	pmemfile_close(pfp, big);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	printf("multi_lease: ok\n");
	return 0;
}

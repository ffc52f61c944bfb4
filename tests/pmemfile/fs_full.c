// SPDX-License-Identifier: BSD-3-Clause
/*
 * fs_full -- a sparse pool whose file system runs out of space: a write
 * that needs pages the file system cannot give fails with ENOSPC (it may
 * first be short, as on any file system) instead of killing the process
 * with SIGBUS, the data acknowledged before reads back intact, the file's
 * size is what was acknowledged, other writes of new storage fail the
 * same way, overwrites of storage the file has still work, and the pool
 * is consistent, also after a file is removed and writes fill it again.
 *
 * The same for a client's writes (another process holds the pool): in
 * 10 KiB records, which go through the client's descriptor of the pool
 * file into storage the holder allocated but did not map, with 1,000-byte
 * ones among them, copied through the client's mapping into that storage.
 *
 * The pool (64 MiB) lives on a tmpfs of 12 MiB mounted in a mount
 * namespace of the test's own; skipped where that cannot be made (not
 * root, no user namespaces).
 */
#include "check.h"
#include "tcheck.h"
#include "tmulti.h"
#include "tpattern.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define MiB (1UL << 20)
#define CHUNK T_PATTERN_CHUNK

static char dir[64], path[128];

/* Writes size-byte pieces until ENOSPC; returns the bytes acknowledged. */
static uint64_t fill(PMEMfilepool *pfp, PMEMfile *f, size_t size)
{
	static char buf[CHUNK];
	uint64_t off = 0;
	for (;;) {
		t_pattern(buf, size, off);
		errno = 0;
		ssize_t n = pmemfile_write(pfp, f, buf, size);
		if (n < 0) {
			T_EQ(errno, ENOSPC);
			return off;
		}
		T_ASSERT(n > 0 && (size_t)n <= size);
		off += (uint64_t)n;
		T_ASSERT(off < 64 * MiB);
	}
}

static PMEMfile *create(PMEMfilepool *pfp, const char *name)
{
	PMEMfile *f = pmemfile_open(
	    pfp, name, PMEMFILE_O_CREAT | PMEMFILE_O_RDWR | PMEMFILE_O_APPEND,
	    0644);
	T_ASSERT(f != NULL);
	return f;
}

/* The part of the test that SIGBUS would kill: in a child process. */
static void fs_full(void)
{
	PMEMfilepool *pfp = pmemfile_pool_create(path, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	/* made before the file system fills: creating a file needs pages
	 * for its inode */
	PMEMfile *big = create(pfp, "/big");
	PMEMfile *small = create(pfp, "/small");
	PMEMfile *grow = create(pfp, "/grow");

	uint64_t got = fill(pfp, big, CHUNK);
	struct stat fs;
	T_EQ(stat(path, &fs), 0);
	printf("ENOSPC after %llu bytes, the pool file taking %lld bytes of "
	       "the 12 MiB file system\n",
	       (unsigned long long)got, (long long)fs.st_blocks * 512);
	T_ASSERT(got >= 4 * MiB);
	/*
	 * writes of one page into new storage fail the same way, once the
	 * pages the file system gave before (around small extents: 64 KiB
	 * at a time, direct.c) are taken
	 */
	uint64_t took = fill(pfp, small, 4096);
	T_ASSERT(took < MiB);
	t_verify_pattern(pfp, "/small", took);
	T_EQ(pmemfile_ftruncate(pfp, small, 0), 0);
	T_ERRNO(pmemfile_fallocate(pfp, grow, 0, 0, 1 << 20), ENOSPC);
	t_verify_pattern(pfp, "/big", got);

	/* storage the file has takes writes (not through big: O_APPEND) */
	static char buf[CHUNK];
	t_pattern(buf, CHUNK, 0);
	PMEMfile *over = pmemfile_open(pfp, "/big", PMEMFILE_O_RDWR);
	T_ASSERT(over != NULL);
	T_EQ(pmemfile_pwrite(pfp, over, buf, CHUNK, 0), CHUNK);
	t_pattern(buf, 100, got - 100);
	T_EQ(pmemfile_pwrite(pfp, over, buf, 100, (off_t)got - 100), 100);
	pmemfile_close(pfp, over);
	t_verify_pattern(pfp, "/big", got);

	/* removing /big frees pool space whose pages exist, but the
	 * allocator may place new data on holes still: writes go on ending
	 * with ENOSPC, never SIGBUS, and keep what they acknowledged */
	pmemfile_close(pfp, big);
	T_EQ(pmemfile_unlink(pfp, "/big"), 0);
	uint64_t again = fill(pfp, small, CHUNK);
	printf("after /big was removed, /small took %llu bytes\n",
	       (unsigned long long)again);
	t_verify_pattern(pfp, "/small", again);
	pmemfile_close(pfp, small);
	pmemfile_close(pfp, grow);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
	exit(0);
}

/*
 * The client: records of 10 KiB and 1,000 bytes into /c until ENOSPC;
 * what was acknowledged reads back, and the file's size is that.
 */
static int client(void)
{
	static char buf[10240];
	PMEMfilepool *pfp = pmemfile_pool_open(path);
	T_ASSERT(pfp != NULL);
	PMEMfile *f = create(pfp, "/c");
	uint64_t off = 0;
	for (int i = 0;; i++) {
		size_t size = i % 4 == 3 ? 1000 : sizeof(buf);
		t_pattern(buf, size, off);
		errno = 0;
		ssize_t n = pmemfile_write(pfp, f, buf, size);
		if (n < 0) {
			T_EQ(errno, ENOSPC);
			break;
		}
		T_ASSERT(n > 0 && (size_t)n <= size);
		off += (uint64_t)n;
		T_ASSERT(off < 64 * MiB);
	}
	printf("the client: ENOSPC after %llu bytes\n",
	       (unsigned long long)off);
	T_ASSERT(off >= 4 * MiB);
	struct stat st;
	T_EQ(pmemfile_fstat(pfp, f, &st), 0);
	T_EQ((uint64_t)st.st_size, off);
	t_verify_pattern(pfp, "/c", off);
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);
	return 0;
}

/* The holder of the client's pool, in a child as fs_full. */
static void fs_full_client(const char *self)
{
	PMEMfilepool *pfp = pmemfile_pool_create(path, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	int to, from;
	pid_t pid = t_start_role(self, "client", path, "", &to, &from);
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		T_FAIL("the client was killed by signal %s",
		       sigabbrev_np(WTERMSIG(status)));
	T_EQ(WEXITSTATUS(status), 0);
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/c", &st), 0);
	t_verify_pattern(pfp, "/c", (uint64_t)st.st_size);
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(path, stdout), 0);
	exit(0);
}

/* Runs part in a child: SIGBUS would kill the pool's process. */
static void in_child(void (*part)(const char *), const char *self)
{
	pid_t pid = fork();
	T_ASSERT(pid >= 0);
	if (pid == 0)
		part(self);
	int status;
	T_EQ(waitpid(pid, &status, 0), pid);
	unlink(path);
	if (WIFSIGNALED(status)) {
		umount(dir);
		rmdir(dir);
		T_FAIL("the pool's process was killed by signal %s",
		       sigabbrev_np(WTERMSIG(status)));
	}
	T_EQ(WEXITSTATUS(status), 0);
}

static void fs_full_alone(const char *self)
{
	(void)self;
	fs_full();
}

int main(int argc, char *argv[])
{
	t_force_pmem(argv);
	if (t_is_role(argc, argv, "client", path, sizeof(path)))
		return client();
	if (!t_own_tmpfs(dir, sizeof(dir), "/tmp/fs_full.XXXXXX", "size=12m"))
		return 77;
	snprintf(path, sizeof(path), "%s/pool", dir);

	in_child(fs_full_alone, argv[0]);
	in_child(fs_full_client, argv[0]);
	umount(dir);
	rmdir(dir);
	printf("PASS fs_full\n");
	return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * create_publish -- a create that needs no allocation runs no
 * transaction: one pmemobj_publish records it (create.c). Counted through
 * wrappers of pmemobj_tx_end (each transaction ends once) and
 * pmemobj_publish: 1,000 files created in a directory run a transaction
 * only where an inode array, a record block or the table is new (25 here,
 * at most 1 in 20 allowed; 1,000 of 1,000 before), a mkdir, a mknod, a
 * short symlink, a name of 255 bytes and a name that takes its tombstone
 * back none; each published create has its exact mode (umask applied),
 * owner, times, link count and size, the parent gets the new times and,
 * for a mkdir, one more link, as in a kernel directory (tmpfs) with the
 * same calls; the pool checks.
 */
#include "check.h"
#include "tcheck.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <sys/stat.h>
#include <libpmemobj.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MiB (1UL << 20)
#define FILES 1000

/* transactions ended (each TX_END ends one), publishes made */
static long tx_begins, publishes;

int __real_pmemobj_tx_end(void);
int __real_pmemobj_publish(PMEMobjpool *pop, struct pobj_action *actv,
			   size_t actvcnt);

int __wrap_pmemobj_tx_end(void)
{
	tx_begins++;
	return __real_pmemobj_tx_end();
}

int __wrap_pmemobj_publish(PMEMobjpool *pop, struct pobj_action *actv,
			   size_t actvcnt)
{
	publishes++;
	return __real_pmemobj_publish(pop, actv, actvcnt);
}

static PMEMfilepool *pfp;

/* The transactions and publishes made by one create of path. */
static void create_counted(const char *path, long *tx, long *pub)
{
	long t = tx_begins, p = publishes;
	PMEMfile *f = pmemfile_open(
	    pfp, path, PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY,
	    0640);
	T_ASSERT(f != NULL);
	*tx = tx_begins - t;
	*pub = publishes - p;
	pmemfile_close(pfp, f);
}

static int64_t ns(const pmemfile_timespec_t *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME_COARSE, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The inode made at path between from and to (nanoseconds). */
static void check_new(const char *path, mode_t mode, pmemfile_nlink_t nlink,
		      pmemfile_off_t size, int64_t from, int64_t to)
{
	pmemfile_stat_t st;
	T_EQ(pmemfile_lstat(pfp, path, &st), 0);
	T_EQ(st.st_mode, mode);
	T_EQ(st.st_nlink, nlink);
	if (size >= 0) /* a directory's is computed */
		T_EQ(st.st_size, size);
	T_EQ(st.st_uid, getuid());
	T_EQ(st.st_gid, getgid());
	T_ASSERT(ns(&st.st_mtim) >= from && ns(&st.st_mtim) <= to);
	T_EQ(ns(&st.st_ctim), ns(&st.st_mtim));
	T_EQ(ns(&st.st_atim), ns(&st.st_mtim));
}

/* The same creates in a kernel directory (umask 022): each inode's mode,
 * link count and size (not a directory's) and the parent's link count as
 * the pool has them. */
static void kernel_compare(void)
{
	char dir[] = "/dev/shm/create_publish.XXXXXX", p[64];
	T_ASSERT(mkdtemp(dir) != NULL);
	mode_t old = umask(022);
	struct stat before, after, k;
	T_EQ(stat(dir, &before), 0);
	snprintf(p, sizeof(p), "%s/sub", dir);
	T_EQ(mkdir(p, 0777), 0);
	snprintf(p, sizeof(p), "%s/fifo", dir);
	T_EQ(mknod(p, S_IFIFO | 0666, 0), 0);
	snprintf(p, sizeof(p), "%s/link", dir);
	T_EQ(symlink("f1", p), 0);
	snprintf(p, sizeof(p), "%s/f", dir);
	int fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0640);
	T_ASSERT(fd >= 0);
	close(fd);
	T_EQ(stat(dir, &after), 0);
	umask(old);
	const char *names[] = {"sub", "fifo", "link", "f"};
	const char *pool[] = {"/d/sub", "/d/fifo", "/d/link", "/d/f5"};
	for (int i = 0; i < 4; i++) {
		pmemfile_stat_t st;
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		T_EQ(lstat(p, &k), 0);
		T_EQ(pmemfile_lstat(pfp, pool[i], &st), 0);
		T_EQ(st.st_mode, k.st_mode);
		T_EQ(st.st_nlink, k.st_nlink);
		if (!S_ISDIR(k.st_mode))
			T_EQ(st.st_size, k.st_size);
		T_EQ(i == 0 ? rmdir(p) : unlink(p), 0);
	}
	T_EQ(after.st_nlink, before.st_nlink + 1);
	T_EQ(rmdir(dir), 0);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	char path[4096 + 8];
	t_pool_path(path, 4096);
	pfp = pmemfile_pool_create(path, 64 * MiB, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_umask(pfp, 022);
	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);

	long tx, pub, tx_all = 0, pub_all = 0;
	char name[300];
	for (int i = 0; i < FILES; i++) {
		snprintf(name, sizeof(name), "/d/f%d", i);
		create_counted(name, &tx, &pub);
		tx_all += tx;
		pub_all += pub;
	}
	printf("%d creates: %ld transactions, %ld publishes\n", FILES, tx_all,
	       pub_all);
	if (tx_all > FILES / 20)
		T_FAIL("%d creates ran %ld transactions, expected at most "
		       "%d",
		       FILES, tx_all, FILES / 20);
	T_EQ(tx_all + pub_all, FILES);

	/* one of each kind, and its inode and the parent's */
	pmemfile_stat_t before, after;
	T_EQ(pmemfile_stat(pfp, "/d", &before), 0);
	int64_t from = now_ns();
	long t = tx_begins, p = publishes;
	T_EQ(pmemfile_mkdir(pfp, "/d/sub", 0777), 0);
	T_EQ(pmemfile_mknodat(pfp, PMEMFILE_AT_CWD, "/d/fifo",
			      PMEMFILE_S_IFIFO | 0666, 0),
	     0);
	T_EQ(pmemfile_symlink(pfp, "f1", "/d/link"), 0);
	int64_t to = now_ns();
	T_EQ(tx_begins - t, 0);
	T_EQ(publishes - p, 3);
	check_new("/d/sub", PMEMFILE_S_IFDIR | 0755, 2, -1, from, to);
	check_new("/d/fifo", PMEMFILE_S_IFIFO | 0644, 1, 0, from, to);
	check_new("/d/link", PMEMFILE_S_IFLNK | 0777, 1, 2, from, to);
	char target[8] = {0};
	T_EQ(pmemfile_readlink(pfp, "/d/link", target, sizeof(target)), 2);
	T_EQ(memcmp(target, "f1", 3), 0);
	T_EQ(pmemfile_stat(pfp, "/d", &after), 0);
	/* the subdirectory's ".."; the times of the last create */
	T_EQ(after.st_nlink, before.st_nlink + 1);
	T_ASSERT(ns(&after.st_mtim) >= from && ns(&after.st_mtim) <= to);
	T_EQ(ns(&after.st_ctim), ns(&after.st_mtim));

	/* a name of 255 bytes (9 record slots) in a block with room: the
	 * directory's first name made its table and block */
	create_counted("/d/sub/x", &tx, &pub);
	memset(name, 'n', sizeof(name));
	memcpy(name, "/d/sub/", 7);
	name[7 + 255] = 0;
	create_counted(name, &tx, &pub);
	T_EQ(tx, 0);
	T_EQ(pub, 1);
	check_new(name, PMEMFILE_S_IFREG | 0640, 1, 0, from, now_ns());

	/* a name that takes its own tombstone back */
	T_EQ(pmemfile_unlink(pfp, "/d/f5"), 0);
	create_counted("/d/f5", &tx, &pub);
	T_EQ(tx, 0);
	T_EQ(pub, 1);
	check_new("/d/f5", PMEMFILE_S_IFREG | 0640, 1, 0, from, now_ns());
	kernel_compare();

	pmemfile_pool_close(pfp);
	/* the checker's report, if any, goes to the test's log */
	T_EQ(pmemfile_check_pool(path, stdout), 0);
	unlink(path);
	return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * jmode_cut -- a pool on a file of a disk in journal mode (its attribute
 * user.pmemfile.durability=journal) holds, after a power cut, exactly what
 * its last sync point had. A power cut is made as the disk would see it:
 * the process is killed (SIGKILL), and what lived in memory only (the
 * pool's image and segment in /dev/shm) is removed; the pool file and its
 * journal keep what was written to them (each write the journal made was
 * flushed with fdatasync before it counted). Cases:
 *  - files written, pmemfile_syncfs, more files written and one changed:
 *    after the cut the first files are there as they were at the sync
 *    point, none of the others, the change undone;
 *  - pmemfile_fsync of a file, the same;
 *  - small and big files written, syncfs, some of both written again in
 *    place, then a checkpoint (jmode_checkpoint, as the keeper's): the
 *    pages changed since the sync point go into the pool file as the
 *    journal has them, not as the image has them; after the cut each byte
 *    as the sync point had it;
 *  - small files written in pages backed ahead, syncfs, half of them
 *    written again with zeros, syncfs: after the cut those hold zeros
 *    (a sync point leaves out only the pages backed ahead that no write
 *    reached since the one before), the others their bytes;
 *  - small files written one after another (their extents placed in
 *    pages a thread backed ahead, which count as written only once
 *    written), pmemfile_syncfs, more written and some rewritten: after
 *    the cut each byte of the first as the sync point had it, none of
 *    the others;
 *  - files written and no sync call: the keeper's timer makes a sync
 *    point every PMEMFILE_COMMIT_INTERVAL seconds (1 here), so after 3 s
 *    they are there (the other cases run with no timer, 0);
 *  - stores through a shared map of a file, then pmemfile_fsync: there;
 *  - big writes (their whole pages written into the image through its
 *    descriptor, unseen by the tracking of the mapping, and into the
 *    journal ahead of the sync point: its commit has a filler batch),
 *    then pmemfile_fsync, then more: the bytes of the sync point there;
 *  - an fsync that fails (the journal may not be written: RLIMIT_FSIZE, EFBIG),
 *    then one that succeeds: all 80 MiB written before are there;
 *  - a clean close: everything there, and nothing left in /dev/shm;
 *  - with no attribute and PMEM_IS_PMEM_FORCE unset, the journal mode is
 *    the default: syncfs, more, the cut; then the pool opened forced to
 *    pmem (not in journal mode) holds what the journal committed.
 * Then, on a pool of their own, new data written in place (into the pool
 * file, not the journal: chunks free at the last sync point):
 *  - a big new file past the writer ahead's start, no sync point, the cut
 *    (its pages are in the pool file, checked): the pool is at the sync
 *    point before, and checks clean;
 *  - a big file synced and written into the pool file, then deleted and
 *    a new one written into the storage it freed, the cut before the
 *    next sync point: the old file is there, each byte as synced;
 *  - a big new file written, then its end written over 64 times while
 *    its writes in place may be in flight, then pmemfile_fsync, the cut:
 *    each byte as the last write left it;
 *  - a failed sync point, then one that commits every page of the pool,
 *    then a big new file in chunks free at it and a sync point, the cut
 *    (no checkpoint between): the journal's older copies of those pages
 *    are not replayed over the new file's.
 * After each reopening the pool checks clean (pmemfile_check_pool).
 *
 * Needs a disk file system (PMEMFILE_TEST_DISK, default /var/tmp) and a
 * kernel that tracks written pages (Linux 6.7): else it skips, saying so.
 */
#include "check.h"
#include "info.h"
#include "jmode.h"
#include "journal.h"
#include "tcheck.h"
#include "tjmode.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <linux/magic.h>

#define POOL_SIZE (160UL << 20)

static char dir[4096], pool[4200];

static void put(PMEMfilepool *pfp, const char *path, const char *text)
{
	PMEMfile *f = pmemfile_open(
	    pfp, path, PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY | PMEMFILE_O_TRUNC,
	    0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, text, strlen(text)), (ssize_t)strlen(text));
	pmemfile_close(pfp, f);
}

/* The file's bytes are text; NULL: the file does not exist. */
static void expect(PMEMfilepool *pfp, const char *path, const char *text)
{
	char buf[256] = {0};
	PMEMfile *f = pmemfile_open(pfp, path, PMEMFILE_O_RDONLY);
	if (!text) {
		if (f)
			T_FAIL("%s exists after the cut", path);
		T_EQ(errno, ENOENT);
		return;
	}
	if (!f)
		T_FAIL("%s is missing after the cut (errno %s)", path,
		       strerrorname_np(errno));
	ssize_t n = pmemfile_read(pfp, f, buf, sizeof(buf) - 1);
	pmemfile_close(pfp, f);
	if (n != (ssize_t)strlen(text) || memcmp(buf, text, (size_t)n) != 0)
		T_FAIL("%s holds '%s', expected '%s'", path, buf, text);
}

static void image_name(char *name, size_t size)
{
	struct stat st;
	T_EQ(stat(pool, &st), 0);
	snprintf(name, size, "/dev/shm/pmemfile.%llx.%llx.image",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
}

/*
 * A copy of the image as the child (before) left it, for
 * same_as_image, taken when the child says it is done.
 */
static char *image_copy;
static size_t image_copy_size;

static char *file_read(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY);
	T_ASSERT(fd >= 0);
	struct stat st;
	T_EQ(fstat(fd, &st), 0);
	char *b = malloc((size_t)st.st_size);
	T_ASSERT(b != NULL);
	for (size_t done = 0; done < (size_t)st.st_size;) {
		ssize_t n = read(fd, b + done, (size_t)st.st_size - done);
		T_ASSERT(n > 0);
		done += (size_t)n;
	}
	close(fd);
	*size = (size_t)st.st_size;
	return b;
}

/*
 * What lived in memory only goes: the image and the segment. Any process
 * of the user that opens a pool meanwhile may have removed both already:
 * it sweeps the segments no living process holds (share.c), as the
 * killed holder's is, with their images.
 */
static void cut(void)
{
	struct stat st;
	char name[256];
	T_EQ(stat(pool, &st), 0);
	image_name(name, sizeof(name));
	if (unlink(name) != 0 && errno != ENOENT)
		T_FAIL("cannot remove %s: %s", name, strerror(errno));
	snprintf(name, sizeof(name), "/dev/shm/pmemfile.%llx.%llx",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	(void)unlink(name);
}

/* Runs fn in a child, which says when it is done and is then killed. */
static void killed(void (*fn)(PMEMfilepool *), unsigned wait_s)
{
	pid_t pid = t_child_done(pool, fn);
	sleep(wait_s);
	free(image_copy);
	char name[256];
	image_name(name, sizeof(name));
	image_copy = file_read(name, &image_copy_size);
	t_kill(pid);
	cut();
}

static PMEMfilepool *reopen(void)
{
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	if (!pfp)
		T_FAIL("the pool does not open after the cut: %s",
		       pmemfile_errormsg());
	return pfp;
}

static void syncfs_case(PMEMfilepool *pfp)
{
	put(pfp, "/a", "synced a");
	put(pfp, "/b", "synced b");
	T_EQ(pmemfile_mkdir(pfp, "/d", 0755), 0);
	T_EQ(pmemfile_syncfs(pfp), 0);
	put(pfp, "/a", "lost change");
	put(pfp, "/c", "lost c");
	T_EQ(pmemfile_unlink(pfp, "/b"), 0);
}

static void fsync_case(PMEMfilepool *pfp)
{
	PMEMfile *f = pmemfile_open(pfp, "/e",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, "fsynced e", 9), 9);
	T_EQ(pmemfile_fsync(pfp, f), 0);
	T_EQ(pmemfile_write(pfp, f, " and lost", 9), 9);
	pmemfile_close(pfp, f);
}

/* small_case's files: 4 KiB each, the byte at i of version v of file k */
#define SMALL_SYNCED 300
#define SMALL_LOST 100
#define SMALL_REWRITTEN 40

static char small_byte(unsigned k, unsigned v, size_t i)
{
	return (char)((k * 7 + v * 101 + i * 13 + i / 512) % 253 + 1);
}

/* The 4 KiB b written over file /s<k> (opened with flags more). */
static void small_write(PMEMfilepool *pfp, unsigned k, const char *b, int flags)
{
	char name[32];
	snprintf(name, sizeof(name), "/s%u", k);
	PMEMfile *f = pmemfile_open(pfp, name, PMEMFILE_O_WRONLY | flags, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_write(pfp, f, b, 4096), 4096);
	pmemfile_close(pfp, f);
}

static void small_put(PMEMfilepool *pfp, unsigned k, unsigned v, int flags)
{
	char b[4096];
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = small_byte(k, v, i);
	small_write(pfp, k, b, flags);
}

/* File /s<k>, which must be there, into b (4097 bytes: its size checked). */
static void small_get(PMEMfilepool *pfp, unsigned k, char *b)
{
	char name[32];
	snprintf(name, sizeof(name), "/s%u", k);
	PMEMfile *f = pmemfile_open(pfp, name, PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_read(pfp, f, b, 4097), 4096);
	pmemfile_close(pfp, f);
}

/*
 * Small files one after another: the first extents' pages backed where
 * they are used, then (the pause) the next ones in pages a thread backed
 * ahead of them; syncfs; then new files, and old ones rewritten in place.
 */
static void small_case(PMEMfilepool *pfp)
{
	for (unsigned k = 0; k < SMALL_SYNCED; k++) {
		small_put(pfp, k, 1, PMEMFILE_O_CREAT);
		if (k == 20)
			usleep(200000);
	}
	T_EQ(pmemfile_syncfs(pfp), 0);
	for (unsigned k = SMALL_SYNCED; k < SMALL_SYNCED + SMALL_LOST; k++)
		small_put(pfp, k, 1, PMEMFILE_O_CREAT);
	for (unsigned k = 0; k < SMALL_SYNCED;
	     k += SMALL_SYNCED / SMALL_REWRITTEN)
		small_put(pfp, k, 2, 0);
}

/* zeros_case's files: /s2000.../s2199, the even ones zeros after all */
static void zeros_case(PMEMfilepool *pfp)
{
	static const char zero[4096];
	for (unsigned k = 0; k < 200; k++) {
		small_put(pfp, 2000 + k, 1, PMEMFILE_O_CREAT);
		if (k == 10)
			usleep(200000);
	}
	T_EQ(pmemfile_syncfs(pfp), 0);
	for (unsigned k = 0; k < 200; k += 2)
		small_write(pfp, 2000 + k, zero, 0);
	T_EQ(pmemfile_syncfs(pfp), 0);
}

static void zeros_check(PMEMfilepool *pfp)
{
	char b[4097];
	for (unsigned k = 0; k < 200; k++) {
		small_get(pfp, 2000 + k, b);
		for (size_t i = 0; i < 4096; i++) {
			char want = k % 2 ? small_byte(2000 + k, 1, i) : 0;
			if (b[i] != want)
				T_FAIL("/s%u: byte %zu is %d after the cut, "
				       "expected %d",
				       2000 + k, i, b[i], want);
		}
	}
}

static void small_check(PMEMfilepool *pfp)
{
	char name[32], b[4097];
	for (unsigned k = 0; k < SMALL_SYNCED + SMALL_LOST; k++) {
		snprintf(name, sizeof(name), "/s%u", k);
		PMEMfile *f = pmemfile_open(pfp, name, PMEMFILE_O_RDONLY);
		if (k >= SMALL_SYNCED) {
			if (f)
				T_FAIL("%s exists after the cut", name);
			T_EQ(errno, ENOENT);
			continue;
		}
		if (!f)
			T_FAIL("%s is missing after the cut (errno %s)", name,
			       strerrorname_np(errno));
		T_EQ(pmemfile_read(pfp, f, b, sizeof(b)), 4096);
		pmemfile_close(pfp, f);
		for (size_t i = 0; i < 4096; i++)
			if (b[i] != small_byte(k, 1, i))
				T_FAIL("%s: byte %zu is %d after the cut, "
				       "expected %d",
				       name, i, b[i], small_byte(k, 1, i));
	}
}

/*
 * A sync point that fails (the journal may not be written past its header:
 * RLIMIT_FSIZE, EFBIG; the pages of the big writes may have been written
 * into it ahead already), then one that succeeds: the second has the pages
 * the first could not commit.
 */
static void failed_case(PMEMfilepool *pfp)
{
	static char big[1 << 20];
	memset(big, 'b', sizeof(big));
	PMEMfile *f = pmemfile_open(pfp, "/big",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	for (int i = 0; i < 80; i++)
		T_EQ(pmemfile_write(pfp, f, big, sizeof(big)),
		     (ssize_t)sizeof(big));
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = {4096, RLIM_INFINITY};
	T_EQ(setrlimit(RLIMIT_FSIZE, &rl), 0);
	T_ERRNO(pmemfile_fsync(pfp, f), EFBIG);
	rl.rlim_cur = RLIM_INFINITY;
	T_EQ(setrlimit(RLIMIT_FSIZE, &rl), 0);
	T_EQ(pmemfile_fsync(pfp, f), 0);
	pmemfile_close(pfp, f);
}

static void timer_case(PMEMfilepool *pfp)
{
	put(pfp, "/t", "by the timer");
}

/*
 * Only opened: what libpmemobj's open and the pool's mount wrote into the
 * image is committed by the open, so that after a cut the pool file with
 * its journal written in is the image, byte for byte. (libpmemobj writes
 * its header through a mapping of its own, which the tracking of the
 * pool's mapping does not see: only a comparison with the pool file does.)
 */
static void open_case(PMEMfilepool *pfp)
{
	(void)pfp;
}

/* Handed over and taken again: the image left clean, used again. */
static void handover_case(PMEMfilepool *pfp)
{
	T_EQ(pmemfile_pool_handover(pfp), 0);
	pmemfile_stat_t st;
	T_EQ(pmemfile_stat(pfp, "/", &st), 0);
	T_EQ(pmemfile_pool_durability(pfp), PMEMFILE_DURABILITY_JOURNAL);
}

/*
 * The pool file, its journal written in, is the image. (Choosing msync
 * writes the journal in and opens nothing: an open writes the pool.)
 */
static void same_as_image(const char *what)
{
	T_EQ(pmemfile_pool_set_durability(pool, "msync"), 0);
	size_t size;
	char *file = file_read(pool, &size);
	T_EQ(size, image_copy_size);
	for (size_t off = 0; off < size; off += 4096)
		if (memcmp(file + off, image_copy + off, 4096) != 0)
			T_FAIL("%s: the page at 0x%zx of the pool file is not "
			       "the image's after the cut",
			       what, off);
	free(file);
	T_EQ(pmemfile_pool_set_durability(pool, "journal"), 0);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
}

/* In the default mode: the attribute removed, not forced to pmem. */
static void default_case(PMEMfilepool *pfp)
{
	T_EQ(pmemfile_pool_durability(pfp), PMEMFILE_DURABILITY_JOURNAL);
	put(pfp, "/x", "synced by default");
	T_EQ(pmemfile_syncfs(pfp), 0);
	put(pfp, "/y", "lost by default");
}

static void map_case(PMEMfilepool *pfp)
{
	PMEMfile *f =
	    pmemfile_open(pfp, "/m", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(f != NULL);
	T_EQ(pmemfile_ftruncate(pfp, f, 4096), 0);
	char *m = pmemfile_mmap(pfp, NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED, f, 0);
	T_ASSERT(m != PMEMFILE_MAP_FAILED);
	memcpy(m, "stored through a map", 20);
	T_EQ(pmemfile_fsync(pfp, f), 0);
	memcpy(m, "STORED", 6); /* after the sync point: lost */
}

/* The byte at offset i of the big file's writes of mark. */
static char big_byte(uint64_t i, unsigned mark)
{
	return (char)((i * 131 + i / 4096 + mark * 29) % 251);
}

static void big_write(PMEMfile *f, PMEMfilepool *pfp, uint64_t off, size_t len,
		      unsigned mark)
{
	char *b = malloc(len);
	T_ASSERT(b != NULL);
	for (size_t i = 0; i < len; i++)
		b[i] = big_byte(off + i, mark);
	T_EQ(pmemfile_pwrite(pfp, f, b, len, (pmemfile_off_t)off),
	     (ssize_t)len);
	free(b);
}

/* checkpoint_case's big file: 4 MiB */
#define CK_BIG (4 << 20)

static void checkpoint_case(PMEMfilepool *pfp)
{
	for (unsigned k = 0; k < 64; k++)
		small_put(pfp, 1000 + k, 1, PMEMFILE_O_CREAT);
	PMEMfile *f =
	    pmemfile_open(pfp, "/ck", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(f != NULL);
	for (uint64_t off = 0; off < CK_BIG; off += 1 << 20)
		big_write(f, pfp, off, 1 << 20, 1);
	T_EQ(pmemfile_syncfs(pfp), 0);
	/* through the mapping, and through the image's descriptor */
	for (unsigned k = 0; k < 64; k += 2)
		small_put(pfp, 1000 + k, 2, 0);
	big_write(f, pfp, 1 << 20, 1 << 20, 2);
	big_write(f, pfp, 3 << 20, 256 << 10, 2);
	pmemfile_close(pfp, f);
	jmode_checkpoint(pfp);
}

static void checkpoint_check(PMEMfilepool *pfp)
{
	char b[4097];
	for (unsigned k = 0; k < 64; k++) {
		small_get(pfp, 1000 + k, b);
		for (size_t i = 0; i < 4096; i++)
			if (b[i] != small_byte(1000 + k, 1, i))
				T_FAIL("/s%u: byte %zu is %d after the "
				       "checkpoint and the cut, expected %d",
				       1000 + k, i, b[i],
				       small_byte(1000 + k, 1, i));
	}
	PMEMfile *f = pmemfile_open(pfp, "/ck", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	char *big = malloc(CK_BIG);
	T_ASSERT(big != NULL);
	T_EQ(pmemfile_read(pfp, f, big, CK_BIG), CK_BIG);
	pmemfile_close(pfp, f);
	for (uint64_t i = 0; i < CK_BIG; i++)
		if (big[i] != big_byte(i, 1))
			T_FAIL("/ck: byte %llu is %d after the checkpoint and "
			       "the cut, expected %d",
			       (unsigned long long)i, big[i], big_byte(i, 1));
	free(big);
}

/* big_case's file: past 32 MiB of big writes the journal is written ahead */
#define BIG_SIZE (40 << 20)

/*
 * Big writes (from 64 KiB on), whose whole pages go into the image
 * through its descriptor, which the tracking of the mapping does not see,
 * and into the journal ahead of the sync point (the run of 1 MiB units
 * checkpoint_case's file made before has room for it: not chunks free at
 * the sync point, whose pages would go in place): a new file of 40 MiB in
 * 1 MiB writes, 256 KiB over it from an offset inside a page,
 * pmemfile_fsync; then more of both, 36 MiB into a new file (lost).
 */
static void big_case(PMEMfilepool *pfp)
{
	PMEMfile *f =
	    pmemfile_open(pfp, "/w", PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(f != NULL);
	for (uint64_t off = 0; off < BIG_SIZE; off += 1 << 20)
		big_write(f, pfp, off, 1 << 20, 1);
	big_write(f, pfp, 100000, 256 << 10, 2);
	/* time for the writer ahead to catch up (it runs beside the writes) */
	usleep(300000);
	T_EQ(pmemfile_fsync(pfp, f), 0);
	big_write(f, pfp, 1 << 20, 1 << 20, 3);
	big_write(f, pfp, BIG_SIZE, 1 << 20, 3);
	pmemfile_close(pfp, f);
	f = pmemfile_open(pfp, "/w2", PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY,
			  0644);
	T_ASSERT(f != NULL);
	for (uint64_t off = 0; off < (36 << 20); off += 1 << 20)
		big_write(f, pfp, off, 1 << 20, 3);
	pmemfile_close(pfp, f);
}

/*
 * Whether the batches of the journal hold a filler (copies of one page),
 * which a commit whose pages were written ahead puts before its own.
 */
static bool journal_has_filler(void)
{
	char jpath[4300];
	snprintf(jpath, sizeof(jpath), "%s.journal", pool);
	size_t len;
	char *jf = file_read(jpath, &len);
	bool found = false;
	for (size_t at = JOURNAL_HEADER; !found && len - at >= JOURNAL_PAGE;) {
		const struct journal_batch *b = (const void *)(jf + at);
		size_t n = b->npages;
		size_t head = (sizeof(*b) + n * 8 + JOURNAL_PAGE - 1) /
			      JOURNAL_PAGE * JOURNAL_PAGE;
		if (memcmp(b->magic, JOURNAL_BATCH_MAGIC, 8) != 0 ||
		    head > len - at)
			break;
		found = n > 1;
		for (size_t i = 1; found && i < n; i++)
			found = b->offs[i] == b->offs[0];
		at += head + n * JOURNAL_PAGE;
		if (at > len)
			break;
	}
	free(jf);
	return found;
}

/* /w as big_case's fsync left it, and no /w2. */
static void big_check(PMEMfilepool *pfp)
{
	pmemfile_stat_t st;
	T_EQ(pmemfile_stat(pfp, "/w", &st), 0);
	T_EQ(st.st_size, BIG_SIZE);
	PMEMfile *f = pmemfile_open(pfp, "/w", PMEMFILE_O_RDONLY);
	T_ASSERT(f != NULL);
	char *b = malloc(BIG_SIZE);
	T_ASSERT(b != NULL);
	T_EQ(pmemfile_read(pfp, f, b, BIG_SIZE), BIG_SIZE);
	pmemfile_close(pfp, f);
	for (uint64_t i = 0; i < BIG_SIZE; i++) {
		unsigned mark = i >= 100000 && i < 100000 + (256 << 10) ? 2 : 1;
		if (b[i] != big_byte(i, mark))
			T_FAIL("/w: byte %llu is %d after the cut, expected %d",
			       (unsigned long long)i, b[i], big_byte(i, mark));
	}
	free(b);
	expect(pfp, "/w2", NULL);
}

/*
 * Pages written in place (jmode.c: new data in chunks free at the last
 * sync point goes into the pool file, not the journal), on a pool of
 * their own with room for new runs. The files are big_write's, PL_SIZE
 * bytes: past 32 MiB the writer ahead writes them before the sync point.
 */
#define PL_SIZE (48 << 20)

static void pl_write(PMEMfilepool *pfp, const char *path, unsigned mark)
{
	PMEMfile *f = pmemfile_open(
	    pfp, path, PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY | PMEMFILE_O_TRUNC,
	    0644);
	T_ASSERT(f != NULL);
	for (uint64_t off = 0; off < PL_SIZE; off += 1 << 20)
		big_write(f, pfp, off, 1 << 20, mark);
	pmemfile_close(pfp, f);
}

/* The file holds PL_SIZE bytes of mark. */
static void pl_check(PMEMfilepool *pfp, const char *path, unsigned mark)
{
	PMEMfile *f = pmemfile_open(pfp, path, PMEMFILE_O_RDONLY);
	if (!f)
		T_FAIL("%s is missing after the cut (errno %s)", path,
		       strerrorname_np(errno));
	char *b = malloc(PL_SIZE + 1);
	T_ASSERT(b != NULL);
	T_EQ(pmemfile_read(pfp, f, b, PL_SIZE + 1), PL_SIZE);
	pmemfile_close(pfp, f);
	for (uint64_t i = 0; i < PL_SIZE; i++)
		if (b[i] != big_byte(i, mark))
			T_FAIL("%s: byte %llu is %d after the cut, expected %d",
			       path, (unsigned long long)i, b[i],
			       big_byte(i, mark));
	free(b);
}

/* Whether the pool file holds a whole page of a file of mark. */
static bool pool_has_mark(unsigned mark)
{
	size_t size;
	char *file = file_read(pool, &size);
	char page[4096];
	bool found = false;
	for (uint64_t k = 0; !found && k < PL_SIZE / 4096; k += 997) {
		for (size_t i = 0; i < sizeof(page); i++)
			page[i] = big_byte(k * 4096 + i, mark);
		for (size_t off = 0; !found && off < size; off += 4096)
			found = memcmp(file + off, page, 4096) == 0;
	}
	free(file);
	return found;
}

/*
 * (b) A cut after pages went in place, before the commit that would have
 * made them reachable: a new file written past the writer ahead's start,
 * no sync point.
 */
static void placed_case(PMEMfilepool *pfp)
{
	put(pfp, "/before", "synced before");
	T_EQ(pmemfile_syncfs(pfp), 0);
	pl_write(pfp, "/placed", 6);
	/*
	 * till the writer ahead (beside the writes) has put some of its
	 * pages into the pool file, 10 s at most: the parent checks it
	 */
	for (int i = 0; i < 100 && !pool_has_mark(6); i++)
		usleep(100000);
}

/*
 * (d) A big new file written, and once the writer ahead had time to write
 * it in place (it runs beside the writes), its last RW_SIZE bytes written
 * over RW_TIMES times, each as soon as the one before returned: the
 * writer ahead takes their pages again while its writes in place of them
 * may still be in flight (several at once), then pmemfile_fsync. The pool
 * file must keep the last bytes.
 */
#define RW_SIZE (1 << 20)
#define RW_TIMES 64
#define RW_LAST (11 + RW_TIMES - 1)

static void rewrite_case(PMEMfilepool *pfp)
{
	pl_write(pfp, "/again", 10);
	usleep(300000);
	PMEMfile *f = pmemfile_open(pfp, "/again", PMEMFILE_O_WRONLY);
	T_ASSERT(f != NULL);
	for (unsigned mark = 11; mark <= RW_LAST; mark++)
		big_write(f, pfp, PL_SIZE - RW_SIZE, RW_SIZE, mark);
	T_EQ(pmemfile_fsync(pfp, f), 0);
	pmemfile_close(pfp, f);
}

/* rewrite_case's file: its first bytes of mark 10, the rest RW_LAST's */
static void rewrite_check(PMEMfilepool *pfp)
{
	PMEMfile *f = pmemfile_open(pfp, "/again", PMEMFILE_O_RDONLY);
	if (!f)
		T_FAIL("/again is missing after the cut (errno %s)",
		       strerrorname_np(errno));
	char *b = malloc(PL_SIZE + 1);
	T_ASSERT(b != NULL);
	T_EQ(pmemfile_read(pfp, f, b, PL_SIZE + 1), PL_SIZE);
	pmemfile_close(pfp, f);
	for (uint64_t i = 0; i < PL_SIZE; i++) {
		unsigned mark = i < PL_SIZE - RW_SIZE ? 10 : RW_LAST;
		if (b[i] != big_byte(i, mark))
			T_FAIL("/again: byte %llu is %d after the cut, "
			       "expected %d (mark %u)",
			       (unsigned long long)i, b[i], big_byte(i, mark),
			       mark);
	}
	free(b);
}

/*
 * (a) A file synced and written into the pool file (a checkpoint), then
 * deleted, and a new one written into the storage it freed, with no sync
 * point between: that storage was not free at the last sync point, whose
 * file the cut must give back as it was. The rest of the pool is filled
 * first, so that the new file has no other storage to take.
 */
static void reuse_case(PMEMfilepool *pfp)
{
	pl_write(pfp, "/old", 7);
	PMEMfile *f = pmemfile_open(pfp, "/fill",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0644);
	T_ASSERT(f != NULL);
	static char b[1 << 20];
	memset(b, 'f', sizeof(b));
	unsigned n = 0;
	while (n < 1024 &&
	       pmemfile_write(pfp, f, b, sizeof(b)) == (ssize_t)sizeof(b))
		n++;
	T_ASSERT(n < 1024);
	pmemfile_close(pfp, f);
	T_EQ(pmemfile_syncfs(pfp), 0);
	jmode_checkpoint(pfp);
	T_EQ(pmemfile_unlink(pfp, "/old"), 0);
	pl_write(pfp, "/new", 8);
	usleep(300000);
}

/*
 * (c) Pages in the journal (a sync point after a failed one takes every
 * page of the pool), not yet written into the pool file (no checkpoint),
 * then new data written into them where they are free, and a sync point:
 * after the cut the replay of the journal must not put the older copies
 * over the new bytes.
 */
static void held_case(PMEMfilepool *pfp)
{
	setenv("PMEMFILE_JOURNAL_CHECKPOINT", "1073741824", 1);
	put(pfp, "/h0", "before the failed sync point");
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = {4096, RLIM_INFINITY};
	T_EQ(setrlimit(RLIMIT_FSIZE, &rl), 0);
	T_ERRNO(pmemfile_syncfs(pfp), EFBIG);
	rl.rlim_cur = RLIM_INFINITY;
	T_EQ(setrlimit(RLIMIT_FSIZE, &rl), 0);
	T_EQ(pmemfile_syncfs(pfp), 0);
	pl_write(pfp, "/held", 9);
	T_EQ(pmemfile_syncfs(pfp), 0);
}

int main(int argc, char *argv[])
{
	(void)argc;
	t_force_pmem(argv);
	const char *base = t_disk_dir();
	if (!base)
		return 77;
	/* no sync point but the calls' own until the timer's case */
	setenv("PMEMFILE_COMMIT_INTERVAL", "0", 1);
	snprintf(dir, sizeof(dir), "%s/pmemfile-jmode.XXXXXX", base);
	T_ASSERT(mkdtemp(dir) != NULL);
	snprintf(pool, sizeof(pool), "%s/pool", dir);
	PMEMfilepool *pfp = t_jmode_pool(pool, POOL_SIZE);
	if (!pfp)
		return 77;
	pmemfile_pool_close(pfp);

	killed(open_case, 0);
	same_as_image("opened");
	printf("ok: an open's own changes\n");
	killed(handover_case, 0);
	same_as_image("handed over and taken again");
	printf("ok: a hand-over\n");

	killed(syncfs_case, 0);
	pfp = reopen();
	expect(pfp, "/a", "synced a");
	expect(pfp, "/b", "synced b");
	expect(pfp, "/c", NULL);
	pmemfile_stat_t st;
	T_EQ(pmemfile_stat(pfp, "/d", &st), 0);
	pmemfile_pool_close(pfp);
	printf("ok: syncfs\n");

	killed(fsync_case, 0);
	pfp = reopen();
	expect(pfp, "/e", "fsynced e");
	pmemfile_pool_close(pfp);
	printf("ok: fsync\n");

	killed(checkpoint_case, 0);
	pfp = reopen();
	checkpoint_check(pfp);
	pmemfile_pool_close(pfp);
	printf("ok: a checkpoint after changes since the sync point\n");

	killed(zeros_case, 0);
	pfp = reopen();
	zeros_check(pfp);
	pmemfile_pool_close(pfp);
	printf("ok: small files, syncfs, half written again with zeros, "
	       "syncfs\n");

	killed(small_case, 0);
	pfp = reopen();
	small_check(pfp);
	pmemfile_pool_close(pfp);
	printf("ok: small files, syncfs, more and some rewritten\n");

	killed(big_case, 0);
	if (!journal_has_filler())
		T_FAIL("the big writes' fsync committed no pages written "
		       "ahead (no filler batch in the journal)");
	pfp = reopen();
	big_check(pfp);
	pmemfile_pool_close(pfp);
	printf("ok: big writes through the image's descriptor, then fsync\n");

	killed(map_case, 0);
	pfp = reopen();
	/* its first 20 bytes, as the sync point had them */
	char mb[32] = {0};
	PMEMfile *mf = pmemfile_open(pfp, "/m", PMEMFILE_O_RDONLY);
	T_ASSERT(mf != NULL);
	T_EQ(pmemfile_read(pfp, mf, mb, 20), 20);
	pmemfile_close(pfp, mf);
	if (memcmp(mb, "stored through a map", 20) != 0)
		T_FAIL("/m holds '%s' after the cut", mb);
	pmemfile_pool_close(pfp);
	printf("ok: stores through a map, then fsync\n");

	killed(failed_case, 0);
	pfp = reopen();
	pmemfile_stat_t bs;
	T_EQ(pmemfile_stat(pfp, "/big", &bs), 0);
	T_EQ(bs.st_size, 80 << 20);
	PMEMfile *bf = pmemfile_open(pfp, "/big", PMEMFILE_O_RDONLY);
	T_ASSERT(bf != NULL);
	char last[16];
	T_EQ(pmemfile_pread(pfp, bf, last, sizeof(last), (80 << 20) - 16), 16);
	T_ASSERT(memcmp(last, "bbbbbbbbbbbbbbbb", 16) == 0);
	pmemfile_close(pfp, bf);
	T_EQ(pmemfile_unlink(pfp, "/big"), 0);
	pmemfile_pool_close(pfp);
	printf("ok: a failed sync point, then one that succeeds\n");

	/* the timer: a sync point every second */
	setenv("PMEMFILE_COMMIT_INTERVAL", "1", 1);
	killed(timer_case, 3);
	unsetenv("PMEMFILE_COMMIT_INTERVAL");
	pfp = reopen();
	expect(pfp, "/t", "by the timer");
	pmemfile_pool_close(pfp);
	printf("ok: the timer\n");

	/* a clean close: everything, and no image left */
	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	put(pfp, "/z", "closed");
	pmemfile_pool_close(pfp);
	char image[256];
	struct stat ps;
	T_EQ(stat(pool, &ps), 0);
	snprintf(image, sizeof(image), "/dev/shm/pmemfile.%llx.%llx.image",
		 (unsigned long long)ps.st_dev, (unsigned long long)ps.st_ino);
	T_ASSERT(access(image, F_OK) != 0 && errno == ENOENT);
	pfp = reopen();
	expect(pfp, "/z", "closed");
	expect(pfp, "/a", "synced a");
	pmemfile_pool_close(pfp);
	printf("ok: a clean close\n");

	/*
	 * No attribute, and not forced to pmem (as libpmem was at its load
	 * here): the journal mode is the default. Opened again forced, the
	 * pool gets what its journal committed first.
	 */
	T_EQ(removexattr(pool, "user.pmemfile.durability"), 0);
	unsetenv("PMEM_IS_PMEM_FORCE");
	killed(default_case, 0);
	setenv("PMEM_IS_PMEM_FORCE", "1", 1);
	pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	T_EQ(pmemfile_pool_durability(pfp), PMEMFILE_DURABILITY_UNSAFE);
	expect(pfp, "/x", "synced by default");
	expect(pfp, "/y", NULL);
	expect(pfp, "/z", "closed");
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	printf("ok: the default mode, then opened as pmem\n");

	/* pages written in place, on a pool of their own */
	snprintf(pool, sizeof(pool), "%s/pool2", dir);
	pfp = pmemfile_pool_create(pool, 320UL << 20, 0600);
	T_ASSERT(pfp != NULL);
	pmemfile_pool_close(pfp);
	T_EQ(setxattr(pool, "user.pmemfile.durability", "journal", 7, 0), 0);

	killed(placed_case, 0);
	if (!pool_has_mark(6))
		T_FAIL("no page of /placed went into the pool file in place");
	pfp = reopen();
	expect(pfp, "/before", "synced before");
	expect(pfp, "/placed", NULL);
	pmemfile_pool_close(pfp);
	printf("ok: a cut between pages written in place and the commit\n");

	killed(rewrite_case, 0);
	if (!pool_has_mark(10))
		T_FAIL("no page of /again went into the pool file in place");
	pfp = reopen();
	rewrite_check(pfp);
	pmemfile_pool_close(pfp);
	printf("ok: pages written in place, written again while in flight, "
	       "then fsync\n");

	killed(held_case, 0);
	pfp = reopen();
	pl_check(pfp, "/held", 9);
	expect(pfp, "/h0", "before the failed sync point");
	pmemfile_pool_close(pfp);
	printf("ok: pages the journal holds, written again where free\n");

	killed(reuse_case, 0);
	pfp = reopen();
	pl_check(pfp, "/old", 7);
	expect(pfp, "/new", NULL);
	pmemfile_pool_close(pfp);
	printf("ok: storage freed since the sync point, used again\n");

	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	T_EQ(system(cmd), 0);
	printf("PASS\n");
	return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * jmode.c -- the journal durability (jmode.h).
 *
 * The image: /dev/shm/pmemfile.DEV.INO.image beside the pool's segment,
 * made from the pool file (after the journal is replayed into it) by the
 * first process that holds the pool, kept while any process uses the pool
 * (a new holder finds it valid in the segment and goes on from it: it may
 * hold changes of a holder that died before its last sync point) and
 * removed with the segment by the last process (share.c), after its
 * holder's close wrote the journal into the pool file.
 *
 * The changed pages: those libpmemobj's mapping of the image in the
 * holder wrote since the last sync point (dirty.c), plus those a big write
 * put in through the image's descriptor (jmode_copy: listed as written,
 * since the tracking sees only the mapping), plus every page of a file
 * that a shared map pins (stores through maps are not tracked). A client
 * writes no page itself: in this mode it has no writer's lease.
 *
 * A sync point closes the gate (gate.c) and commits the pages straight
 * from the image in one batch (journal.c), then opens the gate: the
 * pool's calls wait meanwhile, so that the batch is the pool as it was
 * between two calls, which libpmemobj and pmemfile open consistent.
 * New data (pages of chunks free at the last sync point) goes instead
 * straight into the pool file, durable there before that commit: see
 * "In place" below.
 *
 * Once 32 MiB were written through the descriptor since the last sync
 * point, a thread (ahead_main) writes those pages into the journal past
 * its end while the writes go on, and the sync point's batch starts with
 * them (journal_commit_ahead): its head, written last, puts them in force
 * with the rest, and a page written again after its copy went ahead is
 * in the batch again, later. 1 GiB in 1 MiB writes then one fsync: the
 * fsync took 0.5 s, 0.1-0.5 s so (the writes a little longer: the thread
 * takes the other core). The pages that may go in place it writes into
 * the pool file instead (by O_DIRECT: buffered, the same ran at half the
 * speed here), four writes in flight at once (place_main), their blocks
 * allocated first by one fallocate of what was written (place_alloc).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "kcall.h"
#include "direct.h"
#include "dirty.h"
#include "gate.h"
#include "internal.h"
#include "jmode.h"
#include "journal.h"
#include "mmap_sync.h"
#include "share.h"
#include "space.h"
#include "vinode.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

/* The journal is written into the pool file when it passes this. */
#define JMODE_CHECKPOINT (64ULL << 20)

/*
 * A copy into the image at least this big has its pages counted as
 * written ahead (jmode_write_ahead): one call instead of a fault a page.
 */
#define JMODE_AHEAD_MIN (64 << 10)

/*
 * JMODE_CHECKPOINT, or PMEMFILE_JOURNAL_CHECKPOINT bytes (a page at
 * least): a test of the checkpoints sees many with a few sync points.
 * Read once, by the thread that opens the pool (jmode_prepare): a sync
 * point runs in the keeper thread too, and a getenv there races the
 * program's setenv (which frees the array getenv walks).
 */
static uint64_t checkpoint_size(void)
{
	const char *v = getenv("PMEMFILE_JOURNAL_CHECKPOINT");
	char *end;
	unsigned long long n = v && *v ? strtoull(v, &end, 0) : 0;
	return n >= JOURNAL_PAGE && !*end ? n : JMODE_CHECKPOINT;
}

/*
 * A sync point writes pages in place (see "In place") only where at least
 * this many may go so, or the writer ahead wrote some.
 */
#define JMODE_PLACE_MIN 256 /* pages: 1 MiB */

/*
 * JMODE_PLACE_MIN, or PMEMFILE_JOURNAL_PLACE_MIN pages (1 at least): the
 * power-cut test has every page that may go in place go so. Read at open
 * (the keeper's thread may make sync points: no getenv there).
 */
static size_t place_min(void)
{
	const char *v = getenv("PMEMFILE_JOURNAL_PLACE_MIN");
	char *end;
	unsigned long n = v && *v ? strtoul(v, &end, 10) : 0;
	return n >= 1 && !*end ? (size_t)n : JMODE_PLACE_MIN;
}

/* Bytes read of the pool file at a time, to make or compare the image. */
#define JMODE_COPY (1 << 20)

/*
 * The ranges written through the image's descriptor that a sync point
 * may find listed (merged where they touch): past this, a big copy goes
 * through the mapping as a small one does.
 */
#define JMODE_WRITTEN_MAX 4096

/*
 * The journal written ahead of a sync point (ahead_main): once this many
 * pages (32 MiB) were written through the descriptor since the last one,
 * by a thread of its own, at most JMODE_AHEAD_CHUNK pages (4 MiB) at a
 * time, into a batch of at most JMODE_AHEAD_MAX pages (2 GiB: its head's
 * room, 4 MiB, is taken in the journal ahead of them).
 */
#define JMODE_AHEAD_START 8192
#define JMODE_AHEAD_CHUNK 1024
#define JMODE_AHEAD_MAX (512 << 10)

/* A run of the pool's pages: [start, end), offsets in the pool. */
struct jmode_run {
	uint64_t start, end;
};

/*
 * The writes in place of the writer ahead in flight at once, each by a
 * place writer (place_main), and the bytes of each at most (see "In
 * place").
 */
#define JMODE_PLACE_DEPTH 4
#define JMODE_PLACE_PIECE (4ULL << 20)

/* The pool file's blocks allocated ahead of them at once, at most. */
#define JMODE_PLACE_ALLOC (64ULL << 20)

/* A write in place handed to the place writers, under plock. */
struct jmode_place_io {
	enum { PIO_FREE, PIO_QUEUED, PIO_RUNNING, PIO_DONE } state;
	uint64_t start, end;
	int fd;	 /* the pool file's descriptor it goes through */
	int res; /* PIO_DONE: 0 or -errno */
};

struct jmode {
	int pool_fd;
	char *copy_buf;		    /* JMODE_COPY bytes, till jmode_start */
	_Atomic int checkpoint_due; /* for the keeper (jmode_sync) */
	uint64_t checkpoint;	    /* checkpoint_size, read at the open */
	/*
	 * A sync point failed after the pages it took were protected again:
	 * the next one takes every page of the pool.
	 */
	bool all_dirty;
	bool listed; /* in images[], for pmem_msync */
	/*
	 * The image was made from the pool file by this open, or left clean
	 * by the last holder: it holds what was committed, and what this
	 * process wrote since, and what libpmemobj's close wrote.
	 */
	bool made;
	uint8_t id[16];	    /* the pool's identity (its header's set UUID) */
	uint64_t image_ino; /* the image's inode */
	uint64_t size;
	struct journal *j;
	struct dirty *dirty;
	pthread_mutex_t lock;
	char image[160];
	/* the batch of a sync point: pool offsets and where the pages are */
	size_t n, cap;
	uint64_t *offs;
	const void **pages;
	char *base;
	/*
	 * The image mapped again, for reading only and untracked: where a
	 * commit reads the pages written through the descriptor, which the
	 * tracked mapping may not have mapped (a fault a page there, against
	 * one each sixteen here: fault-around), or NULL.
	 */
	char *view;
	/* the runs the tracking reported at a sync point */
	struct jmode_run *runs;
	size_t nruns, rcap;
	/*
	 * The pages written through the image's descriptor since the last
	 * sync point (jmode_copy): the tracking sees only stores through
	 * the mapping. Under wlock; sorted and merged by a sync point.
	 */
	pthread_mutex_t wlock;
	/*
	 * Writes through the descriptor begun and ended (listed), so that a
	 * checkpoint that copies pages from the image sees one that may have
	 * changed them meanwhile (fill_from_image).
	 */
	_Atomic uint64_t wbegun, wended;
	struct jmode_run *written;
	size_t nwritten, wcap;
	size_t listed_pages; /* listed since the last sync point */
	bool unlisted;	     /* a write found the list full: every page */
	size_t ahead_max;    /* the pages of a batch written ahead, at most */
	/*
	 * The journal written ahead (ahead_main), under alock: the offsets
	 * of the pages written ahead since the last sync point, in their
	 * order, and the buffer they are copied into first (a page changed
	 * while written would fail the batch's CRC32C).
	 */
	pthread_mutex_t alock;
	pthread_cond_t acond;
	pthread_t athread;
	_Atomic bool athread_started;
	bool astop;
	bool ahead_off; /* a write ahead failed: none till the sync point */
	uint64_t *aoffs;
	size_t naoffs, acap;
	void *abuf;
	/*
	 * The thread that backs the image's pages ahead of the small
	 * extents (back_main), under block: the range asked for, if any.
	 */
	PMEMfilepool *pfp;
	/*
	 * Under block: the number of sync points, and the pages backed ahead
	 * since the last one that were holes (jmode_zero_add).
	 */
	uint64_t zgen;
	struct jmode_run *zeros;
	size_t nzeros, zcap;
	pthread_mutex_t block;
	pthread_cond_t bcond;
	pthread_t bthread;
	bool bthread_started;
	bool bstop;
	uint64_t boff, blen;
	/*
	 * Pages written in place (see "In place" below), under alock: the
	 * runs of chunks free in the heap as the last sync point left it,
	 * sorted (none known: empty); the pool file opened with O_DIRECT (or
	 * -1); the pages the writer ahead wrote in place since the last sync
	 * point, not yet made durable; the sync point's own (offsets, and
	 * where the pages are).
	 */
	struct jmode_run *spare;
	size_t nspare, scap;
	int pool_dfd;
	size_t place_min; /* pages a sync point writes in place, at least */
	struct jmode_run *placed;
	size_t nplaced, plcap;
	/*
	 * The place writers, started and stopped by the writer ahead: the
	 * writes it handed them, under plock; none in flight while it does
	 * not hold alock (place_drain).
	 */
	pthread_mutex_t plock;
	pthread_cond_t pwork, pdone;
	pthread_t pthreads[JMODE_PLACE_DEPTH];
	int npthreads;
	bool pstop;
	struct jmode_place_io pio[JMODE_PLACE_DEPTH];
	/* under alock: the pool file's last range place_alloc allocated */
	uint64_t palloc_start, palloc_end;
	uint64_t *poffs;
	const void **ppages;
	size_t np, npcap;
	/* the files shared maps pin, and copies of their pages */
	struct vinode **pinned;
	size_t npinned, pcap;
	char *copies;
	size_t copies_cap; /* pages */
};

/*
 * libpmemobj makes its stores durable with libpmem's pmem_msync on a pool
 * it does not take for pmem, as the image on tmpfs: some 20 system calls
 * a created file, for nothing, since the journal makes the image durable
 * at sync points. So the library (and the shim) define pmem_msync under
 * libpmem's version, found before libpmem's own: on a range of an image
 * in use it returns at once, elsewhere it is libpmem's. An image is
 * listed from jmode_start until jmode_free, which comes before
 * libpmemobj unmaps it: a mapping made later at the same address is
 * never taken for it. Past JMODE_IMAGES images at once, the others are
 * synced as before.
 */
#define JMODE_IMAGES 16
static struct {
	_Atomic uintptr_t start, end;
} images[JMODE_IMAGES];
/* entries from this one on were never used: pmem_msync looks no further
 * (some 20 calls a created file, 16 entries each before) */
static atomic_int images_used;

static void image_list(struct jmode *jm, bool in)
{
	uintptr_t start = (uintptr_t)jm->base;
	for (int i = 0; i < JMODE_IMAGES; ++i) {
		uintptr_t none = 0;
		if (in && atomic_compare_exchange_strong(&images[i].start,
							 &none, 1)) {
			atomic_store(&images[i].end, start + jm->size);
			atomic_store(&images[i].start, start);
			int used = atomic_load(&images_used);
			while (used < i + 1 && !atomic_compare_exchange_weak(
						   &images_used, &used, i + 1))
				;
			return;
		}
		if (!in && atomic_load(&images[i].start) == start) {
			atomic_store(&images[i].end, 0);
			atomic_store(&images[i].start, 0);
			return;
		}
	}
}

static int (*libpmem_msync)(const void *, size_t);
static pthread_once_t libpmem_once = PTHREAD_ONCE_INIT;

static void libpmem_find(void)
{
	void *h = dlopen("libpmem.so.1", RTLD_NOW | RTLD_NOLOAD);
	if (h)
		libpmem_msync = (int (*)(const void *, size_t))dlvsym(
		    h, "pmem_msync", "LIBPMEM_1.0");
}

__attribute__((visibility("default"))) int pmem_msync(const void *addr,
						      size_t len)
{
	uintptr_t a = (uintptr_t)addr;
	int used = atomic_load_explicit(&images_used, memory_order_acquire);
	for (int i = 0; i < used; ++i) {
		uintptr_t start = atomic_load(&images[i].start);
		uintptr_t end = atomic_load(&images[i].end);
		if (start > 1 && a >= start && a < end && len <= end - a)
			return 0;
	}
	pthread_once(&libpmem_once, libpmem_find);
	if (libpmem_msync)
		return libpmem_msync(addr, len);
	/* libpmem is not loaded: what it does */
	uintptr_t page = a & ~(uintptr_t)4095;
	return msync((void *)page, len + (a - page), MS_SYNC);
}

/* What the pool file's attribute chooses: 1 journal, 0 msync, -1 none. */
static int jmode_attr(const char *path)
{
	char v[16];
	ssize_t n = getxattr(path, JMODE_XATTR, v, sizeof(v) - 1);
	if (n <= 0)
		return -1;
	v[n] = 0;
	return strcmp(v, "journal") == 0 ? 1 : strcmp(v, "msync") == 0 ? 0 : -1;
}

/* The journal file of the pool file at path: path.journal. */
static int journal_path(const char *path, char *jpath, size_t size)
{
	int w = snprintf(jpath, size, "%s.journal", path);
	return w > 0 && (size_t)w < size ? 0 : -ENAMETOOLONG;
}

/*
 * Whether this process may write the journal of the pool file at path, or
 * make it: its permissions, or the directory's.
 */
static bool journal_writable(const char *path)
{
	char jpath[PATH_MAX];
	if (journal_path(path, jpath, sizeof(jpath)) != 0)
		return false;
	if (access(jpath, F_OK) == 0)
		return faccessat(AT_FDCWD, jpath, R_OK | W_OK, AT_EACCESS) == 0;
	char *slash = strrchr(jpath, '/');
	if (!slash)
		return faccessat(AT_FDCWD, ".", W_OK | X_OK, AT_EACCESS) == 0;
	slash[slash == jpath] = 0; /* "/" stays */
	return faccessat(AT_FDCWD, jpath, W_OK | X_OK, AT_EACCESS) == 0;
}

/*
 * With no choice in its attribute, a pool file runs in journal mode unless
 * PMEM_IS_PMEM_FORCE=1 has it treated as pmem (libpmem's word, taken), it
 * is pmem (it maps with MAP_SYNC), the journal cannot be written beside it
 * (permissions), the kernel cannot track the pages written (before Linux
 * 6.7, or userfaultfd refused), or /dev/shm has no room for the image (the
 * blocks the pool file has, with 64 MiB to grow): then in msync mode, as a
 * pool chosen so.
 */
static bool jmode_default(const char *path, const struct stat *st)
{
	const char *force = getenv("PMEM_IS_PMEM_FORCE");
	if ((force && strcmp(force, "1") == 0) || pool_file_maps_sync(path) ||
	    !journal_writable(path) || !dirty_supported())
		return false;
	char image[160];
	struct stat is;
	if (jmode_image_path(path, image, sizeof(image)) != 0)
		return false;
	if (stat(image, &is) == 0)
		return true; /* made already: another process uses the pool */
	struct statvfs vf;
	return statvfs("/dev/shm", &vf) == 0 &&
	       (uint64_t)vf.f_bavail * vf.f_frsize >=
		   (uint64_t)st->st_blocks * 512 + (64ULL << 20);
}

bool jmode_wanted(const char *path)
{
	struct stat st;
	struct statfs sf;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    statfs(path, &sf) != 0 || sf.f_type == TMPFS_MAGIC ||
	    sf.f_type == RAMFS_MAGIC)
		return false;
	int a = jmode_attr(path);
	return a >= 0 ? a == 1 : jmode_default(path, &st);
}

int jmode_image_path(const char *path, char *buf, size_t size)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -errno;
	int w = snprintf(buf, size, "/dev/shm/pmemfile.%llx.%llx.image",
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
	return w > 0 && (size_t)w < size ? 0 : -ENAMETOOLONG;
}

/*
 * The next run [*data, *hole) of fd at or past off that may hold bytes
 * other than zeros (where the file system cannot tell, all of it up to
 * size), its start rounded down to a page; false past the last.
 */
static bool data_run(int fd, off_t off, off_t size, off_t *data, off_t *hole)
{
	*data = lseek(fd, off, SEEK_DATA);
	if (*data < 0 && errno == ENXIO)
		return false;
	if (*data < 0) {
		*data = off;
		*hole = size;
	} else {
		*hole = lseek(fd, *data, SEEK_HOLE);
		if (*hole < 0 || *hole > size)
			*hole = size;
	}
	*data &= ~(off_t)(JOURNAL_PAGE - 1);
	return *data < size;
}

static bool page_zero(const char *p)
{
	return p[0] == 0 && memcmp(p, p + 1, JOURNAL_PAGE - 1) == 0;
}

/*
 * The image made anew from the pool file: a copy, then renamed. Only the
 * pages of the pool file that hold other bytes than zeros are written:
 * the image takes memory, and is as sparse as the pool file or more. It
 * is flocked while it is made, and by libpmemobj while it is open: a
 * process sweeping the files of dead pools from /dev/shm leaves a locked
 * file alone (share.c). 0 or -errno.
 */
static int image_make(int pool_fd, const struct stat *st, const char *image,
		      char *buf)
{
	char tmp[200];
	snprintf(tmp, sizeof(tmp), "%s.%d", image, (int)getpid());
	mode_t old = umask(0);
	int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		      st->st_mode & 0666);
	umask(old);
	if (fd < 0)
		return -errno;
	(void)flock(fd, LOCK_EX);
	/* whoever may open the pool may use the image */
	(void)fchown(fd, st->st_uid, st->st_gid);
	int r = ftruncate(fd, st->st_size) == 0 ? 0 : -errno;
	off_t data, hole;
	for (off_t off = 0;
	     r == 0 && data_run(pool_fd, off, st->st_size, &data, &hole);
	     off = hole) {
		while (r == 0 && data < hole) {
			size_t want = (size_t)(hole - data) < JMODE_COPY
					  ? (size_t)(hole - data)
					  : JMODE_COPY;
			ssize_t n = pread(pool_fd, buf, want, data);
			if (n <= 0) {
				r = n < 0 ? -errno : -EIO;
				break;
			}
			/* each run of pages that are not all zeros */
			for (ssize_t i = 0; r == 0 && i < n;) {
				ssize_t end = i;
				while (end < n && !page_zero(buf + end))
					end += JOURNAL_PAGE;
				if (end > n)
					end = n;
				if (end > i &&
				    pwrite(fd, buf + i, (size_t)(end - i),
					   data + i) != end - i)
					r = -errno;
				i = end + JOURNAL_PAGE;
			}
			data += n;
		}
	}
	if (r == 0 && rename(tmp, image) != 0)
		r = -errno;
	if (r)
		unlink(tmp);
	close(fd);
	return r;
}

/*
 * Whether the image there is the one seg says holds the pool's latest
 * state: of this pool (not of one whose inode number this one has now)
 * and of its size.
 */
static bool image_usable(struct jmode *jm, const struct share_seg *seg)
{
	struct stat st;
	if (!seg || !atomic_load(&seg->image_valid) ||
	    memcmp(seg->image_id, jm->id, sizeof(jm->id)) != 0 ||
	    lstat(jm->image, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_ino != seg->image_ino ||
	    (uint64_t)st.st_size != jm->size)
		return false;
	jm->image_ino = (uint64_t)st.st_ino;
	return true;
}

void jmode_publish(struct jmode *jm, struct share_seg *seg)
{
	if (!seg)
		return;
	atomic_store(&seg->image_clean, 0);
	memcpy(seg->image_id, jm->id, sizeof(jm->id));
	seg->image_ino = jm->image_ino;
	atomic_store(&seg->image_valid, 1);
}

/* Stops a thread of the mode: it waits on cond under lock, and sees stop. */
static void worker_stop(pthread_t thread, pthread_mutex_t *lock,
			pthread_cond_t *cond, bool *stop)
{
	pthread_mutex_lock(lock);
	*stop = true;
	pthread_cond_signal(cond);
	pthread_mutex_unlock(lock);
	pthread_join(thread, NULL);
}

/* Stops the mode's threads that run; they start again when needed. */
static void threads_stop(struct jmode *jm)
{
	if (atomic_load(&jm->athread_started)) {
		worker_stop(jm->athread, &jm->alock, &jm->acond, &jm->astop);
		atomic_store(&jm->athread_started, false);
		jm->astop = false;
	}
	if (jm->bthread_started) {
		worker_stop(jm->bthread, &jm->block, &jm->bcond, &jm->bstop);
		jm->bthread_started = false;
		jm->bstop = false;
	}
}

void jmode_free(struct jmode *jm)
{
	if (!jm)
		return;
	threads_stop(jm);
	if (jm->listed)
		image_list(jm, false);
	dirty_stop(jm->dirty);
	if (jm->view)
		munmap(jm->view, jm->size);
	journal_close(jm->j);
	if (jm->pool_fd >= 0)
		k_close(jm->pool_fd);
	if (jm->pool_dfd >= 0)
		k_close(jm->pool_dfd);
	pthread_mutex_destroy(&jm->lock);
	pthread_mutex_destroy(&jm->wlock);
	pthread_mutex_destroy(&jm->alock);
	pthread_cond_destroy(&jm->acond);
	pthread_mutex_destroy(&jm->block);
	pthread_cond_destroy(&jm->bcond);
	pthread_mutex_destroy(&jm->plock);
	pthread_cond_destroy(&jm->pwork);
	pthread_cond_destroy(&jm->pdone);
	free(jm->aoffs);
	free(jm->abuf);
	free(jm->zeros);
	free(jm->spare);
	free(jm->placed);
	free(jm->poffs);
	free(jm->ppages);
	free(jm->runs);
	free(jm->written);
	free(jm->offs);
	free(jm->pages);
	free(jm->pinned);
	free(jm->copies);
	free(jm->copy_buf);
	free(jm);
}

/*
 * The journal file written with zeros up to the size at which it is
 * written into the pool file: a commit then writes over blocks the file
 * has, and its fdatasync has no size or extent of the file to make
 * durable beside the data (on ext4 a commit that grows the file costs
 * twice one that does not). Zeros past the last batch read as its end.
 */
static void journal_preallocate(const char *jpath, uint64_t checkpoint)
{
	int fd = open(jpath, O_RDWR | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return;
	uint64_t want = JOURNAL_HEADER + checkpoint + (1ULL << 20);
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_size < want) {
		static const char zeros[1 << 16];
		uint64_t at = (uint64_t)st.st_size;
		bool ok = true;
		for (; ok && at < want; at += sizeof(zeros))
			ok = pwrite(fd, zeros, sizeof(zeros), (off_t)at) ==
			     (ssize_t)sizeof(zeros);
		if (ok)
			(void)fdatasync(fd);
	}
	close(fd);
}

/*
 * The pool file at path opened into *fd and locked, as while a process
 * holds the pool (libpmemobj locks the file it opens: the image in
 * journal mode), so that pmemfile check and the like find it in use; its
 * identity (libpmemobj's pool set UUID, in the pool's header) read into
 * id; its journal opened into *j and what it committed written into the
 * pool file. 0 or -errno; the caller closes *fd (-1 if not open) and *j
 * (NULL if not open) either way.
 */
static int journal_replayed(const char *path, const char *jpath, int *fd,
			    struct stat *st, uint8_t id[16], struct journal **j)
{
	*j = NULL;
	*fd = k_fd_high(open(path, O_RDWR | O_CLOEXEC));
	if (*fd < 0 || fstat(*fd, st) != 0 ||
	    flock(*fd, LOCK_EX | LOCK_NB) != 0)
		return -errno;
	if (pread(*fd, id, 16, 24) != 16)
		return -EIO;
	int r = journal_open(jpath, *fd, (uint64_t)st->st_size, id, NULL, j);
	if (r == 0) {
		int a = journal_recover(*j);
		r = a < 0 ? a : 0;
	}
	return r;
}

int jmode_prepare(const char *path, struct share_seg *seg, char *image,
		  size_t size, struct jmode **out)
{
	struct jmode *jm = calloc(1, sizeof(*jm));
	if (!jm)
		return -ENOMEM;
	pthread_mutex_init(&jm->lock, NULL);
	pthread_mutex_init(&jm->wlock, NULL);
	pthread_mutex_init(&jm->alock, NULL);
	pthread_cond_init(&jm->acond, NULL);
	pthread_mutex_init(&jm->block, NULL);
	pthread_cond_init(&jm->bcond, NULL);
	pthread_mutex_init(&jm->plock, NULL);
	pthread_cond_init(&jm->pwork, NULL);
	pthread_cond_init(&jm->pdone, NULL);
	int r = jmode_image_path(path, jm->image, sizeof(jm->image));
	struct stat st;
	char jpath[PATH_MAX];
	jm->pool_fd = -1;
	jm->pool_dfd = -1;
	jm->place_min = place_min();
	jm->copy_buf = malloc(2 * JMODE_COPY);
	if (r == 0 && !jm->copy_buf)
		r = -ENOMEM;
	if (r == 0)
		r = journal_path(path, jpath, sizeof(jpath));
	if (r == 0)
		r = journal_replayed(path, jpath, &jm->pool_fd, &st, jm->id,
				     &jm->j);
	if (r == 0) {
		jm->size = (uint64_t)st.st_size;
		jm->checkpoint = checkpoint_size();
		journal_preallocate(jpath, jm->checkpoint);
		/* none: pages go in place through pool_fd */
		jm->pool_dfd =
		    k_fd_high(open(path, O_RDWR | O_DIRECT | O_CLOEXEC));
	}
	if (r == 0 && image_usable(jm, seg)) {
		jm->made = atomic_load(&seg->image_clean) != 0;
	} else if (r == 0) {
		if (seg)
			atomic_store(&seg->image_valid, 0);
		r = image_make(jm->pool_fd, &st, jm->image, jm->copy_buf);
		jm->made = r == 0;
		struct stat is;
		if (r == 0 && lstat(jm->image, &is) == 0)
			jm->image_ino = (uint64_t)is.st_ino;
	}
	if (r == 0 && snprintf(image, size, "%s", jm->image) >= (int)size)
		r = -ENAMETOOLONG;
	if (r) {
		/* journal_open said why it refused the journal */
		if (r != -EINVAL && r != -EWOULDBLOCK)
			pf_set_errormsg("%s: cannot prepare its journal: %s",
					path, strerror(-r));
		jmode_free(jm);
		return r;
	}
	*out = jm;
	return 0;
}

int jmode_replay(const char *path)
{
	char jpath[PATH_MAX], image[160];
	struct stat st;
	if (journal_path(path, jpath, sizeof(jpath)) != 0 ||
	    stat(jpath, &st) != 0)
		return 0; /* no journal: nothing to replay */
	int fd;
	uint8_t id[16];
	struct journal *j;
	int r = journal_replayed(path, jpath, &fd, &st, id, &j);
	journal_close(j);
	/* what a holder that died left in memory only is dropped */
	if (r == 0 && jmode_image_path(path, image, sizeof(image)) == 0)
		unlink(image);
	if (fd >= 0)
		k_close(fd);
	return r;
}

/*
 * Appends page (at pool offset off) to a list of pages: their offsets in
 * *offs and where they are in *pages, *n of them, room for *cap.
 */
static int pages_add(uint64_t **offs, const void ***pages, size_t *n,
		     size_t *cap, uint64_t off, const void *page)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		uint64_t *o = realloc(*offs, c * sizeof(*o));
		if (!o)
			return -ENOMEM;
		*offs = o;
		const void **p = realloc(*pages, c * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*pages = p;
		*cap = c;
	}
	(*offs)[*n] = off;
	(*pages)[(*n)++] = page;
	return 0;
}

static int batch_add(struct jmode *jm, uint64_t off, const void *page)
{
	return pages_add(&jm->offs, &jm->pages, &jm->n, &jm->cap, off, page);
}

static int note_run(void *arg, uintptr_t start, uintptr_t end)
{
	struct jmode *jm = arg;
	if (jm->nruns == jm->rcap) {
		size_t cap = jm->rcap ? jm->rcap * 2 : 256;
		struct jmode_run *r = realloc(jm->runs, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		jm->runs = r;
		jm->rcap = cap;
	}
	jm->runs[jm->nruns++] = (struct jmode_run){start - (uintptr_t)jm->base,
						   end - (uintptr_t)jm->base};
	return 0;
}

static int run_cmp(const void *a, const void *b)
{
	const struct jmode_run *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sorts runs[0..*n) and merges those that overlap or touch. */
static void runs_merge(struct jmode_run *runs, size_t *n)
{
	if (*n < 2)
		return;
	qsort(runs, *n, sizeof(*runs), run_cmp);
	size_t k = 0;
	for (size_t i = 1; i < *n; i++) {
		if (runs[i].start <= runs[k].end) {
			if (runs[i].end > runs[k].end)
				runs[k].end = runs[i].end;
		} else {
			runs[++k] = runs[i];
		}
	}
	*n = k + 1;
}

/* The pages of [start, end) into the batch, read at from + start. */
static int batch_add_run(struct jmode *jm, uint64_t start, uint64_t end,
			 const char *from)
{
	for (uint64_t off = start; off < end; off += JOURNAL_PAGE) {
		int r = batch_add(jm, off, from + off);
		if (r)
			return r;
	}
	return 0;
}

/*
 * The batch: the pages of the runs the tracking reported and of those
 * written through the descriptor, each once, in the pool's order; the
 * latter read through the view (the same pages of the image).
 */
static int batch_from_runs(struct jmode *jm)
{
	const struct jmode_run *a = jm->runs, *w = jm->written;
	size_t na = jm->nruns, nw = jm->nwritten, i = 0, k = 0;
	const char *wfrom = jm->view ? jm->view : jm->base;
	uint64_t at = 0;
	runs_merge(jm->written, &nw);
	int r = 0;
	while (r == 0) {
		while (i < na && a[i].end <= at)
			i++;
		while (k < nw && w[k].end <= at)
			k++;
		if (i == na && k == nw)
			break;
		uint64_t as =
		    i < na ? (a[i].start > at ? a[i].start : at) : UINT64_MAX;
		uint64_t ws =
		    k < nw ? (w[k].start > at ? w[k].start : at) : UINT64_MAX;
		if (ws <= as) {
			r = batch_add_run(jm, ws, w[k].end, wfrom);
			at = w[k].end;
		} else {
			uint64_t end = a[i].end < ws ? a[i].end : ws;
			r = batch_add_run(jm, as, end, jm->base);
			at = end;
		}
	}
	return r;
}

/*
 * Lists [start, end) as written through the descriptor; where the list is
 * full, says that the next sync point takes every page.
 */
static void written_add(struct jmode *jm, uint64_t start, uint64_t end)
{
	bool ok = true;
	pthread_mutex_lock(&jm->wlock);
	struct jmode_run *last =
	    jm->nwritten ? &jm->written[jm->nwritten - 1] : NULL;
	if (last && start <= last->end && end >= last->start) {
		/* the next part of a sequential write, mostly */
		if (start < last->start)
			last->start = start;
		if (end > last->end)
			last->end = end;
	} else {
		if (jm->nwritten == jm->wcap)
			runs_merge(jm->written, &jm->nwritten);
		if (jm->nwritten == jm->wcap && jm->wcap < JMODE_WRITTEN_MAX) {
			size_t cap = jm->wcap ? jm->wcap * 2 : 64;
			struct jmode_run *r =
			    realloc(jm->written, cap * sizeof(*r));
			if (r) {
				jm->written = r;
				jm->wcap = cap;
			}
		}
		ok = jm->nwritten < jm->wcap;
		if (ok)
			jm->written[jm->nwritten++] =
			    (struct jmode_run){start, end};
	}
	if (ok)
		jm->listed_pages += (end - start) / JOURNAL_PAGE;
	else
		jm->unlisted = true;
	pthread_mutex_unlock(&jm->wlock);
}

/* Whether the list has room for a write's range, likely. */
static bool written_room(struct jmode *jm)
{
	pthread_mutex_lock(&jm->wlock);
	bool room = jm->nwritten < JMODE_WRITTEN_MAX / 2;
	pthread_mutex_unlock(&jm->wlock);
	return room;
}

/*
 * Under alock: takes from the list the next pages to write ahead, at most
 * JMODE_AHEAD_CHUNK, once enough were listed and while the batch has
 * room (*listed: where the run of pages listed that holds them ends). A
 * write that changes them again lists them again after.
 */
static bool ahead_take(struct jmode *jm, uint64_t *start, uint64_t *end,
		       uint64_t *listed)
{
	bool got = false;
	pthread_mutex_lock(&jm->wlock);
	if (!jm->ahead_off && jm->listed_pages >= JMODE_AHEAD_START &&
	    jm->nwritten > 0 &&
	    jm->naoffs + JMODE_AHEAD_CHUNK <=
		jm->ahead_max - jm->ahead_max / 8) {
		struct jmode_run *w = &jm->written[0];
		uint64_t most = (uint64_t)JMODE_AHEAD_CHUNK * JOURNAL_PAGE;
		*start = w->start;
		*listed = w->end;
		*end = w->end - w->start > most ? w->start + most : w->end;
		w->start = *end;
		if (w->start == w->end)
			memmove(w, w + 1, --jm->nwritten * sizeof(*w));
		got = true;
	}
	pthread_mutex_unlock(&jm->wlock);
	return got;
}

/* Under alock: n more pages from off written ahead. */
static int aoffs_add(struct jmode *jm, uint64_t off, size_t n)
{
	if (jm->naoffs + n > jm->acap) {
		size_t cap = jm->acap ? jm->acap : 4096;
		while (cap < jm->naoffs + n)
			cap *= 2;
		uint64_t *a = realloc(jm->aoffs, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		jm->aoffs = a;
		jm->acap = cap;
	}
	for (size_t i = 0; i < n; i++)
		jm->aoffs[jm->naoffs++] = off + i * JOURNAL_PAGE;
	return 0;
}

/*
 * In place. A page of a chunk that was free in the heap as the last sync
 * point left it holds nothing that state needs: libpmemobj reads no byte
 * of a free chunk (its headers are outside the chunks), and pmemfile
 * reaches only what libpmemobj allocated. So its new bytes may go
 * straight into the pool file, made durable there before the commit that
 * makes them reachable, and stay out of the journal: written to the disk
 * once, not into the journal and again at the checkpoint (ext4's
 * data=ordered). A cut before that commit leaves the last sync point's
 * state, other bytes in some of its free chunks; one after it, the pages
 * in the pool file and the rest of the state in the journal.
 *
 * Free at the last sync point, not since: storage freed after it (a file
 * deleted) and allocated again holds bytes that state needs, and goes
 * into the journal. The free chunks are read from the heap itself (its
 * zone and chunk headers, space_free_chunks) at each sync point that
 * succeeded, the gate closed: no free or allocation is missed, pmemfile's
 * or libpmemobj's own (its logs), as a list kept by the calls that free
 * could miss one; a run (units of one class behind a header) counts as
 * used, all of it, till libpmemobj makes its chunks free again.
 *
 * Not a page that a batch not yet in the pool file holds (journal_holds:
 * a page of storage freed since, or of a sync point that took every
 * page): the replay of that batch, or the checkpoint, would write its
 * older copy over the new bytes. Such a page goes into the journal as
 * before, where its newer copy wins; the simplest of the ways out (a
 * record that revokes the old copy would change the journal's format, a
 * checkpoint first would cost one at every such sync point).
 *
 * Which pages may go in place changes only at a sync point (the free
 * chunks) and at a commit or a checkpoint (the pages the journal holds),
 * under alock, which the writer ahead holds while it writes: a page it
 * journaled ahead (aoffs) is never one that the sync point after puts in
 * place, or the other way round (a checkpoint lists aoffs again).
 *
 * The writer ahead writes such pages in place as it takes them; a sync
 * point writes the rest of its batch's, then one fdatasync of the pool
 * file, before its commit. Where fewer than JMODE_PLACE_MIN pages would
 * go so (and none went ahead), the batch keeps them: the journal's write
 * costs less than a second fdatasync. Where a write or the fdatasync
 * fails, the pages go into the batch after all.
 */

/* Bytes written in place in one call, at most. */
#define JMODE_PLACE_RUN (8ULL << 20)

/*
 * Appends [start, end) to a list of runs in address order (*n of them,
 * room for *cap), merged into the last where it follows it.
 */
static int runs_add(struct jmode_run **runs, size_t *n, size_t *cap,
		    uint64_t start, uint64_t end)
{
	if (*n && (*runs)[*n - 1].end == start) {
		(*runs)[*n - 1].end = end;
		return 0;
	}
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct jmode_run *r = realloc(*runs, c * sizeof(*r));
		if (!r)
			return -ENOMEM;
		*runs = r;
		*cap = c;
	}
	(*runs)[(*n)++] = (struct jmode_run){start, end};
	return 0;
}

/* Appends the free chunks [start, end) to jm->spare (after the last). */
static int spare_add(void *arg, uint64_t start, uint64_t end)
{
	struct jmode *jm = arg;
	return runs_add(&jm->spare, &jm->nspare, &jm->scap, start, end);
}

/*
 * Under alock (or before the writer ahead starts), the gate closed, the
 * image holding what the last sync point committed: its free chunks
 * listed (none where they cannot be).
 */
static void spare_take(struct jmode *jm)
{
	jm->nspare = 0;
	if (space_free_chunks(jm->view ? jm->view : jm->base, jm->size,
			      spare_add, jm) != 0)
		jm->nspare = 0;
}

/* Under alock: the first run of spare chunks that ends past off. */
static size_t spare_find(const struct jmode *jm, uint64_t off)
{
	size_t lo = 0, hi = jm->nspare;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (jm->spare[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Under alock: whether the pool page at off may be written in place. */
static bool place_ok(const struct jmode *jm, uint64_t off)
{
	size_t lo = spare_find(jm, off);
	return lo < jm->nspare && jm->spare[lo].start <= off &&
	       !journal_holds(jm->j, off);
}

/* len bytes from src written into fd at off. 0 or -errno. */
static int pwrite_full(int fd, const char *src, uint64_t off, uint64_t len)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, src, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		src += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/*
 * Under alock: len bytes from src (page-aligned) written into the pool
 * file at off, by O_DIRECT where the file system takes it (a copy less,
 * and the pages not kept in the page cache), else buffered. 0 or -errno.
 */
static int place_write(struct jmode *jm, const char *src, uint64_t off,
		       uint64_t len)
{
	for (;;) {
		int fd = jm->pool_dfd >= 0 ? jm->pool_dfd : jm->pool_fd;
		int r = pwrite_full(fd, src, off, len);
		if (r != -EINVAL || fd != jm->pool_dfd)
			return r;
		/* refused: buffered from now on (the same bytes again) */
		close(jm->pool_dfd);
		jm->pool_dfd = -1;
	}
}

/* Under alock: [start, end) listed as written in place ahead. */
static int placed_add(struct jmode *jm, uint64_t start, uint64_t end)
{
	return runs_add(&jm->placed, &jm->nplaced, &jm->plcap, start, end);
}

/*
 * A place writer: writes in place from the view those the writer ahead
 * queued, one at a time, beside the others (a single write at a time left
 * the disk idle between them: 1 GiB of new data took 0.70 s of its
 * writes, 1.5 GB/s, where four in flight reached 2 GB/s).
 */
static void *place_main(void *arg)
{
	struct jmode *jm = arg;
	pthread_mutex_lock(&jm->plock);
	for (;;) {
		struct jmode_place_io *io = NULL;
		for (int i = 0; !io && i < JMODE_PLACE_DEPTH; i++)
			if (jm->pio[i].state == PIO_QUEUED)
				io = &jm->pio[i];
		if (!io && jm->pstop)
			break;
		if (!io) {
			pthread_cond_wait(&jm->pwork, &jm->plock);
			continue;
		}
		io->state = PIO_RUNNING;
		uint64_t start = io->start, end = io->end;
		int fd = io->fd;
		pthread_mutex_unlock(&jm->plock);
		int r = pwrite_full(fd, jm->view + start, start, end - start);
		pthread_mutex_lock(&jm->plock);
		io->res = r;
		io->state = PIO_DONE;
		pthread_cond_signal(&jm->pdone);
	}
	pthread_mutex_unlock(&jm->plock);
	return NULL;
}

/*
 * Under alock: [start, end), written in place ahead (r 0) or not (-errno),
 * listed as such. Where that fails, or cannot be listed, its pages are
 * listed as written again, for the sync point, and the writer stops till
 * then (ahead_off: it would take them again at once).
 */
static void place_taken(struct jmode *jm, uint64_t start, uint64_t end, int r)
{
	if (r != 0 || placed_add(jm, start, end) != 0) {
		jm->ahead_off = true;
		written_add(jm, start, end);
	}
}

/* Under alock, one write in place in flight at least: one of them ended. */
static void place_reap(struct jmode *jm)
{
	pthread_mutex_lock(&jm->plock);
	struct jmode_place_io *io = NULL;
	for (;;) {
		for (int i = 0; !io && i < JMODE_PLACE_DEPTH; i++)
			if (jm->pio[i].state == PIO_DONE)
				io = &jm->pio[i];
		if (io)
			break;
		pthread_cond_wait(&jm->pdone, &jm->plock);
	}
	uint64_t start = io->start, end = io->end;
	int r = io->res;
	io->state = PIO_FREE;
	pthread_mutex_unlock(&jm->plock);
	place_taken(jm, start, end, r);
}

/*
 * Under alock: whether a write in place in flight overlaps [start, end),
 * or none more may be (*slot: a free one).
 */
static bool place_wait_for(struct jmode *jm, uint64_t start, uint64_t end,
			   int *slot)
{
	bool wait = false;
	*slot = -1;
	pthread_mutex_lock(&jm->plock);
	for (int i = 0; i < JMODE_PLACE_DEPTH; i++) {
		const struct jmode_place_io *io = &jm->pio[i];
		if (io->state == PIO_FREE && *slot < 0)
			*slot = i;
		else if (io->state != PIO_FREE && io->start < end &&
			 io->end > start)
			wait = true;
	}
	pthread_mutex_unlock(&jm->plock);
	return wait || *slot < 0;
}

/*
 * Under alock: every write in place ended and taken in, so that nothing
 * of the pool file is in flight while the writer ahead does not hold it:
 * a sync point's fdatasync covers what it placed.
 */
static void place_drain(struct jmode *jm)
{
	for (;;) {
		bool busy = false;
		pthread_mutex_lock(&jm->plock);
		for (int i = 0; i < JMODE_PLACE_DEPTH; i++)
			busy |= jm->pio[i].state != PIO_FREE;
		pthread_mutex_unlock(&jm->plock);
		if (!busy)
			return;
		place_reap(jm);
	}
}

/* Under alock, nothing in flight: the place writers started, if they can be. */
static void place_start(struct jmode *jm)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (jm->npthreads < JMODE_PLACE_DEPTH &&
	       pthread_create(&jm->pthreads[jm->npthreads], NULL, place_main,
			      jm) == 0)
		jm->npthreads++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Under alock: the place writers stopped, what they wrote taken in first. */
static void place_stop(struct jmode *jm)
{
	place_drain(jm);
	pthread_mutex_lock(&jm->plock);
	jm->pstop = true;
	pthread_cond_broadcast(&jm->pwork);
	pthread_mutex_unlock(&jm->plock);
	for (int i = 0; i < jm->npthreads; i++)
		pthread_join(jm->pthreads[i], NULL);
	jm->npthreads = 0;
	jm->pstop = false;
}

/*
 * Under alock, the page at off one that may go in place: where its run of
 * chunks free at the last sync point ends.
 */
static uint64_t spare_end(const struct jmode *jm, uint64_t off)
{
	return jm->spare[spare_find(jm, off)].end;
}

/*
 * Under alock, before the writer ahead writes [start, end) in place: the
 * pool file's blocks under it allocated, with those of the pages after it
 * in the same run of free chunks that are listed as written up to listed
 * (new data that goes there next), JMODE_PLACE_ALLOC bytes at most, in
 * one fallocate, so that the file system allocates them once, in a big
 * extent, and not under each of the writes in flight at once (a GiB of
 * new data so, four 4 MiB writes in flight, measured apart: 1.0-1.2 GB/s
 * where the writes allocated, 1.2-1.6 where a fallocate of 32 MiB came
 * first, on a disk busy with other work). No page past what was written:
 * a full file system keeps its room for the rest. Where it fails, the
 * writes allocate their own.
 */
static void place_alloc(struct jmode *jm, uint64_t start, uint64_t end,
			uint64_t listed)
{
	if (start >= jm->palloc_start && end <= jm->palloc_end)
		return;
	uint64_t to = spare_end(jm, start);
	if (to > listed)
		to = listed;
	if (to - start > JMODE_PLACE_ALLOC)
		to = start + JMODE_PLACE_ALLOC;
	if (to < end)
		to = end;
	if (fallocate(jm->pool_fd, 0, (off_t)start, (off_t)(to - start)) == 0) {
		jm->palloc_start = start;
		jm->palloc_end = to;
	}
}

/*
 * The writer ahead, under alock: the pages of [start, end) written in
 * place from the view, in pieces handed to the place writers, a piece
 * after every earlier write of its pages ended (the last one's bytes are
 * the ones the disk keeps); by itself where there are none.
 */
static void place_ahead(struct jmode *jm, uint64_t start, uint64_t end)
{
	if (jm->npthreads == 0) {
		place_taken(
		    jm, start, end,
		    place_write(jm, jm->view + start, start, end - start));
		return;
	}
	for (uint64_t a = start, b; a < end; a = b) {
		b = end - a > JMODE_PLACE_PIECE ? a + JMODE_PLACE_PIECE : end;
		int slot;
		while (place_wait_for(jm, a, b, &slot))
			place_reap(jm);
		pthread_mutex_lock(&jm->plock);
		jm->pio[slot] = (struct jmode_place_io){
		    .state = PIO_QUEUED,
		    .start = a,
		    .end = b,
		    .fd = jm->pool_dfd >= 0 ? jm->pool_dfd : jm->pool_fd};
		pthread_cond_signal(&jm->pwork);
		pthread_mutex_unlock(&jm->plock);
	}
}

/* Under alock: a page of the sync point's to write in place. */
static int place_note(struct jmode *jm, uint64_t off, const void *page)
{
	return pages_add(&jm->poffs, &jm->ppages, &jm->np, &jm->npcap, off,
			 page);
}

/*
 * Under jm->lock and alock, the gate closed: the pages of the batch from
 * first on that may go in place taken out of it (unless too few, or a
 * file is pinned: stores through its maps may change its pages while
 * they are written), written so, and made durable in the pool file with
 * those the writer ahead wrote there. Where a write or the fdatasync
 * fails, all of them go into the batch instead (those written ahead read
 * from the view). 0 or -errno.
 */
static int place_batch(struct jmode *jm, size_t first)
{
	jm->np = 0;
	size_t can = 0;
	for (size_t i = first; !jm->npinned && i < jm->n; i++)
		can += place_ok(jm, jm->offs[i]);
	if (can == 0 && jm->nplaced == 0)
		return 0;
	if (jm->nplaced == 0 && can < jm->place_min)
		return 0;
	size_t kept = first;
	int r = 0;
	for (size_t i = first; i < jm->n; i++) {
		if (r == 0 && can && place_ok(jm, jm->offs[i])) {
			r = place_note(jm, jm->offs[i], jm->pages[i]);
			if (r == 0)
				continue;
		}
		jm->offs[kept] = jm->offs[i];
		jm->pages[kept++] = jm->pages[i];
	}
	jm->n = kept;
	/* each run of pages that follow each other, in one write */
	for (size_t i = 0, k; r == 0 && i < jm->np; i = k) {
		const char *p = jm->ppages[i];
		for (k = i + 1;
		     k < jm->np && (k - i) * JOURNAL_PAGE < JMODE_PLACE_RUN &&
		     jm->poffs[k] == jm->poffs[i] + (k - i) * JOURNAL_PAGE &&
		     (const char *)jm->ppages[k] == p + (k - i) * JOURNAL_PAGE;
		     k++)
			;
		r = place_write(jm, p, jm->poffs[i], (k - i) * JOURNAL_PAGE);
	}
	if (r == 0 && fdatasync(jm->pool_fd) != 0)
		r = -errno;
	if (r == 0)
		return 0;
	/* into the journal, all of them */
	const char *from = jm->view ? jm->view : jm->base;
	r = 0;
	for (size_t i = 0; r == 0 && i < jm->np; i++)
		r = batch_add(jm, jm->poffs[i], jm->ppages[i]);
	for (size_t i = 0; r == 0 && i < jm->nplaced; i++)
		r = batch_add_run(jm, jm->placed[i].start, jm->placed[i].end,
				  from);
	jm->np = 0;
	jm->nplaced = 0;
	return r;
}

/*
 * The thread that writes the journal ahead: the pages big writes put in
 * through the descriptor, copied from the view, while the writes go on.
 * At the sync point they are the first of its batch (its head written
 * after them: nothing of them is in force before), so that it writes
 * only the rest. Where one fails, it goes back into the list, and the
 * sync point writes every page itself. Pages that may go in place (see
 * "In place") go into the pool file instead.
 */
static void *ahead_main(void *arg)
{
	struct jmode *jm = arg;
	pthread_mutex_lock(&jm->alock);
	for (;;) {
		uint64_t start, end, listed;
		bool got = !jm->astop && ahead_take(jm, &start, &end, &listed);
		if (!got) {
			/* nothing in flight once alock is let go */
			place_drain(jm);
			got =
			    !jm->astop && ahead_take(jm, &start, &end, &listed);
		}
		if (!got && jm->astop)
			break;
		if (!got) {
			pthread_cond_wait(&jm->acond, &jm->alock);
			continue;
		}
		/* each run of pages that go in place, or not */
		for (uint64_t a = start, b; a < end; a = b) {
			bool place = place_ok(jm, a);
			for (b = a + JOURNAL_PAGE;
			     b < end && place_ok(jm, b) == place;
			     b += JOURNAL_PAGE)
				;
			if (jm->ahead_off) {
				written_add(jm, a, b);
				continue;
			}
			if (place && !jm->npthreads)
				place_start(jm);
			if (place) {
				place_alloc(jm, a, b, listed);
				place_ahead(jm, a, b);
				continue;
			}
			size_t n = (size_t)((b - a) / JOURNAL_PAGE);
			memcpy(jm->abuf, jm->view + a, b - a);
			int r = journal_ahead_write(jm->j, jm->abuf, n,
						    jm->ahead_max);
			if (r == 0)
				r = aoffs_add(jm, a, n);
			if (r) {
				jm->ahead_off = true;
				written_add(jm, a, b);
			}
		}
	}
	place_stop(jm);
	pthread_mutex_unlock(&jm->alock);
	return NULL;
}

/* Wakes the thread that writes ahead, started first if need be. */
static void ahead_wake(struct jmode *jm)
{
	pthread_mutex_lock(&jm->wlock);
	bool want = jm->listed_pages >= JMODE_AHEAD_START;
	pthread_mutex_unlock(&jm->wlock);
	if (!want || !jm->view)
		return;
	/*
	 * Not under alock, which the thread holds while it writes: a wake-up
	 * it misses between its look at the list and its wait is made up for
	 * by the next write's, and what it leaves the sync point writes.
	 */
	if (atomic_load_explicit(&jm->athread_started, memory_order_acquire)) {
		pthread_cond_signal(&jm->acond);
		return;
	}
	pthread_mutex_lock(&jm->alock);
	if (!jm->athread_started && !jm->abuf &&
	    posix_memalign(&jm->abuf, JOURNAL_PAGE,
			   (size_t)JMODE_AHEAD_CHUNK * JOURNAL_PAGE) != 0)
		jm->abuf = NULL;
	if (!jm->athread_started && jm->abuf) {
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		atomic_store_explicit(
		    &jm->athread_started,
		    pthread_create(&jm->athread, NULL, ahead_main, jm) == 0,
		    memory_order_release);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	pthread_cond_signal(&jm->acond);
	pthread_mutex_unlock(&jm->alock);
}

/*
 * A page no sync point since the last one takes (none of the batch's):
 * it holds what the journal and the pool file give it, the filler's.
 * Looked for in the first 65536 pages, past the header's two (which
 * libpmemobj writes through a mapping of its own); UINT64_MAX if none.
 */
static uint64_t clean_page(struct jmode *jm)
{
	uint64_t pages = jm->size / JOURNAL_PAGE;
	if (pages > (1 << 16))
		pages = 1 << 16;
	unsigned char *taken = calloc(pages, 1);
	if (!taken)
		return UINT64_MAX;
	for (size_t i = 0; i < jm->n; i++)
		if (jm->offs[i] / JOURNAL_PAGE < pages)
			taken[jm->offs[i] / JOURNAL_PAGE] = 1;
	/* nor one written in place */
	for (size_t i = 0; i < jm->np; i++)
		if (jm->poffs[i] / JOURNAL_PAGE < pages)
			taken[jm->poffs[i] / JOURNAL_PAGE] = 1;
	for (size_t i = 0; i < jm->nplaced; i++)
		for (uint64_t o = jm->placed[i].start;
		     o < jm->placed[i].end && o / JOURNAL_PAGE < pages;
		     o += JOURNAL_PAGE)
			taken[o / JOURNAL_PAGE] = 1;
	uint64_t found = UINT64_MAX;
	for (uint64_t p = 2; p < pages && found == UINT64_MAX; p++)
		if (!taken[p])
			found = p * JOURNAL_PAGE;
	free(taken);
	return found;
}

/*
 * The pages of [off, end) of the image that differ from the pool file's,
 * into the batch. The image's bytes are read through img_fd, or with -1
 * from its mapping (where a read of a hole would give the image a page).
 */
static int changes_in(struct jmode *jm, off_t off, off_t end, int img_fd)
{
	char *pool = jm->copy_buf, *img = jm->copy_buf + JMODE_COPY;
	while (off < end) {
		size_t want = (size_t)(end - off) < JMODE_COPY
				  ? (size_t)(end - off)
				  : JMODE_COPY;
		ssize_t n = pread(jm->pool_fd, pool, want, off);
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		const char *image = jm->base + off;
		if (img_fd >= 0) {
			ssize_t m = pread(img_fd, img, (size_t)n, off);
			if (m != n)
				return m < 0 ? -errno : -EIO;
			image = img;
		}
		for (ssize_t i = 0; i + (ssize_t)JOURNAL_PAGE <= n;
		     i += (ssize_t)JOURNAL_PAGE)
			if (memcmp(pool + i, image + i, JOURNAL_PAGE) != 0) {
				int r = batch_add(jm, (uint64_t)(off + i),
						  jm->base + off + i);
				if (r)
					return r;
			}
		off += n;
	}
	return 0;
}

/*
 * What the image holds that the pool file does not, into the batch: both
 * are read through descriptors, where either may hold data.
 */
static int image_changes(struct jmode *jm)
{
	int fd = open(jm->image, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	off_t size = (off_t)jm->size, data, hole, idata, ihole;
	int r = 0;
	for (off_t off = 0; r == 0 && off < size; off = hole) {
		bool in_pool = data_run(jm->pool_fd, off, size, &data, &hole);
		bool in_image = data_run(fd, off, size, &idata, &ihole);
		if (!in_pool && !in_image)
			break;
		/* the run that starts first; the next turn finds the rest */
		if (!in_pool || (in_image && idata < data)) {
			data = idata;
			hole = ihole;
		}
		r = changes_in(jm, data, hole, fd);
	}
	close(fd);
	return r;
}

/* The pages of [start, end) of the mapping that differ from the pool file. */
static int mapped_changes(void *arg, uintptr_t start, uintptr_t end)
{
	struct jmode *jm = arg;
	return changes_in(jm, (off_t)(start - (uintptr_t)jm->base),
			  (off_t)(end - (uintptr_t)jm->base), -1);
}

/*
 * What the image holds that the pool file does not. An image this open
 * made from the pool file, or one the last holder left clean, differs
 * only where this process wrote it since (libpmemobj's open, the pool's
 * mount): in pages it has mapped, which alone are compared, and the
 * header's two pages (libpmemobj writes the first through a mapping of its
 * own, at open and at close). That holds while the kernel keeps the entry
 * of every page written: not where memory may be swapped out (a page of
 * shmem swapped out leaves no entry). Else, and for an image a holder
 * left otherwise (it died: its changes may be anywhere), every page that
 * holds data in either file is compared.
 */
static int jmode_changes(struct jmode *jm)
{
	struct sysinfo si;
	if (jm->made && sysinfo(&si) == 0 && si.totalswap == 0 &&
	    jm->size > 2 * JOURNAL_PAGE) {
		int r = changes_in(jm, 0, 2 * JOURNAL_PAGE, -1);
		long p = r ? r
			   : dirty_present(jm->base + 2 * JOURNAL_PAGE,
					   jm->size - 2 * JOURNAL_PAGE,
					   mapped_changes, jm);
		if (p >= 0)
			return 0;
		jm->n = 0;
	}
	return image_changes(jm);
}

int jmode_start(PMEMfilepool *pfp, struct jmode *jm)
{
	jm->base = pfp->base;
	jm->n = 0;
	/* what libpmemobj changed at open, or a holder before did */
	int r = jmode_changes(jm);
	free(jm->copy_buf);
	jm->copy_buf = NULL;
	if (r == 0)
		r = journal_commit(jm->j, jm->n, jm->offs, jm->pages);
	if (r == 0)
		r = dirty_start(pfp->base, jm->size, &jm->dirty);
	if (r == -ENOTSUP)
		pf_set_errormsg("%s: its journal needs the kernel to track "
				"written pages (Linux 6.7 or later)",
				pfp->path ? pfp->path : "the pool");
	if (r)
		return r;
	int fd = open(jm->image, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 &&
	    (uint64_t)st.st_ino == jm->image_ino) {
		void *v = mmap(NULL, jm->size, PROT_READ, MAP_SHARED, fd, 0);
		jm->view = v == MAP_FAILED ? NULL : v;
	}
	if (fd >= 0)
		close(fd);
	spare_take(jm);
	jm->ahead_max = jm->size / JOURNAL_PAGE < JMODE_AHEAD_MAX
			    ? (size_t)(jm->size / JOURNAL_PAGE)
			    : JMODE_AHEAD_MAX;
	gate_use();
	pfp->jmode = jm;
	image_list(jm, true);
	jm->listed = true;
	return 0;
}

/* Under jm->lock, the gate closed: the pages of the pinned files. */
static int pinned_pages(struct jmode *jm)
{
	for (size_t i = 0; i < jm->npinned; ++i) {
		struct vinode *v = jm->pinned[i];
		for (size_t e = 0; e < v->next; ++e)
			for (uint64_t o = 0; o < v->ext[e].len;
			     o += JOURNAL_PAGE) {
				const char *p = v->ext[e].data + o;
				int r =
				    batch_add(jm, (uint64_t)(p - jm->base), p);
				if (r)
					return r;
			}
	}
	return 0;
}

/*
 * With a file pinned, the batch's pages are copies: the gate does not stop
 * stores through a map, and a commit's pages must not change while it is
 * written (its checksum is of what it read).
 */
static int batch_copy(struct jmode *jm)
{
	if (jm->npinned == 0)
		return 0;
	if (jm->n > jm->copies_cap) {
		char *c = realloc(jm->copies, jm->n * JOURNAL_PAGE);
		if (!c)
			return -ENOMEM;
		jm->copies = c;
		jm->copies_cap = jm->n;
	}
	for (size_t i = 0; i < jm->n; ++i) {
		char *to = jm->copies + i * JOURNAL_PAGE;
		memcpy(to, jm->pages[i], JOURNAL_PAGE);
		jm->pages[i] = to;
	}
	return 0;
}

static void zeros_leave_out(struct jmode *jm, size_t first);

/*
 * A sync point; the checkpoint it makes due is left to the keeper, else
 * made here unless for_close (jmode_close makes its own).
 */
static int sync_point(PMEMfilepool *pfp, bool for_close)
{
	struct jmode *jm = pfp->jmode;
	if (!jm)
		return 0;
	/*
	 * The gate first: a call inside may be about to note a pin, under
	 * jm->lock (jmode_pinned). A caller inside it (an O_SYNC write, the
	 * keeper's service of a client's sync) steps out meanwhile.
	 */
	unsigned depth = gate_step_out();
	gate_close();
	pthread_mutex_lock(&jm->lock);
	/* the journal's writer ahead between two of its writes */
	pthread_mutex_lock(&jm->alock);
	jm->n = 0;
	jm->nruns = 0;
	long r = dirty_collect(jm->dirty, note_run, jm);
	/* first the pages written ahead, in their order */
	const char *from = jm->view ? jm->view : jm->base;
	for (size_t i = 0; r >= 0 && i < jm->naoffs; i++)
		r = batch_add(jm, jm->aoffs[i], from + jm->aoffs[i]);
	size_t nahead =
	    journal_ahead_pages(jm->j) == jm->naoffs ? jm->naoffs : 0;
	/* the gate is closed: no write adds to the list meanwhile */
	pthread_mutex_lock(&jm->wlock);
	if (r >= 0)
		r = batch_from_runs(jm);
	jm->nwritten = 0;
	jm->listed_pages = 0;
	if (jm->unlisted)
		jm->all_dirty = true;
	jm->unlisted = false;
	pthread_mutex_unlock(&jm->wlock);
	if (r >= 0)
		r = pinned_pages(jm);
	/*
	 * Not with pinned files, whose pages stores through maps may change
	 * meanwhile, nor when every page goes in.
	 */
	zeros_leave_out(jm, r >= 0 && !jm->all_dirty && !jm->npinned
				? jm->naoffs
				: SIZE_MAX);
	if (r >= 0 && jm->all_dirty) {
		jm->n = 0;
		nahead = 0;
		for (uint64_t off = 0; off < jm->size && r >= 0;
		     off += JOURNAL_PAGE)
			r = batch_add(jm, off, jm->base + off);
	} else if (r >= 0) {
		r = place_batch(jm, jm->naoffs);
	}
	if (r >= 0)
		r = batch_copy(jm);
	uint64_t filler = nahead ? clean_page(jm) : UINT64_MAX;
	if (r >= 0)
		r = journal_commit_ahead(
		    jm->j, jm->n, jm->offs, jm->pages, nahead,
		    filler == UINT64_MAX ? 0 : filler,
		    filler == UINT64_MAX ? NULL : from + filler);
	jm->naoffs = 0;
	jm->ahead_off = false;
	/* the state committed, the gate still closed: its free chunks */
	if (r >= 0)
		spare_take(jm);
	jm->np = 0;
	jm->nplaced = 0;
	pthread_mutex_unlock(&jm->alock);
	jm->all_dirty = r < 0;
	gate_open();
	bool due = r >= 0 && journal_used(jm->j) > jm->checkpoint;
	pthread_mutex_unlock(&jm->lock);
	gate_step_in(depth);
	/*
	 * The journal goes into the pool file later, by the keeper (it reads
	 * the journal's copies: the pool's calls go on meanwhile), so that
	 * the sync point costs one write of its pages; here if no keeper.
	 */
	if (due && pfp->share && pfp->keeper_running) {
		atomic_store(&jm->checkpoint_due, 1);
		atomic_fetch_add(&pfp->share->keeper_word, 1);
		share_futex_wake(&pfp->share->keeper_word);
	} else if (due && !for_close) {
		jmode_checkpoint(pfp);
	}
	return r < 0 ? (int)r : 0;
}

int jmode_sync(PMEMfilepool *pfp)
{
	return sync_point(pfp, false);
}

bool jmode_copy(PMEMfilepool *pfp, char *dst, const void *src, size_t n)
{
	struct jmode *jm = pfp->jmode;
	if (!jm || n < JMODE_AHEAD_MIN)
		return false;
	uintptr_t d = (uintptr_t)dst, mask = JOURNAL_PAGE - 1;
	char *first = (char *)((d + mask) & ~mask);
	char *last = (char *)((d + n) & ~mask);
	const char *s = src;
	if (!written_room(jm))
		return false;
	atomic_fetch_add(&jm->wbegun, 1);
	bool done = direct_write(pfp, first, s + (first - dst),
				 (uint64_t)(last - first));
	/*
	 * Listed once written, even in part (inside the gate: no sync point
	 * comes between), so that the writer ahead never takes a page whose
	 * write is not over: one written again after it took it is listed
	 * again, and goes into the batch again, later.
	 */
	written_add(jm, (uint64_t)(first - jm->base),
		    (uint64_t)(last - jm->base));
	atomic_fetch_add(&jm->wended, 1);
	if (!done)
		return false;
	memcpy(dst, s, (size_t)(first - dst));
	memcpy(last, s + (last - dst), (size_t)(dst + n - last));
	ahead_wake(jm);
	return true;
}

/*
 * The thread that backs the image's pages ahead of the small extents
 * (direct_back_ahead), outside the gate: it changes no byte of the pool
 * (the pages were holes and stay zeros) and marks none written, so that a
 * sync point may come at any time.
 */
static void *back_main(void *arg)
{
	struct jmode *jm = arg;
	pthread_mutex_lock(&jm->block);
	for (;;) {
		while (!jm->bstop && !jm->blen)
			pthread_cond_wait(&jm->bcond, &jm->block);
		if (jm->bstop)
			break;
		uint64_t off = jm->boff, len = jm->blen;
		jm->blen = 0;
		pthread_mutex_unlock(&jm->block);
		direct_back_ahead(jm->pfp, off, len);
		pthread_mutex_lock(&jm->block);
	}
	pthread_mutex_unlock(&jm->block);
	return NULL;
}

void jmode_back_ahead(PMEMfilepool *pfp, uint64_t off, uint64_t len)
{
	struct jmode *jm = pfp->jmode;
	if (!jm || !len)
		return;
	pthread_mutex_lock(&jm->block);
	if (!jm->bthread_started && !jm->bstop) {
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		jm->bthread_started =
		    pthread_create(&jm->bthread, NULL, back_main, jm) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		/* no thread: the extents are backed where they are used */
		jm->bstop = !jm->bthread_started;
	}
	jm->pfp = pfp;
	jm->boff = off;
	jm->blen = len;
	pthread_cond_signal(&jm->bcond);
	pthread_mutex_unlock(&jm->block);
}

uint64_t jmode_zero_gen(PMEMfilepool *pfp)
{
	struct jmode *jm = pfp->jmode;
	if (!jm)
		return 0;
	pthread_mutex_lock(&jm->block);
	uint64_t g = jm->zgen;
	pthread_mutex_unlock(&jm->block);
	return g;
}

void jmode_zero_add(PMEMfilepool *pfp, uint64_t gen, uint64_t start,
		    uint64_t end)
{
	struct jmode *jm = pfp->jmode;
	if (!jm)
		return;
	pthread_mutex_lock(&jm->block);
	if (gen == jm->zgen && jm->nzeros == jm->zcap) {
		size_t cap = jm->zcap ? jm->zcap * 2 : 64;
		struct jmode_run *z = realloc(jm->zeros, cap * sizeof(*z));
		if (z) {
			jm->zeros = z;
			jm->zcap = cap;
		}
	}
	/* none if it cannot be listed: the pages go into the batch */
	if (gen == jm->zgen && jm->nzeros &&
	    jm->zeros[jm->nzeros - 1].end == start)
		jm->zeros[jm->nzeros - 1].end = end;
	else if (gen == jm->zgen && jm->nzeros < jm->zcap)
		jm->zeros[jm->nzeros++] = (struct jmode_run){start, end};
	pthread_mutex_unlock(&jm->block);
}

static bool page_is_zero(const void *p)
{
	const uint64_t *w = p;
	for (size_t i = 0; i < JOURNAL_PAGE / sizeof(*w); i++)
		if (w[i])
			return false;
	return true;
}

/*
 * Under jm->lock, the gate closed: the pages of the batch from first on
 * (none if it is past the batch) that were backed ahead as holes since
 * the last sync point and are still zeros left out: never written since the
 * image was made, they are zeros in the pool as the last sync point has it. The
 * list emptied for the next sync point.
 */
static void zeros_leave_out(struct jmode *jm, size_t first)
{
	pthread_mutex_lock(&jm->block);
	size_t nz = jm->nzeros;
	runs_merge(jm->zeros, &nz);
	size_t kept = first;
	for (size_t i = first; first < jm->n && i < jm->n; i++) {
		uint64_t off = jm->offs[i];
		/* the last range that starts at off or before */
		size_t lo = 0, hi = nz;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (jm->zeros[mid].start <= off)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0 && off < jm->zeros[lo - 1].end &&
		    page_is_zero(jm->pages[i]))
			continue;
		jm->offs[kept] = off;
		jm->pages[kept++] = jm->pages[i];
	}
	if (first < jm->n)
		jm->n = kept;
	jm->nzeros = 0;
	jm->zgen++;
	pthread_mutex_unlock(&jm->block);
}

void jmode_write_ahead(PMEMfilepool *pfp, const void *p, size_t len)
{
	struct jmode *jm = pfp->jmode;
	/*
	 * Inside the gate: no sync point collects between this and the copy.
	 * A failure leaves the faults to the copy, which counts as well.
	 */
	if (jm && len >= JMODE_AHEAD_MIN)
		(void)dirty_unprotect(jm->dirty, p, len);
}

/* Under wlock: whether a page of [start, end) is listed as written. */
static bool written_in(const struct jmode *jm, uint64_t start, uint64_t end)
{
	if (jm->unlisted)
		return true;
	for (size_t i = 0; i < jm->nwritten; i++)
		if (jm->written[i].start < end && jm->written[i].end > start)
			return true;
	return false;
}

/*
 * A checkpoint's journal_fill_fn while the pool is in use, under jm->lock
 * (no sync point meanwhile): the n pages from off copied from the image,
 * which saves reading them back from the disk, where they hold what their
 * last copies in the journal hold: where no page of them was written
 * since the last sync point, before the copy nor during it, and that sync
 * point succeeded (a failed one took pages it did not commit). A store
 * through the mapping marks its page written before it lands (looked at
 * again after the copy); a write through the descriptor is counted before
 * it begins and listed after (none may end meanwhile), and those the
 * writer ahead took off the list into the journal are not looked for
 * (there may be none; those it wrote in place are none of the journal's);
 * stores through shared maps of pinned files are not tracked (no file may
 * be pinned); libpmemobj writes the pool's first two pages through a
 * mapping of its own.
 */
static bool fill_from_image(void *arg, uint64_t off, size_t n, void *buf)
{
	struct jmode *jm = arg;
	size_t len = n * JOURNAL_PAGE;
	if (off < 2 * JOURNAL_PAGE || jm->all_dirty || jm->npinned ||
	    jm->naoffs || !jm->view)
		return false;
	uint64_t begun = atomic_load(&jm->wbegun);
	if (atomic_load(&jm->wended) != begun)
		return false;
	pthread_mutex_lock(&jm->wlock);
	bool listed = written_in(jm, off, off + len);
	pthread_mutex_unlock(&jm->wlock);
	if (listed || dirty_written_in(jm->dirty, jm->base + off, len) != 0)
		return false;
	/* mapped in one call, as journal_checkpoint_from does */
	(void)madvise(jm->view + off, len, MADV_POPULATE_READ);
	memcpy(buf, jm->view + off, len);
	if (dirty_written_in(jm->dirty, jm->base + off, len) != 0 ||
	    atomic_load(&jm->wbegun) != begun)
		return false;
	return true;
}

/*
 * Under jm->lock and jm->alock: the checkpoint, its pages written from the
 * image where from_image (close_checkpoint), else copied from it where
 * fill_from_image can, read from the journal where not.
 */
static void checkpoint_locked(struct jmode *jm, bool from_image)
{
	atomic_store(&jm->checkpoint_due, 0);
	/*
	 * The pool's first two pages, libpmemobj's header, it writes through
	 * a mapping of its own: they come from the journal all the same.
	 */
	if (from_image)
		(void)journal_checkpoint_from(
		    jm->j, jm->view ? jm->view : jm->base, 2 * JOURNAL_PAGE);
	else
		(void)journal_checkpoint_fill(jm->j, fill_from_image, jm);
	/* what was written ahead is no longer (the tail moved): listed */
	for (size_t i = 0; i < jm->naoffs; i++)
		written_add(jm, jm->aoffs[i], jm->aoffs[i] + JOURNAL_PAGE);
	jm->naoffs = 0;
	jm->ahead_off = false;
}

void jmode_checkpoint(PMEMfilepool *pfp)
{
	struct jmode *jm = pfp->jmode;
	if (!jm)
		return;
	pthread_mutex_lock(&jm->lock);
	pthread_mutex_lock(&jm->alock);
	checkpoint_locked(jm, false);
	pthread_mutex_unlock(&jm->alock);
	pthread_mutex_unlock(&jm->lock);
}

/*
 * The checkpoint of a close, after its sync point succeeded. With the gate
 * closed, if no page changed since that sync point (none written through
 * the mapping nor the descriptor, no file pinned by a shared map, whose
 * stores are not tracked), each page of the batches in force holds in the
 * image what its last copy in the journal holds: the pages are written
 * into the pool file from the image, instead of read back from the disk
 * (the big commits' pages went there by O_DIRECT; 1 GiB written then
 * closed: the close took 1.6-3 s, reading most of it). Else from the
 * journal.
 */
static void close_checkpoint(PMEMfilepool *pfp)
{
	struct jmode *jm = pfp->jmode;
	unsigned depth = gate_step_out();
	gate_close();
	pthread_mutex_lock(&jm->lock);
	pthread_mutex_lock(&jm->alock);
	pthread_mutex_lock(&jm->wlock);
	bool unchanged = !jm->all_dirty && !jm->unlisted && jm->nwritten == 0 &&
			 jm->naoffs == 0 && jm->nplaced == 0 &&
			 jm->npinned == 0;
	pthread_mutex_unlock(&jm->wlock);
	if (unchanged)
		unchanged = dirty_written(jm->dirty) == 0;
	checkpoint_locked(jm, unchanged);
	pthread_mutex_unlock(&jm->alock);
	pthread_mutex_unlock(&jm->lock);
	gate_open();
	gate_step_in(depth);
}

bool jmode_checkpoint_due(PMEMfilepool *pfp)
{
	return pfp->jmode && atomic_load(&pfp->jmode->checkpoint_due);
}

void jmode_left_clean(struct share_seg *seg)
{
	if (seg)
		atomic_store(&seg->image_clean, 1);
}

void jmode_close(PMEMfilepool *pfp, bool remove_image)
{
	struct jmode *jm = pfp->jmode;
	if (!jm)
		return;
	if (sync_point(pfp, true) == 0)
		close_checkpoint(pfp);
	else
		jmode_checkpoint(pfp);
	if (remove_image)
		unlink(jm->image);
	pfp->jmode = NULL;
	jmode_free(jm);
}

int jmode_own_fds(PMEMfilepool *pfp, int *fds, int n)
{
	struct jmode *jm = pfp->jmode;
	if (!jm)
		return 0;
	int own[] = {jm->pool_fd, jm->pool_dfd, -1, -1, -1, -1};
	journal_own_fds(jm->j, own + 2, 2);
	dirty_own_fds(jm->dirty, own + 4, 2);
	return k_fds_list(own, (int)(sizeof(own) / sizeof(own[0])), fds, n);
}

void jmode_stop_threads(PMEMfilepool *pfp)
{
	if (pfp->jmode)
		threads_stop(pfp->jmode);
}

int jmode_copied(PMEMfilepool *pfp)
{
	struct jmode *jm = pfp->jmode;
	if (!jm)
		return 0;
	dirty_forget(jm->dirty);
	jm->dirty = NULL;
	return dirty_start(pfp->base, jm->size, &jm->dirty);
}

void jmode_left_to_copy(PMEMfilepool *pfp)
{
	struct jmode *jm = pfp->jmode;
	if (!jm)
		return;
	pfp->jmode = NULL;
	jmode_free(jm);
}

void jmode_forked(PMEMfilepool *pfp)
{
	struct jmode *jm = pfp->jmode;
	if (!jm)
		return;
	if (jm->listed)
		image_list(jm, false);
	/* the shim keeps the program from closing it; the library may */
	k_close(jm->pool_fd);
	jm->pool_fd = -1;
	if (jm->pool_dfd >= 0)
		close(jm->pool_dfd);
	jm->pool_dfd = -1;
	pfp->jmode = NULL;
}

void jmode_pinned(PMEMfilepool *pfp, struct vinode *v, bool pinned)
{
	struct jmode *jm = pfp->jmode;
	if (!jm)
		return;
	pthread_mutex_lock(&jm->lock);
	if (pinned) {
		if (jm->npinned == jm->pcap) {
			size_t cap = jm->pcap ? jm->pcap * 2 : 8;
			struct vinode **p =
			    realloc(jm->pinned, cap * sizeof(*p));
			if (p) {
				jm->pinned = p;
				jm->pcap = cap;
			}
		}
		if (jm->npinned < jm->pcap)
			jm->pinned[jm->npinned++] = v;
	} else {
		for (size_t i = 0; i < jm->npinned; ++i)
			if (jm->pinned[i] == v) {
				jm->pinned[i] = jm->pinned[--jm->npinned];
				break;
			}
	}
	pthread_mutex_unlock(&jm->lock);
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * direct.c -- big reads of pool pages this process has not mapped yet.
 *
 * The pool is mapped anew by every process, and the first touch of each
 * 4 KiB page of the mapping costs a fault that fills its page table entry
 * (fault-around: 16 pages a fault on a read). For a big read of data this
 * process never touched, that costs as much as the copy itself (dd of a
 * 1 GiB file in a fresh process: half of its time in page faults). The
 * kernel's read of the pool file copies the same pages without mapping
 * them. So the first big read of each 64 KiB chunk of the pool goes
 * through a descriptor of the pool file; a later one copies from the
 * mapping, which is faster once mapped. Chunks of 4 MiB regions populated
 * for writes (extent.c) are mapped already and never read so.
 *
 * The descriptor is the process's like any other: the program may close
 * it, and its number may come back for another file. Each use checks that
 * it still names the pool file (fstat) and falls back to the mapping if
 * not, as on any error.
 *
 * Writes have the opposite problem: a write fault maps one page, and costs
 * more than a read fault that maps sixteen (fault-around; on shmem the
 * read-faulted entries of a shared writable mapping are writable). So the
 * first write into each 64 KiB chunk of the pool reads one byte of it
 * first. fio 4 KiB random writes in a 1 GiB file of a fresh process:
 * 267,790 page faults and 16 % of the time in the kernel before.
 *
 * pfp->direct_read holds both facts, a byte per chunk: CHUNK_READ once
 * read through the descriptor, CHUNK_MAPPED once mapped for a write.
 * Either one sends later reads to the mapping. It also holds
 * CHUNK_BACKED, below.
 *
 * A pool file is sparse (mkfs leaves its pages to be allocated as the
 * pool uses them), and a page that is still a hole costs more on its first
 * write: a page fault that allocates, zeroes and maps it, one page at a
 * time. So each new extent of a pool in memory is backed before it is
 * used (direct_back): for a big one, one fallocate of the pool file
 * allocates its pages, and where it had holes one
 * madvise(MADV_POPULATE_WRITE) zeroes and maps them, instead of a fault
 * for each; a small one gets the madvise alone, over the 64 KiB chunks
 * around it, which are then marked CHUNK_BACKED so that the next small
 * extents there need no call (the library never punches the pool file:
 * a page that exists stays). Either finds out, while
 * the write can still fail cleanly with ENOSPC, that the file system has
 * no room for the extent: a page written later with no space behind it
 * would kill the process with SIGBUS. The descriptor is opened for
 * writing to that end where the pool file's mode allows (reading only
 * otherwise: then the madvise alone backs the extent, its EFAULT telling
 * of a full file system).
 *
 * In journal mode the pool is an image on /dev/shm whose mapping is write
 * protected for the tracking of written pages (dirty.c): there a big
 * extent is only allocated by the fallocate (CHUNK_ALLOCATED), and a big
 * write puts its whole pages in through the image's descriptor
 * (direct_write), a copy into pages the kernel neither clears first nor
 * maps; a smaller write maps the 64 KiB chunks it reaches, each in one
 * madvise (direct_map_for_write). 1 GiB in 1 MiB writes took 0.71 s
 * before, 0.40 s so (the fallocate is half of it).
 *
 * Small extents there are placed one after another (the allocator fills
 * a run of each size), and backing their chunks (allocating, clearing and
 * mapping each page) was some 40 % of a created file's time. So a thread
 * (jmode_back_ahead) backs the next 512 KiB ahead of the chunk they
 * reached (direct_back_ahead): fallocate and MADV_POPULATE_WRITE of the
 * holes there, so that the writes into them take no fault. The pages
 * count as written then; the next sync point leaves out those still
 * zeros (jmode_zero_add), which it may: a hole since the last sync point
 * was never written, so it is zeros in the pool as that one has it. The
 * first use of each fourth chunk backed so asks for the next ones
 * (CHUNK_AHEAD). Mapped for reading instead (MADV_POPULATE_READ, write
 * protection kept), each write into them took a fault of 1.2 us. The
 * thread backs a chunk at a time, and a chunk is backed by one thread at
 * a time (CHUNK_CLAIMED): a write that reaches the chunk the thread is
 * backing backs its own pages only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "direct.h"
#include "jmode.h"
#include "kcall.h"

#define DIRECT_CHUNK (64ULL << 10)
#define POPULATE_REGION (4ULL << 20)
#define CHUNK_READ 1
#define CHUNK_MAPPED 2
#define CHUNK_BACKED 4 /* every page exists in the pool file */
/* allocated by fallocate for a journal mode's image, not mapped (below) */
#define CHUNK_ALLOCATED 8
/* backed ahead of its use in journal mode, and not used yet (below) */
#define CHUNK_AHEAD 16
/* being backed by one thread, which the others wait for (chunk_claim) */
#define CHUNK_CLAIMED 32

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

/*
 * In journal mode, how far past a chunk of small extents that comes into
 * use the chunks are backed ahead (direct_back_ahead).
 */
#define BACK_AHEAD (512ULL << 10)
/* the chunks used before the next ones are asked for */
#define BACK_AHEAD_STEP 4

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/*
 * Extents from this size on are allocated by fallocate and mapped by
 * direct_back where their pages were holes; smaller ones are only mapped.
 */
#define BACK_POPULATE_MIN (64ULL << 10)

/* direct_has_hole asks mincore about this much at a time */
#define BACK_MINCORE_MAX (4ULL << 20)

/* Set once MADV_POPULATE_WRITE was refused (a kernel before 5.14). */
static atomic_bool populate_write_missing;

static int direct_populate(char *p, uint64_t len, bool allocated);

__thread bool direct_for_other __attribute__((tls_model("initial-exec")));
__thread bool direct_unbacked __attribute__((tls_model("initial-exec")));

/* A descriptor of path numbered high (k_fd_high), -1 if none. */
int direct_open(const char *path, bool *writable)
{
	int from = k_fd_high_from();
	if (from == 0)
		return -1;
	int fd = k_open(path, O_RDWR | O_CLOEXEC, 0);
	*writable = fd >= 0;
	if (fd < 0)
		fd = k_open(path, O_RDONLY | O_CLOEXEC, 0);
	int high = k_fd_high_at(fd, from);
	if (high >= 0 && high < from) {
		close(high); /* the low numbers stay the program's */
		return -1;
	}
	return high;
}

void direct_init(PMEMfilepool *pfp, const char *path)
{
	pfp->direct_fd = -1;
	pfp->direct_read = calloc(pfp->pool_size / DIRECT_CHUNK + 1,
				  sizeof(*pfp->direct_read));
	if (!pfp->direct_read)
		return;
	bool writable;
	int fd = direct_open(path, &writable);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < pfp->pool_size) {
		close(fd);
		return;
	}
	pfp->direct_dev = st.st_dev;
	pfp->direct_ino = st.st_ino;
	pfp->direct_checked = 0;
	pfp->direct_fd = fd;
	pfp->direct_writable = writable;
}

void direct_fini(PMEMfilepool *pfp)
{
	/* unless the program put a file of its own at the number (dup2) */
	if (fd_is(pfp->direct_fd, pfp->direct_dev, pfp->direct_ino))
		close(pfp->direct_fd);
	pfp->direct_fd = -1;
	free((void *)pfp->direct_read);
	pfp->direct_read = NULL;
}

static bool direct_fd_valid(PMEMfilepool *pfp)
{
	return fd_is_kept(pfp->direct_fd, pfp->direct_dev, pfp->direct_ino,
			  &pfp->direct_checked);
}

/* Whether any byte of [off, off + n) lies in a region populated ahead. */
static bool direct_populated(PMEMfilepool *pfp, uint64_t off, uint64_t n)
{
	if (!pfp->populated)
		return false;
	for (uint64_t r = off / POPULATE_REGION;
	     r <= (off + n - 1) / POPULATE_REGION; r++) {
		if (atomic_load_explicit(&pfp->populated[r],
					 memory_order_relaxed))
			return true;
	}
	return false;
}

bool direct_read(PMEMfilepool *pfp, void *dst, const char *src, uint64_t n)
{
	if (pfp->direct_fd < 0 || n < DIRECT_READ_MIN)
		return false;
	uint64_t off = pf_off(pfp, src);
	/* only the chunks inside the read: its ends may share theirs with
	 * the reads before and after it */
	uint64_t first = (off + DIRECT_CHUNK - 1) / DIRECT_CHUNK;
	uint64_t last = (off + n) / DIRECT_CHUNK; /* past the end */
	for (uint64_t c = first; c < last; c++) {
		if (atomic_load_explicit(&pfp->direct_read[c],
					 memory_order_relaxed))
			return false;
	}
	if (direct_populated(pfp, off, n) || !direct_fd_valid(pfp))
		return false;
	char *d = dst;
	uint64_t done = 0;
	while (done < n) {
		ssize_t r = pread(pfp->direct_fd, d + done, n - done,
				  (off_t)(off + done));
		if (r <= 0)
			return false;
		done += (uint64_t)r;
	}
	for (uint64_t c = first; c < last; c++)
		atomic_fetch_or_explicit(&pfp->direct_read[c], CHUNK_READ,
					 memory_order_relaxed);
	return true;
}

void direct_map_for_write(PMEMfilepool *pfp, const char *dst, uint64_t n)
{
	if (!pfp->direct_read || n == 0)
		return;
	uint64_t off = pf_off(pfp, dst);
	for (uint64_t c = off / DIRECT_CHUNK; c <= (off + n - 1) / DIRECT_CHUNK;
	     c++) {
		uint8_t flags = atomic_load_explicit(&pfp->direct_read[c],
						     memory_order_relaxed);
		if (flags & CHUNK_MAPPED)
			continue;
		/*
		 * A chunk of a journal mode's image that fallocate allocated:
		 * all its pages mapped in one call, as direct_back does
		 * elsewhere (a read fault there maps one page: no fault-around
		 * under the write protection).
		 */
		if ((flags & CHUNK_ALLOCATED) &&
		    direct_populate(pfp->base + c * DIRECT_CHUNK, DIRECT_CHUNK,
				    true) == 1) {
			atomic_fetch_or_explicit(&pfp->direct_read[c],
						 CHUNK_MAPPED,
						 memory_order_relaxed);
			continue;
		}
		/* the page written first, so that it is among those mapped */
		uint64_t at = c * DIRECT_CHUNK < off ? off : c * DIRECT_CHUNK;
		(void)*(const volatile char *)(pfp->base + at);
		atomic_fetch_or_explicit(&pfp->direct_read[c], CHUNK_MAPPED,
					 memory_order_relaxed);
	}
}

/*
 * Whether the pages of [p, p + len) in the pool have a hole among them:
 * mincore tells of the pool file's pages, mapped or not, on shmem (the
 * pool's pages in memory); true where that cannot be told. (lseek's
 * SEEK_HOLE would scan the file from there to the first hole: to the end
 * of a pool allocated whole.)
 */
static bool direct_has_hole(const char *p, uint64_t len)
{
	unsigned char vec[BACK_MINCORE_MAX / 4096];
	for (uint64_t done = 0; done < len; done += BACK_MINCORE_MAX) {
		uint64_t n = len - done < BACK_MINCORE_MAX ? len - done
							   : BACK_MINCORE_MAX;
		if (mincore((void *)(p + done), n, vec))
			return true;
		for (uint64_t i = 0; i < n / 4096; i++)
			if (!(vec[i] & 1))
				return true;
	}
	return false;
}

/*
 * MADV_POPULATE_WRITE over [p, p + len): 1 once done, 0 if it cannot be
 * done, -ENOSPC where a page could not be had and fallocate did not
 * already tell.
 */
static int direct_populate(char *p, uint64_t len, bool allocated)
{
	if (madvise(p, len, MADV_POPULATE_WRITE) == 0)
		return 1;
	/* a fault that had to SIGBUS: shmem's is a file system full */
	if (errno == EFAULT && !allocated)
		return -ENOSPC;
	if (errno == EINVAL)
		atomic_store(&populate_write_missing, true);
	return 0;
}

/* Sets flags on the 64 KiB chunks wholly inside [off, off + len). */
static void chunks_mark(PMEMfilepool *pfp, uint64_t off, uint64_t len,
			uint8_t flags)
{
	for (uint64_t c = (off + DIRECT_CHUNK - 1) / DIRECT_CHUNK;
	     (c + 1) * DIRECT_CHUNK <= off + len; c++)
		atomic_fetch_or_explicit(&pfp->direct_read[c], flags,
					 memory_order_relaxed);
}

/*
 * Chunk c claimed for backing by this thread: true if it is to back it
 * (it was neither backed nor claimed), false if it is backed or another
 * thread backs it. A chunk is backed by one thread at a time: the main
 * thread and the one that backs ahead (direct_back_ahead) each doing it
 * made many pages of created files cost twice (and the two fallocates
 * of the image wait on its lock).
 */
static bool chunk_claim(PMEMfilepool *pfp, uint64_t c)
{
	uint8_t old = atomic_fetch_or_explicit(
	    &pfp->direct_read[c], CHUNK_CLAIMED, memory_order_acquire);
	if (!(old & (CHUNK_CLAIMED | CHUNK_BACKED)))
		return true;
	if (!(old & CHUNK_CLAIMED))
		atomic_fetch_and_explicit(&pfp->direct_read[c],
					  (uint8_t)~CHUNK_CLAIMED,
					  memory_order_relaxed);
	return false;
}

/* The claim of chunk c given up, flags set first. */
static void chunk_release(PMEMfilepool *pfp, uint64_t c, uint8_t flags)
{
	atomic_fetch_or_explicit(&pfp->direct_read[c], flags,
				 memory_order_relaxed);
	atomic_fetch_and_explicit(&pfp->direct_read[c], (uint8_t)~CHUNK_CLAIMED,
				  memory_order_release);
}

/*
 * The pages [from, to) of the pool, under the small extent [p, p + len),
 * made present and mapped (fallocate first in journal mode: the madvise
 * then only clears and maps them, where allocating them in its faults
 * costs more under the write protection, dirty.c). As direct_populate
 * returns, and 2 where only the extent's pages could be had.
 */
static int range_back_small(PMEMfilepool *pfp, uint64_t from, uint64_t to,
			    char *p, uint64_t len)
{
	bool allocated =
	    pfp->jmode && pfp->direct_fd >= 0 && pfp->direct_writable &&
	    direct_fd_valid(pfp) &&
	    fallocate(pfp->direct_fd, 0, (off_t)from, (off_t)(to - from)) == 0;
	int r = direct_populate(pfp->base + from, to - from, allocated);
	if (r == -ENOSPC) { /* the pages missing may be others */
		char *lo = p > pfp->base + from ? p : pfp->base + from;
		char *hi = p + len < pfp->base + to ? p + len : pfp->base + to;
		r = direct_populate(lo, (uint64_t)(hi - lo), false);
		return r == 1 ? 2 : r;
	}
	if (r == 1 && allocated)
		jmode_back_ahead(pfp, to, BACK_AHEAD);
	return r;
}

/*
 * A small extent: each 64 KiB chunk under it is made present and mapped
 * by one madvise, once per process, so that the small extents packed
 * beside it there (the allocator keeps each size together) need no call:
 * a call for each costs more than the faults it saves when the pages are
 * mapped already. In a chunk that another thread is backing (the one that
 * backs ahead, behind on a busy machine), the extent's own pages alone:
 * waiting for that thread cost more.
 */
static int direct_back_small(PMEMfilepool *pfp, char *p, uint64_t len)
{
	uint64_t off = pf_off(pfp, p);
	uint64_t end = pfp->pool_size & ~4095ULL;
	int ret = 0;
	for (uint64_t c = off / DIRECT_CHUNK; c * DIRECT_CHUNK < off + len;
	     c++) {
		uint8_t flags = atomic_load_explicit(&pfp->direct_read[c],
						     memory_order_acquire);
		if (!(flags & CHUNK_BACKED)) {
			uint64_t from = c * DIRECT_CHUNK;
			uint64_t to = from + DIRECT_CHUNK < end
					  ? from + DIRECT_CHUNK
					  : end;
			bool own = chunk_claim(pfp, c);
			if (!own) {
				from = from > off ? from : off & ~4095ULL;
				to = to < off + len
					 ? to
					 : (off + len + 4095) & ~4095ULL;
			}
			int r = range_back_small(pfp, from, to, p, len);
			if (own)
				chunk_release(pfp, c,
					      r == 1 && to == (c + 1) *
								  DIRECT_CHUNK
						  ? CHUNK_BACKED | CHUNK_MAPPED
						  : 0);
			if (r < 0)
				return r;
			if (r > 0)
				ret = 1;
			continue;
		}
		/* the first use of a chunk backed ahead: the next ones */
		if ((flags & CHUNK_AHEAD) &&
		    (atomic_fetch_and_explicit(&pfp->direct_read[c],
					       (uint8_t)~CHUNK_AHEAD,
					       memory_order_relaxed) &
		     CHUNK_AHEAD))
			jmode_back_ahead(pfp, (c + 1) * DIRECT_CHUNK,
					 BACK_AHEAD);
	}
	return ret;
}

/*
 * The first page with data at or past pos in the image (UINT64_MAX: none)
 * into *data; false if it cannot be told.
 */
static bool data_from(PMEMfilepool *pfp, uint64_t pos, uint64_t *data)
{
	off_t d = lseek(pfp->direct_fd, (off_t)pos, SEEK_DATA);
	if (d < 0 && errno != ENXIO)
		return false;
	*data = d < 0 ? UINT64_MAX : (uint64_t)d;
	return true;
}

/*
 * The holes of [from, to) in the image allocated and mapped (as a write
 * would map them: the writes into them take no fault), its pages with
 * data left as they are; *data is the first page with data at or past
 * some position not after from (data_from), kept for the next call. The
 * holes count as written then, and the next sync point leaves out those
 * still zeros (jmode_zero_add): a hole since the last sync point was
 * never written, so it is zeros in the pool as that one has it (gen,
 * taken before the first lseek, tells whether one came since). A page
 * with data is never made writable here: the sync point would take it
 * for a hole's if it held zeros written since the last one.
 */
static bool holes_back(PMEMfilepool *pfp, uint64_t gen, uint64_t from,
		       uint64_t to, uint64_t *data)
{
	uint64_t pos = from;
	while (pos < to) {
		if (*data < pos && !data_from(pfp, pos, data))
			return false;
		if (*data > pos) {
			uint64_t end = *data < to ? *data : to;
			if (fallocate(pfp->direct_fd, 0, (off_t)pos,
				      (off_t)(end - pos)) ||
			    madvise(pfp->base + pos, end - pos,
				    MADV_POPULATE_WRITE))
				return false;
			jmode_zero_add(pfp, gen, pos, end);
			pos = end;
			continue;
		}
		/* past the pages with data from pos */
		off_t h = lseek(pfp->direct_fd, (off_t)pos, SEEK_HOLE);
		if (h <= (off_t)pos)
			return false;
		pos = (uint64_t)h;
	}
	return true;
}

void direct_back_ahead(PMEMfilepool *pfp, uint64_t off, uint64_t len)
{
	uint64_t end = pfp->pool_size & ~(DIRECT_CHUNK - 1);
	if (off >= end || !pfp->direct_read)
		return;
	if (len > end - off)
		len = end - off;
	/* from the first chunk not backed yet */
	while (len &&
	       (atomic_load_explicit(&pfp->direct_read[off / DIRECT_CHUNK],
				     memory_order_relaxed) &
		CHUNK_BACKED)) {
		off += DIRECT_CHUNK;
		len -= DIRECT_CHUNK;
	}
	if (!len || pfp->direct_fd < 0 || !pfp->direct_writable ||
	    !direct_fd_valid(pfp))
		return;
	/*
	 * Only the holes, past the pages with data among them: the heap's
	 * allocator writes the header of each run of small extents in the
	 * chunk where the run starts, and stopping there left a chunk in
	 * four to the writes (a fallocate and a madvise of their own, the
	 * two threads then waiting on the image's lock).
	 */
	uint64_t gen = jmode_zero_gen(pfp);
	uint64_t data;
	if (!data_from(pfp, off, &data))
		return;
	/*
	 * A chunk at a time, so that a write that reaches one waits for that
	 * one only (direct_back_small); one another thread claimed is its.
	 */
	for (uint64_t c = off / DIRECT_CHUNK; c < (off + len) / DIRECT_CHUNK;
	     c++) {
		if (!chunk_claim(pfp, c))
			continue;
		bool done = holes_back(pfp, gen, c * DIRECT_CHUNK,
				       (c + 1) * DIRECT_CHUNK, &data);
		/* a wake-up of the thread for each BACK_AHEAD_STEP chunks
		 * used */
		uint8_t mark = CHUNK_BACKED | CHUNK_MAPPED |
			       (c % BACK_AHEAD_STEP ? 0 : CHUNK_AHEAD);
		chunk_release(pfp, c, done ? mark : 0);
		if (!done)
			return;
	}
}

int direct_back(PMEMfilepool *pfp, char *p, uint64_t len)
{
	if (!pfp->populated || !pfp->direct_read || len == 0 || direct_unbacked)
		return 0;
	bool populate = !atomic_load_explicit(&populate_write_missing,
					      memory_order_relaxed);
	if (len < BACK_POPULATE_MIN && populate)
		return direct_back_small(pfp, p, len);
	uint64_t off = pf_off(pfp, p);
	/* pages that exist map sixteen at a time by read faults (extent.c),
	 * faster than by the madvise, and have their space */
	if (!direct_has_hole(p, len)) {
		chunks_mark(pfp, off, len, CHUNK_BACKED);
		return 0;
	}
	bool allocated = false;
	if (pfp->direct_fd >= 0 && pfp->direct_writable &&
	    direct_fd_valid(pfp)) {
		if (fallocate(pfp->direct_fd, 0, (off_t)off, (off_t)len) == 0)
			allocated = true;
		else if (errno == ENOSPC)
			return -ENOSPC;
	}
	/*
	 * In journal mode the image's pages are mapped by the writes that
	 * need them (direct_map_for_write), or never: a big write puts its
	 * bytes in through the descriptor (direct_write), which copies them
	 * into the allocated pages without clearing them first nor mapping
	 * them. Mapped here, a GiB of them cost 0.46 s here, zeroed, write
	 * protection removed and all.
	 */
	if (allocated && pfp->jmode) {
		chunks_mark(pfp, off, len, CHUNK_BACKED | CHUNK_ALLOCATED);
		return 1;
	}
	if (allocated && direct_for_other) {
		chunks_mark(pfp, off, len, CHUNK_BACKED);
		return 0;
	}
	int r = populate ? direct_populate(p, len, allocated) : 0;
	if (r == 1)
		chunks_mark(pfp, off, len, CHUNK_BACKED | CHUNK_MAPPED);
	else if (allocated)
		chunks_mark(pfp, off, len, CHUNK_BACKED);
	return r;
}

/*
 * What the file system under the pool must have free for storage to be
 * left to another process's writes (direct_unbacked): those writes may
 * take every page left, and libpmemobj's own pages of a sparse pool (its
 * logs, its heap's headers) are made as it first writes them, where a
 * file system that is full kills the holder with SIGBUS. Storage backed
 * here instead fails with ENOSPC before the last pages go (fallocate
 * gives back what it took when it fails).
 */
#define UNBACKED_ROOM (64ULL << 20)

bool direct_room_for_other(PMEMfilepool *pfp)
{
	struct statfs sf;
	return pfp->populated && pfp->direct_fd >= 0 && direct_fd_valid(pfp) &&
	       fstatfs(pfp->direct_fd, &sf) == 0 &&
	       (uint64_t)sf.f_bavail * (uint64_t)sf.f_bsize >= UNBACKED_ROOM;
}

size_t direct_pwrite_all(int fd, const void *src, size_t n, uint64_t off)
{
	const char *s = src;
	size_t done = 0;
	while (done < n) {
		ssize_t r = pwrite(fd, s + done, n - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = ENOSPC;
			break;
		}
		done += (size_t)r;
	}
	return done;
}

bool direct_write(PMEMfilepool *pfp, char *dst, const void *src, uint64_t n)
{
	uint64_t off = pf_off(pfp, dst);
	return pfp->direct_fd >= 0 && pfp->direct_writable &&
	       direct_fd_valid(pfp) && k_fsize_allows(off + n) &&
	       direct_pwrite_all(pfp->direct_fd, src, n, off) == n;
}

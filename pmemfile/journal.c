// SPDX-License-Identifier: BSD-3-Clause
/*
 * journal.c -- the page journal of a pool on an ordinary file.
 *
 * The journal file (struct journal_slot and struct journal_batch in
 * journal.h):
 *
 *   0                  slot 0 of the header (512 bytes)
 *   512                slot 1 of the header
 *   JOURNAL_HEADER     the batches of the generation in force, back to
 *                      back, each a whole number of 4 KiB blocks:
 *                        head block(s): magic, generation, sequence number,
 *                                       its own offset, npages, CRC32C,
 *                                       then the npages pool offsets
 *                        npages pages of 4 KiB
 *   ...                what batches of earlier generations left, or a
 *                      torn batch: never taken for a batch in force, as
 *                      its generation, sequence number, offset or CRC32C
 *                      does not fit.
 *
 * A batch's CRC32C covers its head blocks (with the crc field 0) and its
 * pages, and starts from the CRC32C of the pool's id and size, so that a
 * batch of another pool does not pass either. It is the batch's commit
 * record: a batch is written with one pwritev and made durable with one
 * fdatasync, and a disk may persist its blocks in any order, torn, or not
 * at all till that fdatasync returns; the CRC32C tells a whole batch from
 * any mix of it and what was there before.
 *
 * The header slot in force (the valid one with the higher start_seq) names
 * the generation in force: start_seq is its number and the sequence number
 * of its first batch, at JOURNAL_HEADER; every batch of an earlier
 * generation is in the pool file. The batches in force are those found
 * from JOURNAL_HEADER on with that generation and sequence numbers
 * start_seq, start_seq + 1, ..., each where the one before ends, up to the
 * first that is missing, short or whose CRC32C fails.
 *
 * Order of the writes (each step durable before the next starts):
 *   commit:     the batch, where the batches in force end; fdatasync.
 *   checkpoint: every page's last copy written in place in the pool file;
 *               fdatasync of the pool file; then the other header slot,
 *               start_seq = the next batch's sequence number (a new
 *               generation); fdatasync of the journal. The next batch
 *               starts at JOURNAL_HEADER.
 * A cut before the slot is durable leaves the batches in force, which the
 * next recovery writes in place again: the pool file then holds the same.
 * The slot must not be written before the pool file is durable, nor a
 * batch of the new generation before the slot. Generations only grow: a
 * recovery that found no batch in force but something after them (a torn
 * batch, what a damaged batch hid) starts a new one all the same, so that
 * no batch written before can follow the new ones in force.
 *
 * Written ahead: the pages of the next commit may be written before it
 * (journal_ahead_write) past where it starts, after room for its head;
 * only its head, written after them, puts them in force. Where the head
 * takes less than that room, a filler batch takes the rest before it, so
 * that the batches stay back to back: copies of one page as the batches
 * in force and the pool file have it, so that in force alone (a cut
 * before the commit's own batch is whole) it changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kcall.h"
#include "crc32c.h"
#include "journal.h"

/*
 * error.c: the message of pmemfile_errormsg(). internal.h declares it too,
 * but brings libpmemobj's headers, which the journal does not use.
 */
void pf_set_errormsg(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* The pages copied at a time at a checkpoint and checked at open. */
#define JOURNAL_RUN 256
/* pages a checkpoint from an image writes at a time, at most: 4 MiB */
#define JOURNAL_IMAGE_RUN 1024

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

/* A page in force: where it goes in the pool, where its copy is. */
struct journal_entry {
	uint64_t pool_off;
	uint64_t jpos;
};

struct journal {
	int fd;
	int dfd; /* the journal opened with O_DIRECT, or -1 */
	int pool_fd;
	uint64_t pool_size;
	uint8_t pool_id[16];
	const struct journal_io *io;
	uint32_t seed;	    /* the CRC32C of the pool's id and size */
	int slot;	    /* the header slot in force */
	uint64_t start_seq; /* of the batch at JOURNAL_HEADER */
	uint64_t next_seq;  /* of the next batch committed */
	uint64_t tail;	    /* where the next batch starts */
	/*
	 * every page of the batches in force, in the order of the file (after
	 * an apply that failed: sorted by pool offset, last copies only)
	 */
	struct journal_entry *entries;
	size_t nentries;
	size_t capacity;
	/*
	 * A bit a pool page: set where a batch in force (or one an apply
	 * failed to write in) holds a copy of the page, cleared once they
	 * are all in the pool file; NULL where it could not be allocated
	 * (then every page counts as held: journal_holds).
	 */
	uint64_t *held;
	/*
	 * open found batches in force or something after them: the next
	 * apply starts a new generation, and no commit may come before it
	 */
	bool unrecovered;
	unsigned char *run; /* JOURNAL_RUN pages */
	/*
	 * Pages written ahead of the next commit (journal_ahead_write), in
	 * force with it only: from ahead_at, ahead_n of them, their CRC32C
	 * from 0 in ahead_crc; ahead_at leaves room before them for a head
	 * of ahead_max pages. Valid while the tail, the generation and the
	 * sequence number are those it was begun at.
	 */
	bool ahead, ahead_failed;
	uint64_t ahead_tail, ahead_gen, ahead_seq, ahead_at;
	size_t ahead_max, ahead_n;
	uint32_t ahead_crc;
};

static const struct journal_io system_io = {
    .pwritev = pwritev,
    .pread = pread,
    .fdatasync = fdatasync,
};

/*
 * A big batch (JOURNAL_DIRECT_MIN pages or more) is written by O_DIRECT
 * where the file system takes it: from the pool's pages to the disk,
 * without a copy into the page cache first (for 1 GiB, a third of the
 * commit here). Buffered where it refuses (EINVAL: tmpfs of older
 * kernels, some file systems), where a buffer is not whole pages, and
 * through a journal_io of the caller's own (the tests that record and cut
 * the writes). A smaller batch is written buffered: its copy costs little,
 * and the checkpoint finds its pages in the page cache instead of reading
 * them from the disk (50 batches of 1 page: 2 ms against 4 here). The
 * fdatasync that follows makes either durable; the reads see either (a
 * direct write drops the cached pages it covers).
 */
#define JOURNAL_DIRECT_MIN 1024 /* pages: 4 MiB */

static bool iov_direct(const struct iovec *iov, size_t cnt)
{
	for (size_t i = 0; i < cnt; i++)
		if (((uintptr_t)iov[i].iov_base | iov[i].iov_len) %
		    JOURNAL_PAGE)
			return false;
	return true;
}

/* Writes the cnt buffers of iov (changed) at off, whole; 0 or -errno. */
static int write_all(struct journal *j, int fd, struct iovec *iov, size_t cnt,
		     uint64_t off)
{
	while (cnt > 0) {
		int n = cnt > IOV_MAX ? IOV_MAX : (int)cnt;
		ssize_t r = j->io->pwritev(fd, iov, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		off += (uint64_t)r;
		size_t done = (size_t)r;
		while (cnt > 0 && done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
	return 0;
}

/* Reads len bytes at off, fewer at the end of the file; the count or -errno. */
static ssize_t read_full(struct journal *j, int fd, void *buf, size_t len,
			 uint64_t off)
{
	size_t done = 0;
	while (done < len) {
		ssize_t r = j->io->pread(fd, (char *)buf + done, len - done,
					 (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

static int sync_file(struct journal *j, int fd)
{
	return j->io->fdatasync(fd) ? -errno : 0;
}

/* The bytes of a batch's head blocks: its head and offsets, whole blocks. */
static uint64_t head_len(uint64_t npages)
{
	uint64_t len = sizeof(struct journal_batch) + npages * sizeof(uint64_t);
	return (len + JOURNAL_PAGE - 1) / JOURNAL_PAGE * JOURNAL_PAGE;
}

static bool page_offset_valid(const struct journal *j, uint64_t off)
{
	return off % JOURNAL_PAGE == 0 && off < j->pool_size;
}

/* Makes room for n more entries, so that a commit made durable fits. */
static int entries_reserve(struct journal *j, size_t n)
{
	if (j->capacity - j->nentries >= n)
		return 0;
	size_t cap = j->capacity ? j->capacity : 64;
	while (cap - j->nentries < n)
		cap *= 2;
	struct journal_entry *e = realloc(j->entries, cap * sizeof(*e));
	if (!e)
		return -ENOMEM;
	j->entries = e;
	j->capacity = cap;
	return 0;
}

static uint32_t slot_crc(const struct journal_slot *s)
{
	return crc32c(0, s, offsetof(struct journal_slot, crc));
}

static bool slot_valid(const struct journal_slot *s)
{
	return memcmp(s->magic, JOURNAL_MAGIC, sizeof(s->magic)) == 0 &&
	       s->crc == slot_crc(s);
}

/*
 * Writes header slot i with start_seq, followed by zeros up to len bytes
 * (JOURNAL_SLOT_SIZE, or the whole header for a new journal), and makes it
 * durable.
 */
static int slot_write(struct journal *j, int i, uint64_t start_seq, size_t len)
{
	union {
		struct journal_slot s;
		unsigned char bytes[JOURNAL_HEADER];
	} u;
	memset(&u, 0, sizeof(u));
	memcpy(u.s.magic, JOURNAL_MAGIC, sizeof(u.s.magic));
	u.s.version = JOURNAL_VERSION;
	u.s.page_size = JOURNAL_PAGE;
	u.s.pool_size = j->pool_size;
	memcpy(u.s.pool_id, j->pool_id, sizeof(u.s.pool_id));
	u.s.start_seq = start_seq;
	u.s.crc = slot_crc(&u.s);
	struct iovec iov = {u.bytes, len};
	int r = write_all(j, j->fd, &iov, 1, (uint64_t)i * JOURNAL_SLOT_SIZE);
	if (r == 0)
		r = sync_file(j, j->fd);
	if (r == 0) {
		j->slot = i;
		j->start_seq = start_seq;
	}
	return r;
}

/* Makes the directory entry of path durable. */
static int dir_sync(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = fd < 0 || fsync(fd) ? -errno : 0;
	if (fd >= 0)
		close(fd);
	free(copy);
	return r;
}

/*
 * Opens jpath, creating it with the pool file's owner, group and
 * permissions (whatever the umask), so that whoever may open the pool may
 * replay its journal; 0 or -errno.
 */
static int file_open(struct journal *j, const char *jpath)
{
	for (;;) {
		j->fd = k_fd_high(open(jpath, O_RDWR | O_CLOEXEC));
		if (j->fd >= 0 || errno != ENOENT)
			return j->fd >= 0 ? 0 : -errno;
		struct stat st;
		if (fstat(j->pool_fd, &st))
			return -errno;
		j->fd =
		    k_fd_high(open(jpath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
				   st.st_mode & 0600));
		if (j->fd >= 0) {
			/* the owner (root may give it away), else the group */
			if (fchown(j->fd, st.st_uid, st.st_gid) != 0)
				(void)fchown(j->fd, (uid_t)-1, st.st_gid);
			(void)fchmod(j->fd, st.st_mode & 0666);
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
}

/*
 * Finds the header slot in force, or writes the first one when the file
 * holds none and no batch (a new file, or one whose creation was cut).
 */
static int header_read(struct journal *j, const char *jpath, uint64_t size)
{
	struct journal_slot s[2];
	for (int i = 0; i < 2; i++) {
		ssize_t r = read_full(j, j->fd, &s[i], sizeof(s[i]),
				      (uint64_t)i * JOURNAL_SLOT_SIZE);
		if (r < 0)
			return (int)r;
		if ((size_t)r < sizeof(s[i]))
			memset(&s[i], 0, sizeof(s[i]));
	}
	bool valid[2] = {slot_valid(&s[0]), slot_valid(&s[1])};
	if (!valid[0] && !valid[1]) {
		if (size > JOURNAL_HEADER) {
			pf_set_errormsg("journal %s: no valid header: not a "
					"journal, or a damaged one",
					jpath);
			return -EINVAL;
		}
		int r = slot_write(j, 0, 1, JOURNAL_HEADER);
		return r ? r : dir_sync(jpath);
	}
	int i = !valid[0] || (valid[1] && s[1].start_seq > s[0].start_seq);
	if (s[i].version != JOURNAL_VERSION || s[i].page_size != JOURNAL_PAGE) {
		pf_set_errormsg("journal %s: version %u, pages of %u bytes: "
				"this library reads version %u, pages of %llu",
				jpath, s[i].version, s[i].page_size,
				JOURNAL_VERSION, JOURNAL_PAGE);
		return -EINVAL;
	}
	if (s[i].pool_size != j->pool_size ||
	    memcmp(s[i].pool_id, j->pool_id, sizeof(j->pool_id)) != 0) {
		pf_set_errormsg("journal %s belongs to another pool (%s): "
				"left as it is, not applied",
				jpath,
				s[i].pool_size != j->pool_size
				    ? "its pool's size differs"
				    : "its pool's id differs");
		return -EINVAL;
	}
	j->slot = i;
	j->start_seq = s[i].start_seq;
	return 0;
}

/* Whether head may start the batch expected at j->tail. */
static bool batch_head_expected(const struct journal *j,
				const struct journal_batch *head)
{
	return memcmp(head->magic, JOURNAL_BATCH_MAGIC, sizeof(head->magic)) ==
		   0 &&
	       head->gen == j->start_seq && head->seq == j->next_seq &&
	       head->jpos == j->tail && head->npages != 0 &&
	       head->npages <= JOURNAL_MAX_PAGES;
}

/*
 * Whether the batch of npages pages at pos, whose head blocks (hlen bytes,
 * read) are b, has its CRC32C: 1, 0 (not, or the file ends first), or
 * -errno.
 */
static int batch_crc_matches(struct journal *j, struct journal_batch *b,
			     uint64_t pos, uint64_t hlen, uint64_t npages)
{
	uint32_t want = b->crc;
	b->crc = 0;
	uint32_t crc = crc32c(j->seed, b, hlen);
	b->crc = want;
	for (uint64_t done = 0; done < npages;) {
		uint64_t k = npages - done;
		if (k > JOURNAL_RUN)
			k = JOURNAL_RUN;
		ssize_t n = read_full(j, j->fd, j->run, k * JOURNAL_PAGE,
				      pos + hlen + done * JOURNAL_PAGE);
		if (n < 0)
			return (int)n;
		if ((uint64_t)n < k * JOURNAL_PAGE)
			return 0;
		crc = crc32c(crc, j->run, k * JOURNAL_PAGE);
		done += k;
	}
	return crc == want;
}

/* Adds the pages of a batch whose pages start at jpos (room reserved). */
static void entries_add(struct journal *j, const uint64_t *offs, size_t npages,
			uint64_t jpos)
{
	for (size_t i = 0; i < npages; i++) {
		j->entries[j->nentries].pool_off = offs[i];
		j->entries[j->nentries].jpos = jpos + i * JOURNAL_PAGE;
		j->nentries++;
		if (j->held) {
			uint64_t p = offs[i] / JOURNAL_PAGE;
			j->held[p / 64] |= 1ULL << (p % 64);
		}
	}
}

bool journal_holds(const struct journal *j, uint64_t pool_off)
{
	uint64_t p = pool_off / JOURNAL_PAGE;
	return !j->held || (j->held[p / 64] >> (p % 64) & 1);
}

/*
 * Checks the batch expected at j->tail (sequence j->next_seq) in a journal
 * file of size bytes, and adds its pages to the entries: 1 and its length
 * in *len when it is whole, 0 when not (the end of the batches in force),
 * or -errno.
 */
static int batch_read(struct journal *j, uint64_t size, uint64_t *len)
{
	struct journal_batch head;
	uint64_t pos = j->tail;
	if (size < pos || size - pos < JOURNAL_PAGE)
		return 0;
	ssize_t n = read_full(j, j->fd, &head, sizeof(head), pos);
	if (n < 0)
		return (int)n;
	if ((size_t)n < sizeof(head) || !batch_head_expected(j, &head))
		return 0;
	uint64_t hlen = head_len(head.npages);
	uint64_t blen = hlen + head.npages * JOURNAL_PAGE;
	if (size - pos < blen)
		return 0;

	struct journal_batch *b = malloc(hlen);
	if (!b)
		return -ENOMEM;
	n = read_full(j, j->fd, b, hlen, pos);
	int ret = n < 0 ? (int)n : (uint64_t)n < hlen ? 0 : 1;
	if (ret == 1)
		ret = batch_crc_matches(j, b, pos, hlen, head.npages);
	/*
	 * journal_commit checked the offsets of a batch that passed its
	 * CRC32C; checked again, so that nothing is written outside the pool
	 */
	for (uint32_t i = 0; ret == 1 && i < head.npages; i++)
		if (!page_offset_valid(j, b->offs[i]))
			ret = 0;
	if (ret == 1) {
		int r = entries_reserve(j, head.npages);
		if (r == 0) {
			entries_add(j, b->offs, head.npages, pos + hlen);
			*len = blen;
		}
		ret = r ? r : 1;
	}
	free(b);
	return ret;
}

/* Finds the batches in force, from JOURNAL_HEADER on. */
static int journal_scan(struct journal *j, uint64_t size)
{
	j->tail = JOURNAL_HEADER;
	j->next_seq = j->start_seq;
	for (;;) {
		uint64_t len = 0;
		int r = batch_read(j, size, &len);
		if (r <= 0) {
			j->unrecovered =
			    j->next_seq != j->start_seq || size > j->tail;
			return r;
		}
		j->tail += len;
		j->next_seq++;
	}
}

int journal_open(const char *jpath, int pool_fd, uint64_t pool_size,
		 const uint8_t id[16], const struct journal_io *io,
		 struct journal **out)
{
	if (pool_size == 0 || pool_size % JOURNAL_PAGE != 0) {
		pf_set_errormsg("journal %s: a pool of %llu bytes, not a whole "
				"number of pages",
				jpath, (unsigned long long)pool_size);
		return -EINVAL;
	}
	struct journal *j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->pool_fd = pool_fd;
	j->dfd = -1;
	j->pool_size = pool_size;
	memcpy(j->pool_id, id, sizeof(j->pool_id));
	j->io = io ? io : &system_io;
	j->seed = crc32c(crc32c(0, id, sizeof(j->pool_id)), &pool_size,
			 sizeof(pool_size));
	j->run = malloc(JOURNAL_RUN * JOURNAL_PAGE);
	j->held = calloc((pool_size / JOURNAL_PAGE + 63) / 64, 8);
	int r = j->run ? file_open(j, jpath) : -ENOMEM;
	if (r) {
		j->fd = -1;
		goto fail;
	}
	struct stat st;
	if (fstat(j->fd, &st)) {
		r = -errno;
		goto fail;
	}
	if (j->io == &system_io)
		j->dfd = k_fd_high(open(jpath, O_RDWR | O_DIRECT | O_CLOEXEC));
	r = header_read(j, jpath, (uint64_t)st.st_size);
	if (r == 0)
		r = journal_scan(j, (uint64_t)st.st_size);
	if (r)
		goto fail;
	*out = j;
	return 0;
fail:
	journal_close(j);
	return r;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct journal_entry *x = a, *y = b;
	if (x->pool_off != y->pool_off)
		return x->pool_off < y->pool_off ? -1 : 1;
	return x->jpos < y->jpos ? -1 : x->jpos > y->jpos;
}

/*
 * Keeps, of the entries sorted by pool offset, the last copy of each page
 * (the one furthest in the file: the latest batch, the last in a batch).
 */
static void entries_last_copies(struct journal *j)
{
	qsort(j->entries, j->nentries, sizeof(j->entries[0]), entry_cmp);
	size_t n = 0;
	for (size_t i = 0; i < j->nentries; i++) {
		if (i + 1 < j->nentries &&
		    j->entries[i + 1].pool_off == j->entries[i].pool_off)
			continue;
		j->entries[n++] = j->entries[i];
	}
	j->nentries = n;
}

/*
 * Writes the pages of the entries in place, JOURNAL_RUN at a time; where
 * image is given, those from image_from on straight from image (the
 * pool's pages as the last copies have them), each run of consecutive
 * pages in one write.
 */
static int pages_write_in_place(struct journal *j, const char *image,
				uint64_t image_from, journal_fill_fn fill,
				void *arg)
{
	size_t i = 0;
	while (image && i < j->nentries) {
		if (j->entries[i].pool_off < image_from) {
			i++;
			continue;
		}
		size_t k = 1;
		while (i + k < j->nentries && k < JOURNAL_IMAGE_RUN &&
		       j->entries[i + k].pool_off ==
			   j->entries[i].pool_off + k * JOURNAL_PAGE)
			k++;
		struct iovec iov = {(void *)(image + j->entries[i].pool_off),
				    k * JOURNAL_PAGE};
		/*
		 * the pages mapped in one call first: the write's copy stops
		 * at each page not mapped yet for its fault (1 GiB written,
		 * fsync, close: the close took 1.4-2.5 s, 0.8-0.9 s so)
		 */
		(void)madvise(iov.iov_base, iov.iov_len, MADV_POPULATE_READ);
		int r =
		    write_all(j, j->pool_fd, &iov, 1, j->entries[i].pool_off);
		if (r)
			return r;
		i += k;
	}
	i = 0;
	while (i < j->nentries) {
		if (image && j->entries[i].pool_off >= image_from) {
			i++;
			continue;
		}
		/* a run of consecutive pool pages, read into j->run */
		size_t k = 0;
		while (i + k < j->nentries && k < JOURNAL_RUN &&
		       j->entries[i + k].pool_off ==
			   j->entries[i].pool_off + k * JOURNAL_PAGE &&
		       (!image || j->entries[i + k].pool_off < image_from))
			k++;
		/*
		 * their copies in one read where they follow each other in
		 * the journal too (a big write's pages, mostly), not a read
		 * each: 1 GiB took 262,144 reads at the pool's close; none
		 * where the caller has them
		 */
		const struct journal_entry *e = j->entries + i;
		bool filled = fill && fill(arg, e->pool_off, k, j->run);
		for (size_t a = 0, b; !filled && a < k; a = b) {
			for (b = a + 1;
			     b < k &&
			     e[b].jpos == e[a].jpos + (b - a) * JOURNAL_PAGE;
			     b++)
				;
			size_t len = (b - a) * JOURNAL_PAGE;
			ssize_t n =
			    read_full(j, j->fd, j->run + a * JOURNAL_PAGE, len,
				      e[a].jpos);
			if (n < 0)
				return (int)n;
			if ((size_t)n < len)
				return -EIO;
		}
		struct iovec iov = {j->run, k * JOURNAL_PAGE};
		int r =
		    write_all(j, j->pool_fd, &iov, 1, j->entries[i].pool_off);
		if (r)
			return r;
		i += k;
	}
	return 0;
}

/* The checkpoint: see the order of the writes at the top. */
static int journal_apply(struct journal *j, const char *image,
			 uint64_t image_from, journal_fill_fn fill, void *arg)
{
	uint64_t batches = j->next_seq - j->start_seq;
	if (batches == 0 && !j->unrecovered)
		return 0;
	j->ahead = false; /* the tail moves: they are written again */
	entries_last_copies(j);
	int r = pages_write_in_place(j, image, image_from, fill, arg);
	if (r == 0 && batches > 0)
		r = sync_file(j, j->pool_fd);
	if (r == 0)
		r = slot_write(j, !j->slot,
			       batches ? j->next_seq : j->start_seq + 1,
			       JOURNAL_SLOT_SIZE);
	if (r)
		return r;
	j->nentries = 0;
	if (j->held)
		memset(j->held, 0, (j->pool_size / JOURNAL_PAGE + 63) / 64 * 8);
	j->tail = JOURNAL_HEADER;
	j->next_seq = j->start_seq;
	j->unrecovered = false;
	return batches > INT_MAX ? INT_MAX : (int)batches;
}

int journal_recover(struct journal *j)
{
	return journal_apply(j, NULL, 0, NULL, NULL);
}

int journal_checkpoint(struct journal *j)
{
	return journal_apply(j, NULL, 0, NULL, NULL);
}

int journal_checkpoint_fill(struct journal *j, journal_fill_fn fill, void *arg)
{
	return journal_apply(j, NULL, 0, fill, arg);
}

int journal_checkpoint_from(struct journal *j, const char *image,
			    uint64_t image_from)
{
	return journal_apply(j, image, image_from, NULL, NULL);
}

/*
 * A batch by O_DIRECT: its pages written by a thread of the commit's
 * own, a chunk once its part of the CRC32C is computed, so that the disk
 * works while the CRC32C is computed (1 GiB: about 0.2 s of CRC32C beside
 * 0.5 s of writes here); then the head block(s), with the CRC32C. The
 * order of the writes within a batch does not matter: nothing counts till
 * the fdatasync after, and a torn batch fails its CRC32C.
 */
#define JOURNAL_CHUNK 256 /* pages the thread writes at a time */

struct overlap {
	struct journal *j;
	struct iovec *iov; /* the pages' */
	uint64_t off;	   /* where the pages start */
	size_t npages;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t ready; /* pages whose part of the CRC32C is done */
	int err;      /* the thread's first error */
};

static void *overlap_writer(void *arg)
{
	struct overlap *o = arg;
	size_t at = 0;
	while (at < o->npages) {
		pthread_mutex_lock(&o->lock);
		while (o->ready == at)
			pthread_cond_wait(&o->cond, &o->lock);
		size_t upto = o->ready;
		pthread_mutex_unlock(&o->lock);
		int r = write_all(o->j, o->j->dfd, o->iov + at, upto - at,
				  o->off + at * JOURNAL_PAGE);
		if (r) {
			o->err = r;
			break;
		}
		at = upto;
	}
	return NULL;
}

/* The batch b of hlen bytes of head and npages pages (iov) written. */
static int write_overlapped(struct journal *j, struct journal_batch *b,
			    uint64_t hlen, struct iovec *iov, size_t npages)
{
	struct overlap o = {
	    .j = j,
	    .iov = iov,
	    .off = j->tail + hlen,
	    .npages = npages,
	    .lock = PTHREAD_MUTEX_INITIALIZER,
	    .cond = PTHREAD_COND_INITIALIZER,
	};
	pthread_t t;
	bool threaded = pthread_create(&t, NULL, overlap_writer, &o) == 0;
	uint32_t crc = crc32c(j->seed, b, hlen);
	for (size_t i = 0; i < npages;) {
		size_t k =
		    npages - i < JOURNAL_CHUNK ? npages - i : JOURNAL_CHUNK;
		for (size_t e = i + k; i < e; i++)
			crc = crc32c(crc, iov[i].iov_base, JOURNAL_PAGE);
		if (threaded) {
			pthread_mutex_lock(&o.lock);
			o.ready = i;
			pthread_cond_signal(&o.cond);
			pthread_mutex_unlock(&o.lock);
		}
	}
	b->crc = crc;
	int r;
	if (threaded) {
		pthread_join(t, NULL);
		r = o.err;
	} else {
		r = write_all(j, j->dfd, iov, npages, o.off);
	}
	struct iovec head = {b, hlen};
	if (r == 0)
		r = write_all(j, j->dfd, &head, 1, j->tail);
	pthread_mutex_destroy(&o.lock);
	pthread_cond_destroy(&o.cond);
	return r;
}

/* Whether the pages written ahead may be the first nahead of a commit. */
static bool ahead_usable(const struct journal *j, size_t nahead)
{
	return j->ahead && !j->ahead_failed && nahead > 0 &&
	       nahead == j->ahead_n && j->ahead_tail == j->tail &&
	       j->ahead_gen == j->start_seq && j->ahead_seq == j->next_seq;
}

int journal_ahead_write(struct journal *j, const void *buf, size_t n,
			size_t max)
{
	if (j->unrecovered)
		return -EBUSY;
	if (!j->ahead || j->ahead_tail != j->tail ||
	    j->ahead_gen != j->start_seq || j->ahead_seq != j->next_seq) {
		if (max == 0 || max > JOURNAL_MAX_PAGES)
			return -EINVAL;
		/* room for a head of max pages, and a filler batch */
		j->ahead = true;
		j->ahead_failed = false;
		j->ahead_tail = j->tail;
		j->ahead_gen = j->start_seq;
		j->ahead_seq = j->next_seq;
		j->ahead_max = max;
		j->ahead_at = j->tail + head_len(max) + 2 * JOURNAL_PAGE;
		j->ahead_n = 0;
		j->ahead_crc = 0;
	}
	if (j->ahead_failed)
		return -EIO;
	struct iovec iov = {(void *)buf, n * JOURNAL_PAGE};
	uint64_t at = j->ahead_at + j->ahead_n * JOURNAL_PAGE;
	int r = -EINVAL;
	if (j->dfd >= 0 && iov_direct(&iov, 1))
		r = write_all(j, j->dfd, &iov, 1, at);
	if (r == -EINVAL) {
		iov = (struct iovec){(void *)buf, n * JOURNAL_PAGE};
		r = write_all(j, j->fd, &iov, 1, at);
	}
	if (r) {
		j->ahead_failed = true;
		return r;
	}
	j->ahead_crc = crc32c(j->ahead_crc, buf, n * JOURNAL_PAGE);
	j->ahead_n += n;
	return 0;
}

size_t journal_ahead_pages(const struct journal *j)
{
	return j->ahead && !j->ahead_failed ? j->ahead_n : 0;
}

/*
 * The pages of a filler batch of len bytes (whole pages): m such that its
 * head and m pages take len, or 0 where none does.
 */
static size_t filler_pages(uint64_t len)
{
	uint64_t blocks = len / JOURNAL_PAGE;
	for (uint64_t h = 1; h < blocks; h++)
		if (head_len(blocks - h) == h * JOURNAL_PAGE)
			return (size_t)(blocks - h);
	return 0;
}

/*
 * Writes the head of a batch at jpos: seq, npages offsets, its CRC32C
 * given; page-aligned head b of hlen bytes.
 */
static void head_fill(struct journal *j, struct journal_batch *b, uint64_t hlen,
		      uint64_t seq, uint64_t jpos, size_t npages,
		      const uint64_t *offs)
{
	memset(b, 0, hlen);
	memcpy(b->magic, JOURNAL_BATCH_MAGIC, sizeof(b->magic));
	b->gen = j->start_seq;
	b->seq = seq;
	b->jpos = jpos;
	b->npages = (uint32_t)npages;
	memcpy(b->offs, offs, npages * sizeof(offs[0]));
}

/* iov written at off through the direct descriptor if it can, or not. */
static int write_some(struct journal *j, struct iovec *iov, size_t cnt,
		      uint64_t off, bool big)
{
	int r = -EINVAL;
	if (big && j->dfd >= 0 && iov_direct(iov, cnt)) {
		struct iovec *copy = malloc(cnt * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, iov, cnt * sizeof(*copy));
		r = write_all(j, j->dfd, copy, cnt, off);
		free(copy);
	}
	return r == -EINVAL ? write_all(j, j->fd, iov, cnt, off) : r;
}

/*
 * The commit of a batch whose first nahead pages were written ahead: a
 * filler batch first where the head of this one does not take all the
 * room left before them (m copies of a page unchanged since the last
 * commit: in force alone, it changes nothing), then the head, then the
 * other pages after those written ahead; one fdatasync. Its CRC32C
 * joins the head's and theirs (crc32c_combine). 1 where the layout does
 * not allow it (the caller commits as usual), 0 or -errno.
 */
static int commit_ahead(struct journal *j, size_t npages, const uint64_t *offs,
			const void *const *pages, size_t nahead,
			uint64_t filler_off, const void *filler_page)
{
	uint64_t hlen = head_len(npages);
	uint64_t room = j->ahead_at - j->tail;
	if (hlen > room)
		return 1;
	uint64_t flen = room - hlen;
	size_t m = flen ? filler_pages(flen) : 0;
	if (flen &&
	    (m == 0 || !filler_page || !page_offset_valid(j, filler_off) ||
	     ((uintptr_t)filler_page % JOURNAL_PAGE)))
		return 1;
	int r = entries_reserve(j, npages + m);
	if (r)
		return r;
	uint64_t fhlen = m ? head_len(m) : 0;
	size_t rest = npages - nahead;
	struct journal_batch *b = NULL, *fb = NULL;
	uint64_t *foffs = NULL;
	struct iovec *iov = malloc((rest + m + 1) * sizeof(*iov));
	if (posix_memalign((void **)&b, JOURNAL_PAGE, hlen))
		b = NULL;
	if (m && posix_memalign((void **)&fb, JOURNAL_PAGE, fhlen))
		fb = NULL;
	if (m)
		foffs = malloc(m * sizeof(*foffs));
	if (!iov || !b || (m && (!fb || !foffs))) {
		r = -ENOMEM;
		goto out;
	}
	uint64_t jpos = j->tail + flen;
	if (m) {
		for (size_t i = 0; i < m; i++)
			foffs[i] = filler_off;
		head_fill(j, fb, fhlen, j->next_seq, j->tail, m, foffs);
		uint32_t crc = crc32c(j->seed, fb, fhlen);
		iov[0] = (struct iovec){fb, fhlen};
		for (size_t i = 0; i < m; i++) {
			crc = crc32c(crc, filler_page, JOURNAL_PAGE);
			iov[i + 1] =
			    (struct iovec){(void *)filler_page, JOURNAL_PAGE};
		}
		fb->crc = crc;
		r = write_some(j, iov, m + 1, j->tail, false);
		if (r)
			goto out;
	}
	head_fill(j, b, hlen, j->next_seq + (m ? 1 : 0), jpos, npages, offs);
	uint32_t crc = crc32c(j->seed, b, hlen);
	crc =
	    crc32c_combine(crc, j->ahead_crc, (uint64_t)nahead * JOURNAL_PAGE);
	for (size_t i = 0; i < rest; i++) {
		crc = crc32c(crc, pages[nahead + i], JOURNAL_PAGE);
		iov[i] =
		    (struct iovec){(void *)pages[nahead + i], JOURNAL_PAGE};
	}
	b->crc = crc;
	if (rest)
		r = write_some(j, iov, rest,
			       j->ahead_at + (uint64_t)nahead * JOURNAL_PAGE,
			       rest >= JOURNAL_DIRECT_MIN);
	iov[0] = (struct iovec){b, hlen};
	if (r == 0)
		r = write_some(j, iov, 1, jpos, true);
	if (r == 0)
		r = sync_file(j, j->fd);
	if (r)
		goto out;
	if (m) {
		entries_add(j, foffs, m, j->tail + fhlen);
		j->next_seq++;
	}
	entries_add(j, offs, npages, jpos + hlen);
	j->tail = jpos + hlen + (uint64_t)npages * JOURNAL_PAGE;
	j->next_seq++;
out:
	free(iov);
	free(b);
	free(fb);
	free(foffs);
	return r;
}

int journal_commit(struct journal *j, size_t npages, const uint64_t *offs,
		   const void *const *pages)
{
	return journal_commit_ahead(j, npages, offs, pages, 0, 0, NULL);
}

int journal_commit_ahead(struct journal *j, size_t npages, const uint64_t *offs,
			 const void *const *pages, size_t nahead,
			 uint64_t filler_off, const void *filler_page)
{
	bool ahead = ahead_usable(j, nahead) && nahead <= npages;
	j->ahead = false;
	if (npages == 0)
		return 0;
	if (npages > JOURNAL_MAX_PAGES) {
		pf_set_errormsg("journal: a batch of %zu pages, more than %u",
				npages, JOURNAL_MAX_PAGES);
		return -EINVAL;
	}
	for (size_t i = 0; i < npages; i++) {
		if (!page_offset_valid(j, offs[i])) {
			pf_set_errormsg("journal: page offset %llu unaligned "
					"or outside the pool of %llu bytes",
					(unsigned long long)offs[i],
					(unsigned long long)j->pool_size);
			return -EINVAL;
		}
	}
	if (j->unrecovered) {
		pf_set_errormsg("journal: not recovered since it was opened "
				"(journal_recover)");
		return -EBUSY;
	}
	if (ahead) {
		/* the batch ends past the pages written ahead */
		if (j->ahead_at >
		    (uint64_t)INT64_MAX - (uint64_t)npages * JOURNAL_PAGE)
			return -EFBIG;
		int a = commit_ahead(j, npages, offs, pages, nahead, filler_off,
				     filler_page);
		if (a <= 0)
			return a;
	}
	uint64_t hlen = head_len(npages);
	uint64_t blen = hlen + npages * JOURNAL_PAGE;
	if (j->tail > (uint64_t)INT64_MAX - blen)
		return -EFBIG;
	int r = entries_reserve(j, npages);
	if (r)
		return r;
	/* page-aligned, for O_DIRECT */
	struct journal_batch *b = NULL;
	if (posix_memalign((void **)&b, JOURNAL_PAGE, hlen))
		b = NULL;
	struct iovec *iov = malloc((npages + 1) * sizeof(*iov));
	if (!b || !iov) {
		r = -ENOMEM;
		goto out;
	}
	memset(b, 0, hlen);
	memcpy(b->magic, JOURNAL_BATCH_MAGIC, sizeof(b->magic));
	b->gen = j->start_seq;
	b->seq = j->next_seq;
	b->jpos = j->tail;
	b->npages = (uint32_t)npages;
	memcpy(b->offs, offs, npages * sizeof(offs[0]));
	iov[0] = (struct iovec){b, hlen};
	for (size_t i = 0; i < npages; i++)
		iov[i + 1] = (struct iovec){(void *)pages[i], JOURNAL_PAGE};
	r = -EINVAL;
	if (j->dfd >= 0 && npages >= JOURNAL_DIRECT_MIN &&
	    iov_direct(iov, npages + 1)) {
		r = write_overlapped(j, b, hlen, iov + 1, npages);
	} else {
		uint32_t crc = crc32c(j->seed, b, hlen);
		for (size_t i = 0; i < npages; i++)
			crc = crc32c(crc, pages[i], JOURNAL_PAGE);
		b->crc = crc;
	}
	if (r == -EINVAL) {
		/* small, or O_DIRECT refused or cut short: the whole, buffered
		 */
		iov[0] = (struct iovec){b, hlen};
		for (size_t i = 0; i < npages; i++)
			iov[i + 1] =
			    (struct iovec){(void *)pages[i], JOURNAL_PAGE};
		r = write_all(j, j->fd, iov, npages + 1, j->tail);
	}
	if (r == 0)
		r = sync_file(j, j->fd);
	if (r)
		goto out;
	entries_add(j, offs, npages, j->tail + hlen);
	j->tail += blen;
	j->next_seq++;
out:
	free(iov);
	free(b);
	return r;
}

int journal_own_fds(const struct journal *j, int *fds, int n)
{
	const int own[] = {j ? j->fd : -1, j ? j->dfd : -1};
	return k_fds_list(own, 2, fds, n);
}

uint64_t journal_used(const struct journal *j)
{
	return j->tail;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		k_close(j->fd);
	if (j->dfd >= 0)
		k_close(j->dfd);
	free(j->entries);
	free(j->held);
	free(j->run);
	free(j);
}

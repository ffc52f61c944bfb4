/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * journal.h -- the page journal of a pool kept on an ordinary file: batches
 * of whole 4 KiB pages of the pool made durable in a journal file beside it
 * before they are written in place, replayed into the pool file after a
 * power cut. The format is described at the top of journal.c; its on-disk
 * structures are here, for the tests and the tools that read a journal.
 *
 * One journal serves one pool file and one thread at a time: the caller
 * serializes every call on a struct journal.
 */
#ifndef PMEMFILE_JOURNAL_H
#define PMEMFILE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* The unit of the journal: a page of the pool, and a block of the journal. */
#define JOURNAL_PAGE 4096ULL

/* The first batch of every generation starts here, after the header block. */
#define JOURNAL_HEADER JOURNAL_PAGE

/* A batch holds at most this many pages. */
#define JOURNAL_MAX_PAGES (1U << 24)

#define JOURNAL_MAGIC "PMFJRNL"
#define JOURNAL_BATCH_MAGIC "PMFJBAT"
#define JOURNAL_VERSION 1

/*
 * A slot of the header block. The block holds two, at offsets 0 and
 * JOURNAL_SLOT_SIZE (each alone in its 512-byte sector, so that a torn
 * write spoils one at most); the valid one with the higher start_seq rules.
 * Integers are stored in the byte order of the machine (x86-64: little
 * endian).
 */
struct journal_slot {
	char magic[8];	     /* JOURNAL_MAGIC, NUL-terminated */
	uint32_t version;    /* JOURNAL_VERSION */
	uint32_t page_size;  /* JOURNAL_PAGE */
	uint64_t pool_size;  /* the size of the pool file it serves */
	uint8_t pool_id[16]; /* the identity of that pool, given at open */
	uint64_t start_seq;  /* the sequence number of the batch at
			      * JOURNAL_HEADER; every batch before it is
			      * in the pool file (durably) */
	uint32_t reserved;   /* 0 */
	uint32_t crc;	     /* CRC32C of the slot before this field */
};
#define JOURNAL_SLOT_SIZE 512
_Static_assert(sizeof(struct journal_slot) == 56, "journal_slot");

/*
 * The head of a batch, at the start of its first block: the pool offsets
 * of its pages follow it (uint64_t each), then zeros to the next block,
 * then the pages in the order of their offsets. A batch is hdr_len +
 * npages * JOURNAL_PAGE bytes, hdr_len = the head and the offsets rounded
 * up to JOURNAL_PAGE; the next batch follows it.
 */
struct journal_batch {
	char magic[8];	 /* JOURNAL_BATCH_MAGIC, NUL-terminated */
	uint64_t gen;	 /* its generation: the start_seq of its time */
	uint64_t seq;	 /* the previous batch's + 1, or start_seq */
	uint64_t jpos;	 /* its own offset in the journal file */
	uint32_t npages; /* 1 to JOURNAL_MAX_PAGES */
	uint32_t crc;	 /* the batch's CRC32C, see journal.c */
	uint64_t offs[]; /* npages pool offsets, JOURNAL_PAGE-aligned */
};
_Static_assert(sizeof(struct journal_batch) == 40, "journal_batch");

/*
 * The file operations of a journal, on the pool file and the journal file:
 * the system calls by default; a test records or cuts them. Each returns
 * as the system call does (-1 and errno on failure).
 */
struct journal_io {
	ssize_t (*pwritev)(int fd, const struct iovec *iov, int iovcnt,
			   off_t off);
	ssize_t (*pread)(int fd, void *buf, size_t len, off_t off);
	int (*fdatasync)(int fd);
};

struct journal; /* the open journal of one pool file */

/*
 * Opens the journal file jpath of the pool file pool_fd (open for reading
 * and writing, pool_size bytes, a whole number of pages) whose identity the
 * caller gives in id; creates it (with the pool file's permissions, made
 * durable with its directory entry) when missing. io may be NULL for the
 * system calls; it must outlive the journal. A journal of another pool (id
 * or size differ), of another version or with a damaged header is refused
 * with -EINVAL and a message (pmemfile_errormsg), never applied.
 *
 * Reads the batches committed and not yet applied. journal_recover must
 * apply them before the pool file is read (it may lack them) and before any
 * commit: journal_commit returns -EBUSY till then, unless the journal
 * held nothing past its header. Returns 0 and the journal in *out, or
 * -errno. The caller keeps other processes from opening the same journal
 * (the pool's lock) and keeps pool_fd open till journal_close.
 */
int journal_open(const char *jpath, int pool_fd, uint64_t pool_size,
		 const uint8_t id[16], const struct journal_io *io,
		 struct journal **out);

/*
 * Writes the pages of the batches committed and not yet applied into the
 * pool file, in place (for each page the copy of its last batch), makes the
 * pool file durable (fdatasync), then empties the journal, durably: the
 * next batch starts a new generation at JOURNAL_HEADER. The batches found by
 * journal_open are applied the same way; a torn or damaged tail (a CRC32C
 * that does not match, a short batch, a sequence number out of order) was
 * discarded there, and is never applied later. Cut at any instant, it is
 * done again by the next journal_recover: writing a page's last copy twice
 * leaves what once does. Returns the number of batches applied, or -errno.
 */
int journal_recover(struct journal *j);

/* The same, at a checkpoint: so that the journal does not grow unbounded. */
int journal_checkpoint(struct journal *j);

/*
 * The same, the pages from pool offset image_from on written from image
 * (the pool's size) instead of read from the journal: where the caller
 * knows that each page of the batches in force holds there what its last
 * copy holds (nothing changed since the last commit), which spares reading
 * back from the disk what the commits wrote there by O_DIRECT.
 */
int journal_checkpoint_from(struct journal *j, const char *image,
			    uint64_t image_from);

/*
 * Puts into buf the last copies of the n consecutive pool pages from
 * pool_off, if it can: true if so, false to have them read from the
 * journal.
 */
typedef bool (*journal_fill_fn)(void *arg, uint64_t pool_off, size_t n,
				void *buf);

/*
 * The same, each run of consecutive pages (1 MiB at most) asked of fill
 * first, and read from the journal where fill says no.
 */
int journal_checkpoint_fill(struct journal *j, journal_fill_fn fill, void *arg);

/*
 * Commits a batch: npages whole pages, pages[i] the JOURNAL_PAGE bytes of
 * the pool page at offs[i] (JOURNAL_PAGE-aligned, inside the pool; an offset
 * repeated: its last copy wins), appended to the journal and made durable
 * (one fdatasync) before it returns 0. After a power cut at any instant
 * the batch is, after journal_recover, wholly in the pool file or not at
 * all; once it returned, wholly. The pool file is not written: the pages
 * reach it at journal_checkpoint. The pages must not change till it
 * returns: their CRC32C is computed before they are written, and a page
 * written other than it was summed makes the whole batch fail its check at
 * recovery, after it was acknowledged. Returns 0 (at once for npages 0) or
 * -errno: -EINVAL for an offset outside the pool or unaligned, -EBUSY
 * before journal_recover applied what journal_open found, or the error of
 * a write or an fdatasync: the batch was then not acknowledged (a power cut
 * may leave it whole or not), and the next commit writes its own batch in
 * its place, whole, so that what the failed write left does not matter.
 */
int journal_commit(struct journal *j, size_t npages, const uint64_t *offs,
		   const void *const *pages);

/*
 * Writes n pages (n * JOURNAL_PAGE bytes at buf; page-aligned for the
 * direct descriptor) into the journal ahead of the next commit, past
 * where it will start, leaving room for a head of max pages (taken at the
 * first of them since the last commit): nothing is in force before that
 * commit's head, CRC32C included, is written after them and made
 * durable. 0 or -errno (then the next commit writes every page itself).
 * The caller keeps it from running beside the other calls on j.
 */
int journal_ahead_write(struct journal *j, const void *buf, size_t n,
			size_t max);

/* The pages written ahead since the last commit, if they can be used. */
size_t journal_ahead_pages(const struct journal *j);

/*
 * journal_commit of npages pages whose first nahead are, in this order,
 * those written ahead (journal_ahead_pages; their bytes in pages too, for
 * when they cannot be used: the tail moved, more pages than the head's
 * room, a write failed): only the others are written, after them, then
 * the head. Where the head takes less than the room left for it, a
 * filler batch takes the rest first: copies of the page at filler_off
 * (filler_page, page-aligned), which must hold what the batches in
 * force and the pool file give it (a page unchanged since the last
 * commit), so that alone in force after a cut it changes nothing. Also
 * with nahead 0: the pages written ahead are dropped.
 */
int journal_commit_ahead(struct journal *j, size_t npages, const uint64_t *offs,
			 const void *const *pages, size_t nahead,
			 uint64_t filler_off, const void *filler_page);

/*
 * Whether a batch not yet written into the pool file holds a copy of the
 * pool page at pool_off: a recovery or a checkpoint would write that copy
 * over the page in place (true too where the journal cannot tell).
 */
bool journal_holds(const struct journal *j, uint64_t pool_off);

/*
 * The bytes of the journal file the batches in force take, its header
 * included (JOURNAL_HEADER when there are none): for the caller to decide
 * when to checkpoint.
 */
uint64_t journal_used(const struct journal *j);

/* Closes the journal file and frees j (NULL: nothing); nothing is written. */
void journal_close(struct journal *j);

/*
 * The descriptors j keeps open of the journal file (not the pool file's,
 * the caller's): up to n into fds; returns how many there are.
 */
int journal_own_fds(const struct journal *j, int *fds, int n);

#endif

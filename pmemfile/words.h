/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * words.h -- an inode's size and times as layout 6 stores them: each 8-byte
 * word with a check of itself (layout.h, struct pmemfile_itime and
 * pmemfile_inode.size_word). What reads a size or a time reads it here;
 * what stores one makes its word here.
 */
#ifndef PMEMFILE_WORDS_H
#define PMEMFILE_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "layout.h"

/* The size a size word holds, its check stripped. */
static inline uint64_t size_word_value(uint64_t w)
{
	return w & PMEMFILE_SIZE_LARGE ? w & ~PMEMFILE_SIZE_LARGE
				       : w & PMEMFILE_SIZE_SMALL_MAX;
}

static inline bool size_word_large(uint64_t w)
{
	return (w & PMEMFILE_SIZE_LARGE) != 0;
}

/* The size of an inode of a pool of layout 6. */
static inline uint64_t inode_size(const struct pmemfile_inode *in)
{
	return size_word_value(in->size_word);
}

/* The time a pair of time words holds, its checks stripped. */
static inline struct pmemfile_time itime_value(const struct pmemfile_itime *t)
{
	return (struct pmemfile_time){.sec = (int64_t)(t->sec_word << 16) >> 16,
				      .nsec = (int64_t)(uint32_t)t->nsec_word};
}

/* Seconds a time word holds: beyond them a time is stored as the nearest. */
#define ITIME_SEC_MAX ((int64_t)(1ULL << 47) - 1)
#define ITIME_SEC_MIN (-ITIME_SEC_MAX - 1)

/* The size word of size for an inode whose size_word is at pool offset off:
 * small with its check, or large (size > PMEMFILE_SIZE_SMALL_MAX). */
uint64_t size_word_make(uint64_t off, uint64_t size);
/* The words of time t, for words at pool offset off (sec_word's). */
struct pmemfile_itime itime_make(uint64_t off, struct pmemfile_time t);

/*
 * Whether the size word w at pool offset off passes its check: a small
 * one its own, a large one holds a large size (the rest is the inode's
 * checksum's).
 */
bool size_word_valid(uint64_t off, uint64_t w);
/* Whether both words of the time at pool offset off pass their checks. */
bool itime_valid(uint64_t off, const struct pmemfile_itime *t);

/*
 * The first of the size and the times of the inode at pool offset ino that
 * fails its check, by name ("size", "modification time", "change time",
 * "access time"), or NULL. A pool of layout 6.
 */
const char *inode_words_bad(uint64_t ino, const struct pmemfile_inode *in);
/* Where the word of that name is in an inode, and how long it is. */
size_t inode_words_at(const char *name, size_t *len);

/*
 * A word of a pool of layout 5 read by what reads any layout (check,
 * salvage): as layout 6 if it passes a layout 6 check, else as it is (an
 * upgrade cut short leaves inodes of both forms; a word of layout 5 that
 * passes a check of layout 6 by chance differs from what layout 6 reads
 * only for sizes over 256 TiB or times beyond 4 million years).
 */
uint64_t inode_size_any(uint64_t ino, const struct pmemfile_inode *in,
			uint64_t version);
struct pmemfile_time
inode_time_any(uint64_t off, const struct pmemfile_itime *t, uint64_t version);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * csum_model.h -- the checksums of layout 5 and the checks of layout 6 made
 * as layout.h describes them, apart from the library's code (csum.c,
 * words.c): what the tests that damage pools on purpose seal, and check the
 * library against.
 */
#ifndef TESTS_PMEMFILE_CSUM_MODEL_H
#define TESTS_PMEMFILE_CSUM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmemfile/crc32c.h"
#include "pmemfile/layout.h"

/* Where each checksum starts: the offset's halves xor'ed. */
static inline uint32_t csum_seed(uint64_t off)
{
	return (uint32_t)off ^ (uint32_t)(off >> 32);
}

/* An inode's, at pool offset off: mode .. nlink, the size word when it is
 * large (bit 63), the union, rdev. */
static inline uint32_t csum_model_inode(uint64_t off,
					const struct pmemfile_inode *in)
{
	uint32_t c = crc32c(csum_seed(off), in,
			    offsetof(struct pmemfile_inode, size_word));
	if (in->size_word >> 63)
		c = crc32c(c, &in->size_word, 8);
	c = crc32c(c, &in->file, sizeof(in->target));
	return crc32c(c, &in->rdev, sizeof(in->rdev));
}

/* A record's: the 12 header bytes before csum, then its name. */
static inline uint32_t csum_model_record(uint64_t off,
					 const struct pmemfile_dirent *r)
{
	uint32_t c = crc32c(csum_seed(off), r, 12);
	return crc32c(c, r->name, r->namelen);
}

/*
 * Layout 6: the size word of size at pool offset off (small: the low 15
 * bits of the CRC32C of the size's 8 bytes at bits 48..62; large: bit 63).
 */
static inline uint64_t model_size_word(uint64_t off, uint64_t size)
{
	if (size >= 1ULL << 48)
		return size | 1ULL << 63;
	return size | (uint64_t)(crc32c(csum_seed(off), &size, 8) & 0x7fff)
			  << 48;
}

/* The words of a time, at pool offset off: seconds (48 bits) and the low
 * 16 bits of their CRC32C; nanoseconds (32 bits) and their CRC32C. */
static inline struct pmemfile_itime model_time(uint64_t off, int64_t sec,
					       int64_t nsec)
{
	uint64_t s = (uint64_t)sec & ((1ULL << 48) - 1);
	uint32_t n = (uint32_t)nsec;
	return (struct pmemfile_itime){
	    s | (uint64_t)(crc32c(csum_seed(off), &s, 8) & 0xffff) << 48,
	    n | (uint64_t)crc32c(csum_seed(off + 8), &n, 4) << 32};
}

/* A size word's size and a time's seconds and nanoseconds, their checks
 * stripped. */
static inline uint64_t model_size(uint64_t w)
{
	return w >> 63 ? w & ~(1ULL << 63) : w & ((1ULL << 48) - 1);
}

static inline int64_t model_sec(const struct pmemfile_itime *t)
{
	return (int64_t)(t->sec_word << 16) >> 16;
}

static inline int64_t model_nsec(const struct pmemfile_itime *t)
{
	return (int64_t)(uint32_t)t->nsec_word;
}

/* An inode at pool offset off made as layout 5 stored it: the size and
 * the times without their checks, its checksum as layout 5 computes it. */
static inline void model_words_strip(uint64_t off, struct pmemfile_inode *in)
{
	bool sealed = in->csum == csum_model_inode(off, in);
	struct pmemfile_itime *t[3] = {&in->mtime, &in->ctime, &in->atime};
	in->size_word = model_size(in->size_word);
	for (int i = 0; i < 3; i++)
		*t[i] = (struct pmemfile_itime){(uint64_t)model_sec(t[i]),
						(uint64_t)model_nsec(t[i])};
	if (sealed)
		in->csum = csum_model_inode(off, in);
}

#endif

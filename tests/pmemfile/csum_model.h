/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * csum_model.h -- the checksums of layout 5 made as layout.h describes
 * them, apart from the library's code (csum.c): what the tests that damage
 * pools on purpose seal, and check the library against.
 */
#ifndef TESTS_PMEMFILE_CSUM_MODEL_H
#define TESTS_PMEMFILE_CSUM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "pmemfile/crc32c.h"
#include "pmemfile/layout.h"

/* Where each checksum starts: the offset's halves xor'ed. */
static inline uint32_t csum_seed(uint64_t off)
{
	return (uint32_t)off ^ (uint32_t)(off >> 32);
}

/* An inode's, at pool offset off: mode .. nlink, the union, rdev. */
static inline uint32_t csum_model_inode(uint64_t off,
					const struct pmemfile_inode *in)
{
	uint32_t c =
	    crc32c(csum_seed(off), in, offsetof(struct pmemfile_inode, size));
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

#endif

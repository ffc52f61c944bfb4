// SPDX-License-Identifier: BSD-3-Clause
/*
 * words.c -- the checks of an inode's size and time words (layout 6): each
 * a slice of the CRC32C of the word's value, from the word's pool offset
 * (its halves xor'ed, as every checksum of csum.c starts).
 */
#include <string.h>

#include "crc32c.h"
#include "words.h"

static inline uint32_t word_seed(uint64_t off)
{
	return (uint32_t)off ^ (uint32_t)(off >> 32);
}

/* The CRC32C of the 8 bytes of value v (its check bits zero). */
static inline uint32_t word_crc(uint64_t off, uint64_t v)
{
	return crc32c(word_seed(off), &v, sizeof(v));
}

uint64_t size_word_make(uint64_t off, uint64_t size)
{
	if (size > PMEMFILE_SIZE_SMALL_MAX)
		return size | PMEMFILE_SIZE_LARGE;
	return size | (uint64_t)(word_crc(off, size) & 0x7fff) << 48;
}

bool size_word_valid(uint64_t off, uint64_t w)
{
	if (size_word_large(w))
		return size_word_value(w) > PMEMFILE_SIZE_SMALL_MAX;
	return w == size_word_make(off, size_word_value(w));
}

static uint64_t sec_word(uint64_t off, int64_t sec)
{
	if (sec > ITIME_SEC_MAX)
		sec = ITIME_SEC_MAX;
	if (sec < ITIME_SEC_MIN)
		sec = ITIME_SEC_MIN;
	uint64_t v = (uint64_t)sec & 0xffffffffffffULL;
	return v | (uint64_t)(word_crc(off, v) & 0xffff) << 48;
}

static uint64_t nsec_word(uint64_t off, int64_t nsec)
{
	uint32_t v = (uint32_t)nsec;
	return v | (uint64_t)crc32c(word_seed(off), &v, sizeof(v)) << 32;
}

struct pmemfile_itime itime_make(uint64_t off, struct pmemfile_time t)
{
	return (struct pmemfile_itime){.sec_word = sec_word(off, t.sec),
				       .nsec_word = nsec_word(off + 8, t.nsec)};
}

bool itime_valid(uint64_t off, const struct pmemfile_itime *t)
{
	struct pmemfile_time v = itime_value(t);
	return v.nsec < 1000000000 && t->sec_word == sec_word(off, v.sec) &&
	       t->nsec_word == nsec_word(off + 8, v.nsec);
}

static const struct {
	const char *name;
	size_t at;
} words[] = {
    {"size", offsetof(struct pmemfile_inode, size_word)},
    {"modification time", offsetof(struct pmemfile_inode, mtime)},
    {"change time", offsetof(struct pmemfile_inode, ctime)},
    {"access time", offsetof(struct pmemfile_inode, atime)},
};

const char *inode_words_bad(uint64_t ino, const struct pmemfile_inode *in)
{
	const char *b = (const char *)in;
	if (!size_word_valid(ino + words[0].at, in->size_word))
		return words[0].name;
	for (size_t i = 1; i < sizeof(words) / sizeof(words[0]); i++)
		if (!itime_valid(ino + words[i].at,
				 (const void *)(b + words[i].at)))
			return words[i].name;
	return NULL;
}

size_t inode_words_at(const char *name, size_t *len)
{
	for (size_t i = 1; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(name, words[i].name) == 0) {
			*len = sizeof(struct pmemfile_itime);
			return words[i].at;
		}
	}
	*len = sizeof(uint64_t);
	return words[0].at;
}

uint64_t inode_size_any(uint64_t ino, const struct pmemfile_inode *in,
			uint64_t version)
{
	uint64_t w = in->size_word;
	if (version >= 6 ||
	    size_word_valid(ino + offsetof(struct pmemfile_inode, size_word),
			    w))
		return size_word_value(w);
	return w;
}

struct pmemfile_time
inode_time_any(uint64_t off, const struct pmemfile_itime *t, uint64_t version)
{
	if (version >= 6 || itime_valid(off, t))
		return itime_value(t);
	return (struct pmemfile_time){(int64_t)t->sec_word,
				      (int64_t)t->nsec_word};
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * copy.h -- copying files and trees between two sides (a pool, the
 * kernel's files, or the same pool), for put, get and cp. A file is written
 * under a temporary name beside its destination and renamed over it only
 * when complete: a failed copy leaves no partial file, and an existing
 * destination stays as it was.
 */
#ifndef PMEMFILE_TOOL_COPY_H
#define PMEMFILE_TOOL_COPY_H 1

#include "side.h"

struct copy_link;

struct copy {
	const struct side *from, *to;
	bool recursive; /* directories too (else they are refused) */
	/* modes with set-ID bits, owners, times and hard links kept */
	bool preserve;
	mode_t umask;	 /* of the destination side */
	int failed;	 /* a failure was reported */
	uint64_t copied; /* bytes of data copied, for the progress line */
	struct copy_link *links; /* sources with several links copied */
	size_t nlinks, links_cap;
};

/* Sets umask from the destination side. */
void copy_init(struct copy *c, const struct side *from, const struct side *to);
void copy_fini(struct copy *c);

/*
 * Copies src of c->from to dst of c->to (a file or, recursively, a
 * directory; a symbolic link as a link). Every failure is reported with
 * the path it concerns; returns 0 or -1.
 */
int copy_path(struct copy *c, const char *src, const char *dst);

/*
 * Copies the open file in (of c->from) to dst: written to a temporary name
 * beside dst with the permissions mode, renamed to dst when complete,
 * removed if not. src names in in messages. 0 or -1 after a message.
 */
int copy_file_from(struct copy *c, struct side_file *in, const char *src,
		   const char *dst, mode_t mode);

/* The last component of path ("a" of "x/a/"), malloc'd. */
char *copy_basename(const char *path);

#endif

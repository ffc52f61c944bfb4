/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * repair.h -- what the parts of the repair share (repair.c, the rounds;
 * repair_dir.c, directories; repair_lost.c, what goes through the library):
 * the state of a repair, its one way to store into the pool, its fixes.
 */
#ifndef PMEMFILE_REPAIR_H
#define PMEMFILE_REPAIR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "check_found.h"
#include "internal.h"

struct repair {
	const char *path;
	PMEMobjpool *pop;
	char *base;
	uint64_t pool_size;
	FILE *out;
	struct check_found f;
	struct pmemfile_super *super;
	unsigned fixes;	 /* fixes made */
	unsigned change; /* fixes of the transaction under way */
	/* the fixes of the transaction under way, printed at its commit */
	char *pending;
	size_t pending_len;
	FILE *pending_out;
	/* layout 5: the inodes the transaction under way changed, whose
	 * checksums it stores at its end (repair_tx) */
	bool csums;
	uint64_t version; /* of the pool's layout */
	struct repair_seal *seal;
	size_t nseal, seal_cap;
};

struct repair_seal {
	struct pmemfile_inode *in;
	uint64_t off;
	/*
	 * The inode as it was before the transaction's first store into it,
	 * when it failed its checksum then (repair_store): a byte the fix
	 * left as it was may explain the mismatch once the fix is made.
	 */
	bool was_bad;
	struct pmemfile_inode before;
};

/* In a transaction: inode in (at pool offset off) changed; its checksum is
 * stored again at the transaction's end. */
void repair_seal_inode(struct repair *r, struct pmemfile_inode *in,
		       uint64_t off);
/* In a transaction: record e (in the repair's mapping) changed. */
void repair_seal_dirent(struct repair *r, struct pmemfile_dirent *e);

/*
 * In a transaction: every store the repair makes in the pool's metadata
 * goes through here (src NULL: zeros), so that whatever a structure keeps
 * about its own bytes is kept in one place.
 */
void repair_store(struct repair *r, void *dst, const void *src, size_t len);
/* The same for one word, if it changes. */
void repair_store64(struct repair *r, uint64_t *dst, uint64_t v);

/* In a transaction: a fix, printed if the transaction commits. */
void repair_fix(struct repair *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * fn(r, arg) in a transaction of pop: its fixes printed if it commits.
 * Returns 0 or the errno of the abort.
 */
int repair_tx(struct repair *r, PMEMobjpool *pop,
	      void (*fn)(struct repair *r, void *arg), void *arg);

/* Orders uint64_t offsets (and structures that start with one). */
int repair_cmp_off(const void *a, const void *b);
/* What the check found at off: the object, the inode in use, or NULL. */
struct cobj *repair_object(struct repair *r, uint64_t off);
struct cino *repair_cino(struct repair *r, uint64_t off);
/* Whether off starts an object of at least size bytes. */
bool repair_object_holds(struct repair *r, uint64_t off, uint64_t size);

static inline struct pmemfile_inode *repair_inode(struct repair *r,
						  uint64_t off)
{
	return (void *)(r->base + off);
}

static inline bool repair_is_root(struct repair *r, uint64_t off)
{
	if (off == r->super->root)
		return true;
	for (int i = 0; i < PMEMFILE_EXTRA_ROOTS; i++)
		if (r->super->roots[i] && off == r->super->roots[i])
			return true;
	return false;
}

/* Directory ino rebuilt from its readable records, if it can be
 * (repair_dir.c). */
void repair_dir(struct repair *r, uint64_t ino);

/*
 * Through the library (repair_lost.c): the orphans freed, the tops of the
 * lost trees linked into /lost+found. The pool is closed for the library
 * and opened again.
 */
int repair_through_library(struct repair *r, size_t orphans);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * crash_model.h -- the expected state of the crash test's pool: a few
 * directories, a few names in each, inodes with their bytes. The workload
 * child and the checking parent apply the same records to it.
 */
#ifndef TESTS_PMEMFILE_CRASH_MODEL_H
#define TESTS_PMEMFILE_CRASH_MODEL_H

#include <stddef.h>
#include <stdint.h>

/*
 * A program may build the model wider (the same sources compiled with
 * other values): more names (several inode arrays, bigger hash tables),
 * longer ones (several directory blocks), smaller files.
 */
#define CM_DIRS 3 /* /d0 .. /d2, plus the root */
#ifndef CM_NAMES
#define CM_NAMES 6 /* f0 .. f5 in each directory */
#endif
#ifndef CM_NAME_PAD
#define CM_NAME_PAD 0 /* 'x' characters after each fN */
#endif
#ifndef CM_MAX_SIZE
#define CM_MAX_SIZE (192 * 1024) /* no file grows beyond this */
#endif
#define CM_SLOTS ((CM_DIRS + 1) * CM_NAMES)
#define CM_INODES CM_SLOTS
#define CM_MAX_TARGET 600 /* nor a symlink's target */
#define CM_PATH_MAX (16 + CM_NAME_PAD)

enum cm_op {
	CM_CREATE = 1,	/* slot a, new inode */
	CM_PWRITE,	/* slot a: len bytes at off, from the record's seq */
	CM_APPEND,	/* slot a: len bytes at the end, O_APPEND */
	CM_TRUNCATE,	/* slot a to off */
	CM_RENAME,	/* slot a to slot b */
	CM_UNLINK,	/* slot a */
	CM_LINK,	/* slot a to new name slot b */
	CM_MKDIR,	/* directory a */
	CM_RMDIR,	/* directory a */
	CM_RENAMEDIR,	/* directory a to b (absent or empty) */
	CM_UNLINK_OPEN, /* slot a (one link): open, unlink, write, close */
	CM_SYMLINK,	/* slot a, new symlink: a target of len bytes */
};

/* One log record; written as CM_INTENT before the call, CM_ACK after. */
struct cm_rec {
	uint32_t magic;
	uint32_t kind;
	uint32_t op;
	int32_t a, b;
	uint32_t len;
	uint64_t off;
	uint64_t seq;
};

#define CM_MAGIC 0x43524153u
#define CM_INTENT 1
#define CM_ACK 2

struct cm_inode {
	int nlink;   /* names pointing at it; 0: free */
	int symlink; /* a symlink: data holds its target, size its length */
	size_t size;
	unsigned char *data; /* CM_MAX_SIZE bytes */
};

struct cm_model {
	int dir[CM_DIRS];   /* exists */
	int slot[CM_SLOTS]; /* inode index, or -1 */
	struct cm_inode ino[CM_INODES];
};

void cm_init(struct cm_model *m);
void cm_copy(struct cm_model *dst, const struct cm_model *src);
void cm_free(struct cm_model *m);
/* Applies an acknowledged operation. */
void cm_apply(struct cm_model *m, const struct cm_rec *r);
/* The bytes an operation with sequence number seq writes. */
void cm_data(unsigned char *buf, size_t n, uint64_t seq);
/* The target of a symlink of length n made by operation seq. */
void cm_target(char *buf, size_t n, uint64_t seq);
/* "/dK/fJ" or "/fJ", then CM_NAME_PAD 'x's (the root's slots come last). */
void cm_slot_path(int slot, char *buf, size_t n);
int cm_slot_dir(int slot); /* directory index, CM_DIRS for the root */
/* Whether a name in a directory is one cm_slot_path makes. */
int cm_name_valid(const char *name);
/* Picks a valid next operation at random (rand_r on *seed). */
void cm_pick(const struct cm_model *m, unsigned *seed, struct cm_rec *r);

#endif

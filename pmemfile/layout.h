/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * layout.h -- the persistent layout of a pmemfile pool.
 *
 * Every structure a pool holds is declared here, with its invariants beside
 * each field. All references between persistent structures are byte offsets
 * from the start of the pool (the "off" of a PMEMoid of this pool); 0 means
 * "none". A change to any field happens inside a libpmemobj transaction
 * unless the field says otherwise.
 */
#ifndef PMEMFILE_LAYOUT_H
#define PMEMFILE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include <libpmemobj/thread.h>

/* libpmemobj layout name of every pmemfile pool. */
#define PMEMFILE_LAYOUT_NAME "pmemfile"

/*
 * Version of the structures below. A pool with a greater version is refused
 * (ENOTSUP); each change of this file that an older library could misread
 * increments it. A pool of an older version is upgraded at open
 * (inode_alloc.c).
 *
 * 1: first layout.
 * 2: free inode slots tracked persistently (the list of inode arrays with
 *    a free slot) and the array map, so that opening a pool reads nothing
 *    in proportion to its population.
 * 3: the array chain is linked both ways (chain_prev), so that an empty
 *    array leaves it and is freed; directory tables over 1 KiB may be
 *    headerless units of the library's classes, and an array, a directory
 *    block or an extent block a unit bigger than it.
 * 4: root directories 1 to 3 (super->roots), as the discontinued
 *    library's pools had four; a pool made before has root 0 only, and
 *    is opened as it is.
 * 5: metadata checksums (CRC32C, crc32c.c) in what was padding: the
 *    superblock's fixed part, each inode, each extent block, each
 *    directory record and each long symlink target; checked when first
 *    read (csum.c). A pool of an older version is given them at its next
 *    open (csum_upgrade).
 * 6: an inode's size and times carry checks in their own words
 *    (struct pmemfile_inode, size_word; struct pmemfile_itime), as they
 *    are stored outside transactions where the inode's checksum cannot
 *    follow them. A pool of layout 5 is given them at its next open, an
 *    inode at a time (words_upgrade, super->words_upgraded).
 */
#define PMEMFILE_LAYOUT_VERSION 6

/* Root directories beside root 0 (pmemfile_open_root 1 to 3). */
#define PMEMFILE_EXTRA_ROOTS 3

#define PMEMFILE_SUPER_MAGIC "PMEMFILE-SUPER1"

/* Object type numbers, so that a walk over all objects can classify them. */
enum pmemfile_type {
	PMEMFILE_T_INODE_ARRAY = 1,
	PMEMFILE_T_EXTENT_BLOCK = 2,
	PMEMFILE_T_DATA = 3,
	PMEMFILE_T_DIR_BLOCK = 4,
	PMEMFILE_T_DIR_HTAB = 5,
	PMEMFILE_T_DIR_BTAB = 6,
	PMEMFILE_T_SYMLINK = 7,
	PMEMFILE_T_ARRAY_MAP = 8, /* version 2 */
	PMEMFILE_T_MAX = 9,
};

struct pmemfile_time {
	int64_t sec;
	int64_t nsec; /* 0 .. 999999999 */
};

/*
 * A time of an inode (version 6; a struct pmemfile_time before): each of
 * its two words carries a check of itself, so that each is published by
 * one 8-byte store, which a crash cannot tear, in any order and with no
 * fence between them.
 *
 * sec_word: bits 0..47 the seconds, signed (sign-extended from bit 47:
 * about 4.4 million years either side of 1970; a time beyond is stored as
 * the nearest one, as the kernel stores a time out of a file system's
 * range); bits 48..63 the low 16 bits of the CRC32C of the word with
 * those bits zero, from the word's pool offset.
 *
 * nsec_word: bits 0..31 the nanoseconds (0 .. 999999999); bits 32..63 the
 * CRC32C of those 4 bytes, from the word's pool offset.
 *
 * Why not one check over both: the data path and atime store sec and nsec
 * as two stores, and a crash between them would leave a check over both
 * that fits neither time (a pool without damage reported damaged); a
 * 16-byte store is atomic for other threads but not known to be so for
 * the medium. With a check in each word, a crash between the two stores
 * leaves the new seconds beside the old nanoseconds, both intact, as in
 * version 5. Each check detects any change of one byte of its word (the
 * tests try all of them) and starts from the word's own offset, so that a
 * word copied from another time or another inode fails.
 */
struct pmemfile_itime {
	uint64_t sec_word;
	uint64_t nsec_word;
};

/*
 * One extent of a regular file: len bytes of the file from off are stored at
 * pool offset data.
 * Invariants: off, len and data are multiples of 4096; data is the start of
 * an object of type PMEMFILE_T_DATA whose usable size is len; the extents of
 * one inode never overlap. Bytes of an extent at or beyond the inode's size
 * have no meaning (they are zeroed before the size grows over them).
 */
struct pmemfile_extent {
	uint64_t off;
	uint64_t len;
	uint64_t data;
};

#define PMEMFILE_INLINE_EXTENTS 4

/*
 * Extents beyond the inline ones: a chain of 4 KiB blocks.
 * csum (version 5): CRC32C of the whole block but csum itself (slots past
 * the file's extent count included), stored in the transaction that
 * changes the block. Every checksum below starts from the structure's pool
 * offset (its low and high 32 bits xor'ed) instead of 0, so that a
 * structure copied elsewhere fails there.
 */
#define PMEMFILE_EXTENTS_PER_BLOCK 170
struct pmemfile_extent_block {
	uint64_t next; /* next block of the chain, 0 at its end */
	uint32_t csum;
	uint32_t pad;
	struct pmemfile_extent e[PMEMFILE_EXTENTS_PER_BLOCK];
};

struct pmemfile_file_info {
	/*
	 * Number of extents: slots 0..INLINE-1 are inline, the following
	 * ones are in the chain, PMEMFILE_EXTENTS_PER_BLOCK per block. Slots
	 * below nextents are valid, in no particular order.
	 */
	uint64_t nextents;
	uint64_t blocks; /* first extent block, 0 if none */
	struct pmemfile_extent e[PMEMFILE_INLINE_EXTENTS];
};

struct pmemfile_dir_info {
	/* Parent directory inode; the root's parent is the root itself. */
	uint64_t parent;
	/* Live records in the blocks (".", ".." are not stored). */
	uint64_t nentries;
	/*
	 * Tombstones in htab; nentries + ntomb < htab_cap / 2 + 1, or up to
	 * htab_cap * 7 / 8 when the pool had no room for a bigger table.
	 */
	uint64_t ntomb;
	/*
	 * Open-addressing hash table, htab_cap (a power of two) entries of
	 * uint64_t: 0 free, UINT64_MAX
	 * tombstone, else (hash >> 32) << 32 | (slot position + 1), where the
	 * position is block index * PMEMFILE_DIR_SLOTS + slot index of the
	 * record start. Every live record has exactly one entry.
	 */
	uint64_t htab;
	uint64_t htab_cap;
	/* Table of nblocks block offsets (uint64_t), room for btab_cap. */
	uint64_t btab;
	uint64_t btab_cap;
	uint64_t nblocks;
};

/*
 * Directory blocks: 4 KiB of 32-byte slots. A record (one name) starts at a
 * slot and covers nslots slots. Slots not covered by a live record are all
 * zero, so that a block can be walked slot by slot. A record never moves
 * while it is live, so its position is a stable getdents offset.
 *
 * Checksums (version 5) are kept per record, in the record's own padding,
 * not per block: a create or an unlink changes one record of a block, and
 * its CRC costs the record's bytes, not 4 KiB; a record is checked where
 * it is read (a lookup that matches it, getdents), which needs no state of
 * what was checked; records keep their slots, so getdents offsets and the
 * hash table are as in version 4. The bytes outside live records are
 * covered by their invariant (all zero), which pmemfile check verifies.
 */
#define PMEMFILE_DIR_BLOCK_SIZE 4096
#define PMEMFILE_DIR_SLOT 32
#define PMEMFILE_DIR_SLOTS (PMEMFILE_DIR_BLOCK_SIZE / PMEMFILE_DIR_SLOT)
#define PMEMFILE_NAME_MAX 255

struct pmemfile_dirent {
	uint64_t ino;	 /* inode offset, never 0 in a live record */
	uint8_t nslots;	 /* (16 + namelen + 31) / 32 */
	uint8_t type;	 /* DT_* of the inode: a file's type never changes */
	uint8_t namelen; /* 1 .. PMEMFILE_NAME_MAX */
	uint8_t pad;
	/*
	 * CRC32C of the 12 bytes above and of the name, from the record's
	 * offset (version 5); stored with every change of the record.
	 */
	uint32_t csum;
	char name[]; /* namelen bytes, no NUL */
};

#define PMEMFILE_SYMLINK_INLINE 128

/* Inode flags: an O_TMPFILE inode (nlink 0) that linkat may name. */
#define PMEMFILE_I_LINKABLE 1u

/*
 * An inode, 256 bytes, 64-byte aligned: the first cache line holds what a
 * write changes (size and times), so that one flush publishes them.
 *
 * csum (version 5): CRC32C, from the inode's offset, of mode ..
 * nlink, the union (extents, directory tables, symlink target) and rdev,
 * stored in the transaction that changes any of them; also of size_word
 * when it is large (below). Not covered: size_word otherwise, mtime, ctime
 * and atime, which are stored outside a transaction by single persisted
 * stores (a checksum beside them could not change in the same atomic
 * store): from version 6 each of their words carries its own check
 * instead. Nor the orphan links, which a transaction under orphan_lock
 * changes in inodes it does not hold (a checksum stored by two
 * transactions at once could be rolled back by the one that aborts): they
 * are checked by their bounds where they are used.
 */
struct pmemfile_inode {
	uint32_t mode;	/* S_IF* | permissions; 0: the slot is free */
	uint32_t flags; /* PMEMFILE_I_* */
	uint32_t uid;
	uint32_t gid;
	/*
	 * Names of the inode, plus for a directory its "." and the ".." of
	 * each subdirectory. 0 only while the inode is in the orphan list.
	 */
	uint64_t nlink;
	/*
	 * The size. Regular file: bytes of data, changed by a single
	 * persisted 8-byte store after the data below it is persistent.
	 * Symlink: target length. Directory: 0 (stat computes a size).
	 *
	 * Version 6: the word holds a check beside the size, so that the
	 * one store publishes both. A size up to PMEMFILE_SIZE_SMALL_MAX
	 * (256 TiB, beyond any pool's storage) is small: bit 63 clear, bits
	 * 0..47 the size, bits 48..62 the low 15 bits of the CRC32C of the
	 * word with bits 48..63 zero, from the word's pool offset (a size
	 * copied from another inode fails). A bigger one (a sparse file up to
	 * INT64_MAX, as the kernel allows) is large: bit 63 set, bits 0..62
	 * the size, the word covered by the inode's csum instead, and
	 * therefore stored only in a transaction (a write or truncate to or
	 * from a large size takes one). Version 5 and before: the size alone.
	 */
	uint64_t size_word;
	/* mtime and ctime may be stored outside a transaction (one flush). */
	struct pmemfile_itime mtime;
	struct pmemfile_itime ctime;
	union {
		struct pmemfile_file_info file;
		struct pmemfile_dir_info dir;
		/*
		 * Symlink target: inline if size < PMEMFILE_SYMLINK_INLINE
		 * (NUL-terminated), else target[0..7] is the offset of a
		 * PMEMFILE_T_SYMLINK object holding it and target[8..11]
		 * (version 5) the CRC32C of its size + 1 bytes, from its
		 * offset (so that it covers the size too).
		 */
		char target[PMEMFILE_SYMLINK_INLINE];
	};
	struct pmemfile_itime atime; /* may be stored outside a transaction */
	uint64_t rdev;
	/* Orphan list links (inode offsets), 0 when not in the list. */
	uint64_t orphan_prev;
	uint64_t orphan_next;
	uint64_t pad[2];
	uint32_t pad32;
	uint32_t csum;
};

/*
 * Inode arrays: 16 KiB objects (4 KiB-aligned) holding a header and
 * PMEMFILE_INODES_PER_ARRAY inode slots; chained from the superblock. An
 * array whose last inode goes is freed, unless it is the only one with a
 * free slot (version 3; earlier arrays were never freed).
 */
#define PMEMFILE_INODE_ARRAY_SIZE 16384
#define PMEMFILE_INODES_PER_ARRAY \
	(PMEMFILE_INODE_ARRAY_SIZE / sizeof(struct pmemfile_inode) - 1)

struct pmemfile_inode_array {
	uint64_t next; /* next array in the chain, 0 at its end */
	/*
	 * Links of the list of arrays with a free slot (super->free_arrays):
	 * an array is in the list iff one of its slots has mode 0. Both are
	 * 0 while it is not in the list; free_prev is 0 for the head. Changed
	 * under the superblock's alloc_lock.
	 */
	uint64_t free_prev;
	uint64_t free_next;
	/* the array before this one in the chain, 0 for its head (version
	 * 3; zero padding before) */
	uint64_t chain_prev;
	uint64_t pad[28];
	struct pmemfile_inode inodes[PMEMFILE_INODES_PER_ARRAY];
};

/* The pool's root object. */
struct pmemfile_super {
	char magic[16];	       /* PMEMFILE_SUPER_MAGIC, NUL-padded */
	uint64_t version;      /* PMEMFILE_LAYOUT_VERSION of the creator */
	uint64_t root;	       /* root directory inode, never 0 */
	uint64_t inode_arrays; /* head of the inode array chain */
	/*
	 * Head of the orphan list: inodes with nlink 0 still open (or
	 * O_TMPFILE ones); freed at their last close or at the next open.
	 */
	uint64_t orphans;
	uint64_t ninode_arrays; /* length of the inode array chain */
	struct pmemfile_time created;
	/* Head of the list of inode arrays with a free slot, 0 if none. */
	uint64_t free_arrays;
	/*
	 * The array map: an object of array_map_pages bits (rounded up to
	 * whole uint64_t words) in which bit p is set iff an inode array
	 * starts at byte p * 4096 of the pool. array_map_pages is the
	 * pool's size in pages when the map was made (a pool never grows).
	 * Set in the transaction that allocates the array.
	 */
	uint64_t array_map;
	uint64_t array_map_pages;
	/*
	 * Root directories 1 to 3: directories whose parent is themselves,
	 * without a name, as root. Each one is set in the transaction that
	 * makes the pool; all 0 in a pool made by a library of layout 1 or
	 * 2 (upgraded or not), which has root 0 only.
	 */
	uint64_t roots[PMEMFILE_EXTRA_ROOTS];
	/*
	 * CRC32C (version 5) of what changes only when the pool is made or
	 * upgraded: magic, version, root, created, array_map,
	 * array_map_pages and roots. The list heads and counts between them
	 * change in most transactions, some under alloc_lock, some under
	 * orphan_lock: not covered, they are checked by their bounds (the
	 * array map, inode_off_valid) where they are followed.
	 */
	uint32_t csum;
	uint32_t pad;
	/*
	 * Held (pmemobj_tx_lock) by every transaction that takes or frees
	 * an inode slot, until it ends: the free list, the array chain and
	 * the array map change under it.
	 */
	PMEMmutex alloc_lock;
	/*
	 * While a pool of layout 5 is given the checks of layout 6 (version
	 * still 5): the offset of the next inode to be given them, in the
	 * order of the array chain and of the slots, stored in the
	 * transaction that gives them to the one before; 0 before the first
	 * and once the version is 6. A crash in between leaves every inode
	 * either before it (done) or not, so that a word is never taken for
	 * the other form.
	 */
	uint64_t words_upgraded;
	uint64_t pad_end[39];
};

_Static_assert(sizeof(struct pmemfile_inode) == 256, "inode size");
_Static_assert(sizeof(struct pmemfile_inode_array) <= PMEMFILE_INODE_ARRAY_SIZE,
	       "inode array size");
_Static_assert(sizeof(struct pmemfile_extent_block) <= 4096, "extent block");
_Static_assert(sizeof(struct pmemfile_super) == 512, "superblock size");
_Static_assert(offsetof(struct pmemfile_inode_array, inodes) == 256,
	       "inode array header");
_Static_assert(PMEMFILE_INODES_PER_ARRAY < 64, "a slot bitmap in a word");
_Static_assert(sizeof(struct pmemfile_extent_block) == 4096, "extent block");
_Static_assert(offsetof(struct pmemfile_dirent, name) == 16, "record header");
_Static_assert(offsetof(struct pmemfile_inode, csum) == 252, "inode csum");
_Static_assert(offsetof(struct pmemfile_super, csum) == 120, "super csum");
_Static_assert(offsetof(struct pmemfile_inode, size_word) == 24 &&
		   offsetof(struct pmemfile_inode, mtime) == 32 &&
		   offsetof(struct pmemfile_inode, ctime) == 48 &&
		   offsetof(struct pmemfile_inode, atime) == 192,
	       "the size and times as in version 5");

/* Sizes a small size word holds; the bit of a large one. */
#define PMEMFILE_SIZE_SMALL_MAX ((1ULL << 48) - 1)
#define PMEMFILE_SIZE_LARGE (1ULL << 63)

#endif

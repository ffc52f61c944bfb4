/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * check_found.h -- what the checker found in a pool, handed to the repair
 * (repair.c): every object of the allocator with its owners, every inode
 * slot in use with the names it has, and what the checker could not follow.
 */
#ifndef PMEMFILE_CHECK_FOUND_H
#define PMEMFILE_CHECK_FOUND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <libpmemobj.h>

/* An object of the allocator (not the superblock), sorted by off. */
struct cobj {
	uint64_t off, size;
	unsigned type, owners;
};

/*
 * An extent of a file that leads nowhere by its own fields (not aligned,
 * no length): its slot in the file's list, in the order found (by inode,
 * slots ascending).
 */
struct cext {
	uint64_t ino;
	uint64_t slot;
};

/* An inode slot in use, sorted by off. */
struct cino {
	uint64_t off;
	uint64_t names;	  /* records naming it */
	uint64_t subdirs; /* for directories: records naming directories */
	bool visited, orphan;
	/* a problem was found in what the inode holds (its extents, tables
	 * and records, target or mode), its checksum aside */
	bool flawed;
};

struct check_found {
	unsigned problems;
	/* the superblock or a root directory is unusable: nothing was walked */
	bool fatal;
	/*
	 * A reference was not followed (not an object, of the wrong type or
	 * size, owned twice, a list cut short): objects without an owner may
	 * belong to what was not followed.
	 */
	bool unfollowed;
	/* the array chain, the free list or the array map is wrong */
	bool arrays;
	/* the orphan list is cut short or has a broken back link */
	bool orphan_list;
	/*
	 * The link of the inode array chain (the superblock's head, or an
	 * array's next: its pool offset) that leads to no inode array, and
	 * the array it is in (0: the head); 0 if none.
	 */
	uint64_t chain_link, chain_prev;
	struct cobj *objs;
	size_t nobjs;
	struct cino *inos;
	size_t ninos;
	/* directories in which a problem was found, in the order found */
	uint64_t *dirs;
	size_t ndirs, dirs_cap;
	/* extents that lead nowhere, of files whose extent list is whole */
	struct cext *bad_ext;
	size_t nbad_ext, bad_ext_cap;
	/*
	 * Extent blocks chained past a file's last extent: the pool offset
	 * of the link to them (the inode's or the last used block's), by
	 * inode (struct cext's slot holds the link's offset).
	 */
	struct cext *ext_tail;
	size_t next_tail, ext_tail_cap;
	/*
	 * Extent counts beyond what a file's chain of extent blocks (which
	 * ends with a link of 0) can hold, where the slots in use come first
	 * and every slot after them is zero: the number of slots in use, by
	 * inode (struct cext's slot holds it).
	 */
	struct cext *ext_count;
	size_t next_count, ext_count_cap;
	/*
	 * Extent blocks and long symlink targets that fail their checksums:
	 * the structure's offset, by inode (struct cext's slot holds it).
	 */
	struct cext *bad_csum;
	size_t nbad_csum, bad_csum_cap;
	/* called now and then during the walk: inodes done, inodes in all */
	void (*progress)(uint64_t done, uint64_t total);
};

/*
 * Checks the pool pop (opened by check_pool_open) as pmemfile_check_pool
 * does (the problems printed on report if not NULL); found (if not NULL)
 * gets what was found, to be freed with check_found_free.
 */
/* A line of a report (check, repair, salvage): nothing if out is NULL. */
void report_line(FILE *out, const char *fmt, va_list ap);

unsigned check_pool_found(PMEMobjpool *pop, FILE *report,
			  struct check_found *found);
void check_found_free(struct check_found *found);

/*
 * Opens the pool at path for checking: the file and libpmemobj's metadata
 * checked, the allocation classes registered. 0 and *pop, or -errno with the
 * reason printed on report (if not NULL).
 */
int check_pool_open(const char *path, FILE *report, PMEMobjpool **pop,
		    uint64_t *pool_size);

#endif

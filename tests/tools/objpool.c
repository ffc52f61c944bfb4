// SPDX-License-Identifier: BSD-3-Clause
/*
 * objpool.c -- a helper of the tools tests, speaking libpmemobj directly:
 *   objpool create PATH LAYOUT   a libpmemobj pool of another layout (16M)
 *   objpool offsets PATH         where a pmemfile pool keeps its superblock
 *                                and root directory inode, as file offsets,
 *                                where fields sit in an inode, and where
 *                                libpmemobj's heap header and its first
 *                                chunk header are
 * The offsets let a test damage a pool at a known place of its layout.
 */
#include <libpmemobj.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "pmemfile/layout.h"

static int objpool_create(const char *path, const char *layout)
{
	PMEMobjpool *pop = pmemobj_create(path, layout, 16 << 20, 0600);

	if (!pop) {
		fprintf(stderr, "pmemobj_create %s: %s\n", path,
			pmemobj_errormsg());
		return 1;
	}
	pmemobj_close(pop);
	return 0;
}

static int objpool_offsets(const char *path)
{
	PMEMobjpool *pop = pmemobj_open(path, PMEMFILE_LAYOUT_NAME);
	const struct pmemfile_super *super;
	PMEMoid root;

	if (!pop) {
		fprintf(stderr, "pmemobj_open %s: %s\n", path,
			pmemobj_errormsg());
		return 1;
	}
	root = pmemobj_root(pop, sizeof(*super));
	super = pmemobj_direct(root);
	/* A pool in one file: offsets in the pool are offsets in the file. */
	printf("super %llu\n", (unsigned long long)root.off);
	printf("super.magic %llu\n",
	       (unsigned long long)(root.off +
				    offsetof(struct pmemfile_super, magic)));
	printf("root_inode %llu\n", (unsigned long long)super->root);
	printf("root_inode.mode %llu\n",
	       (unsigned long long)(super->root +
				    offsetof(struct pmemfile_inode, mode)));
	/*
	 * libpmemobj's heap (its offset in the pool descriptor, after the
	 * 4 KiB pool header) and the header of the first chunk of its first
	 * zone (after the 1 KiB heap header and the 64-byte zone header).
	 */
	uint64_t heap;
	memcpy(&heap, (const char *)pop + 4096 + 1040, sizeof(heap));
	printf("heap %llu\n", (unsigned long long)heap);
	printf("heap.chunk0 %llu\n", (unsigned long long)(heap + 1024 + 64));
	/* Fields of any inode, from the inode's offset (its st_ino). */
	printf("inode.extent0.data %zu\n",
	       offsetof(struct pmemfile_inode, file.e[0].data));
	pmemobj_close(pop);
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc == 4 && strcmp(argv[1], "create") == 0)
		return objpool_create(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "offsets") == 0)
		return objpool_offsets(argv[2]);
	fprintf(stderr, "usage: objpool create PATH LAYOUT | offsets PATH\n");
	return 2;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* dirlist.h -- the names in a directory of a pool, sorted. */
#ifndef PMEMFILE_TOOL_DIRLIST_H
#define PMEMFILE_TOOL_DIRLIST_H 1

#include <libpmemfile-posix.h>
#include <stddef.h>

struct dirlist {
	char **names; /* sorted by strcmp, "." and ".." included */
	size_t count;
};

/* Reads every entry of the open directory dir; 0 or -errno. */
int dirlist_read(PMEMfilepool *pfp, PMEMfile *dir, struct dirlist *list);
/* The same for a directory of the kernel's file systems. */
int dirlist_read_kernel(const char *path, struct dirlist *list);
void dirlist_free(struct dirlist *list);

/* "." and "..": the entries a walk must not descend into. */
int dirlist_is_dot(const char *name);

#endif

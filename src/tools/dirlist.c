// SPDX-License-Identifier: BSD-3-Clause
/*
 * dirlist.c -- reading a whole directory of a pool with getdents64 (or of
 * the kernel's file systems with readdir).
 */
#include "dirlist.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The record pmemfile_getdents64 fills, as the kernel's getdents64 does. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

#define DIRLIST_BUF 65536

static int dirlist_add(struct dirlist *list, const char *name, size_t *cap)
{
	if (list->count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		char **n = realloc(list->names, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		list->names = n;
		*cap = ncap;
	}
	list->names[list->count] = strdup(name);
	if (!list->names[list->count])
		return -ENOMEM;
	list->count++;
	return 0;
}

static int dirlist_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dirlist_fill(PMEMfilepool *pfp, PMEMfile *dir, char *buf,
			struct dirlist *list)
{
	size_t cap = 0;
	int n, ret;

	while ((n = pmemfile_getdents64(pfp, dir, (void *)buf, DIRLIST_BUF)) >
	       0) {
		for (int off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			ret = dirlist_add(list, d->d_name, &cap);
			if (ret)
				return ret;
			off += d->d_reclen;
		}
	}
	return n < 0 ? -errno : 0;
}

int dirlist_read(PMEMfilepool *pfp, PMEMfile *dir, struct dirlist *list)
{
	char *buf = malloc(DIRLIST_BUF);
	int ret;

	list->names = NULL;
	list->count = 0;
	if (!buf)
		return -ENOMEM;
	ret = dirlist_fill(pfp, dir, buf, list);
	free(buf);
	if (ret) {
		dirlist_free(list);
		return ret;
	}
	if (list->count)
		qsort(list->names, list->count, sizeof(char *),
		      dirlist_compare);
	return 0;
}

int dirlist_read_kernel(const char *path, struct dirlist *list)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t cap = 0;
	int ret = 0;

	list->names = NULL;
	list->count = 0;
	if (!d)
		return -errno;
	errno = 0;
	while (ret == 0 && (e = readdir(d)) != NULL)
		ret = dirlist_add(list, e->d_name, &cap);
	if (ret == 0 && errno)
		ret = -errno;
	closedir(d);
	if (ret) {
		dirlist_free(list);
		return ret;
	}
	if (list->count)
		qsort(list->names, list->count, sizeof(char *),
		      dirlist_compare);
	return 0;
}

void dirlist_free(struct dirlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->names[i]);
	free(list->names);
	list->names = NULL;
	list->count = 0;
}

int dirlist_is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * side.h -- the same file operations on a pool or on the kernel's file
 * systems, so that one copy routine serves every direction of a copy.
 * Every function returns 0 (or a count) or -errno.
 */
#ifndef PMEMFILE_TOOL_SIDE_H
#define PMEMFILE_TOOL_SIDE_H 1

#include "dirlist.h"

#include <libpmemfile-posix.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/* A pool (pfp), or the kernel's files (pfp NULL). */
struct side {
	PMEMfilepool *pfp;
};

/* An open file of a side. */
struct side_file {
	int fd;
	PMEMfile *f;
};

int side_lstat(const struct side *s, const char *path, struct stat *st);
int side_stat(const struct side *s, const char *path, struct stat *st);
/* flags are the kernel's O_ flags, which pmemfile's equal */
int side_open(const struct side *s, const char *path, int flags, mode_t mode,
	      struct side_file *f);
ssize_t side_read(const struct side *s, struct side_file *f, void *buf,
		  size_t len);
int side_write_all(const struct side *s, struct side_file *f, const void *buf,
		   size_t len);
/* The error of the last write, if the kernel reports it only here. */
int side_close(const struct side *s, struct side_file *f);
int side_mkdir(const struct side *s, const char *path, mode_t mode);
int side_rmdir(const struct side *s, const char *path);
int side_unlink(const struct side *s, const char *path);
int side_rename(const struct side *s, const char *from, const char *to);
int side_link(const struct side *s, const char *from, const char *to);
int side_symlink(const struct side *s, const char *target, const char *path);
/* A FIFO, socket or device node: mode has the type */
int side_mknod(const struct side *s, const char *path, mode_t mode, dev_t dev);
/* The target of a symbolic link, malloc'd, in *target. */
int side_readlink(const struct side *s, const char *path, char **target);
/* On the link itself when follow is false. */
int side_chown(const struct side *s, const char *path, uid_t uid, gid_t gid,
	       bool follow);
int side_chmod(const struct side *s, const char *path, mode_t mode);
int side_utimens(const struct side *s, const char *path,
		 const struct timespec times[2]);
/* The names of a directory, sorted, "." and ".." included. */
int side_list(const struct side *s, const char *path, struct dirlist *list);

/* dir/name with one '/' between them (malloc'd), NULL for no memory. */
char *side_join(const char *dir, const char *name);

/*
 * fn(arg, child) for each entry of the directory path but "." and "..",
 * child being its path; 0, or -errno (said) when path cannot be read.
 */
int side_each_child(const struct side *s, const char *path,
		    void (*fn)(void *arg, const char *child), void *arg);

#endif

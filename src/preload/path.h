/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * path.h -- path resolution across the kernel and the mounts.
 *
 * A path starts from the kernel's root, the current directory (which may
 * be in a mount) or a directory descriptor of either kind. The walk crosses
 * into a pool at a mount point, out of it by ".." at its root or by a
 * symlink of the pool that points out, and back in by an absolute symlink
 * target under a mount. Kernel paths are resolved lexically; a kernel call
 * that fails with ENOENT or ENOTDIR is looked at again following the
 * kernel's symlinks, for those that point into a mount.
 */
#ifndef PRELOAD_PATH_H
#define PRELOAD_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "libpmemfile-posix.h"

struct preload_mount;
struct preload_file;

enum path_flags {
	PATH_FOLLOW = 1 << 0,	    /* follow a symlink in the last component */
	PATH_EMPTY = 1 << 1,	    /* AT_EMPTY_PATH: "" names dirfd itself */
	PATH_KERNEL_LINKS = 1 << 2, /* follow kernel symlinks too */
	/*
	 * An open that may create (open, openat, creat with O_CREAT): the
	 * kernel runs it refusing symlinks first, so that a kernel symlink
	 * into a mount cannot make it create in the directory behind the
	 * mount point.
	 */
	PATH_CREATES = 1 << 3,
	/*
	 * A call that makes a name in the kernel (mkdir, mknod, symlink, the
	 * new name of link and rename): when the directory it goes in is
	 * reached through a kernel symlink, the walk follows the kernel's
	 * symlinks, which may lead into a mount.
	 */
	PATH_CREATES_NAME = 1 << 4,
	/*
	 * A call on the name of the last component (rmdir, unlink, the old
	 * name of rename; PATH_CREATES_NAME implies it): a last "." or ".."
	 * in a pool goes to the library as written, which refuses it as the
	 * kernel does, instead of naming the directory it leads to.
	 */
	PATH_NAME_LAST = 1 << 5,
	/*
	 * With PATH_FOLLOW: a last component in a pool is not looked at
	 * (a look is a round trip in a process that does not hold the pool);
	 * the call refuses a symlink there itself (PMEMFILE_O_LAST_NOFOLLOW)
	 * and is made again without this flag.
	 */
	PATH_LAST_UNCHECKED = 1 << 6,
	/*
	 * The directories on the way in a pool are not looked at either;
	 * the call refuses a symlink among them itself
	 * (PMEMFILE_O_PARENTS_NOFOLLOW) and is made again without this flag.
	 * A ".." after a name in a pool looks at that name (a symlink there:
	 * -ELOOP, the walk is made again).
	 */
	PATH_PARENTS_UNCHECKED = 1 << 7,
	/*
	 * A call that follows a last symlink itself (stat): /proc/self/fd/N
	 * of a pool descriptor is its file, as with PATH_FOLLOW.
	 */
	PATH_PROC_FD = 1 << 8,
};

enum path_kind {
	PATH_ORIGINAL, /* the kernel, with the caller's arguments */
	PATH_KERNEL,   /* the kernel, with the absolute path in res.path */
	PATH_POOL,     /* a pool: res.mnt, res.pfp (acquired), res.path */
};

struct path_res {
	struct preload_mount *mnt;
	PMEMfilepool *pfp;
	/* AT_EMPTY_PATH on a pool descriptor: its description, referenced */
	struct preload_file *file;
	/*
	 * path is relative to the pool's cwd (the process's, and the
	 * library's): a relative path that is too long from the root. Not to
	 * be kept as a descriptor's or the cwd's path.
	 */
	bool cwd_relative;
	/*
	 * path is relative to this directory, a handle of the result's own
	 * (closed by path_done); when it is NULL, to the root or the cwd. Set
	 * for a path from a removed directory (a descriptor of one, or the
	 * cwd in one), which has no path, that ends in a removed directory:
	 * path is its last component ("." or "..", or a name, which is
	 * missing, and which the library refuses to make there), followed by
	 * the old path of the directory it names (path_at_old).
	 */
	PMEMfile *at;
	char path[PMEMFILE_PATH_MAX];
};

/* The directory a pool result's path is relative to, for the *at calls. */
static inline PMEMfile *path_at(const struct path_res *res)
{
	return res->at != NULL ? res->at : PMEMFILE_AT_CWD;
}

/*
 * With res->at: the path the directory res names had before it was
 * removed, made lexically, to be kept by a descriptor or the cwd made from
 * the result, and never looked up for it (it may name another directory
 * now).
 */
static inline const char *path_at_old(const struct path_res *res)
{
	return res->path + strlen(res->path) + 1;
}

/*
 * Copies a path the caller passed into out as the kernel reads one: 0,
 * -EFAULT where its bytes cannot be read (a bad pointer gets the kernel's
 * answer, not a fault in the shim), -ENAMETOOLONG without a NUL in
 * PMEMFILE_PATH_MAX bytes.
 */
int path_copy_in(const char *user, char out[PMEMFILE_PATH_MAX]);

/*
 * Copies n bytes the caller passed (a structure a call points to) into out,
 * as path_copy_in reads: 0, or -EFAULT where they cannot be read.
 */
int path_copy_user(void *out, const void *user, size_t n);

/*
 * Memory may have been unmapped or made unreadable (munmap, mremap, a
 * fixed mmap, mprotect, brk, shmat, shmdt): path_copy_in checks again the
 * pages it has read paths from.
 */
void path_maps_changed(void);

/*
 * Notes the memory readable at start (the loaded objects' segments, the
 * strings of argv and envp): path_copy_in reads a path there without a
 * system call until path_maps_changed. Before the hook is set.
 */
void path_note_start_memory(char **argv, char **envp);

/* Returns an enum path_kind, or -errno. The path is read with
 * path_copy_in. */
int path_resolve(int dirfd, const char *path, int flags, struct path_res *res);

/* Releases what a PATH_POOL result holds. */
void path_done(struct path_res *res);

/*
 * Resolves argument pi (a path, relative to argument di, a dirfd, or to
 * the cwd when di < 0) of system call nr. A kernel path is run by the
 * kernel here, its result stored in *kret, and PATH_KERNEL returned; a
 * pool path gives PATH_POOL and res filled. Errors of resolution go to
 * *kret too.
 */
int path_route(long nr, const long a[6], int di, int pi, int flags,
	       struct path_res *res, long *kret);

/*
 * Directory descriptors and the current directory are kept as paths. A
 * rename in a pool, or the pool opened again (another process may have
 * renamed things meanwhile), may leave such a path naming another
 * directory or none: each is checked again, by inode number, the first
 * time it is used after such a change. path_names_changed says one
 * happened; path_generation counts them.
 */
void path_names_changed(void);
unsigned long path_generation(void);

/* The inode number of the directory at path in pfp, 0 if none is there. */
unsigned long path_dir_ino(PMEMfilepool *pfp, const char *path);

/*
 * The path of directory description f now, into out, with f's pool
 * acquired as pfp. Returns 0, or -ENOENT when the directory was removed.
 */
int path_of_dir(struct preload_file *f, PMEMfilepool *pfp,
		char out[PMEMFILE_PATH_MAX]);

/* What a call does on a pool path, given the resolved path. */
typedef long (*path_op)(struct path_res *r, const long a[6]);

/*
 * path_route of argument pi (relative to argument di) of nr: on a pool,
 * the result of op; else the kernel's (or the resolution's error).
 */
long path_call(long nr, const long a[6], int di, int pi, int flags, path_op op);

/* The path "/proc/self/fd/N" names: the mount's path of a pool fd. */
long path_proc_fd_link(const char *path, char *buf, size_t size);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * path.c -- path resolution across the kernel and the mounts (see path.h).
 *
 * Most paths a program uses never come near a mount: those are recognised
 * by looking at the string alone and go to the kernel untouched. The walk
 * is only done for a path that names a mount point, a component that is
 * the name of one, "." or "..", or starts in a mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "../../pmemfile/shim_calls.h"
#include "cwd.h"
#include "fd_table.h"
#include "libsyscall_intercept_hook_point.h"
#include "mount.h"
#include "path.h"
#include "preload.h"

#define PATH_LINKS_MAX 40

static _Atomic unsigned long path_gen = 1;

void path_names_changed(void)
{
	atomic_fetch_add_explicit(&path_gen, 1, memory_order_release);
}

/*
 * This process's own renames and removals, and those of every process
 * using a pool mounted here (pmemfile_names_generation): both only grow,
 * so their sum moves whenever either does.
 */
unsigned long path_generation(void)
{
	unsigned long gen =
	    atomic_load_explicit(&path_gen, memory_order_acquire);
	for (int i = 0; i < mount_count; ++i) {
		PMEMfilepool *pfp = atomic_load_explicit(&mount_table[i].pfp,
							 memory_order_acquire);
		if (pfp != NULL)
			gen += (unsigned long)pmemfile_names_generation(pfp);
	}
	return gen;
}

unsigned long path_dir_ino(PMEMfilepool *pfp, const char *path)
{
	pmemfile_stat_t st;

	if (pmemfile_lstat(pfp, path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	return st.st_ino;
}

int path_of_dir(struct preload_file *f, PMEMfilepool *pfp,
		char out[PMEMFILE_PATH_MAX])
{
	int ret = 0;

	pthread_mutex_lock(&f->path_lock);
	unsigned long gen = path_generation();
	if (f->path_gen != gen) {
		pmemfile_stat_t st;
		char now[PMEMFILE_PATH_MAX];
		if (pmemfile_fstat(pfp, f->file, &st) != 0) {
			ret = -errno;
		} else if (path_dir_ino(pfp, f->path) != st.st_ino) {
			/* renamed: its path now, from its handle */
			if (pmemfile_get_dir_path(pfp, f->file, now,
						  sizeof(now)) == NULL)
				ret = -errno;
			else
				strcpy(f->path, now);
		}
		if (ret == 0)
			f->path_gen = gen;
	}
	if (ret == 0)
		strcpy(out, f->path);
	pthread_mutex_unlock(&f->path_lock);
	return ret;
}

/* The walk's state: where it is (kernel or pool), as a canonical path. */
struct walk {
	struct preload_mount *mnt; /* NULL: the kernel */
	PMEMfilepool *pfp;
	/*
	 * cap bytes on the caller's stack (which may be the small one of a
	 * posix_spawn child): PMEMFILE_PATH_MAX and the path walked, as a
	 * relative path from a cwd in a pool may pass PMEMFILE_PATH_MAX.
	 */
	char *buf;
	size_t cap;
	size_t len;
	/*
	 * A walk from the cwd in a pool: the length of the cwd's path at the
	 * start of buf while the walk has stayed below it, else 0. What lies
	 * past it is the path from the cwd, which is the library's cwd too.
	 */
	size_t cwd_len;
	int links;
	bool crossed;	 /* entered or left a pool */
	bool after_name; /* the last component walked was a name */
	/*
	 * A ".." taken lexically in the kernel: right only if the component
	 * it undid was no symlink, which the kernel, not the walk, knows.
	 */
	bool kernel_dotdot;
	/*
	 * A name in a pool was walked without being looked at
	 * (PATH_PARENTS_UNCHECKED): a later "." or ".." looks at the name
	 * the walk stands on.
	 */
	bool unchecked;
	int flags;
};

/* The path of f, a directory's as it is now (as opened if removed). */
static void path_copy_of(struct preload_file *f, PMEMfilepool *pfp,
			 char out[PMEMFILE_PATH_MAX])
{
	if (f->is_dir && pfp != NULL && path_of_dir(f, pfp, out) == 0)
		return;
	/*
	 * Without the pool this may be a forked child, which can inherit the
	 * lock held by a thread it does not have: then nobody writes it.
	 */
	bool locked = pthread_mutex_trylock(&f->path_lock) == 0;
	strcpy(out, f->path);
	if (locked)
		pthread_mutex_unlock(&f->path_lock);
}

/* Whether p has no ".", ".." or empty component but maybe a trailing '/' */
static bool path_is_simple(const char *p, bool check_names)
{
	const char *s = p;

	if (*s == '/')
		s++;
	while (*s) {
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);
		if (n == 0)
			return false;
		if (s[0] == '.' && (n == 1 || (n == 2 && s[1] == '.')))
			return false;
		if (check_names && mount_is_last_component(s, n))
			return false;
		if (*e == '\0' || e[1] == '\0')
			break;
		s = e + 1;
	}
	return true;
}

static void walk_root(struct walk *w)
{
	w->cwd_len = 0;
	w->buf[0] = '/';
	w->buf[1] = '\0';
	w->len = 1;
}

static int walk_set(struct walk *w, const char *p)
{
	size_t n = strlen(p);

	if (n >= w->cap)
		return -ENAMETOOLONG;
	w->cwd_len = 0;
	memmove(w->buf, p, n + 1);
	w->len = n;
	return 0;
}

static void walk_up(struct walk *w)
{
	while (w->len > 1 && w->buf[w->len - 1] != '/')
		w->len--;
	if (w->len > 1)
		w->len--;
	w->buf[w->len] = '\0';
	if (w->len < w->cwd_len)
		w->cwd_len = 0;
}

/*
 * The path of w->buf for the library: itself, or when it is too long, the
 * part past the cwd's path (relative to the library's cwd); NULL when it
 * is too long either way.
 */
static const char *walk_pool_path(const struct walk *w)
{
	if (w->len < PMEMFILE_PATH_MAX)
		return w->buf;
	if (w->cwd_len == 0)
		return NULL;
	const char *rel = w->buf + w->cwd_len + (w->cwd_len > 1);
	return strlen(rel) < PMEMFILE_PATH_MAX ? rel : NULL;
}

static int walk_push(struct walk *w, const char *name, size_t n)
{
	size_t at = w->len == 1 ? 1 : w->len + 1;

	if (at + n >= w->cap)
		return -ENAMETOOLONG;
	w->buf[at - 1] = '/';
	memcpy(w->buf + at, name, n);
	w->len = at + n;
	w->buf[w->len] = '\0';
	return 0;
}

static int walk_enter(struct walk *w, struct preload_mount *m,
		      const char *inside)
{
	int ret = pool_acquire(m, &w->pfp);

	if (ret)
		return ret;
	w->mnt = m;
	w->crossed = true;
	return walk_set(w, *inside ? inside : "/");
}

static void walk_leave(struct walk *w)
{
	pool_release(w->mnt);
	w->mnt = NULL;
	w->pfp = NULL;
	w->crossed = true;
}

/* Makes the kernel path in w canonical and enters the mount it is in. */
static int walk_start_kernel(struct walk *w)
{
	struct preload_mount *m = mount_find_prefix(w->buf);

	if (m == NULL)
		return 0;
	char inside[PMEMFILE_PATH_MAX];
	strcpy(inside, w->buf + m->path_len);
	return walk_enter(w, m, inside);
}

/*
 * The symlink at w->buf, if it is one: its target in target (returns its
 * length), 0 when it is not a symlink, -errno.
 */
static long walk_readlink(struct walk *w, char *target, size_t size)
{
	if (w->mnt == NULL) {
		long n = syscall_no_intercept(SYS_readlink, w->buf, target,
					      size - 1);
		if (n == -EINVAL) {
			/* no symlink: a directory, or the end of the walk */
			struct stat st;
			n = syscall_no_intercept(SYS_newfstatat, AT_FDCWD,
						 w->buf, &st, 0);
			return n < 0 ? n : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
		}
		if (n >= 0)
			target[n] = '\0';
		return n;
	}
	struct stat st;
	const char *p = walk_pool_path(w);
	if (p == NULL)
		return -ENAMETOOLONG;
	if (pmemfile_lstat(w->pfp, p, &st) != 0)
		return -errno;
	if (!S_ISLNK(st.st_mode))
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	pmemfile_ssize_t n = pmemfile_readlink(w->pfp, p, target, size - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	return n;
}

/*
 * Follows the symlink target in place of the component just pushed:
 * the pending path becomes target + "/" + the rest, in place (the walk
 * may run on the small stack of a posix_spawn child).
 */
static int walk_follow(struct walk *w, const char *target, char *pend,
		       size_t pend_size, size_t rest)
{
	size_t tl = strlen(target), rl = strlen(pend + rest);

	if (++w->links > PATH_LINKS_MAX)
		return -ELOOP;
	if (tl + 1 + rl >= pend_size)
		return -ENAMETOOLONG;
	memmove(pend + tl + 1, pend + rest, rl + 1);
	memcpy(pend, target, tl);
	pend[tl] = '/';
	walk_up(w);
	w->after_name = false;
	if (target[0] == '/') {
		if (w->mnt != NULL)
			walk_leave(w);
		walk_root(w);
	}
	return 0;
}

/* One component, name[0..n), followed by pend[rest...]. */
static int walk_component(struct walk *w, const char *name, size_t n, bool last,
			  char *pend, size_t pend_size, size_t rest)
{
	bool dot = n == 1 && name[0] == '.';
	bool dotdot = n == 2 && name[0] == '.' && name[1] == '.';
	/* PATH_NAME_LAST: the library sees the last "." or ".." */
	if (last && w->mnt != NULL &&
	    (w->flags & (PATH_NAME_LAST | PATH_CREATES_NAME | PATH_CREATES)) &&
	    (dot || (dotdot && w->len > 1)))
		return walk_push(w, name, n);
	/* and so does the kernel, in a kernel path the walk rewrites */
	if (last && w->mnt == NULL && w->crossed &&
	    (w->flags & (PATH_NAME_LAST | PATH_CREATES_NAME | PATH_CREATES)) &&
	    (dot || dotdot))
		return walk_push(w, name, n);
	/*
	 * "name/." and "name/.." in a kernel path the walk rewrites: the
	 * kernel would refuse them after a name that is no directory.
	 */
	if ((dot || dotdot) && w->after_name && w->mnt == NULL && w->crossed) {
		struct stat st;
		long r = syscall_no_intercept(SYS_newfstatat, AT_FDCWD, w->buf,
					      &st, 0);
		if (r < 0)
			return (int)r;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	/*
	 * "name/." and "name/.." in a pool, a name on the way not looked at
	 * (PATH_PARENTS_UNCHECKED): the kernel would follow it, or refuse it
	 * if it is no directory. The name the walk stands on is looked at now:
	 * unless it is a directory, the walk is made again without the flag
	 * (-ELOOP), which finds what it is (a symlink on the way, which the
	 * look followed within the pool, may lead out of it).
	 */
	if ((dot || dotdot) && w->unchecked && w->mnt != NULL && w->len > 1) {
		char target[PMEMFILE_PATH_MAX];
		if (walk_readlink(w, target, sizeof(target)) != 0)
			return -ELOOP;
	}
	w->after_name = !dot && !dotdot;
	if (dot)
		return 0;
	if (dotdot) {
		if (w->mnt != NULL && w->len == 1) {
			struct preload_mount *m = w->mnt;
			walk_leave(w);
			walk_set(w, m->path);
		} else if (w->mnt == NULL) {
			w->kernel_dotdot = true;
		}
		walk_up(w);
		return 0;
	}
	int ret = walk_push(w, name, n);
	if (ret)
		return ret;
	if (w->mnt == NULL) {
		struct preload_mount *m = mount_find_exact(w->buf, w->len);
		if (m != NULL)
			return walk_enter(w, m, "/");
		if (!(w->flags & PATH_KERNEL_LINKS))
			return 0;
	}
	if (last && !(w->flags & PATH_FOLLOW))
		return 0;
	if (last && w->mnt != NULL && (w->flags & PATH_LAST_UNCHECKED))
		return 0;
	if (!last && w->mnt != NULL && (w->flags & PATH_PARENTS_UNCHECKED)) {
		w->unchecked = true;
		return 0;
	}

	char target[PMEMFILE_PATH_MAX];
	long tl = walk_readlink(w, target, sizeof(target));
	if (tl == -ENOENT && last)
		return 0;
	if (tl == -ENOTDIR && last)
		return 0;
	if (tl < 0)
		return (int)tl;
	if (tl == 0)
		return 0;
	return walk_follow(w, target, pend, pend_size, rest);
}

static int walk_path(struct walk *w, const char *path)
{
	char pend[PMEMFILE_PATH_MAX];
	size_t plen = strlen(path);
	bool trailing = plen > 0 && path[plen - 1] == '/';

	if (plen >= sizeof(pend))
		return -ENAMETOOLONG;
	memcpy(pend, path, plen + 1);
	/*
	 * "dir/" follows a symlink named dir, as the kernel does, except as
	 * the name a call acts on (rename, unlink, mkdir...): "link/" is
	 * refused there (ENOTDIR, EEXIST) by the library, as by the kernel.
	 */
	if (trailing &&
	    !(w->flags & (PATH_NAME_LAST | PATH_CREATES_NAME | PATH_CREATES)))
		w->flags |= PATH_FOLLOW;
	/* and "name/" is looked at here, the library following no symlink */
	if (trailing)
		w->flags &= ~PATH_LAST_UNCHECKED;
	/*
	 * except by an open that may create: the kernel refuses "name/"
	 * there (EISDIR) without looking at name, and so does the library
	 */
	if (trailing && (w->flags & PATH_CREATES))
		w->flags &= ~PATH_FOLLOW;

	size_t i = 0;
	for (;;) {
		while (pend[i] == '/')
			i++;
		if (pend[i] == '\0')
			break;
		size_t s = i;
		while (pend[i] != '\0' && pend[i] != '/')
			i++;
		size_t j = i;
		while (pend[j] == '/')
			j++;
		char name[256];
		size_t n = i - s;
		if (n >= sizeof(name))
			return -ENAMETOOLONG;
		memcpy(name, pend + s, n);
		size_t links = (size_t)w->links;
		int ret = walk_component(w, name, n, pend[j] == '\0', pend,
					 sizeof(pend), i);
		if (ret)
			return ret;
		if ((size_t)w->links != links)
			i = 0; /* a symlink replaced the pending path */
	}
	if (trailing && w->len > 1) {
		if (w->len + 1 >= w->cap)
			return -ENAMETOOLONG;
		w->buf[w->len++] = '/';
		w->buf[w->len] = '\0';
	}
	return 0;
}

/* The kernel directory that dirfd names, as an absolute path. */
static int path_kernel_dir(int dirfd, struct walk *w)
{
	long n;

	if (dirfd == AT_FDCWD) {
		n = syscall_no_intercept(SYS_getcwd, w->buf, w->cap);
		if (n < 0)
			return (int)n;
		w->len = strlen(w->buf);
		return 0;
	}
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	n = syscall_no_intercept(SYS_readlink, link, w->buf, w->cap - 1);
	if (n < 0 || w->buf[0] != '/')
		return -EBADF;
	w->buf[n] = '\0';
	w->len = (size_t)n;
	return 0;
}

/* The descriptor named by /proc/self/fd/N, /proc/PID/fd/N or /dev/fd/N. */
static long path_proc_fd(const char *path)
{
	const char *p;
	char self[32];

	snprintf(self, sizeof(self), "/proc/%d/fd/", (int)preload_pid);
	if (strncmp(path, "/proc/self/fd/", 14) == 0)
		p = path + 14;
	else if (strncmp(path, "/dev/fd/", 8) == 0)
		p = path + 8;
	else if (strncmp(path, self, strlen(self)) == 0)
		p = path + strlen(self);
	else
		return -1;
	char *end;
	long fd = strtol(p, &end, 10);
	if (end == p || (*end != '\0' && strcmp(end, "/") != 0) || fd > INT_MAX)
		return -1;
	return fd;
}

long path_proc_fd_link(const char *user_path, char *buf, size_t size)
{
	char path[PMEMFILE_PATH_MAX];
	if (mount_count == 0 || path_copy_in(user_path, path) != 0)
		return -1; /* the kernel's call answers */
	long fd = path_proc_fd(path);
	struct preload_file *f = fd_get(fd);

	if (f == NULL)
		return -1;
	char now[PMEMFILE_PATH_MAX];
	PMEMfilepool *pfp;
	/*
	 * A file without a name now, as the kernel shows one: its old path
	 * (an O_TMPFILE file's: its directory's and "#" and its inode
	 * number), " (deleted)" after it
	 */
	pmemfile_stat_t st;
	bool gone = false;
	if (pool_acquire(f->mnt, &pfp) == 0) {
		path_copy_of(f, pfp, now);
		gone = !f->is_dir && pmemfile_fstat(pfp, f->file, &st) == 0 &&
		       st.st_nlink == 0;
		pool_release(f->mnt);
	} else {
		path_copy_of(f, NULL, now);
	}
	char tmp[32] = "";
	if (gone && (f->flags & O_TMPFILE) == O_TMPFILE)
		snprintf(tmp, sizeof(tmp), "/#%llu",
			 (unsigned long long)st.st_ino);
	int n = snprintf(buf, size, "%s%s%s%s", f->mnt->path, now[1] ? now : "",
			 tmp, gone ? " (deleted)" : "");
	fd_put(f);
	return n;
}

static int path_result(struct walk *w, struct path_res *res)
{
	res->file = NULL;
	res->cwd_relative = false;
	if (w->mnt != NULL) {
		const char *p = walk_pool_path(w);
		if (p == NULL) {
			pool_release(w->mnt);
			res->mnt = NULL;
			return -ENAMETOOLONG;
		}
		res->mnt = w->mnt;
		res->pfp = w->pfp;
		res->cwd_relative = p != w->buf;
		strcpy(res->path, p);
		return PATH_POOL;
	}
	res->mnt = NULL;
	if (!w->crossed)
		return PATH_ORIGINAL;
	if (w->len >= PMEMFILE_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(res->path, w->buf, w->len + 1);
	return PATH_KERNEL;
}

/* AT_EMPTY_PATH, or an empty path: dirfd itself. */
static int path_empty(int dirfd, int flags, struct path_res *res)
{
	struct preload_file *f = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);

	if (f == NULL)
		return PATH_ORIGINAL;
	if (!(flags & PATH_EMPTY)) {
		fd_put(f);
		return -ENOENT;
	}
	int ret = pool_acquire(f->mnt, &res->pfp);
	if (ret) {
		fd_put(f);
		return ret;
	}
	res->mnt = f->mnt;
	res->file = f;
	ret = f->is_dir ? path_of_dir(f, res->pfp, res->path) : -ENOTDIR;
	if (ret == 0)
		return PATH_POOL;
	path_copy_of(f, NULL, res->path);
	/* a removed directory, which the calls that take a path find by "." */
	pmemfile_stat_t st;
	size_t n = strlen(res->path) + 1;
	if (ret != -ENOENT || pmemfile_fstat(res->pfp, f->file, &st) != 0 ||
	    st.st_nlink != 0)
		return PATH_POOL;
	if (n + 2 > sizeof(res->path)) {
		path_done(res);
		return -ENAMETOOLONG;
	}
	res->at =
	    pmemfile_openat(res->pfp, f->file, ".", O_PATH | O_DIRECTORY, 0);
	if (res->at == NULL) {
		ret = -errno;
		path_done(res);
		return ret;
	}
	memmove(res->path + 2, res->path, n);
	memcpy(res->path, ".", 2);
	return PATH_POOL;
}

/* The parent of an absolute path, lexically, in place ("/" stays). */
static void path_up(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash != NULL)
		slash[slash == path] = '\0';
}

/*
 * A path from dir, a directory that was removed (PMEMFILE_AT_CWD: the
 * pool's cwd is one), which has no path to walk from; old is the path it
 * had. Its leading "." and ".." are taken from handles, as the kernel
 * takes them from the directory ("." is itself, ".." the parent it had),
 * up to a directory that has a path, where the walk goes on with the rest
 * of *path. A name in a removed directory is missing, and a directory
 * made since at its old path is never met. A path that ends in
 * a removed directory goes to the library from a handle: res->at, its last
 * component in res->path, followed by the old path of the directory it
 * names (path_at_old). Returns 1 with the walk set, PATH_POOL, or -errno.
 */
static int path_removed(struct walk *w, PMEMfile *dir, const char *old,
			const char **path, struct path_res *res)
{
	PMEMfile *at =
	    pmemfile_openat(w->pfp, dir, ".", O_PATH | O_DIRECTORY, 0);
	const char *p = *path;
	char was[PMEMFILE_PATH_MAX];

	snprintf(was, sizeof(was), "%s", old);

	while (at != NULL) {
		while (*p == '/')
			p++;
		const char *e = strchrnul(p, '/');
		size_t n = (size_t)(e - p);
		const char *next = e;
		while (*next == '/')
			next++;
		bool dot = n == 1 && p[0] == '.';
		bool dotdot = n == 2 && p[0] == '.' && p[1] == '.';
		if (!dot && !dotdot && *next != '\0') {
			pmemfile_close(w->pfp, at);
			return -ENOENT;
		}
		if (*next == '\0') {
			if (dotdot)
				path_up(was);
			size_t pl = strlen(p) + 1, wl = strlen(was) + 1;
			if (pl + wl > sizeof(res->path)) {
				pmemfile_close(w->pfp, at);
				return -ENAMETOOLONG;
			}
			res->mnt = w->mnt;
			res->pfp = w->pfp;
			res->at = at;
			memcpy(res->path, p, pl);
			memcpy(res->path + pl, was, wl);
			return PATH_POOL;
		}
		p = next;
		if (dot)
			continue;
		path_up(was);
		PMEMfile *up =
		    pmemfile_openat(w->pfp, at, "..", O_PATH | O_DIRECTORY, 0);
		int err = errno;
		pmemfile_close(w->pfp, at);
		if (up == NULL)
			return -err;
		at = up;
		if (pmemfile_get_dir_path(w->pfp, at, w->buf, w->cap) != NULL) {
			pmemfile_close(w->pfp, at);
			w->len = strlen(w->buf);
			w->cwd_len = 0;
			*path = p;
			return 1;
		}
	}
	return -errno;
}

/*
 * Sets the start of a walk of *path; returns PATH_ORIGINAL when none is
 * needed, PATH_POOL with res set when the path was resolved (from a
 * removed directory, path_removed), with *path moved on past what was.
 */
static int path_start(int dirfd, const char **pathp, struct walk *w,
		      struct path_res *res)
{
	const char *path = *pathp;
	bool filter = !(w->flags & PATH_KERNEL_LINKS);

	w->mnt = NULL;
	if (path[0] == '/') {
		if (filter && path_is_simple(path, false) &&
		    !mount_find_prefix(path))
			return PATH_ORIGINAL;
		walk_root(w);
		return 1;
	}
	struct preload_file *f = dirfd == AT_FDCWD ? NULL : fd_get(dirfd);
	if (f != NULL) {
		int ret = f->is_dir ? walk_enter(w, f->mnt, "/") : -ENOTDIR;
		if (ret == 0) {
			ret = path_of_dir(f, w->pfp, w->buf);
			w->len = strlen(w->buf);
			pmemfile_stat_t st;
			if (ret == -ENOENT &&
			    pmemfile_fstat(w->pfp, f->file, &st) == 0 &&
			    st.st_nlink == 0)
				ret = path_removed(w, f->file, f->path, pathp,
						   res);
			if (ret < 0)
				walk_leave(w);
		}
		fd_put(f);
		w->crossed = false;
		return ret ? ret : 1;
	}
	if (dirfd == AT_FDCWD) {
		bool busy;
		struct preload_mount *m = cwd_get(w->buf, &busy);
		if (busy)
			return -EDEADLK;
		if (m != NULL) {
			int ret = walk_enter(w, m, w->buf);
			if (ret == 0) {
				ret = cwd_check(m, w->pfp, w->buf);
				w->len = strlen(w->buf);
				w->cwd_len = w->len;
				/* the pool's cwd is a removed directory */
				pmemfile_stat_t st;
				if (ret == -ENOENT &&
				    pmemfile_fstatat(w->pfp, PMEMFILE_AT_CWD,
						     ".", &st, 0) == 0 &&
				    st.st_nlink == 0)
					ret = path_removed(w, PMEMFILE_AT_CWD,
							   w->buf, pathp, res);
				if (ret < 0)
					walk_leave(w);
			}
			w->crossed = false;
			return ret ? ret : 1;
		}
	}
	if (filter && path_is_simple(path, true))
		return PATH_ORIGINAL;
	int ret = path_kernel_dir(dirfd, w);
	if (ret)
		return ret == -EBADF ? PATH_ORIGINAL : ret;
	ret = walk_start_kernel(w);
	w->crossed = false;
	return ret ? ret : 1;
}

/*
 * /proc/self/fd/N of a pool descriptor: the file it is open on, as its
 * description (res->file: the file itself, which may have no name now)
 * and its path
 */
static int path_proc_file(struct preload_file *f, struct path_res *res)
{
	int ret = pool_acquire(f->mnt, &res->pfp);

	if (ret != 0) {
		fd_put(f);
		return ret;
	}
	res->mnt = f->mnt;
	res->file = f;
	path_copy_of(f, res->pfp, res->path);
	return PATH_POOL;
}

static int path_resolve_once(int dirfd, const char *path, int flags,
			     struct path_res *res)
{
	struct walk w;
	char buf[PMEMFILE_PATH_MAX + strlen(path) + 1];

	if (path[0] == '\0')
		return path_empty(dirfd, flags, res);
	if (mount_count == 0)
		return PATH_ORIGINAL;
	if (path[0] == '/' && (flags & (PATH_FOLLOW | PATH_PROC_FD))) {
		struct preload_file *f = fd_get(path_proc_fd(path));
		if (f != NULL)
			return path_proc_file(f, res);
	}
	w.buf = buf;
	w.cap = sizeof(buf);
	w.flags = flags;
	w.cwd_len = 0;
	w.links = 0;
	w.crossed = false;
	w.after_name = false;
	w.kernel_dotdot = false;
	w.unchecked = false;
	w.pfp = NULL;
	const char *whole = path;
	int ret = path_start(dirfd, &path, &w, res);
	if (ret <= 0 || ret == PATH_POOL)
		return ret;
	ret = walk_path(&w, path);
	if (ret) {
		if (w.mnt != NULL)
			pool_release(w.mnt);
		return ret;
	}
	/*
	 * The lexical result is handed on only when it stays in the kernel:
	 * then the kernel gets the path as written. One that crossed a mount
	 * after a lexical ".." is found again with every kernel symlink
	 * followed, so that "link/.." means the link target's parent.
	 */
	if (w.crossed && w.kernel_dotdot && !(flags & PATH_KERNEL_LINKS)) {
		if (w.mnt != NULL)
			pool_release(w.mnt);
		return path_resolve_once(dirfd, whole,
					 flags | PATH_KERNEL_LINKS, res);
	}
	return path_result(&w, res);
}

/* Whether the directory the last component of path goes in is reached
 * through a kernel symlink (openat2 refusing symlinks says ELOOP). */
static __attribute__((noinline)) bool path_parent_linked(int dirfd,
							 const char *path)
{
	char parent[PMEMFILE_PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(parent))
		return false;
	memcpy(parent, path, n + 1);
	while (n > 1 && parent[n - 1] == '/')
		parent[--n] = '\0';
	char *slash = strrchr(parent, '/');
	if (slash == NULL || slash == parent)
		return false; /* the directory is dirfd, the cwd or "/" */
	*slash = '\0';
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS};
	long fd =
	    syscall_no_intercept(SYS_openat2, dirfd, parent, &how, sizeof(how));
	if (fd >= 0)
		syscall_no_intercept(SYS_close, fd);
	return fd == -ELOOP;
}

int path_resolve(int dirfd, const char *user_path, int flags,
		 struct path_res *res)
{
	res->file = NULL;
	res->mnt = NULL;
	res->at = NULL;
	res->cwd_relative = false;
	if (user_path == NULL)
		return -EFAULT;
	/* the kernel reads the path of a process that has no mount */
	if (mount_count == 0)
		return PATH_ORIGINAL;
	char path[PMEMFILE_PATH_MAX];
	int ret = path_copy_in(user_path, path);
	if (ret)
		return ret;
	ret = path_resolve_once(dirfd, path, flags, res);
	if ((flags & PATH_CREATES_NAME) && mount_count > 0 &&
	    (ret == PATH_ORIGINAL || ret == PATH_KERNEL) &&
	    path_parent_linked(dirfd, ret == PATH_KERNEL ? res->path : path)) {
		int linked = path_resolve_once(dirfd, path,
					       flags | PATH_KERNEL_LINKS, res);
		/* a walk that fails leaves the error to the kernel's call */
		ret = linked >= 0 ? linked
				  : path_resolve_once(dirfd, path, flags, res);
	}
	return ret;
}

void path_done(struct path_res *res)
{
	if (res->at != NULL)
		pmemfile_close(res->pfp, res->at);
	res->at = NULL;
	if (res->mnt != NULL)
		pool_release(res->mnt);
	if (res->file != NULL)
		fd_put(res->file);
	res->mnt = NULL;
	res->file = NULL;
}

static long path_kernel_call(long nr, const long a[6], int di, int pi, int kind,
			     const struct path_res *res)
{
	long b[6];

	memcpy(b, a, sizeof(b));
	if (kind == PATH_KERNEL) {
		b[pi] = (long)res->path;
		if (di >= 0)
			b[di] = AT_FDCWD;
	}
	return syscall_no_intercept(nr, b[0], b[1], b[2], b[3], b[4], b[5]);
}

/*
 * An open of a kernel path, as openat2 with RESOLVE_NO_SYMLINKS: -ELOOP
 * when the path has a symlink (which might lead into a mount), -ENOSYS
 * when openat2 cannot say (an old kernel, flags it refuses).
 */
static long path_kernel_open(long nr, const long a[6], int di, int pi, int kind,
			     const struct path_res *res)
{
	struct open_how how = {.resolve = RESOLVE_NO_SYMLINKS};

	if (nr == SYS_open) {
		how.flags = (unsigned long)a[1];
		how.mode = (unsigned long)a[2];
	} else if (nr == SYS_openat) {
		how.flags = (unsigned long)a[2];
		how.mode = (unsigned long)a[3];
	} else {
		how.flags = O_CREAT | O_WRONLY | O_TRUNC;
		how.mode = (unsigned long)a[1];
	}
	/* openat ignores the mode of an open that makes no file, openat2
	 * refuses one */
	if (!(how.flags & (O_CREAT | O_TMPFILE)))
		how.mode = 0;
	long dirfd = di >= 0 && kind != PATH_KERNEL ? a[di] : AT_FDCWD;
	const char *path = kind == PATH_KERNEL ? res->path : (char *)a[pi];
	long ret =
	    syscall_no_intercept(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (ret == -EINVAL || ret == -E2BIG || ret == -ENOSYS)
		return -ENOSYS;
	return ret;
}

/*
 * Whether the kernel path of a call that failed with ENOENT or ENOTDIR
 * fails the same with no symlink followed (openat2, RESOLVE_NO_SYMLINKS):
 * then the kernel met the missing name before any symlink, and none can
 * lead into a mount; the walk that follows them is not needed. One system
 * call, where the walk costs two a component (a C library looking for its
 * locale files, a shell searching PATH).
 */
static bool path_kernel_unlinked(const long a[6], int di, int pi, int kind,
				 const struct path_res *res)
{
	struct open_how how = {.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS};
	long dirfd = di >= 0 && kind != PATH_KERNEL ? a[di] : AT_FDCWD;
	const char *path = kind == PATH_KERNEL ? res->path : (char *)a[pi];
	long fd =
	    syscall_no_intercept(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd >= 0)
		syscall_no_intercept(SYS_close, fd);
	return fd == -ENOENT || fd == -ENOTDIR;
}

int path_route(long nr, const long a[6], int di, int pi, int flags,
	       struct path_res *res, long *kret)
{
	int dirfd = di >= 0 ? (int)a[di] : AT_FDCWD;
	const char *path = (const char *)a[pi];
	int kind = path_resolve(dirfd, path, flags, res);

	if (kind == PATH_POOL)
		return PATH_POOL;
	if (kind < 0) {
		*kret = kind;
		return PATH_KERNEL;
	}
	/*
	 * An open that makes no file, with no symlink on its path: the
	 * kernel's answer, and for a missing name, without a second system
	 * call to learn that no symlink was followed (path_kernel_unlinked;
	 * a C library probing for its locale files, a program for its
	 * configuration). With one: as any call, below.
	 */
	bool opens = (nr == SYS_open || nr == SYS_openat) &&
		     !(flags & PATH_CREATES) && mount_count > 0;
	if (opens) {
		*kret = path_kernel_open(nr, a, di, pi, kind, res);
		if (*kret != -ELOOP && *kret != -ENOSYS)
			return PATH_KERNEL;
	}
	if ((flags & PATH_CREATES) && mount_count > 0) {
		*kret = path_kernel_open(nr, a, di, pi, kind, res);
		if (*kret != -ELOOP && *kret != -ENOSYS)
			return PATH_KERNEL;
		/* a symlink on the way: follow the kernel's, maybe into a pool
		 */
		int first = kind;
		kind =
		    path_resolve(dirfd, path, flags | PATH_KERNEL_LINKS, res);
		if (kind == PATH_POOL)
			return PATH_POOL;
		/*
		 * a walk that failed on a kernel symlink after it left a
		 * pool: the kernel's answer for the path the first walk
		 * rewrote (the written one names the mount point's
		 * directory)
		 */
		if (kind < 0 && first == PATH_KERNEL) {
			kind = path_resolve(dirfd, path, flags, res);
			if (kind == PATH_POOL)
				return PATH_POOL;
		}
		/* the kernel's own answer, errors of the walk included */
		*kret = path_kernel_call(
		    nr, a, di, pi, kind == PATH_KERNEL ? kind : PATH_ORIGINAL,
		    res);
		return PATH_KERNEL;
	}
	*kret = path_kernel_call(nr, a, di, pi, kind, res);
	if ((*kret != -ENOENT && *kret != -ENOTDIR) || mount_count == 0 ||
	    (!opens && path_kernel_unlinked(a, di, pi, kind, res)))
		return PATH_KERNEL;
	/* maybe a kernel symlink that points into a mount */
	kind = path_resolve(dirfd, path, flags | PATH_KERNEL_LINKS, res);
	if (kind == PATH_POOL)
		return PATH_POOL;
	return PATH_KERNEL;
}

long path_call(long nr, const long a[6], int di, int pi, int flags, path_op op)
{
	struct path_res r;
	long ret;

	if (path_route(nr, a, di, pi, flags, &r, &ret) != PATH_POOL)
		return ret;
	ret = op(&r, a);
	path_done(&r);
	return ret;
}

// SPDX-License-Identifier: BSD-3-Clause
/* side.c -- file operations on a pool or on the kernel's file systems. */
#include "side.h"
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* -errno of a call that returned r (0 or -1 with errno). */
static int side_ret(int r)
{
	return r < 0 ? -errno : 0;
}

int side_lstat(const struct side *s, const char *path, struct stat *st)
{
	return side_ret(s->pfp ? pmemfile_lstat(s->pfp, path, st)
			       : lstat(path, st));
}

int side_stat(const struct side *s, const char *path, struct stat *st)
{
	return side_ret(s->pfp ? pmemfile_stat(s->pfp, path, st)
			       : stat(path, st));
}

int side_open(const struct side *s, const char *path, int flags, mode_t mode,
	      struct side_file *f)
{
	f->fd = -1;
	f->f = NULL;
	if (s->pfp) {
		f->f = pmemfile_open(s->pfp, path, flags, mode);
		return f->f ? 0 : -errno;
	}
	f->fd = open(path, flags | O_CLOEXEC, mode);
	return f->fd < 0 ? -errno : 0;
}

ssize_t side_read(const struct side *s, struct side_file *f, void *buf,
		  size_t len)
{
	ssize_t n;

	if (s->pfp) {
		n = pmemfile_read(s->pfp, f->f, buf, len);
		return n < 0 ? -errno : n;
	}
	do
		n = read(f->fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int side_write_all(const struct side *s, struct side_file *f, const void *buf,
		   size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = s->pfp ? pmemfile_write(s->pfp, f->f, p, len)
				   : write(f->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int side_close(const struct side *s, struct side_file *f)
{
	int ret = 0;

	if (s->pfp && f->f)
		pmemfile_close(s->pfp, f->f);
	else if (!s->pfp && f->fd >= 0)
		ret = side_ret(close(f->fd));
	f->f = NULL;
	f->fd = -1;
	return ret;
}

int side_mkdir(const struct side *s, const char *path, mode_t mode)
{
	return side_ret(s->pfp ? pmemfile_mkdir(s->pfp, path, mode)
			       : mkdir(path, mode));
}

int side_rmdir(const struct side *s, const char *path)
{
	return side_ret(s->pfp ? pmemfile_rmdir(s->pfp, path) : rmdir(path));
}

int side_unlink(const struct side *s, const char *path)
{
	return side_ret(s->pfp ? pmemfile_unlink(s->pfp, path) : unlink(path));
}

int side_rename(const struct side *s, const char *from, const char *to)
{
	return side_ret(s->pfp ? pmemfile_rename(s->pfp, from, to)
			       : rename(from, to));
}

int side_link(const struct side *s, const char *from, const char *to)
{
	return side_ret(s->pfp ? pmemfile_link(s->pfp, from, to)
			       : link(from, to));
}

int side_symlink(const struct side *s, const char *target, const char *path)
{
	return side_ret(s->pfp ? pmemfile_symlink(s->pfp, target, path)
			       : symlink(target, path));
}

int side_mknod(const struct side *s, const char *path, mode_t mode, dev_t dev)
{
	return side_ret(
	    s->pfp ? pmemfile_mknodat(s->pfp, PMEMFILE_AT_CWD, path, mode, dev)
		   : mknod(path, mode, dev));
}

int side_readlink(const struct side *s, const char *path, char **target)
{
	char buf[PMEMFILE_PATH_MAX];
	ssize_t n = s->pfp ? pmemfile_readlink(s->pfp, path, buf, sizeof(buf))
			   : readlink(path, buf, sizeof(buf));

	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	*target = strndup(buf, (size_t)n);
	return *target ? 0 : -ENOMEM;
}

int side_chown(const struct side *s, const char *path, uid_t uid, gid_t gid,
	       bool follow)
{
	if (s->pfp)
		return side_ret(follow
				    ? pmemfile_chown(s->pfp, path, uid, gid)
				    : pmemfile_lchown(s->pfp, path, uid, gid));
	return side_ret(follow ? chown(path, uid, gid)
			       : lchown(path, uid, gid));
}

int side_chmod(const struct side *s, const char *path, mode_t mode)
{
	return side_ret(s->pfp ? pmemfile_chmod(s->pfp, path, mode)
			       : chmod(path, mode));
}

int side_utimens(const struct side *s, const char *path,
		 const struct timespec times[2])
{
	if (s->pfp)
		return side_ret(
		    pmemfile_utimensat(s->pfp, PMEMFILE_AT_CWD, path, times,
				       PMEMFILE_AT_SYMLINK_NOFOLLOW));
	return side_ret(utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW));
}

int side_list(const struct side *s, const char *path, struct dirlist *list)
{
	PMEMfile *dir;
	int ret;

	if (!s->pfp)
		return dirlist_read_kernel(path, list);
	dir = pmemfile_open(s->pfp, path,
			    PMEMFILE_O_RDONLY | PMEMFILE_O_DIRECTORY);
	if (!dir)
		return -errno;
	ret = dirlist_read(s->pfp, dir, list);
	pmemfile_close(s->pfp, dir);
	return ret;
}

char *side_join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	char *path;

	if (asprintf(&path, "%s%s%s", dir,
		     len && dir[len - 1] == '/' ? "" : "/", name) < 0)
		return NULL;
	return path;
}

int side_each_child(const struct side *s, const char *path,
		    void (*fn)(void *arg, const char *child), void *arg)
{
	struct dirlist list;
	int ret = side_list(s, path, &list);

	if (ret) {
		tool_error("cannot read directory '%s': %s", path,
			   strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i < list.count; i++) {
		char *child;

		if (dirlist_is_dot(list.names[i]))
			continue;
		child = side_join(path, list.names[i]);
		if (child)
			fn(arg, child);
		free(child);
	}
	dirlist_free(&list);
	return 0;
}

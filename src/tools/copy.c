// SPDX-License-Identifier: BSD-3-Clause
/* copy.c -- files and trees copied between a pool and the kernel's files. */
#include "copy.h"
#include "progress.h"
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Large, because every pmemfile write is persistent when it returns. */
#define COPY_BUF (1 << 20)

/* How deep a tree may be: a bound for a damaged pool's directory cycle. */
#define COPY_MAX_DEPTH 4096

/* A source file with several links, and where its first copy went. */
struct copy_link {
	dev_t dev;
	ino_t ino;
	char *dst;
};

void copy_init(struct copy *c, const struct side *from, const struct side *to)
{
	memset(c, 0, sizeof(*c));
	c->from = from;
	c->to = to;
	if (to->pfp) {
		c->umask = pmemfile_umask(to->pfp, 0);
		pmemfile_umask(to->pfp, c->umask);
	} else {
		c->umask = umask(0);
		umask(c->umask);
	}
	progress_start("copying");
}

void copy_fini(struct copy *c)
{
	for (size_t i = 0; i < c->nlinks; i++)
		free(c->links[i].dst);
	free(c->links);
	c->links = NULL;
	c->nlinks = 0;
	progress_end();
}

static int copy_fail(struct copy *c, const char *fmt, const char *path, int err)
{
	progress_end(); /* the message on a line of its own */
	tool_error(fmt, path, strerror(-err));
	c->failed = 1;
	return -1;
}

char *copy_basename(const char *path)
{
	size_t end = strlen(path), start;

	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	return strndup(path + start, end - start);
}

/* dst's directory and a name in it no file has: dir/.NAME.pmemfile-N. */
static char *copy_temp_name(const char *dst, unsigned n)
{
	char *base = copy_basename(dst), *tmp;
	size_t dirlen = strlen(dst);
	int ret;

	if (!base)
		return NULL;
	while (dirlen > 1 && dst[dirlen - 1] == '/')
		dirlen--;
	while (dirlen > 0 && dst[dirlen - 1] != '/')
		dirlen--;
	ret = asprintf(&tmp, "%.*s.%s.pmemfile-%ld-%u", (int)dirlen, dst, base,
		       (long)getpid(), n);
	free(base);
	return ret < 0 ? NULL : tmp;
}

/* Data from in to out; which side failed is in *read_err or *write_err. */
static void copy_data(struct copy *c, struct side_file *in,
		      struct side_file *out, int *read_err, int *write_err)
{
	char *buf = malloc(COPY_BUF);
	ssize_t n;

	*read_err = *write_err = 0;
	if (!buf) {
		*read_err = -ENOMEM;
		return;
	}
	while ((n = side_read(c->from, in, buf, COPY_BUF)) > 0) {
		*write_err = side_write_all(c->to, out, buf, (size_t)n);
		if (*write_err)
			break;
		c->copied += (uint64_t)n;
		progress_show(c->copied, 0, "bytes");
	}
	if (n < 0)
		*read_err = (int)n;
	free(buf);
}

int copy_file_from(struct copy *c, struct side_file *in, const char *src,
		   const char *dst, mode_t mode)
{
	struct side_file out;
	char *tmp = NULL;
	int rerr, werr, ret = -EEXIST;

	for (unsigned n = 0; ret == -EEXIST && n < 100; n++) {
		free(tmp);
		tmp = copy_temp_name(dst, n);
		if (!tmp)
			return copy_fail(c, "%s: %s", dst, -ENOMEM);
		ret = side_open(c->to, tmp,
				O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
				mode & 07777, &out);
	}
	if (ret) {
		free(tmp);
		return copy_fail(c, "%s: %s", dst, ret);
	}
	copy_data(c, in, &out, &rerr, &werr);
	ret = side_close(c->to, &out);
	if (!werr)
		werr = ret;
	if (!rerr && !werr)
		werr = side_rename(c->to, tmp, dst);
	if (rerr || werr) {
		side_unlink(c->to, tmp);
		free(tmp);
		return rerr ? copy_fail(c, "%s: %s", src, rerr)
			    : copy_fail(c, "%s: %s", dst, werr);
	}
	free(tmp);
	return 0;
}

/* Owner, permissions and times of st given to dst (not followed). */
static int copy_attrs(struct copy *c, const char *dst, const struct stat *st)
{
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	int ret;

	ret = side_chown(c->to, dst, st->st_uid, st->st_gid, false);
	/* as cp -a: an owner the caller may not give is not an error */
	if (ret && ret != -EPERM)
		return copy_fail(c, "cannot keep the owner of '%s': %s", dst,
				 ret);
	if (!S_ISLNK(st->st_mode)) {
		ret = side_chmod(c->to, dst, st->st_mode & 07777);
		if (ret)
			return copy_fail(c, "cannot set the mode of '%s': %s",
					 dst, ret);
	}
	ret = side_utimens(c->to, dst, times);
	if (ret)
		return copy_fail(c, "cannot set the times of '%s': %s", dst,
				 ret);
	return 0;
}

/* With -a, a file with several links becomes a link to its first copy. */
static const char *copy_link_seen(struct copy *c, const struct stat *st)
{
	for (size_t i = 0; i < c->nlinks; i++)
		if (c->links[i].dev == st->st_dev &&
		    c->links[i].ino == st->st_ino)
			return c->links[i].dst;
	return NULL;
}

static void copy_link_add(struct copy *c, const struct stat *st,
			  const char *dst)
{
	if (c->nlinks == c->links_cap) {
		size_t cap = c->links_cap ? c->links_cap * 2 : 16;
		struct copy_link *l = realloc(c->links, cap * sizeof(*l));

		if (!l)
			return;
		c->links = l;
		c->links_cap = cap;
	}
	c->links[c->nlinks].dev = st->st_dev;
	c->links[c->nlinks].ino = st->st_ino;
	c->links[c->nlinks].dst = strdup(dst);
	if (c->links[c->nlinks].dst)
		c->nlinks++;
}

static int copy_regular(struct copy *c, const char *src, const char *dst,
			const struct stat *st)
{
	struct side_file in;
	const char *first;
	int ret;

	if (c->preserve && st->st_nlink > 1 &&
	    (first = copy_link_seen(c, st)) != NULL) {
		ret = side_unlink(c->to, dst);
		if (ret && ret != -ENOENT)
			return copy_fail(c, "cannot remove '%s': %s", dst, ret);
		ret = side_link(c->to, first, dst);
		return ret ? copy_fail(c, "cannot create hard link '%s': %s",
				       dst, ret)
			   : 0;
	}
	ret = side_open(c->from, src, O_RDONLY, 0, &in);
	if (ret)
		return copy_fail(c, "%s: %s", src, ret);
	ret = copy_file_from(c, &in, src, dst, st->st_mode & 0777);
	side_close(c->from, &in);
	if (ret)
		return ret;
	if (c->preserve && st->st_nlink > 1)
		copy_link_add(c, st, dst);
	return c->preserve ? copy_attrs(c, dst, st) : 0;
}

static int copy_symlink(struct copy *c, const char *src, const char *dst,
			const struct stat *st)
{
	struct stat dst_st;
	char *target;
	int ret = side_readlink(c->from, src, &target);

	if (ret)
		return copy_fail(c, "cannot read symbolic link '%s': %s", src,
				 ret);
	/* an existing file (not a directory) is replaced, as by cp */
	if (side_lstat(c->to, dst, &dst_st) == 0 && !S_ISDIR(dst_st.st_mode))
		side_unlink(c->to, dst);
	ret = side_symlink(c->to, target, dst);
	free(target);
	if (ret)
		return copy_fail(c, "cannot create symbolic link '%s': %s", dst,
				 ret);
	return c->preserve ? copy_attrs(c, dst, st) : 0;
}

/* A FIFO, socket or device: a new node of its type, as cp -r makes. */
static int copy_node(struct copy *c, const char *dst, const struct stat *st)
{
	struct stat dst_st;
	int ret;

	if (side_lstat(c->to, dst, &dst_st) == 0 && !S_ISDIR(dst_st.st_mode))
		side_unlink(c->to, dst);
	ret =
	    side_mknod(c->to, dst, st->st_mode & (S_IFMT | 0777), st->st_rdev);
	if (ret)
		return copy_fail(c, "cannot create special file '%s': %s", dst,
				 ret);
	return c->preserve ? copy_attrs(c, dst, st) : 0;
}

static int copy_tree(struct copy *c, const char *src, const char *dst,
		     const struct stat *st, unsigned depth);

static int copy_children(struct copy *c, const char *src, const char *dst,
			 unsigned depth)
{
	struct dirlist list;
	int ret = side_list(c->from, src, &list);

	if (ret)
		return copy_fail(c, "cannot read directory '%s': %s", src, ret);
	for (size_t i = 0; i < list.count; i++) {
		char *s, *d;
		struct stat st;

		if (dirlist_is_dot(list.names[i]))
			continue;
		s = side_join(src, list.names[i]);
		d = side_join(dst, list.names[i]);
		if (!s || !d)
			copy_fail(c, "%s: %s", src, -ENOMEM);
		else if ((ret = side_lstat(c->from, s, &st)) != 0)
			copy_fail(c, "cannot stat '%s': %s", s, ret);
		else
			copy_tree(c, s, d, &st, depth + 1);
		free(s);
		free(d);
	}
	dirlist_free(&list);
	return 0;
}

static int copy_dir(struct copy *c, const char *src, const char *dst,
		    const struct stat *st, unsigned depth)
{
	mode_t mode = st->st_mode & 0777 & ~c->umask;
	struct stat dst_st;
	bool made = false;
	int ret;

	if (depth > COPY_MAX_DEPTH)
		return copy_fail(c, "%s: %s", src, -ELOOP);
	ret = side_lstat(c->to, dst, &dst_st);
	if (ret == 0 && !S_ISDIR(dst_st.st_mode))
		return copy_fail(c,
				 "cannot overwrite non-directory '%s' with a "
				 "directory: %s",
				 dst, -EEXIST);
	if (ret == -ENOENT) {
		/* writable by its owner while it fills */
		ret = side_mkdir(c->to, dst, mode | 0700);
		made = ret == 0;
	}
	if (ret)
		return copy_fail(c, "cannot create directory '%s': %s", dst,
				 ret);
	copy_children(c, src, dst, depth);
	if (c->preserve)
		return copy_attrs(c, dst, st);
	if (made && (mode | 0700) != mode) {
		ret = side_chmod(c->to, dst, mode);
		if (ret)
			return copy_fail(c, "cannot set the mode of '%s': %s",
					 dst, ret);
	}
	return 0;
}

static int copy_tree(struct copy *c, const char *src, const char *dst,
		     const struct stat *st, unsigned depth)
{
	if (S_ISDIR(st->st_mode)) {
		if (!c->recursive) {
			tool_error("-r not specified; omitting directory '%s'",
				   src);
			c->failed = 1;
			return -1;
		}
		return copy_dir(c, src, dst, st, depth);
	}
	if (S_ISREG(st->st_mode))
		return copy_regular(c, src, dst, st);
	if (S_ISLNK(st->st_mode))
		return copy_symlink(c, src, dst, st);
	return copy_node(c, dst, st);
}

int copy_path(struct copy *c, const char *src, const char *dst)
{
	struct stat st;
	int ret;

	/* Without -r, a symbolic link operand is followed, as by cp. */
	ret = c->recursive ? side_lstat(c->from, src, &st)
			   : side_stat(c->from, src, &st);
	if (ret)
		return copy_fail(c, "cannot stat '%s': %s", src, ret);
	return copy_tree(c, src, dst, &st, 0);
}

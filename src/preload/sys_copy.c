/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_copy.c -- copies between descriptors (copy_file_range, sendfile,
 * splice) where one end or both are pool files: the library copies inside
 * one pool; otherwise the bytes go through a buffer, read from one end and
 * written to the other, each end served by the pool or the kernel.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "sys.h"

#define COPY_CHUNK (128 * 1024)

struct copy_end {
	int fd;
	int is_pool; /* 1: u is in use */
	struct fd_use u;
	loff_t *off; /* the caller's offset, or NULL: the file's own */
};

static int copy_end_begin(struct copy_end *e, int fd, loff_t *off)
{
	e->fd = fd;
	e->off = off;
	e->is_pool = fd_use_begin(fd, &e->u);
	return e->is_pool;
}

static void copy_end_finish(struct copy_end *e)
{
	if (e->is_pool == 1)
		fd_use_end(&e->u);
}

static long copy_read(struct copy_end *e, void *buf, size_t n)
{
	long r;

	if (e->is_pool)
		r = sys_result(
		    e->off ? pmemfile_pread(e->u.pfp, e->u.f->file, buf, n,
					    *e->off)
			   : pmemfile_read(e->u.pfp, e->u.f->file, buf, n));
	else if (e->off)
		r = syscall_no_intercept(SYS_pread64, e->fd, buf, n, *e->off);
	else
		r = syscall_no_intercept(SYS_read, e->fd, buf, n);
	if (r > 0 && e->off)
		*e->off += r;
	return r;
}

static long copy_write(struct copy_end *e, const void *buf, size_t n)
{
	long r;

	if (e->is_pool)
		r = sys_result(
		    e->off ? pmemfile_pwrite(e->u.pfp, e->u.f->file, buf, n,
					     *e->off)
			   : pmemfile_write(e->u.pfp, e->u.f->file, buf, n));
	else if (e->off)
		r = syscall_no_intercept(SYS_pwrite64, e->fd, buf, n, *e->off);
	else
		r = syscall_no_intercept(SYS_write, e->fd, buf, n);
	if (r > 0 && e->off)
		*e->off += r;
	return r;
}

/* Copies up to len bytes; once: stop after the first chunk (splice). */
static long copy_through_buffer(struct copy_end *in, struct copy_end *out,
				size_t len, bool once)
{
	char *buf = malloc(COPY_CHUNK);
	long done = 0;

	if (buf == NULL)
		return -ENOMEM;
	while ((size_t)done < len) {
		size_t n = len - (size_t)done;
		if (n > COPY_CHUNK)
			n = COPY_CHUNK;
		long r = copy_read(in, buf, n);
		if (r <= 0) {
			if (done == 0)
				done = r;
			break;
		}
		for (long w = 0; w < r;) {
			long k = copy_write(out, buf + w, (size_t)(r - w));
			if (k <= 0) {
				free(buf);
				return done ? done : k;
			}
			w += k;
			done += k;
		}
		if (once)
			break;
	}
	free(buf);
	return done;
}

/*
 * copy_file_range takes regular files only, as the kernel's does: a
 * directory at either end gives EISDIR, a pipe, socket or device EINVAL
 * (before the ends' modes are looked at).
 */
static long copy_end_kind(const struct copy_end *e)
{
	if (e->is_pool)
		return e->u.f->is_dir ? -EISDIR : 0;
	struct stat st;
	long r = syscall_no_intercept(SYS_fstat, e->fd, &st);
	if (r < 0)
		return r;
	return S_ISDIR(st.st_mode)   ? -EISDIR
	       : S_ISREG(st.st_mode) ? 0
				     : -EINVAL;
}

static long copy_ends_regular(const struct copy_end *in,
			      const struct copy_end *out)
{
	long a = copy_end_kind(in), b = copy_end_kind(out);
	if (a == -EISDIR || b == -EISDIR)
		return -EISDIR;
	return a ? a : b;
}

/*
 * The common part: in and out begun; returns PRELOAD_PASS when neither is
 * a pool descriptor. same_pool_library: copy_file_range's (a copy inside
 * one pool is the library's; both ends must be regular files).
 */
static long copy_common(long in_fd, loff_t *in_off, long out_fd,
			loff_t *out_off, size_t len, bool once,
			bool same_pool_library)
{
	struct copy_end in, out;
	long ret;

	if (copy_end_begin(&in, in_fd, in_off) < 0)
		return in.is_pool;
	if (copy_end_begin(&out, out_fd, out_off) < 0) {
		copy_end_finish(&in);
		return out.is_pool;
	}
	long refused = 0;
	if (same_pool_library && (in.is_pool || out.is_pool))
		refused = copy_ends_regular(&in, &out);
	if (!in.is_pool && !out.is_pool)
		ret = PRELOAD_PASS;
	else if (refused)
		ret = refused;
	else if (same_pool_library && in.is_pool && out.is_pool &&
		 in.u.f->mnt == out.u.f->mnt)
		ret = sys_result(
		    pmemfile_copy_file_range(in.u.pfp, in.u.f->file, in_off,
					     out.u.f->file, out_off, len, 0));
	else
		ret = copy_through_buffer(&in, &out, len, once);
	copy_end_finish(&out);
	copy_end_finish(&in);
	return ret;
}

SYS_HANDLER(copy_file_range)
{
	if (!fd_table_used)
		return PRELOAD_PASS;
	if (a[5] != 0)
		return -EINVAL;
	return copy_common(a[0], (loff_t *)a[1], a[2], (loff_t *)a[3],
			   (size_t)a[4], false, true);
}

SYS_HANDLER(sendfile)
{
	if (!fd_table_used)
		return PRELOAD_PASS;
	return copy_common(a[1], (loff_t *)a[2], a[0], NULL, (size_t)a[3],
			   false, false);
}

SYS_HANDLER(splice)
{
	if (!fd_table_used)
		return PRELOAD_PASS;
	return copy_common(a[0], (loff_t *)a[1], a[2], (loff_t *)a[3],
			   (size_t)a[4], true, false);
}

/* tee works between pipes only: a pool file is not one. */
SYS_HANDLER(tee)
{
	struct preload_file *in = fd_get(a[0]), *out = fd_get(a[1]);
	long ret = (in || out) ? -EINVAL : PRELOAD_PASS;

	if (in)
		fd_put(in);
	if (out)
		fd_put(out);
	return ret;
}

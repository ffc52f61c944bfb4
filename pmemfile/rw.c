// SPDX-License-Identifier: BSD-3-Clause
/*
 * rw.c -- the read and write families and lseek.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gate.h"
#include "data.h"
#include "dir.h"
#include "extent.h"
#include "file.h"
#include "remote.h"
#include "share.h"
#include "jmode.h"

static int check_read(PMEMfilepool *pfp, PMEMfile *f)
{
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(f);
	if (r == 0 && !file_readable(f))
		r = -EBADF;
	if (r == 0 && vinode_is_dir(f->vinode))
		r = -EISDIR;
	if (r == 0 && !vinode_is_reg(f->vinode))
		r = -EINVAL;
	return r;
}

static int check_write(PMEMfilepool *pfp, PMEMfile *f)
{
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(f);
	if (r == 0 && !file_writable(f))
		r = -EBADF;
	if (r == 0 && !vinode_is_reg(f->vinode))
		r = -EINVAL;
	return r;
}

/* Linux's relatime: atime moves when older than mtime or ctime. */
static void touch_atime(PMEMfilepool *pfp, PMEMfile *f)
{
	struct pmemfile_inode *in = f->vinode->inode;
	if (f->ofd->flags & O_NOATIME)
		return;
	struct pmemfile_time a = itime_value(&in->atime);
	struct pmemfile_time m = itime_value(&in->mtime);
	struct pmemfile_time c = itime_value(&in->ctime);
	if ((a.sec > m.sec || (a.sec == m.sec && a.nsec >= m.nsec)) &&
	    (a.sec > c.sec || (a.sec == c.sec && a.nsec >= c.nsec)))
		return;
	struct pmemfile_time t;
	pf_time_now(&t);
	inode_time_store(pfp, &in->atime, t);
	pmemobj_persist(pfp->pop, &in->atime, sizeof(in->atime));
}

static int64_t do_pread(PMEMfilepool *pfp, PMEMfile *f, void *buf, size_t count,
			uint64_t off)
{
	struct vinode *v = f->vinode;
	vinode_rdlock(v);
	int64_t r;
	/* as the kernel's copy to a NULL buffer: only bytes to copy fault */
	if (buf == NULL && count > 0)
		r = off < inode_size(v->inode) ? -EFAULT : 0;
	else
		r = data_read(pfp, v, buf, count, off);
	vinode_unlock(v);
	if (r > 0)
		touch_atime(pfp, f);
	return r;
}

static int64_t do_pwrite(PMEMfilepool *pfp, PMEMfile *f, const void *buf,
			 size_t count, uint64_t off, uint64_t *end)
{
	struct vinode *v = f->vinode;
	vinode_wrlock(v);
	if (f->ofd->flags & O_APPEND)
		off = inode_size(v->inode);
	int64_t r = data_write(pfp, v, buf, count, off);
	vinode_unlock(v);
	if (end && r >= 0)
		*end = off + (uint64_t)r;
	return r;
}

/* As the kernel's rw_verify_area: a count or an end past the largest
 * offset is EINVAL (before O_APPEND moves a write to the end). */
static int check_range(uint64_t off, size_t count)
{
	if (count > (size_t)SSIZE_MAX || off > (uint64_t)INT64_MAX ||
	    count > (uint64_t)INT64_MAX - off)
		return -EINVAL;
	return 0;
}

static int iov_total(const pmemfile_iovec_t *iov, int iovcnt, size_t *total)
{
	if (iovcnt < 0 || iovcnt > 1024)
		return -EINVAL;
	if (iovcnt > 0 && !iov)
		return -EFAULT;
	size_t t = 0;
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - t)
			return -EINVAL;
		t += iov[i].iov_len;
	}
	*total = t;
	return 0;
}

static int64_t preadv_at(PMEMfilepool *pfp, PMEMfile *f,
			 const pmemfile_iovec_t *iov, int iovcnt, uint64_t off)
{
	int64_t done = 0;
	for (int i = 0; i < iovcnt; i++) {
		int64_t n = do_pread(pfp, f, iov[i].iov_base, iov[i].iov_len,
				     off + (uint64_t)done);
		if (n < 0)
			return done ? done : n;
		done += n;
		if ((size_t)n < iov[i].iov_len)
			break;
	}
	return done;
}

/* Several buffers go through one, so that the write is one write. */
static int64_t pwritev_at(PMEMfilepool *pfp, PMEMfile *f,
			  const pmemfile_iovec_t *iov, int iovcnt, uint64_t off,
			  size_t total, uint64_t *end)
{
	/* as the kernel's copy from a NULL buffer: the bytes before it */
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_base == NULL && iov[i].iov_len > 0) {
			iovcnt = i;
			total = 0;
			for (int k = 0; k < i; k++)
				total += iov[k].iov_len;
			if (total == 0)
				return -EFAULT;
			break;
		}
	}
	if (iovcnt == 1)
		return do_pwrite(pfp, f, iov[0].iov_base, total, off, end);
	char *buf = malloc(total ? total : 1);
	if (!buf)
		return -ENOMEM;
	size_t p = 0;
	for (int i = 0; i < iovcnt; i++) {
		memcpy(buf + p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	int64_t r = do_pwrite(pfp, f, buf, total, off, end);
	free(buf);
	return r;
}

/*
 * The one path of read, pread, readv and preadv: at offset when positional,
 * otherwise at the file offset, which then moves past what was read.
 */
static int64_t read_vec(PMEMfilepool *pfp, PMEMfile *f,
			const pmemfile_iovec_t *iov, int iovcnt,
			bool positional, pmemfile_off_t offset)
{
	size_t total;
	int r = check_read(pfp, f);
	if (r == 0)
		r = iov_total(iov, iovcnt, &total);
	if (r == 0 && positional && offset < 0)
		r = -EINVAL;
	if (r)
		return r;
	if (positional) {
		r = check_range((uint64_t)offset, total);
		return r ? r : preadv_at(pfp, f, iov, iovcnt, (uint64_t)offset);
	}
	struct ofd *o = f->ofd;
	pthread_mutex_lock(&o->mutex);
	int64_t n = check_range(o->offset, total);
	if (n == 0)
		n = preadv_at(pfp, f, iov, iovcnt, o->offset);
	if (n > 0)
		o->offset += (uint64_t)n;
	pthread_mutex_unlock(&o->mutex);
	return n;
}

/* The one path of write, pwrite, writev and pwritev, as read_vec. */
static int64_t write_vec(PMEMfilepool *pfp, PMEMfile *f,
			 const pmemfile_iovec_t *iov, int iovcnt,
			 bool positional, pmemfile_off_t offset)
{
	size_t total;
	int r = check_write(pfp, f);
	if (r == 0)
		r = iov_total(iov, iovcnt, &total);
	if (r == 0 && positional && offset < 0)
		r = -EINVAL;
	if (r)
		return r;
	if (positional) {
		r = check_range((uint64_t)offset, total);
		return r ? r
			 : pwritev_at(pfp, f, iov, iovcnt, (uint64_t)offset,
				      total, NULL);
	}
	struct ofd *o = f->ofd;
	pthread_mutex_lock(&o->mutex);
	uint64_t end = o->offset;
	int64_t n = check_range(o->offset, total);
	if (n == 0)
		n = pwritev_at(pfp, f, iov, iovcnt, o->offset, total, &end);
	if (n >= 0)
		o->offset = end;
	pthread_mutex_unlock(&o->mutex);
	return n;
}

/*
 * A count past SSIZE_MAX: no buffer of the process is that long, and the
 * kernel's access_ok says EFAULT, after the descriptor's own errors.
 */
static int64_t huge_count(int r, bool positional, pmemfile_off_t offset)
{
	if (r == 0 && positional && offset < 0)
		r = -EINVAL;
	return r ? r : -EFAULT;
}

/* The end of each write call: maps of the file follow its growth. */
/*
 * After a write: maps follow the file's growth; in journal mode a write
 * on an O_SYNC or O_DSYNC description is a sync point (a client's, by
 * the holder that runs it).
 */
static pmemfile_ssize_t write_done(PMEMfilepool *pfp, PMEMfile *file,
				   pmemfile_ssize_t r)
{
	mmap_follow(pfp);
	if (r > 0 && pfp->jmode && !pf_route(pfp, file) &&
	    (file->ofd->flags & (O_SYNC | O_DSYNC))) {
		int e = errno, s = jmode_sync(pfp);
		errno = e;
		if (s)
			return pf_ret(s);
	}
	return r;
}

pmemfile_ssize_t pmemfile_pread(PMEMfilepool *pfp, PMEMfile *file, void *buf,
				size_t count, pmemfile_off_t offset)
{
	GATE_PASS();
	if (pf_route(pfp, file)) {
		pmemfile_iovec_t v = {buf, count};
		return remote_rw(pfp, file, &v, 1, false, true, offset);
	}
	if (count > (size_t)SSIZE_MAX)
		return pf_ret(huge_count(check_read(pfp, file), true, offset));
	pmemfile_iovec_t v = {buf, count};
	return pf_ret(read_vec(pfp, file, &v, 1, true, offset));
}

pmemfile_ssize_t pmemfile_pwrite(PMEMfilepool *pfp, PMEMfile *file,
				 const void *buf, size_t count,
				 pmemfile_off_t offset)
{
	GATE_PASS();
	if (pf_route(pfp, file)) {
		pmemfile_iovec_t v = {(void *)buf, count};
		return write_done(
		    pfp, file, remote_rw(pfp, file, &v, 1, true, true, offset));
	}
	if (count > (size_t)SSIZE_MAX)
		return pf_ret(huge_count(check_write(pfp, file), true, offset));
	pmemfile_iovec_t v = {(void *)buf, count};
	return write_done(pfp, file,
			  pf_ret(write_vec(pfp, file, &v, 1, true, offset)));
}

pmemfile_ssize_t pmemfile_read(PMEMfilepool *pfp, PMEMfile *file, void *buf,
			       size_t count)
{
	GATE_PASS();
	if (pf_route(pfp, file)) {
		pmemfile_iovec_t v = {buf, count};
		return remote_rw(pfp, file, &v, 1, false, false, 0);
	}
	if (count > (size_t)SSIZE_MAX)
		return pf_ret(huge_count(check_read(pfp, file), false, 0));
	pmemfile_iovec_t v = {buf, count};
	return pf_ret(read_vec(pfp, file, &v, 1, false, 0));
}

pmemfile_ssize_t pmemfile_write(PMEMfilepool *pfp, PMEMfile *file,
				const void *buf, size_t count)
{
	GATE_PASS();
	if (pf_route(pfp, file)) {
		pmemfile_iovec_t v = {(void *)buf, count};
		return write_done(pfp, file,
				  remote_rw(pfp, file, &v, 1, true, false, 0));
	}
	if (count > (size_t)SSIZE_MAX)
		return pf_ret(huge_count(check_write(pfp, file), false, 0));
	pmemfile_iovec_t v = {(void *)buf, count};
	return write_done(pfp, file,
			  pf_ret(write_vec(pfp, file, &v, 1, false, 0)));
}

pmemfile_ssize_t pmemfile_preadv(PMEMfilepool *pfp, PMEMfile *file,
				 const pmemfile_iovec_t *iov, int iovcnt,
				 pmemfile_off_t offset)
{
	GATE_PASS();
	if (pf_route(pfp, file))
		return remote_rw(pfp, file, iov, iovcnt, false, true, offset);
	return pf_ret(read_vec(pfp, file, iov, iovcnt, true, offset));
}

pmemfile_ssize_t pmemfile_readv(PMEMfilepool *pfp, PMEMfile *file,
				const pmemfile_iovec_t *iov, int iovcnt)
{
	GATE_PASS();
	if (pf_route(pfp, file))
		return remote_rw(pfp, file, iov, iovcnt, false, false, 0);
	return pf_ret(read_vec(pfp, file, iov, iovcnt, false, 0));
}

pmemfile_ssize_t pmemfile_pwritev(PMEMfilepool *pfp, PMEMfile *file,
				  const pmemfile_iovec_t *iov, int iovcnt,
				  pmemfile_off_t offset)
{
	GATE_PASS();
	if (pf_route(pfp, file))
		return write_done(
		    pfp, file,
		    remote_rw(pfp, file, iov, iovcnt, true, true, offset));
	return write_done(
	    pfp, file, pf_ret(write_vec(pfp, file, iov, iovcnt, true, offset)));
}

pmemfile_ssize_t pmemfile_writev(PMEMfilepool *pfp, PMEMfile *file,
				 const pmemfile_iovec_t *iov, int iovcnt)
{
	GATE_PASS();
	if (pf_route(pfp, file))
		return write_done(
		    pfp, file,
		    remote_rw(pfp, file, iov, iovcnt, true, false, 0));
	return write_done(pfp, file,
			  pf_ret(write_vec(pfp, file, iov, iovcnt, false, 0)));
}

/* SEEK_DATA / SEEK_HOLE: extents are data, the rest holes. */
static int64_t seek_data_hole(PMEMfilepool *pfp, struct vinode *v, int64_t off,
			      int whence)
{
	uint64_t size = inode_size(v->inode);
	if (off < 0 || (uint64_t)off >= size)
		return -ENXIO;
	int r = extent_index_load(pfp, v);
	if (r)
		return r;
	uint64_t pos = (uint64_t)off;
	size_t i = extent_find(v, pos);
	if (whence == SEEK_DATA) {
		if (i < v->next && v->ext[i].off <= pos)
			return off;
		if (i == v->next || v->ext[i].off >= size)
			return -ENXIO;
		return (int64_t)v->ext[i].off;
	}
	while (i < v->next && v->ext[i].off <= pos) {
		pos = v->ext[i].off + v->ext[i].len;
		i++;
	}
	return (int64_t)(pos < size ? pos : size);
}

static int64_t lseek_locked(PMEMfilepool *pfp, PMEMfile *f, int64_t offset,
			    int whence)
{
	struct ofd *o = f->ofd;
	struct vinode *v = f->vinode;
	int64_t base;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)o->offset;
		break;
	case SEEK_END:
		if (vinode_is_dir(v))
			return -EINVAL;
		base = (int64_t)inode_size(v->inode);
		break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (!vinode_is_reg(v))
			return -EINVAL;
		vinode_rdlock(v);
		base = seek_data_hole(pfp, v, offset, whence);
		vinode_unlock(v);
		if (base >= 0)
			o->offset = (uint64_t)base;
		return base;
	default:
		return -EINVAL;
	}
	if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0)
		return -EINVAL;
	o->offset = (uint64_t)(base + offset);
	return base + offset;
}

pmemfile_off_t pmemfile_lseek(PMEMfilepool *pfp, PMEMfile *file,
			      pmemfile_off_t offset, int whence)
{
	GATE_PASS();
	if (pf_route(pfp, file))
		return remote_lseek(pfp, file, offset, whence);
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r == 0 && (file->ofd->flags & O_PATH))
		r = -EBADF;
	if (r)
		return pf_ret(r);
	pthread_mutex_lock(&file->ofd->mutex);
	int64_t n = lseek_locked(pfp, file, offset, whence);
	pthread_mutex_unlock(&file->ofd->mutex);
	return pf_ret(n);
}

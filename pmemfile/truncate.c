// SPDX-License-Identifier: BSD-3-Clause
/*
 * truncate.c -- truncate, ftruncate, fallocate, posix_fallocate and
 * copy_file_range.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "gate.h"
#include "cred.h"
#include "data.h"
#include "extent.h"
#include "file.h"
#include "walk.h"
#include "remote.h"
#include "share.h"

static int truncate_vinode(PMEMfilepool *pfp, struct vinode *v, int64_t len)
{
	if (len < 0)
		return -EINVAL;
	if (vinode_is_dir(v))
		return -EISDIR;
	if (!vinode_is_reg(v))
		return -EINVAL;
	vinode_wrlock(v);
	int r = data_truncate(pfp, v, (uint64_t)len);
	vinode_unlock(v);
	return r;
}

static int truncate_path(PMEMfilepool *pfp, const char *path,
			 pmemfile_off_t length)
{
	REMOTE_OR_LOCAL(pfp, remote_path_op(pfp, OP_TRUNCATE, PMEMFILE_AT_CWD,
					    path, length, 0, 0));
	int r = pool_check(pfp);
	struct vinode *v = NULL;
	if (r == 0)
		r = walk_path(pfp, PMEMFILE_AT_CWD, path, true, &v);
	if (r == 0 && vinode_is_dir(v))
		r = -EISDIR;
	if (r == 0)
		r = perm_check(pfp, v->inode, PERM_W, false);
	if (r == 0)
		r = truncate_vinode(pfp, v, length);
	vinode_put(pfp, v);
	return (int)pf_ret(r);
}

static int truncate_file(PMEMfilepool *pfp, PMEMfile *file,
			 pmemfile_off_t length)
{
	ROUTE_OR_LOCAL(pf_route(pfp, file),
		       remote_file_op(pfp, OP_FTRUNCATE, file, length, 0, 0));
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r == 0 && (file->ofd->flags & O_PATH))
		r = -EBADF;
	if (r == 0 && length < 0)
		r = -EINVAL;
	if (r == 0 && (!file_writable(file) || !vinode_is_reg(file->vinode)))
		r = -EINVAL;
	if (r == 0)
		r = truncate_vinode(pfp, file->vinode, length);
	return (int)pf_ret(r);
}

/* Under the exclusive lock: storage for [off, off + len), and the size
 * grown over it unless keep_size. */
static int allocate_range(PMEMfilepool *pfp, struct vinode *v, uint64_t off,
			  uint64_t len, bool keep_size)
{
	int r = extent_index_load(pfp, v);
	if (r)
		return r;
	uint64_t end = off + len;
	r = extent_cover_all(pfp, v, off, end);
	if (r)
		return r;
	struct pmemfile_inode *in = v->inode;
	uint64_t size = inode_size(in);
	if (!keep_size && end > size) {
		extent_zero(pfp, v, size, end);
		size = end;
	}
	/* as the kernel's file_modified(): both times, even with KEEP_SIZE */
	struct pmemfile_time now;
	pf_time_now(&now);
	return data_publish(pfp, in, size, &now);
}

static int punch_hole(PMEMfilepool *pfp, struct vinode *v, uint64_t off,
		      uint64_t len)
{
	int r = extent_index_load(pfp, v);
	if (r)
		return r;
	uint64_t size = inode_size(v->inode);
	uint64_t end = off + len;
	if (end > size)
		end = size;
	if (off >= end)
		return 0;
	/* a punch moves the kept parts of split extents: not under a pin */
	if (v->pins)
		return -EBUSY;
	r = extent_punch_hole(pfp, v, off, off + len);
	if (r == 0)
		vinode_touch(pfp, v, false);
	return r;
}

static int do_fallocate(PMEMfilepool *pfp, PMEMfile *file, int mode,
			int64_t offset, int64_t length)
{
	if (offset < 0 || length <= 0)
		return -EINVAL;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE |
		     FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE |
		     FALLOC_FL_INSERT_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (!file_writable(file))
		return -EBADF;
	struct vinode *v = file->vinode;
	if (vinode_is_dir(v))
		return -EISDIR;
	if (!vinode_is_reg(v))
		return -ENODEV;
	if (length > INT64_MAX - offset)
		return -EFBIG;
	vinode_wrlock(v);
	int r = cred_kill_setid(pfp, v->inode);
	if (r) {
		vinode_unlock(v);
		return r;
	}
	if (mode & FALLOC_FL_PUNCH_HOLE)
		r = punch_hole(pfp, v, (uint64_t)offset, (uint64_t)length);
	else
		r = allocate_range(pfp, v, (uint64_t)offset, (uint64_t)length,
				   mode & FALLOC_FL_KEEP_SIZE);
	vinode_unlock(v);
	return r;
}

static int fallocate_file(PMEMfilepool *pfp, PMEMfile *file, int mode,
			  pmemfile_off_t offset, pmemfile_off_t length)
{
	ROUTE_OR_LOCAL(
	    pf_route(pfp, file),
	    remote_file_op(pfp, OP_FALLOCATE, file, mode, offset, length));
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r == 0)
		r = do_fallocate(pfp, file, mode, offset, length);
	return (int)pf_ret(r);
}

int pmemfile_posix_fallocate(PMEMfilepool *pfp, PMEMfile *file,
			     pmemfile_off_t offset, pmemfile_off_t length)
{
	GATE_PASS();
	if (pf_route(pfp, file)) {
		int rr =
		    remote_file_op(pfp, OP_FALLOCATE, file, 0, offset, length);
		if (rr != 1)
			return rr ? errno : 0;
	}
	/* like glibc: the error is returned, errno is left alone */
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r == 0)
		r = do_fallocate(pfp, file, 0, offset, length);
	return -r;
}

static int64_t copy_range(PMEMfilepool *pfp, PMEMfile *in, uint64_t ioff,
			  PMEMfile *out, uint64_t ooff, size_t len)
{
	size_t chunk = 1 << 20;
	char *buf = malloc(len < chunk ? (len ? len : 1) : chunk);
	if (!buf)
		return -ENOMEM;
	int64_t done = 0;
	while ((size_t)done < len) {
		size_t n =
		    len - (size_t)done < chunk ? len - (size_t)done : chunk;
		vinode_rdlock(in->vinode);
		int64_t got =
		    data_read(pfp, in->vinode, buf, n, ioff + (uint64_t)done);
		vinode_unlock(in->vinode);
		if (got <= 0) {
			if (got < 0 && done == 0)
				done = got;
			break;
		}
		vinode_wrlock(out->vinode);
		int64_t put = data_write(pfp, out->vinode, buf, (size_t)got,
					 ooff + (uint64_t)done);
		vinode_unlock(out->vinode);
		if (put < 0) {
			if (done == 0)
				done = put;
			break;
		}
		done += put;
		if (put < got)
			break;
	}
	free(buf);
	return done;
}

static int64_t do_copy(PMEMfilepool *pfp, PMEMfile *in, pmemfile_off_t *off_in,
		       PMEMfile *out, pmemfile_off_t *off_out, size_t len,
		       unsigned flags)
{
	if (flags)
		return -EINVAL;
	if (file_check(in) || file_check(out) || !file_readable(in) ||
	    !file_writable(out))
		return -EBADF;
	if (out->ofd->flags & O_APPEND)
		return -EBADF;
	if (vinode_is_dir(in->vinode) || vinode_is_dir(out->vinode))
		return -EISDIR;
	if (!vinode_is_reg(in->vinode) || !vinode_is_reg(out->vinode))
		return -EINVAL;
	uint64_t ioff = off_in ? (uint64_t)*off_in : in->ofd->offset;
	uint64_t ooff = off_out ? (uint64_t)*off_out : out->ofd->offset;
	if ((off_in && *off_in < 0) || (off_out && *off_out < 0))
		return -EINVAL;
	if (in->vinode == out->vinode && ioff < ooff + len && ooff < ioff + len)
		return -EINVAL;
	int64_t n = copy_range(pfp, in, ioff, out, ooff, len);
	if (n > 0) {
		if (off_in)
			*off_in += n;
		else
			in->ofd->offset += (uint64_t)n;
		if (off_out)
			*off_out += n;
		else
			out->ofd->offset += (uint64_t)n;
	}
	return n;
}

static pmemfile_ssize_t
copy_file_range_call(PMEMfilepool *pfp, PMEMfile *file_in,
		     pmemfile_off_t *off_in, PMEMfile *file_out,
		     pmemfile_off_t *off_out, size_t len, unsigned flags)
{
	if (pf_route(pfp, file_in) || remote_handle(file_out))
		return remote_copy_range(pfp, file_in, off_in, file_out,
					 off_out, len, flags);
	int r = pool_check(pfp);
	if (r)
		return pf_ret(r);
	return pf_ret(
	    do_copy(pfp, file_in, off_in, file_out, off_out, len, flags));
}

/* The calls that may grow a file end with their maps following it. */

int pmemfile_truncate(PMEMfilepool *pfp, const char *path,
		      pmemfile_off_t length)
{
	GATE_PASS();
	int r = truncate_path(pfp, path, length);
	mmap_follow(pfp);
	return r;
}

int pmemfile_ftruncate(PMEMfilepool *pfp, PMEMfile *file, pmemfile_off_t length)
{
	GATE_PASS();
	int r = truncate_file(pfp, file, length);
	mmap_follow(pfp);
	return r;
}

int pmemfile_fallocate(PMEMfilepool *pfp, PMEMfile *file, int mode,
		       pmemfile_off_t offset, pmemfile_off_t length)
{
	GATE_PASS();
	int r = fallocate_file(pfp, file, mode, offset, length);
	mmap_follow(pfp);
	return r;
}

pmemfile_ssize_t pmemfile_copy_file_range(PMEMfilepool *pfp, PMEMfile *file_in,
					  pmemfile_off_t *off_in,
					  PMEMfile *file_out,
					  pmemfile_off_t *off_out, size_t len,
					  unsigned flags)
{
	GATE_PASS();
	pmemfile_ssize_t r = copy_file_range_call(
	    pfp, file_in, off_in, file_out, off_out, len, flags);
	mmap_follow(pfp);
	return r;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_data.c -- the data path (read and write in all their forms, lseek)
 * and the calls about a file's size and durability. On a pool descriptor
 * these take no process-wide lock and make no system call: a table load,
 * a reference, and the library call.
 */
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/syscall.h>

#include "../../pmemfile/shim_calls.h"
#include "libsyscall_intercept_hook_point.h"
#include "path.h"
#include "sys.h"

SYS_HANDLER(read)
{
	SYS_ON_POOL_FD(a[0],
		       sys_result(pmemfile_read(u.pfp, u.f->file, (void *)a[1],
						(size_t)a[2])));
}

SYS_HANDLER(write)
{
	SYS_ON_POOL_FD(
	    a[0], sys_result(pmemfile_write(u.pfp, u.f->file,
					    (const void *)a[1], (size_t)a[2])));
}

SYS_HANDLER(pread64)
{
	SYS_ON_POOL_FD(a[0],
		       sys_result(pmemfile_pread(u.pfp, u.f->file, (void *)a[1],
						 (size_t)a[2], a[3])));
}

SYS_HANDLER(pwrite64)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_pwrite(u.pfp, u.f->file,
							(const void *)a[1],
							(size_t)a[2], a[3])));
}

SYS_HANDLER(readv)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_readv(
				 u.pfp, u.f->file, (const struct iovec *)a[1],
				 (int)a[2])));
}

SYS_HANDLER(writev)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_writev(
				 u.pfp, u.f->file, (const struct iovec *)a[1],
				 (int)a[2])));
}

SYS_HANDLER(preadv)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_preadv(
				 u.pfp, u.f->file, (const struct iovec *)a[1],
				 (int)a[2], a[3])));
}

SYS_HANDLER(pwritev)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_pwritev(
				 u.pfp, u.f->file, (const struct iovec *)a[1],
				 (int)a[2], a[3])));
}

/* RWF_* flags that change nothing here: every write is synchronous. */
#define DATA_RWF_HARMLESS (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT)

static long data_rw2(struct fd_use *u, const long a[6], bool write)
{
	const struct iovec *iov = (const struct iovec *)a[1];
	int cnt = (int)a[2];
	long off = a[3];

	if (a[5] & ~(long)DATA_RWF_HARMLESS)
		return (a[5] & RWF_APPEND) ? preload_not_supported("RWF_APPEND")
					   : -EOPNOTSUPP;
	if (off == -1)
		return sys_result(
		    write ? pmemfile_writev(u->pfp, u->f->file, iov, cnt)
			  : pmemfile_readv(u->pfp, u->f->file, iov, cnt));
	return sys_result(
	    write ? pmemfile_pwritev(u->pfp, u->f->file, iov, cnt, off)
		  : pmemfile_preadv(u->pfp, u->f->file, iov, cnt, off));
}

SYS_HANDLER(preadv2)
{
	SYS_ON_POOL_FD(a[0], data_rw2(&u, a, false));
}

SYS_HANDLER(pwritev2)
{
	SYS_ON_POOL_FD(a[0], data_rw2(&u, a, true));
}

SYS_HANDLER(lseek)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_lseek(u.pfp, u.f->file, a[1],
						       (int)a[2])));
}

SYS_HANDLER(ftruncate)
{
	SYS_ON_POOL_FD(a[0],
		       sys_result(pmemfile_ftruncate(u.pfp, u.f->file, a[1])));
}

static long truncate_op(struct path_res *r, const long a[6])
{
	return sys_result(pmemfile_truncate(r->pfp, r->path, a[1]));
}

SYS_HANDLER(truncate)
{
	return path_call(SYS_truncate, a, -1, 0, PATH_FOLLOW, truncate_op);
}

SYS_HANDLER(fallocate)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_fallocate(
				 u.pfp, u.f->file, (int)a[1], a[2], a[3])));
}

/*
 * fsync, fdatasync, syncfs: a write is durable when it returns; what the
 * library makes durable is what this process stored through shared maps
 * of the file (of the pool, for syncfs).
 */
SYS_HANDLER(fsync)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_fsync(u.pfp, u.f->file)));
}

SYS_HANDLER(fdatasync)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_fdatasync(u.pfp, u.f->file)));
}

SYS_HANDLER(syncfs)
{
	SYS_ON_POOL_FD(a[0], sys_result(pmemfile_syncfs(u.pfp)));
}

/* The flags the kernel knows; what is asked is written, as fdatasync. */
#define SYNC_RANGE_FLAGS                                       \
	(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | \
	 SYNC_FILE_RANGE_WAIT_AFTER)

/* as the kernel: offsets in range, known flags; any file type */
static bool sync_range_ok(const long a[6])
{
	uint64_t end = (uint64_t)a[1] + (uint64_t)a[2];
	return a[1] >= 0 && a[2] >= 0 && end >= (uint64_t)a[1] &&
	       !(a[3] & ~SYNC_RANGE_FLAGS);
}

SYS_HANDLER(sync_file_range)
{
	SYS_ON_POOL_FD(a[0],
		       sync_range_ok(a)
			   ? sys_result(pmemfile_fdatasync(u.pfp, u.f->file))
			   : -EINVAL);
}

/* sync: the maps of every pool this process has, then the kernel's. */
/*
 * Every mount's pool: one this process has not used yet too, when another
 * process holds it (a `sync` after `cp`), whose holder commits then what it
 * has in memory (journal mode).
 */
SYS_HANDLER(sync)
{
	(void)a;
	for (int i = 0; i < mount_count; ++i) {
		struct preload_mount *m = &mount_table[i];
		PMEMfilepool *pfp = atomic_load(&m->pfp);
		if (!pfp && !preload_in_vfork &&
		    pmemfile_pool_in_use(m->pool_path) &&
		    pool_acquire(m, &pfp) != 0)
			pfp = NULL;
		if (pfp)
			(void)pmemfile_syncfs(pfp);
	}
	return PRELOAD_PASS;
}

SYS_HANDLER(fadvise64)
{
	SYS_ON_POOL_FD(a[0], (a[3] < 0 || a[3] > 5 || a[2] < 0) ? -EINVAL : 0);
}

SYS_HANDLER(readahead)
{
	SYS_ON_POOL_FD(a[0], u.f->is_dir ? -EINVAL : 0);
}

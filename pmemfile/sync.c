// SPDX-License-Identifier: BSD-3-Clause
/*
 * sync.c -- how durable a pool is, and the fsync family.
 *
 * A write, and every other call, has its stores durable (as the pool's
 * medium allows: info.h) when it returns. What is left for fsync,
 * fdatasync and syncfs are the stores made through shared maps of pool
 * files (mmap.c), which no call saw: on a pool in memory (pmem, or a file
 * treated as such) their cache lines are written back; on an ordinary
 * file their pages are msynced. Each process does this for its own maps,
 * as the kernel's fsync covers the mapped pages of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "internal.h"
#include "info.h"
#include "jmode.h"
#include "mmap_sync.h"
#include "remote.h"
#include "share.h"

/*
 * Where the pool file lives: pmem when it maps with MAP_SYNC (a file
 * system on pmem mounted with dax) or is a device (device DAX); memory
 * when it is on tmpfs; else an ordinary file, run in journal mode (by
 * default: jmode_wanted, unless the pool was opened otherwise: not
 * may_journal) or msynced by libpmemobj, which treats it as pmem (is_pmem)
 * only when PMEM_IS_PMEM_FORCE=1 told it to.
 */
int pool_durability_find(const char *path, bool is_pmem, bool may_journal)
{
	struct stat st;
	struct statfs sf;

	if (!path || stat(path, &st) != 0)
		return PMEMFILE_DURABILITY_UNKNOWN;
	if (S_ISCHR(st.st_mode))
		return PMEMFILE_DURABILITY_PMEM;
	if (statfs(path, &sf) == 0 &&
	    (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC))
		return PMEMFILE_DURABILITY_VOLATILE;
	if (may_journal && jmode_wanted(path))
		return PMEMFILE_DURABILITY_JOURNAL;
	if (pool_file_maps_sync(path))
		return PMEMFILE_DURABILITY_PMEM;
	return is_pmem ? PMEMFILE_DURABILITY_UNSAFE : PMEMFILE_DURABILITY_MSYNC;
}

bool pool_file_maps_sync(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return false;
	munmap(p, 4096);
	return true;
}

enum pmemfile_durability pmemfile_pool_durability(PMEMfilepool *pfp)
{
	if (!pfp)
		return PMEMFILE_DURABILITY_UNKNOWN;
	if (pf_remote(pfp) && pfp->share)
		return (enum pmemfile_durability)atomic_load(
		    &pfp->share->durability);
	return (enum pmemfile_durability)pfp->durability;
}

enum pmemfile_durability pmemfile_path_durability(const char *path)
{
	/* what libpmem decides for an ordinary file, before it maps it */
	const char *force = getenv("PMEM_IS_PMEM_FORCE");
	return (enum pmemfile_durability)pool_durability_find(
	    path, force && strcmp(force, "1") == 0, true);
}

int pmemfile_pool_set_durability(const char *path, const char *mode)
{
	if (!path || !mode)
		return -EFAULT;
	if (strcmp(mode, "journal") != 0 && strcmp(mode, "msync") != 0) {
		pf_set_errormsg("no durability mode '%s' (journal or msync)",
				mode);
		return -EINVAL;
	}
	struct stat st;
	if (stat(path, &st) != 0) {
		int e = errno;
		pf_set_errormsg("%s: %s", path, strerror(e));
		return -e;
	}
	int d = pool_durability_find(path, false, true);
	if (d != PMEMFILE_DURABILITY_MSYNC &&
	    d != PMEMFILE_DURABILITY_JOURNAL) {
		pf_set_errormsg(
		    "%s: %s: its durability is not a choice", path,
		    pmemfile_durability_text((enum pmemfile_durability)d));
		return -EINVAL;
	}
	/* no process holds it: its file is locked by whoever does */
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : -errno;
	if (r == -EWOULDBLOCK)
		pf_set_errormsg("%s: the pool is in use", path);
	close(fd);
	if (r == 0 && strcmp(mode, "msync") == 0)
		r = jmode_replay(path);
	if (r == 0 && setxattr(path, JMODE_XATTR, mode, strlen(mode), 0))
		r = -errno;
	return r;
}

const char *pmemfile_durability_name(enum pmemfile_durability d)
{
	switch (d) {
	case PMEMFILE_DURABILITY_VOLATILE:
		return "volatile";
	case PMEMFILE_DURABILITY_PMEM:
		return "pmem";
	case PMEMFILE_DURABILITY_MSYNC:
		return "msync";
	case PMEMFILE_DURABILITY_UNSAFE:
		return "unsafe";
	case PMEMFILE_DURABILITY_JOURNAL:
		return "journal";
	default:
		return "unknown";
	}
}

const char *pmemfile_durability_text(enum pmemfile_durability d)
{
	switch (d) {
	case PMEMFILE_DURABILITY_VOLATILE:
		return "the pool file is in memory (tmpfs): gone at a reboot";
	case PMEMFILE_DURABILITY_PMEM:
		return "persistent memory: each call is durable when it "
		       "returns";
	case PMEMFILE_DURABILITY_MSYNC:
		return "an ordinary file, msynced at each flush: each call is "
		       "durable when it returns, at the disk's speed";
	case PMEMFILE_DURABILITY_UNSAFE:
		return "an ordinary file treated as pmem "
		       "(PMEM_IS_PMEM_FORCE=1): not durable, a power cut may "
		       "leave the pool inconsistent";
	case PMEMFILE_DURABILITY_JOURNAL:
		return "an ordinary file run in memory and journaled: durable "
		       "at each fsync, sync, close and every 5 s, consistent "
		       "after a power cut";
	default:
		return "not known";
	}
}

bool pool_syncs_by_flush(PMEMfilepool *pfp)
{
	enum pmemfile_durability d = pmemfile_pool_durability(pfp);
	return d == PMEMFILE_DURABILITY_PMEM ||
	       d == PMEMFILE_DURABILITY_UNSAFE ||
	       d == PMEMFILE_DURABILITY_VOLATILE;
}

/* A sync point of a pool in journal mode, by its holder. */
static int pool_sync_point(PMEMfilepool *pfp)
{
	if (pf_remote(pfp))
		return atomic_load(&pfp->share->durability) ==
			       PMEMFILE_DURABILITY_JOURNAL
			   ? remote_sync(pfp)
			   : 0;
	return jmode_sync(pfp);
}

/* fsync and fdatasync: a pool file's data and metadata are alike here. */
static int sync_file(PMEMfilepool *pfp, PMEMfile *file)
{
	int r = pool_check(pfp);
	if (r == 0 && !pf_route(pfp, file))
		r = file_check(file);
	if (r)
		return (int)pf_ret(r);
	int fl = pmemfile_fcntl(pfp, file, PMEMFILE_F_GETFL);
	if (fl < 0)
		return -1;
	/* as the kernel: a descriptor for the path only has no data */
	if (fl & PMEMFILE_O_PATH)
		return (int)pf_ret(-EBADF);
	r = mmap_sync(pfp, file, pool_syncs_by_flush(pfp));
	if (r == 0)
		r = pool_sync_point(pfp);
	return r ? (int)pf_ret(r) : 0;
}

int pmemfile_fsync(PMEMfilepool *pfp, PMEMfile *file)
{
	return sync_file(pfp, file);
}

int pmemfile_fdatasync(PMEMfilepool *pfp, PMEMfile *file)
{
	return sync_file(pfp, file);
}

int pmemfile_syncfs(PMEMfilepool *pfp)
{
	int r = pool_check(pfp);
	if (r == 0)
		r = mmap_sync(pfp, NULL, pool_syncs_by_flush(pfp));
	if (r == 0)
		r = pool_sync_point(pfp);
	return r ? (int)pf_ret(r) : 0;
}

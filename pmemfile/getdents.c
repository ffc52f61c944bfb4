// SPDX-License-Identifier: BSD-3-Clause
/*
 * getdents.c -- reading directories, in the kernel's record layouts.
 *
 * The position of a directory handle is 0 for ".", 1 for "..", then
 * DIR_POS_FIRST + the slot position of a record: stable while the
 * directory changes, as records never move.
 */
#include <dirent.h>
#include <stddef.h>
#include <string.h>

#include "gate.h"
#include "dir.h"
#include "file.h"
#include "remote.h"
#include "share.h"

struct linux_dirent {
	unsigned long d_ino;
	unsigned long d_off;
	unsigned short d_reclen;
	char d_name[];
};

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct emit {
	char *buf;
	size_t size, used;
	bool is64;
};

/* Appends one record; false when it does not fit. */
static bool emit(struct emit *e, uint64_t ino, uint64_t next, unsigned type,
		 const char *name, size_t len)
{
	size_t rl;
	if (e->is64) {
		rl = (offsetof(struct linux_dirent64, d_name) + len + 1 + 7) &
		     ~(size_t)7;
		if (e->used + rl > e->size)
			return false;
		struct linux_dirent64 *d = (void *)(e->buf + e->used);
		d->d_ino = ino;
		d->d_off = (int64_t)next;
		d->d_reclen = (unsigned short)rl;
		d->d_type = (unsigned char)type;
		memcpy(d->d_name, name, len);
		d->d_name[len] = '\0';
	} else {
		rl = (offsetof(struct linux_dirent, d_name) + len + 2 + 7) &
		     ~(size_t)7;
		if (e->used + rl > e->size)
			return false;
		struct linux_dirent *d = (void *)(e->buf + e->used);
		d->d_ino = ino;
		d->d_off = next;
		d->d_reclen = (unsigned short)rl;
		memcpy(d->d_name, name, len);
		memset(d->d_name + len, 0,
		       rl - len - offsetof(struct linux_dirent, d_name));
		((char *)d)[rl - 1] = (char)type;
	}
	e->used += rl;
	return true;
}

/*
 * Fills e from *posp on; returns -EINVAL when a record is left that does not
 * fit an empty buffer. Decided under the same lock as the records themselves,
 * so a name created once the lock is dropped cannot make it fail.
 */
static int read_dir(PMEMfilepool *pfp, struct vinode *v, uint64_t *posp,
		    struct emit *e)
{
	uint64_t pos = *posp;
	bool full = false;
	int err = 0;
	if (pos == 0) {
		if (!emit(e, v->off, 1, DT_DIR, ".", 1)) {
			full = true;
			goto out;
		}
		pos = 1;
	}
	if (pos == 1) {
		if (!emit(e, v->inode->dir.parent, DIR_POS_FIRST, DT_DIR, "..",
			  2)) {
			full = true;
			goto out;
		}
		pos = DIR_POS_FIRST;
	}
	for (;;) {
		uint64_t slot = pos - DIR_POS_FIRST;
		struct pmemfile_dirent *d = dir_next(pfp, v, &slot);
		if (!d) {
			pos = DIR_POS_FIRST + slot;
			break;
		}
		uint64_t next =
		    DIR_POS_FIRST + slot + dir_record_slots(d, slot);
		int bad = dir_record_check(pfp, v, d, slot);
		if (bad) {
			/*
			 * The records before it are returned; the next call
			 * fails, and the one after goes on past it.
			 */
			if (e->used == 0) {
				err = bad;
				pos = next;
			} else {
				pos = DIR_POS_FIRST + slot;
			}
			break;
		}
		if (!emit(e, d->ino, next, d->type, d->name, d->namelen)) {
			pos = DIR_POS_FIRST + slot;
			full = true;
			break;
		}
		pos = next;
	}
out:
	*posp = pos;
	if (err)
		return err;
	return full && e->used == 0 ? -EINVAL : 0;
}

static int do_getdents(PMEMfilepool *pfp, PMEMfile *f, void *dirp,
		       unsigned count, bool is64)
{
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(f);
	if (r == 0 && (f->ofd->flags & O_PATH))
		r = -EBADF;
	if (r == 0 && !vinode_is_dir(f->vinode))
		r = -ENOTDIR;
	if (r == 0 && !dirp)
		r = -EFAULT;
	if (r)
		return r;
	struct emit e = {dirp, count, 0, is64};
	struct ofd *o = f->ofd;
	pthread_mutex_lock(&o->mutex);
	vinode_rdlock(f->vinode);
	if (f->vinode->inode->nlink == 0)
		r = -ENOENT; /* as the kernel: a removed directory */
	else
		r = read_dir(pfp, f->vinode, &o->offset, &e);
	vinode_unlock(f->vinode);
	pthread_mutex_unlock(&o->mutex);
	return r ? r : (int)e.used;
}

int pmemfile_getdents(PMEMfilepool *pfp, PMEMfile *file,
		      struct linux_dirent *dirp, unsigned count)
{
	GATE_PASS();
	if (pf_route(pfp, file))
		return remote_getdents(pfp, file, dirp, count, false);
	return (int)pf_ret(do_getdents(pfp, file, dirp, count, false));
}

int pmemfile_getdents64(PMEMfilepool *pfp, PMEMfile *file,
			struct linux_dirent64 *dirp, unsigned count)
{
	GATE_PASS();
	if (pf_route(pfp, file))
		return remote_getdents(pfp, file, dirp, count, true);
	return (int)pf_ret(do_getdents(pfp, file, dirp, count, true));
}

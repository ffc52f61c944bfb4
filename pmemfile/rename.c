// SPDX-License-Identifier: BSD-3-Clause
/*
 * rename.c -- rename, renameat, renameat2 (PMEMFILE_RENAME_NOREPLACE,
 * PMEMFILE_RENAME_EXCHANGE).
 *
 * Lock order: renames between two directories first take the pool's
 * rename lock (so the tree cannot change shape meanwhile), then lock an
 * ancestor before its descendants, unrelated directories by inode offset,
 * and the inodes named last, by inode offset. Every other operation locks
 * a parent before a child and never two directories, so none can wait in
 * a cycle.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gate.h"
#include "create.h"
#include "cred.h"
#include "dir.h"
#include "file.h"
#include "inode.h"
#include "namei.h"
#include "walk.h"
#include "remote.h"
#include "share.h"

struct rename_op {
	struct walk *ow, *nw;
	struct vinode *odir, *ndir;
	struct vinode *src, *dst; /* dst NULL when the new name is free */
	uint64_t opos, npos;
	unsigned flags;
};

/*
 * Whether a is d or one of d's ancestors (the tree is stable). Damage (a
 * parent that is no directory inode, a cycle of parents) ends the walk:
 * no ancestor.
 */
static bool is_ancestor(PMEMfilepool *pfp, struct vinode *a, struct vinode *d)
{
	uint64_t off = d->off;
	for (uint64_t n = 0; n <= pfp->pool_size / 256; n++) {
		if (off == a->off)
			return true;
		if (!inode_off_valid(pfp, off))
			return false;
		struct pmemfile_inode *in = pf_ptr(pfp, off);
		/* a root directory (of any tree) is its own parent */
		if (!S_ISDIR(in->mode) || in->dir.parent == off)
			return false;
		off = in->dir.parent;
	}
	return false;
}

static void lock_dirs(PMEMfilepool *pfp, struct vinode *a, struct vinode *b)
{
	if (a == b) {
		vinode_wrlock(a);
		return;
	}
	bool a_first = is_ancestor(pfp, a, b) ||
		       (!is_ancestor(pfp, b, a) && a->off < b->off);
	vinode_wrlock(a_first ? a : b);
	vinode_wrlock(a_first ? b : a);
}

static void unlock_dirs(struct vinode *a, struct vinode *b)
{
	vinode_unlock(a);
	if (a != b)
		vinode_unlock(b);
}

static void lock_pair(struct vinode *a, struct vinode *b)
{
	if (!b) {
		vinode_wrlock(a);
		return;
	}
	vinode_wrlock(a->off < b->off ? a : b);
	vinode_wrlock(a->off < b->off ? b : a);
}

static void unlock_pair(struct vinode *a, struct vinode *b)
{
	vinode_unlock(a);
	if (b)
		vinode_unlock(b);
}

/* The kernel's checks, with both directories locked. */
static int rename_check(PMEMfilepool *pfp, struct rename_op *op)
{
	struct vinode *src = op->src, *dst = op->dst;
	bool sdir = vinode_is_dir(src);
	if ((op->flags & PMEMFILE_RENAME_NOREPLACE) && dst)
		return -EEXIST;
	if ((op->flags & PMEMFILE_RENAME_EXCHANGE) && !dst)
		return -ENOENT;
	if (!sdir && (op->ow->trailing_slash || op->nw->trailing_slash))
		return -ENOTDIR;
	/* as the kernel's lock_rename trap: before permissions and types */
	if (sdir && is_ancestor(pfp, src, op->ndir))
		return -EINVAL;
	if (dst && vinode_is_dir(dst) && is_ancestor(pfp, dst, op->odir))
		return (op->flags & PMEMFILE_RENAME_EXCHANGE) ? -EINVAL
							      : -ENOTEMPTY;
	int r = may_delete(pfp, op->odir, src);
	if (r == 0)
		r = dst ? may_delete(pfp, op->ndir, dst)
			: may_change_dir(pfp, op->ndir);
	if (r)
		return r;
	if (dst && src != dst && !(op->flags & PMEMFILE_RENAME_EXCHANGE)) {
		bool ddir = vinode_is_dir(dst);
		if (sdir && !ddir)
			return -ENOTDIR;
		if (!sdir && ddir)
			return -EISDIR;
		if (ddir && dst->inode->dir.nentries)
			return -ENOTEMPTY;
	}
	if (op->odir != op->ndir) {
		if (sdir)
			r = perm_check(pfp, src->inode, PERM_W, false);
		if (r == 0 && dst && (op->flags & PMEMFILE_RENAME_EXCHANGE) &&
		    vinode_is_dir(dst))
			r = perm_check(pfp, dst->inode, PERM_W, false);
	}
	return r;
}

/* In a transaction: moves directory d from "from" to "to". */
static void move_dir(PMEMfilepool *pfp, struct vinode *d, struct vinode *from,
		     struct vinode *to)
{
	if (from == to || !vinode_is_dir(d))
		return;
	tx_add(pfp, &d->inode->dir.parent, 8);
	d->inode->dir.parent = to->off;
	/* both are in the transaction already (dir_remove/dir_add) */
	from->inode->nlink--;
	to->inode->nlink++;
}

static void rename_tx(PMEMfilepool *pfp, struct rename_op *op,
		      enum drop_result plan)
{
	struct vinode *src = op->src, *dst = op->dst;
	unsigned st = inode_dtype(src->inode->mode);
	if (op->flags & PMEMFILE_RENAME_EXCHANGE) {
		unsigned dt = inode_dtype(dst->inode->mode);
		dir_retarget(pfp, op->odir, op->opos, dst->off, dt);
		dir_retarget(pfp, op->ndir, op->npos, src->off, st);
		move_dir(pfp, src, op->odir, op->ndir);
		move_dir(pfp, dst, op->ndir, op->odir);
		vinode_touch_ctime(pfp, dst);
	} else if (dst) {
		dir_retarget(pfp, op->ndir, op->npos, src->off, st);
		dir_remove(pfp, op->odir, op->opos);
		namei_drop_link(pfp, op->ndir, dst, plan);
		move_dir(pfp, src, op->odir, op->ndir);
	} else {
		dir_add(pfp, op->ndir, op->nw->name, op->nw->namelen, src->off,
			st);
		dir_remove(pfp, op->odir, op->opos);
		move_dir(pfp, src, op->odir, op->ndir);
	}
	vinode_touch_ctime(pfp, src);
}

static int rename_locked(PMEMfilepool *pfp, struct rename_op *op)
{
	struct walk *ow = op->ow, *nw = op->nw;
	if (ow->namelen > PMEMFILE_NAME_MAX)
		return -ENAMETOOLONG;
	uint64_t ino =
	    dir_lookup(pfp, op->odir, ow->name, ow->namelen, &op->opos);
	if (!ino)
		return -ENOENT;
	/* as the kernel's look up of the new name: none in a removed dir */
	if (op->ndir->inode->nlink == 0)
		return -ENOENT;
	if (nw->namelen > PMEMFILE_NAME_MAX)
		return -ENAMETOOLONG;
	op->src = vinode_get(pfp, ino);
	if (!op->src)
		return -errno;
	ino = dir_lookup(pfp, op->ndir, nw->name, nw->namelen, &op->npos);
	op->dst = ino ? vinode_get(pfp, ino) : NULL;
	if (ino && !op->dst)
		return -errno;
	int r = rename_check(pfp, op);
	if (r || op->src == op->dst)
		return r;
	lock_pair(op->src, op->dst);
	enum drop_result plan = DROP_KEEP;
	if (op->dst && !(op->flags & PMEMFILE_RENAME_EXCHANGE))
		plan = namei_drop_plan(pfp, op->dst);
	volatile int err = 0;
	pthread_mutex_lock(&pfp->orphan_lock);
	PF_TX_BEGIN(pfp)
	{
		rename_tx(pfp, op, plan);
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	pthread_mutex_unlock(&pfp->orphan_lock);
	if (err) {
		dir_abort(op->odir);
		if (op->ndir != op->odir)
			dir_abort(op->ndir);
	} else if (plan == DROP_FREE) {
		vinode_forget(pfp, op->dst);
	} else if (plan == DROP_ORPHAN && vinode_is_dir(op->dst)) {
		op->dst->removed_from = vinode_ref(pfp, op->ndir);
	}
	if (!err &&
	    (vinode_is_dir(op->src) || (op->dst && vinode_is_dir(op->dst))))
		share_names_changed(pfp);
	unlock_pair(op->src, op->dst);
	return -err;
}

static int name_parent(PMEMfilepool *pfp, PMEMfile *at, const char *path,
		       struct walk *w)
{
	struct vinode *start;
	w->dir = NULL;
	int r = walk_start(pfp, at, path, &start);
	if (r)
		return r;
	w->stop_at_root = false;
	w->stop_at_missing = false;
	r = walk_parent(w, pfp, start, path);
	if (r == 0)
		r = perm_check(pfp, w->dir->inode, PERM_X, false);
	return r;
}

static int do_rename(PMEMfilepool *pfp, PMEMfile *old_at, const char *old_path,
		     PMEMfile *new_at, const char *new_path, unsigned flags)
{
	if (flags & ~(PMEMFILE_RENAME_NOREPLACE | PMEMFILE_RENAME_EXCHANGE) ||
	    (flags & PMEMFILE_RENAME_NOREPLACE &&
	     flags & PMEMFILE_RENAME_EXCHANGE))
		return -EINVAL;
	if (!old_path || !new_path)
		return -EFAULT;
	struct walk *w = malloc(2 * sizeof(*w));
	if (!w)
		return -ENOMEM;
	struct rename_op op = {.ow = &w[0], .nw = &w[1], .flags = flags};
	int r = name_parent(pfp, old_at, old_path, op.ow);
	w[1].dir = NULL;
	if (r == 0)
		r = name_parent(pfp, new_at, new_path, op.nw);
	if (r == 0 && (name_is_dot(op.ow->name, op.ow->namelen) ||
		       name_is_dotdot(op.ow->name, op.ow->namelen)))
		r = -EBUSY;
	if (r == 0 && (name_is_dot(op.nw->name, op.nw->namelen) ||
		       name_is_dotdot(op.nw->name, op.nw->namelen)))
		r = (flags & PMEMFILE_RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	if (r == 0) {
		op.odir = op.ow->dir;
		op.ndir = op.nw->dir;
		bool cross = op.odir != op.ndir;
		if (cross)
			pthread_mutex_lock(&pfp->rename_lock);
		lock_dirs(pfp, op.odir, op.ndir);
		r = rename_locked(pfp, &op);
		unlock_dirs(op.odir, op.ndir);
		if (cross)
			pthread_mutex_unlock(&pfp->rename_lock);
		vinode_put(pfp, op.src);
		vinode_put(pfp, op.dst);
	}
	walk_done(op.ow);
	if (w[1].dir)
		walk_done(op.nw);
	free(w);
	return r;
}

int pmemfile_renameat2(PMEMfilepool *pfp, PMEMfile *old_at,
		       const char *old_path, PMEMfile *new_at,
		       const char *new_path, unsigned flags)
{
	GATE_PASS();
	ROUTE_OR_LOCAL(pf_route_at(pfp, old_at, old_path) ||
			   remote_handle(new_at),
		       remote_two_paths(pfp, OP_RENAMEAT2, old_at, old_path,
					new_at, new_path, flags));
	int r = pool_check(pfp);
	if (r == 0)
		r = do_rename(pfp, old_at, old_path, new_at, new_path, flags);
	return (int)pf_ret(r);
}

int pmemfile_renameat(PMEMfilepool *pfp, PMEMfile *old_at, const char *old_path,
		      PMEMfile *new_at, const char *new_path)
{
	GATE_PASS();
	return pmemfile_renameat2(pfp, old_at, old_path, new_at, new_path, 0);
}

int pmemfile_rename(PMEMfilepool *pfp, const char *old_path,
		    const char *new_path)
{
	GATE_PASS();
	return pmemfile_renameat2(pfp, PMEMFILE_AT_CWD, old_path,
				  PMEMFILE_AT_CWD, new_path, 0);
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * open.c -- opening and closing files, and handles (dup, dup2).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gate.h"
#include "create.h"
#include "cred.h"
#include "data.h"
#include "dir.h"
#include "fcntl_lock.h"
#include "file.h"
#include "walk.h"
#include "remote.h"
#include "share.h"
#include "shim_calls.h"

#define OPEN_VALID_FLAGS                                                      \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |       \
	 O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | O_LARGEFILE |            \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | \
	 O_TMPFILE)

PMEMfile *file_new(PMEMfilepool *pfp, struct vinode *v, int flags)
{
	PMEMfile *f = calloc(1, sizeof(*f));
	struct ofd *o = calloc(1, sizeof(*o));
	if (!f || !o) {
		free(f);
		free(o);
		return NULL;
	}
	pthread_mutex_init(&o->mutex, NULL);
	o->vinode = v;
	o->ref = 1;
	o->for_others = pf_caller != NULL;
	/* O_PATH keeps only the flags the kernel keeps with it */
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	o->flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	f->vinode = v;
	f->ofd = o;
	f->fd_flags = (flags & O_CLOEXEC) ? FD_CLOEXEC : 0;
	pthread_mutex_lock(&pfp->ofds_lock);
	o->next = pfp->ofds;
	if (o->next)
		o->next->prev = o;
	pfp->ofds = o;
	pthread_mutex_unlock(&pfp->ofds_lock);
	return f;
}

/* Checks an existing inode against the open flags. */
static int open_check(PMEMfilepool *pfp, struct vinode *v, int flags,
		      bool created)
{
	mode_t m = v->inode->mode;
	if ((flags & O_DIRECTORY) && !S_ISDIR(m))
		return -ENOTDIR;
	if (S_ISLNK(m) && (flags & O_NOFOLLOW) && !(flags & O_PATH))
		return -ELOOP;
	if (flags & O_PATH)
		return 0;
	int acc = flags & O_ACCMODE;
	if (S_ISDIR(m) && (acc != O_RDONLY || (flags & (O_TRUNC | O_CREAT))))
		return -EISDIR;
	/* nodes have no driver behind them here */
	if (!S_ISREG(m) && !S_ISDIR(m))
		return -ENXIO;
	if (!created) {
		int mask = 0;
		if (acc == O_RDONLY || acc == O_RDWR)
			mask |= 4;
		if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
			mask |= 2;
		int r = perm_check(pfp, v->inode, mask, false);
		if (r)
			return r;
	}
	if ((flags & O_NOATIME) && !cred_is_owner(pfp, v->inode))
		return -EPERM;
	return 0;
}

static int open_trunc(PMEMfilepool *pfp, struct vinode *v)
{
	if (!vinode_is_reg(v))
		return 0;
	vinode_wrlock(v);
	int r = data_truncate(pfp, v, 0);
	vinode_unlock(v);
	return r;
}

/* O_CREAT: creates the last component in w->dir unless it appeared. */
static int open_create(PMEMfilepool *pfp, struct walk *w, int flags,
		       mode_t mode, struct vinode **out, bool *created)
{
	struct vinode *dir = w->dir;
	vinode_wrlock(dir);
	uint64_t ino = dir_lookup(pfp, dir, w->name, w->namelen, NULL);
	int r;
	if (ino) {
		if (flags & O_EXCL) {
			r = -EEXIST;
		} else {
			*out = vinode_get(pfp, ino);
			r = *out ? 0 : -errno;
		}
	} else {
		r = may_change_dir(pfp, dir);
		if (r == 0)
			r = create_locked(pfp, dir, w->name, w->namelen,
					  create_mode(pfp, mode) | S_IFREG, 0,
					  NULL, out);
		*created = r == 0;
	}
	vinode_unlock(dir);
	return r;
}

static int open_tmpfile(PMEMfilepool *pfp, struct walk *w, int flags,
			mode_t mode, struct vinode **out)
{
	int acc = flags & O_ACCMODE;
	if (acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;
	struct vinode *dir;
	int r = walk_last(w, true, &dir);
	if (r)
		return r;
	if (!dir)
		return -ENOENT;
	if (!vinode_is_dir(dir))
		r = -ENOTDIR;
	else
		r = may_change_dir(pfp, dir);
	if (r == 0)
		r = create_tmpfile(pfp, dir, create_mode(pfp, mode) | S_IFREG,
				   !(flags & O_EXCL), out);
	vinode_put(pfp, dir);
	return r;
}

/*
 * The end of an open that found (or made) v, or failed with r: the flags
 * checked against it, the truncation, the handle; v's reference is the
 * handle's, or dropped.
 */
static int open_finish(PMEMfilepool *pfp, int r, struct vinode *v, int flags,
		       int check_flags, bool created, PMEMfile **out)
{
	if (r == 0 && !v)
		r = -ENOENT; /* (an open that found nothing has failed) */
	if (r == 0)
		r = open_check(pfp, v, check_flags, created);
	if (r == 0 && (flags & O_TRUNC) && !created && !(flags & O_PATH))
		r = open_trunc(pfp, v);
	if (r == 0) {
		*out = file_new(pfp, v, flags);
		if (!*out)
			r = -ENOMEM;
	}
	if (r && v)
		vinode_put(pfp, v);
	return r;
}

/* PMEMFILE_O_REOPEN: the file of handle at, opened again. */
static int open_again(PMEMfilepool *pfp, PMEMfile *at, const char *path,
		      int flags, struct vinode **out)
{
	if (flags & ~(OPEN_VALID_FLAGS | PMEMFILE_O_REOPEN))
		return -EINVAL;
	if (at == NULL || at == PMEMFILE_AT_CWD || !path || path[0] != '\0')
		return -EINVAL;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EISDIR; /* the kernel's answer on a regular file */
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	*out = vinode_ref(pfp, at->vinode);
	return 0;
}

static int do_open(PMEMfilepool *pfp, PMEMfile *at, const char *path, int flags,
		   mode_t mode, PMEMfile **out)
{
	if (flags & PMEMFILE_O_REOPEN) {
		struct vinode *v = NULL;
		int r = open_again(pfp, at, path, flags, &v);
		flags &= ~(PMEMFILE_O_REOPEN | O_CREAT | O_EXCL);
		/* a symlink (of an O_PATH handle) is not opened */
		return open_finish(pfp, r, v, flags, flags | O_NOFOLLOW, false,
				   out);
	}
	bool last_nofollow = flags & PMEMFILE_O_LAST_NOFOLLOW;
	bool parents_nofollow = flags & PMEMFILE_O_PARENTS_NOFOLLOW;
	flags &= ~(PMEMFILE_O_LAST_NOFOLLOW | PMEMFILE_O_PARENTS_NOFOLLOW);
	if (flags & ~OPEN_VALID_FLAGS)
		return -EINVAL;
	if ((flags & O_TMPFILE) == O_TMPFILE && (flags & O_CREAT))
		return -EINVAL;
	/* as Linux since 6.4: never create a file for O_DIRECTORY */
	if ((flags & O_TMPFILE) != O_TMPFILE && (flags & O_CREAT) &&
	    (flags & O_DIRECTORY))
		return -EINVAL;
	struct vinode *start, *v = NULL;
	int r = walk_start(pfp, at, path, &start);
	if (r)
		return r;
	struct walk w;
	w.stop_at_root = false;
	w.stop_at_missing = false;
	bool created = false;
	walk_no_links = parents_nofollow;
	r = walk_parent(&w, pfp, start, path);
	walk_no_links = false;
	if (r)
		goto end;
	if ((flags & O_TMPFILE) == O_TMPFILE) {
		r = open_tmpfile(pfp, &w, flags, mode, &v);
		created = true;
		flags &= ~O_TMPFILE;
		goto end;
	}
	bool excl = (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
	/* "name/" (the root, "./" and "../" aside, which name a directory
	 * that exists: the O_EXCL check below refuses them first) cannot be
	 * created: EISDIR, as the kernel says */
	bool dots = w.name[0] == '.' &&
		    (w.namelen == 1 || (w.namelen == 2 && w.name[1] == '.'));
	if ((flags & O_CREAT) && w.trailing_slash && !w.last_root && !dots) {
		r = -EISDIR;
		goto end;
	}
	r = walk_last(&w, !(flags & O_NOFOLLOW) && !last_nofollow && !excl, &v);
	if (r)
		goto end;
	/* before any other answer: the shim follows it, and asks again */
	if (v && last_nofollow && S_ISLNK(v->inode->mode)) {
		r = -ELOOP;
		goto end;
	}
	if (!v && (flags & O_CREAT)) {
		r = open_create(pfp, &w, flags, mode, &v, &created);
	} else if (!v) {
		r = -ENOENT;
	} else if (excl) {
		r = -EEXIST;
	}
end:
	walk_done(&w);
	return open_finish(pfp, r, v, flags, flags, created, out);
}

PMEMfile *pmemfile_openat(PMEMfilepool *pfp, PMEMfile *dir,
			  const char *pathname, int flags, ...)
{
	GATE_PASS();
	mode_t mode = 0;
	if (flags & O_CREAT || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (pf_route_at(pfp, dir, pathname))
		return remote_openat(pfp, dir, pathname, flags, mode);
	PMEMfile *f = NULL;
	int r = pool_check(pfp);
	if (r == 0)
		r = do_open(pfp, dir, pathname, flags, mode, &f);
	if (r) {
		errno = -r;
		return NULL;
	}
	return f;
}

PMEMfile *pmemfile_open(PMEMfilepool *pfp, const char *pathname, int flags, ...)
{
	GATE_PASS();
	mode_t mode = 0;
	if (flags & O_CREAT || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return pmemfile_openat(pfp, PMEMFILE_AT_CWD, pathname, flags, mode);
}

PMEMfile *pmemfile_create(PMEMfilepool *pfp, const char *pathname,
			  pmemfile_mode_t mode)
{
	GATE_PASS();
	return pmemfile_open(pfp, pathname, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

PMEMfile *pmemfile_open_root(PMEMfilepool *pfp, unsigned index, int flags)
{
	GATE_PASS();
	if (pf_remote(pfp))
		return remote_open_root(pfp, index, flags);
	/* no flag yet; a NULL pool has no root (the count is 0) */
	if (flags != 0 || index >= pmemfile_pool_root_count(pfp)) {
		errno = EINVAL;
		return NULL;
	}
	struct vinode *v = index == 0
			       ? vinode_ref(pfp, pfp->root)
			       : vinode_get(pfp, pfp->super->roots[index - 1]);
	if (!v)
		return NULL;
	PMEMfile *f = file_new(pfp, v, O_RDONLY | O_DIRECTORY);
	if (!f) {
		vinode_put(pfp, v);
		errno = ENOMEM;
	}
	return f;
}

/* Under ofds_lock: o leaves the pool's list and its id. */
static void ofd_unlink_locked(PMEMfilepool *pfp, struct ofd *o)
{
	o->freeing = true;
	if (o->prev)
		o->prev->next = o->next;
	else
		pfp->ofds = o->next;
	if (o->next)
		o->next->prev = o->prev;
	if (o->desc)
		atomic_store(&pfp->share->desc[o->desc].ofd, 0);
}

static void ofd_destroy(PMEMfilepool *pfp, struct ofd *o)
{
	flock_release(o);
	rlock_release_owner(o->vinode, o);
	share_locks_changed(pfp);
	vinode_put(pfp, o->vinode);
	pthread_mutex_destroy(&o->mutex);
	free(o);
}

void ofd_free(PMEMfilepool *pfp, struct ofd *o)
{
	pthread_mutex_lock(&pfp->ofds_lock);
	ofd_unlink_locked(pfp, o);
	pthread_mutex_unlock(&pfp->ofds_lock);
	ofd_destroy(pfp, o);
}

/*
 * Whether the description no handle of this process refers to any more
 * is referred to by no other process either; slot p (-1: none) is this
 * process's, whose own reference goes. Under ofds_lock, which the
 * keeper's release of another process's last reference takes too
 * (ofd_release): each saw the other's count drop, and both freed it.
 */
static bool ofd_unused_locked(PMEMfilepool *pfp, struct ofd *o, int p)
{
	if (o->freeing)
		return false;
	if (!o->desc)
		return true;
	struct share_seg *s = pfp->share;
	/* exported meanwhile (a fork's share_export_all): its slot is known */
	if (p < 0)
		p = share_proc(pfp);
	if (p >= 0 && share_has(s, p, o->desc) && !share_unref(s, p, o->desc))
		return false;
	return atomic_load(&s->desc[o->desc].procs) == 0;
}

void ofd_release(PMEMfilepool *pfp, uint32_t id, struct ofd *o)
{
	pthread_mutex_lock(&pfp->ofds_lock);
	/* freed already by this process's last close (ofd_put) */
	bool gone =
	    atomic_load(&pfp->share->desc[id].ofd) == (uint64_t)(uintptr_t)o;
	if (gone) {
		pthread_mutex_lock(&o->mutex);
		gone = o->ref == 0 && !o->freeing &&
		       atomic_load(&pfp->share->desc[id].procs) == 0;
		pthread_mutex_unlock(&o->mutex);
	}
	if (gone)
		ofd_unlink_locked(pfp, o);
	pthread_mutex_unlock(&pfp->ofds_lock);
	if (gone)
		ofd_destroy(pfp, o);
}

/*
 * The last handle of this process is gone: an exported description lives
 * on while another process refers to it.
 */
static void ofd_put(PMEMfilepool *pfp, struct ofd *o)
{
	/* outside the lock: taking a slot may wait for the keeper's sweep */
	int p = o->desc && pfp->share ? share_proc(pfp) : -1;
	pthread_mutex_lock(&pfp->ofds_lock);
	pthread_mutex_lock(&o->mutex);
	unsigned long ref = --o->ref;
	pthread_mutex_unlock(&o->mutex);
	bool gone = ref == 0 && ofd_unused_locked(pfp, o, p);
	if (gone)
		ofd_unlink_locked(pfp, o);
	pthread_mutex_unlock(&pfp->ofds_lock);
	if (gone)
		ofd_destroy(pfp, o);
}

void file_forget(PMEMfilepool *pfp, PMEMfile *f)
{
	(void)pfp;
	pthread_mutex_lock(&f->ofd->mutex);
	f->ofd->ref--;
	pthread_mutex_unlock(&f->ofd->mutex);
	free(f);
}

void pmemfile_close(PMEMfilepool *pfp, PMEMfile *file)
{
	GATE_PASS();
	if (pf_route(pfp, file)) {
		remote_close(pfp, file);
		return;
	}
	if (!pfp || file_check(file))
		return;
	rlock_release_owner(file->vinode, pf_lock_owner());
	share_locks_changed(pfp);
	ofd_put(pfp, file->ofd);
	free(file);
}

PMEMfile *pmemfile_dup(PMEMfilepool *pfp, PMEMfile *file)
{
	GATE_PASS();
	if (pf_route(pfp, file))
		return remote_dup(pfp, file);
	if (!pfp || file_check(file)) {
		errno = pfp ? EBADF : EFAULT;
		return NULL;
	}
	PMEMfile *n = calloc(1, sizeof(*n));
	if (!n) {
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_lock(&file->ofd->mutex);
	file->ofd->ref++;
	pthread_mutex_unlock(&file->ofd->mutex);
	n->vinode = file->vinode;
	n->ofd = file->ofd;
	return n;
}

PMEMfile *pmemfile_dup2(PMEMfilepool *pfp, PMEMfile *file, PMEMfile *file2)
{
	GATE_PASS();
	if (pf_remote(pfp)) {
		pf_set_errormsg("pmemfile_dup2 is not supported in a process "
				"that does not hold the pool");
		errno = ENOTSUP;
		return NULL;
	}
	if (!pfp || file_check(file) || file_check(file2)) {
		errno = pfp ? EBADF : EFAULT;
		return NULL;
	}
	if (file == file2)
		return file;
	/* file2 keeps its address and now refers to file's description */
	pthread_mutex_lock(&file->ofd->mutex);
	file->ofd->ref++;
	pthread_mutex_unlock(&file->ofd->mutex);
	struct ofd *old = file2->ofd;
	struct vinode *oldv = file2->vinode;
	file2->ofd = file->ofd;
	file2->vinode = file->vinode;
	file2->fd_flags = 0;
	rlock_release_owner(oldv, pf_lock_owner());
	ofd_put(pfp, old);
	return file2;
}

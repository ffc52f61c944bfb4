// SPDX-License-Identifier: BSD-3-Clause
/*
 * fcntl.c -- fcntl, flock and the volatile advisory locks behind them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "cred.h"
#include "fcntl_lock.h"
#include "file.h"
#include "remote.h"
#include "share.h"

/*
 * A record lock: [start, end] (end inclusive) held by owner, the pool handle
 * for a POSIX lock or the open file description for an OFD lock. pid is what
 * F_GETLK reports of it, as the kernel does: the process that took a POSIX
 * lock, -1 for an OFD lock.
 */
struct rlock {
	struct rlock *next;
	const void *owner;
	uint64_t start, end;
	short type;
	pid_t pid;
};

/*
 * Under lk_mutex: a lock went; who waits for one looks again. No system
 * call where nobody waits: a process alone locks and unlocks as before.
 */
static void lk_wake(struct vinode *v)
{
	atomic_fetch_add(&v->lk_seq, 1);
	if (v->lk_waiters)
		share_futex_wake(&v->lk_seq);
}

/*
 * Under lk_mutex (left while it waits): waits until a lock goes; -EINTR
 * if a signal handler ran meanwhile that does not restart calls.
 */
static int lk_wait(struct vinode *v)
{
	uint32_t seq = atomic_load(&v->lk_seq);
	v->lk_waiters++;
	pthread_mutex_unlock(&v->lk_mutex);
	bool intr =
	    share_futex_wait(&v->lk_seq, seq, -1) != 0 && errno == EINTR;
	pthread_mutex_lock(&v->lk_mutex);
	v->lk_waiters--;
	return intr ? -EINTR : 0;
}

void rlock_free_all(struct vinode *v)
{
	while (v->rlocks) {
		struct rlock *n = v->rlocks->next;
		free(v->rlocks);
		v->rlocks = n;
	}
}

void rlock_each(struct vinode *v,
		void (*f)(void *arg, const void *owner, pid_t pid, short type,
			  uint64_t start, uint64_t end),
		void *arg)
{
	pthread_mutex_lock(&v->lk_mutex);
	for (struct rlock *l = v->rlocks; l; l = l->next)
		f(arg, l->owner, l->pid, l->type, l->start, l->end);
	pthread_mutex_unlock(&v->lk_mutex);
}

int rlock_add(struct vinode *v, const void *owner, pid_t pid, short type,
	      uint64_t start, uint64_t end)
{
	struct rlock *n = malloc(sizeof(*n));
	if (!n)
		return -ENOLCK;
	pthread_mutex_lock(&v->lk_mutex);
	*n = (struct rlock){v->rlocks, owner, start, end, type, pid};
	v->rlocks = n;
	pthread_mutex_unlock(&v->lk_mutex);
	return 0;
}

void flock_remake(struct ofd *o, int kind)
{
	struct vinode *v = o->vinode;
	pthread_mutex_lock(&v->lk_mutex);
	if (!o->flock && kind == LOCK_EX && !v->flock_owner) {
		v->flock_owner = o;
		o->flock = kind;
	} else if (!o->flock && kind == LOCK_SH) {
		v->flock_shared++;
		o->flock = kind;
	}
	pthread_mutex_unlock(&v->lk_mutex);
}

static struct rlock *rlock_conflict(struct vinode *v, const void *owner,
				    short type, uint64_t s, uint64_t e)
{
	for (struct rlock *l = v->rlocks; l; l = l->next) {
		if (l->owner == owner || l->end < s || l->start > e)
			continue;
		if (type == F_WRLCK || l->type == F_WRLCK)
			return l;
	}
	return NULL;
}

/* Removes owner's locks over [s, e], splitting those that straddle it. */
static int rlock_clear(struct vinode *v, const void *owner, uint64_t s,
		       uint64_t e)
{
	for (struct rlock **p = &v->rlocks; *p;) {
		struct rlock *l = *p;
		if (l->owner != owner || l->end < s || l->start > e) {
			p = &l->next;
			continue;
		}
		if (l->start < s && l->end > e) {
			struct rlock *t = malloc(sizeof(*t));
			if (!t)
				return -ENOLCK;
			*t = *l;
			t->start = e + 1;
			l->end = s - 1;
			l->next = t;
			return 0;
		}
		if (l->start < s) {
			l->end = s - 1;
		} else if (l->end > e) {
			l->start = e + 1;
		} else {
			*p = l->next;
			free(l);
			continue;
		}
		p = &l->next;
	}
	return 0;
}

void rlock_release_owner(struct vinode *v, const void *owner)
{
	pthread_mutex_lock(&v->lk_mutex);
	if (v->rlocks) {
		rlock_clear(v, owner, 0, UINT64_MAX);
		lk_wake(v);
	}
	pthread_mutex_unlock(&v->lk_mutex);
}

static int rlock_range(struct vinode *v, const struct flock *fl, uint64_t cur,
		       uint64_t *s, uint64_t *e)
{
	int64_t base;
	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)cur;
		break;
	case SEEK_END:
		base = (int64_t)inode_size(v->inode);
		break;
	default:
		return -EINVAL;
	}
	/* as the kernel's flock_to_posix_lock */
	int64_t start;
	if (__builtin_add_overflow(base, fl->l_start, &start))
		return -EOVERFLOW;
	if (start < 0)
		return -EINVAL;
	int64_t len = fl->l_len;
	if (len > 0 && len - 1 > INT64_MAX - start)
		return -EOVERFLOW;
	if (len < 0) {
		if (start + len < 0)
			return -EINVAL;
		*s = (uint64_t)(start + len);
		*e = (uint64_t)start - 1;
		return 0;
	}
	*s = (uint64_t)start;
	*e = len == 0 ? UINT64_MAX : (uint64_t)(start + len - 1);
	return 0;
}

/*
 * Absorbs into n (not yet in the list) the locks of its owner and type that
 * touch it, as the kernel merges them: F_GETLK then reports the whole
 * range.
 */
static void rlock_merge(struct vinode *v, struct rlock *n)
{
	for (struct rlock **p = &v->rlocks; *p;) {
		struct rlock *l = *p;
		if (l->owner != n->owner || l->type != n->type ||
		    (l->end != UINT64_MAX && l->end + 1 < n->start) ||
		    (n->end != UINT64_MAX && l->start > n->end + 1)) {
			p = &l->next;
			continue;
		}
		if (l->start < n->start)
			n->start = l->start;
		if (l->end > n->end)
			n->end = l->end;
		*p = l->next;
		free(l);
	}
	n->next = v->rlocks;
}

static int rlock_set(struct vinode *v, const void *owner, pid_t pid, bool wait,
		     struct flock *fl, uint64_t s, uint64_t e)
{
	if (fl->l_type == F_UNLCK) {
		int r = rlock_clear(v, owner, s, e);
		lk_wake(v);
		return r;
	}
	while (rlock_conflict(v, owner, fl->l_type, s, e)) {
		if (!wait)
			return -EAGAIN;
		int w = lk_wait(v);
		if (w)
			return w;
	}
	struct rlock *n = malloc(sizeof(*n));
	if (!n)
		return -ENOLCK;
	int r = rlock_clear(v, owner, s, e);
	if (r) {
		free(n);
		return r;
	}
	*n = (struct rlock){v->rlocks, owner, s, e, fl->l_type, pid};
	rlock_merge(v, n);
	v->rlocks = n;
	lk_wake(v);
	return 0;
}

int rlock_fcntl(struct vinode *v, const void *owner, pid_t pid, int cmd,
		struct flock *fl, uint64_t cur)
{
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK &&
	    (fl->l_type != F_UNLCK || cmd == F_GETLK))
		return -EINVAL;
	uint64_t s, e;
	int r = rlock_range(v, fl, cur, &s, &e);
	if (r)
		return r;
	pthread_mutex_lock(&v->lk_mutex);
	if (cmd == F_GETLK) {
		struct rlock *l = rlock_conflict(v, owner, fl->l_type, s, e);
		if (!l) {
			fl->l_type = F_UNLCK;
		} else {
			fl->l_type = l->type;
			fl->l_whence = SEEK_SET;
			fl->l_start = (off_t)l->start;
			fl->l_len = l->end == UINT64_MAX
					? 0
					: (off_t)(l->end - l->start + 1);
			fl->l_pid = l->pid;
		}
	} else {
		r = rlock_set(v, owner, pid, cmd == F_SETLKW, fl, s, e);
	}
	pthread_mutex_unlock(&v->lk_mutex);
	return r;
}

void flock_release(struct ofd *o)
{
	struct vinode *v = o->vinode;
	pthread_mutex_lock(&v->lk_mutex);
	if (o->flock == LOCK_EX)
		v->flock_owner = NULL;
	else if (o->flock == LOCK_SH)
		v->flock_shared--;
	o->flock = 0;
	lk_wake(v);
	pthread_mutex_unlock(&v->lk_mutex);
}

static int do_flock(PMEMfile *f, int op)
{
	int kind = op & ~LOCK_NB;
	if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN)
		return -EINVAL;
	struct ofd *o = f->ofd;
	struct vinode *v = f->vinode;
	if (o->flock)
		flock_release(o);
	if (kind == LOCK_UN)
		return 0;
	pthread_mutex_lock(&v->lk_mutex);
	for (;;) {
		bool busy = v->flock_owner != NULL ||
			    (kind == LOCK_EX && v->flock_shared > 0);
		if (!busy)
			break;
		int w = (op & LOCK_NB) ? -EWOULDBLOCK : lk_wait(v);
		if (w) {
			pthread_mutex_unlock(&v->lk_mutex);
			return w;
		}
	}
	if (kind == LOCK_EX)
		v->flock_owner = o;
	else
		v->flock_shared++;
	o->flock = kind;
	pthread_mutex_unlock(&v->lk_mutex);
	return 0;
}

int pmemfile_flock(PMEMfilepool *pfp, PMEMfile *file, int operation)
{
	if (pf_route(pfp, file))
		return remote_flock(pfp, file, operation);
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r == 0 && (file->ofd->flags & O_PATH))
		r = -EBADF;
	if (r == 0)
		r = do_flock(file, operation);
	if (r == 0)
		share_locks_changed(pfp);
	return (int)pf_ret(r);
}

/*
 * The POSIX record locks (owned by the pool handle, as a process owns its
 * locks) and the OFD ones (owned by the open file description).
 */
static int record_lock(PMEMfile *f, int cmd, struct flock *fl)
{
	struct ofd *o = f->ofd;
	bool ofd =
	    cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	if (!fl)
		return -EFAULT;
	if (ofd && fl->l_pid != 0)
		return -EINVAL; /* as the kernel */
	if (o->flags & O_PATH)
		return -EBADF;
	bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
	if (!get && fl->l_type == F_RDLCK && !file_readable(f))
		return -EBADF;
	if (!get && fl->l_type == F_WRLCK && !file_writable(f))
		return -EBADF;
	if (ofd)
		cmd = cmd == F_OFD_GETLK   ? F_GETLK
		      : cmd == F_OFD_SETLK ? F_SETLK
					   : F_SETLKW;
	return rlock_fcntl(f->vinode, ofd ? (const void *)o : pf_lock_owner(),
			   ofd ? -1 : (pid_t)(uintptr_t)pf_lock_owner(), cmd,
			   fl, o->offset);
}

/* Flags F_SETFL may change; the access mode and creation flags stay. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

static int do_fcntl(PMEMfilepool *pfp, PMEMfile *f, int cmd, va_list ap)
{
	struct ofd *o = f->ofd;
	switch (cmd) {
	case F_GETFL:
		return o->flags | O_LARGEFILE;
	case F_SETFL: {
		int fl = va_arg(ap, int);
		if (o->flags & O_PATH)
			return -EBADF;
		/* as open(): O_NOATIME only for the owner (or CAP_FOWNER) */
		if ((fl & O_NOATIME) && !(o->flags & O_NOATIME) &&
		    !cred_is_owner(pfp, f->vinode->inode))
			return -EPERM;
		pthread_mutex_lock(&o->mutex);
		o->flags = (o->flags & ~SETFL_MASK) | (fl & SETFL_MASK);
		pthread_mutex_unlock(&o->mutex);
		return 0;
	}
	case F_GETFD:
		return f->fd_flags;
	case F_SETFD:
		f->fd_flags = va_arg(ap, int) & FD_CLOEXEC;
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return record_lock(f, cmd, va_arg(ap, struct flock *));
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		/* descriptor numbers belong to the caller: see pmemfile_dup */
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

int pmemfile_fcntl(PMEMfilepool *pfp, PMEMfile *file, int cmd, ...)
{
	va_list ap;
	if (pf_route(pfp, file)) {
		va_start(ap, cmd);
		int rr = remote_fcntl(pfp, file, cmd, ap);
		va_end(ap);
		return rr;
	}
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(file);
	if (r)
		return (int)pf_ret(r);
	va_start(ap, cmd);
	r = do_fcntl(pfp, file, cmd, ap);
	va_end(ap);
	if (r == 0 && cmd != F_GETLK && cmd != F_OFD_GETLK)
		share_locks_changed(pfp);
	return (int)pf_ret(r);
}

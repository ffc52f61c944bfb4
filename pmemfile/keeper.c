// SPDX-License-Identifier: BSD-3-Clause
/*
 * keeper.c -- the holder's side (share.h): a thread of the holder, with
 * every signal blocked, runs the calls other processes post, under each
 * caller's identity. It never waits for the holder's own threads, which
 * may be blocked on the very process that is calling (a shell in wait4).
 *
 * A holder that leaves (exit, execve) while other processes refer to its
 * descriptions writes them into the segment for the next holder, which
 * opens the pool again (keeper_handover). A keeper process (started by a
 * process that cannot hold the pool itself, pmemfile_pool_keep) closes
 * the pool and exits once no description is left.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fcntl_lock.h"
#include "gate.h"
#include "jmode.h"
#include "kcall.h"
#include "file.h"
#include "lease.h"
#include "remote.h"
#include "share.h"
#include "shim_calls.h"
#include "vinode.h"

/*
 * Pauses the keeper spins for more work before it sleeps: between these
 * bounds, doubled when work came during the spin, halved when none did.
 * A client streaming calls finds the keeper awake; processes that come
 * and go (a shell loop) do not have it burn a core they need to start.
 *
 * Nothing longer for the next call after one served (a process that
 * joins does not wake the keeper, remote_pool_new): the futex wake-up of a
 * client's call puts the keeper on the processor of the process that woke it
 * whenever the other one is busy, and a keeper spinning there, giving way or
 * not, takes the time the process needs to make its next call and to use the
 * answer. A cat in the shell loop of issue 9, this 2-CPU VM under another
 * program's load: its open waited 110-125 us for the keeper (medians; it slept
 * for its answer 120-194 times in 200) with spins of 20,000 and 8,000 pauses,
 * 5-6 us (1-8 times) without; a spin of 2,000 after the join made its way to
 * its first call 62 -> 111 us.
 */
#define KEEPER_SPINS_MAX 2000
#define KEEPER_SPINS_MIN 50
/*
 * A spin stops, looking every so many pauses (some 30 us), once another
 * thread took the keeper's processor meanwhile: the spin would then take
 * it from a thread that has work (tar c | tar x in a mount, on 2 CPUs:
 * its holder's keeper spun 45 ms of tar c's and tar x's processor time).
 */
#define KEEPER_SPINS_LOOK 1024
/* How long a keeper process with no description waits before it leaves. */
#define KEEPER_LINGER_MS 50

static struct ofd *desc_ofd(struct share_seg *s, uint32_t id)
{
	if (id == 0 || id >= SHARE_DESCS)
		return NULL;
	return (struct ofd *)(uintptr_t)atomic_load(&s->desc[id].ofd);
}

/*
 * The description id, made again from what the holder that left wrote
 * (keeper_handover) if it was not yet (keeper_take_over makes them all).
 */
static struct ofd *desc_ofd_made(PMEMfilepool *pfp, uint32_t id)
{
	struct share_seg *s = pfp->share;
	struct ofd *o = desc_ofd(s, id);
	if (o || id == 0 || id >= SHARE_DESCS ||
	    !atomic_load(&s->desc[id].detached))
		return o;
	struct share_desc *d = &s->desc[id];
	struct vinode *v = vinode_get(pfp, d->ino);
	PMEMfile *f = v ? file_new(pfp, v, d->flags) : NULL;
	if (!f) {
		if (v)
			vinode_put(pfp, v);
		return NULL;
	}
	o = f->ofd;
	o->offset = d->pos;
	o->desc = id;
	file_forget(pfp, f);
	atomic_store(&d->detached, 0);
	atomic_store(&d->ofd, (uint64_t)(uintptr_t)o);
	return o;
}

/* The caller's handle argument i, as a handle of this process. */
static int kfile(PMEMfilepool *pfp, struct share_chan *c, int i, PMEMfile *h,
		 PMEMfile **out)
{
	uint32_t id = c->file[i];
	if (id == SHARE_AT_CWD) {
		*out = PMEMFILE_AT_CWD;
		return 0;
	}
	if (!share_has(pfp->share, (int)c->proc, id))
		return id ? -EIO : -EBADF;
	/* an id given again after the holder it was of died */
	if ((atomic_load(&pfp->share->desc[id].epoch) & REMOTE_EPOCH_MASK) !=
	    c->file_epoch[i])
		return -EIO;
	struct ofd *o = desc_ofd_made(pfp, id);
	if (!o)
		return -EIO;
	/*
	 * A call on a leased description: the lease gives its offset back
	 * (a lease asked for again ends in lease_grant, its storage kept).
	 */
	if (c->op != OP_LEASE)
		lease_end_desc(pfp, id);
	h->vinode = o->vinode;
	h->ofd = o;
	h->fd_flags = 0;
	*out = h;
	return 0;
}

/* A handle opened for the caller becomes a description id of its own. */
static int64_t kexport(PMEMfilepool *pfp, struct share_chan *c, PMEMfile *f)
{
	if (!f)
		return -errno;
	uint32_t id = share_export(pfp, f->ofd);
	if (!id) {
		pmemfile_close(pfp, f);
		return -ENFILE;
	}
	share_ref(pfp->share, (int)c->proc, id);
	file_forget(pfp, f);
	return id;
}

/*
 * A lease asked for with the open of description id (arg[2]: LEASE_WRITE
 * or not, and LEASE_AT_OPEN): its entry + 1 in file[1], 0 if none.
 */
static void kopen_lease(PMEMfilepool *pfp, struct share_chan *c, uint32_t id)
{
	struct ofd *o = desc_ofd(pfp->share, id);
	c->file[1] = 0;
	if (!o)
		return;
	PMEMfile h = {.vinode = o->vinode, .ofd = o};
	c->file[0] = id;
	c->arg[0] = c->arg[2];
	int64_t slot = lease_grant(pfp, c, &h);
	if (slot >= 0)
		c->file[1] = (uint32_t)slot + 1;
	else
		c->out_len = 0;
}

/*
 * OP_OPENAT: the description's id; with arg[3], the file's stat in the
 * window (arg[4] 1) where no lease comes with the open (the client's
 * fstat then answers): the shim's fstat after each open made no call of
 * its own.
 */
static int64_t kopen(PMEMfilepool *pfp, struct share_chan *c, PMEMfile *dir,
		     const char *path)
{
	int64_t r = kexport(
	    pfp, c,
	    pmemfile_openat(pfp, dir, path, (int)c->arg[0], (mode_t)c->arg[1]));
	c->file[1] = 0;
	if (r > 0 && c->arg[2])
		kopen_lease(pfp, c, (uint32_t)r);
	struct ofd *o = r > 0 ? desc_ofd(pfp->share, (uint32_t)r) : NULL;
	if (o && c->arg[3] && c->file[1] == 0) {
		PMEMfile h = {.vinode = o->vinode, .ofd = o};
		if (pmemfile_fstat(pfp, &h, (void *)c->data) == 0) {
			c->out_len = sizeof(struct stat);
			c->arg[4] = 1;
		}
	}
	return r;
}

/* Process slot p no longer refers to description id. */
static void krelease(PMEMfilepool *pfp, int p, pid_t pid, uint32_t id)
{
	struct share_seg *s = pfp->share;
	lease_end_desc(pfp, id);
	struct ofd *o = desc_ofd(s, id);
	if (!o) {
		/* not made again since its holder left: nothing but the id */
		if (id < SHARE_DESCS && atomic_load(&s->desc[id].detached) &&
		    share_unref(s, p, id))
			atomic_store(&s->desc[id].detached, 0);
		return;
	}
	/* as any close: the process's record locks on the file go */
	rlock_release_owner(o->vinode, (const void *)(uintptr_t)pid);
	if (share_unref(pfp->share, p, id))
		ofd_release(pfp, id, o);
	share_locks_changed(pfp);
}

static void krelease_all(PMEMfilepool *pfp, int p)
{
	struct share_proc *sp = &pfp->share->proc[p];
	struct share_refs *sr = &pfp->share->refs[p];
	pid_t pid = atomic_load(&sp->pid);
	for (uint32_t w = 0; w < SHARE_DESCS / 64; ++w) {
		uint64_t bits = atomic_load(&sr->bits[w]);
		while (bits) {
			uint32_t b = (uint32_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			krelease(pfp, p, pid, w * 64 + b);
		}
	}
	pins_release_proc(pfp, p);
	if (pid != pf_self_pid)
		atomic_store(&sp->pid, 0);
}

static int64_t k_rw(PMEMfilepool *pfp, struct share_chan *c, PMEMfile *f)
{
	size_t n = (size_t)c->arg[0];
	bool pos = c->arg[2];
	if (n > SHARE_WINDOW)
		return -EINVAL;
	if (c->op == OP_WRITE) {
		if (c->in_len != n)
			return -EINVAL;
		return pos ? pmemfile_pwrite(pfp, f, c->data, n, c->arg[1])
			   : pmemfile_write(pfp, f, c->data, n);
	}
	return pos ? pmemfile_pread(pfp, f, c->data, n, c->arg[1])
		   : pmemfile_read(pfp, f, c->data, n);
}

/* The path in the request at offset at (NUL-terminated inside). */
static const char *kpath(struct share_chan *c, int64_t at)
{
	if (at < 0 || (uint64_t)at >= c->in_len ||
	    !memchr(c->data + at, '\0', c->in_len - (uint64_t)at))
		return NULL;
	return c->data + at;
}

/*
 * chdir and fchdir of a client in one call: the directory (path in dir,
 * or dir itself) must be one the caller may search; its path goes out.
 */
static int64_t kchdir(PMEMfilepool *pfp, struct share_chan *c, PMEMfile *dir,
		      const char *path)
{
	PMEMfile *d = dir;
	if (c->arg[0]) {
		if (!path)
			return -EFAULT;
		d = pmemfile_openat(pfp, dir, path, O_PATH | O_DIRECTORY, 0);
		if (!d)
			return -errno;
	}
	struct stat st;
	int64_t r = 0;
	if (pmemfile_fstat(pfp, d, &st) != 0)
		r = -errno;
	else if (!S_ISDIR(st.st_mode))
		r = -ENOTDIR;
	else if (pmemfile_faccessat(pfp, d, "", X_OK,
				    AT_EMPTY_PATH | AT_EACCESS) != 0)
		r = -errno;
	else if (!pmemfile_get_dir_path(pfp, d, c->data, SHARE_WINDOW))
		r = -errno;
	if (r == 0) {
		c->out_len = (uint32_t)strlen(c->data) + 1;
		c->arg[1] = (int64_t)st.st_ino; /* pmemfile_chdir_ino */
	}
	/*
	 * The client's cwd: a description of the directory, which follows
	 * it through renames (0 where none can be made: the path serves).
	 */
	c->arg[2] = 0;
	if (r == 0 && d == dir)
		d = pmemfile_openat(pfp, dir, "", PMEMFILE_O_REOPEN | O_PATH,
				    0);
	if (r == 0 && d != NULL && d != dir) {
		int64_t id = kexport(pfp, c, d);
		c->arg[2] = id > 0 ? id : 0;
		return 0;
	}
	if (d != dir && d != NULL)
		pmemfile_close(pfp, d);
	return r;
}

/* Runs the caller's call: the result, or -errno (errno of the call). */
static int64_t kdispatch(PMEMfilepool *pfp, struct share_chan *c)
{
	PMEMfile h0, h1, *f0 = NULL, *f1 = NULL;
	int64_t r = 0;
	const char *p0 = kpath(c, 0);
	switch (c->op) {
	case OP_OPENAT:
		r = kfile(pfp, c, 0, &h0, &f0);
		if (r == 0)
			r = kopen(pfp, c, f0, p0);
		return r;
	case OP_CHDIR:
		r = kfile(pfp, c, 0, &h0, &f0);
		return r ? r : kchdir(pfp, c, f0, p0);
	case OP_OPEN_ROOT:
		return kexport(pfp, c,
			       pmemfile_open_root(pfp, (unsigned)c->arg[0],
						  (int)c->arg[1]));
	case OP_RELEASE:
	case OP_RELEASE_ALL:
		/*
		 * Posted by a process that went on (rc_post): the sweep may
		 * have released its slot, and another process taken it, since.
		 */
		if (c->proc >= SHARE_PROCS ||
		    atomic_load(&pfp->share->proc[c->proc].pid) != c->pid)
			return 0;
		if (c->op == OP_RELEASE)
			krelease(pfp, (int)c->proc, c->pid, c->file[0]);
		else
			krelease_all(pfp, (int)c->proc);
		return 0;
	case OP_STATFS: {
		struct statfs *b = (void *)c->data;
		r = pmemfile_statfs(pfp, b);
		c->out_len = sizeof(*b);
		return r;
	}
	case OP_ROOT_COUNT:
		return pmemfile_pool_root_count(pfp);
	case OP_ORDER:
		return 0;
	case OP_SYNC:
		return jmode_sync(pfp);
	case OP_STATS:
		pmemfile_stats(pfp, (void *)c->data);
		c->out_len = sizeof(struct pmemfile_stats);
		return 0;
	case OP_TRUNCATE:
		return pmemfile_truncate(pfp, p0, c->arg[0]);
	case OP_UNPIN:
		return pin_release_id(pfp, (int)c->proc, (uint32_t)c->arg[0]);
	case OP_SYMLINKAT:
		r = kfile(pfp, c, 1, &h1, &f1);
		return r ? r
			 : pmemfile_symlinkat(pfp, p0, f1, kpath(c, c->arg[1]));
	default:
		break;
	}
	r = kfile(pfp, c, 0, &h0, &f0);
	if (r)
		return r;
	switch (c->op) {
	case OP_READ:
	case OP_WRITE:
		r = k_rw(pfp, c, f0);
		if (c->op == OP_READ && r > 0)
			c->out_len = (uint32_t)r;
		return r;
	case OP_LSEEK:
		return pmemfile_lseek(pfp, f0, c->arg[0], (int)c->arg[1]);
	case OP_FSTATAT:
		c->out_len = sizeof(struct stat);
		return pmemfile_fstatat(pfp, f0, p0, (void *)c->data,
					(int)c->arg[0]);
	case OP_FSTAT:
		c->out_len = sizeof(struct stat);
		return pmemfile_fstat(pfp, f0, (void *)c->data);
	case OP_FCNTL:
		if (c->in_len == sizeof(struct flock)) {
			c->out_len = sizeof(struct flock);
			r = pmemfile_fcntl(pfp, f0, (int)c->arg[0],
					   (struct flock *)c->data);
		} else {
			r = pmemfile_fcntl(pfp, f0, (int)c->arg[0],
					   (int)c->arg[1]);
		}
		return r;
	case OP_FLOCK:
		return pmemfile_flock(pfp, f0, (int)c->arg[0]);
	case OP_GETDENTS:
		r = c->arg[1] ? pmemfile_getdents64(pfp, f0, (void *)c->data,
						    (unsigned)c->arg[0])
			      : pmemfile_getdents(pfp, f0, (void *)c->data,
						  (unsigned)c->arg[0]);
		if (r > 0)
			c->out_len = (uint32_t)r;
		return r;
	case OP_MKDIRAT:
		return pmemfile_mkdirat(pfp, f0, p0, (mode_t)c->arg[0]);
	case OP_MKNODAT:
		return pmemfile_mknodat(pfp, f0, p0, (mode_t)c->arg[0],
					(dev_t)c->arg[1]);
	case OP_UNLINKAT:
		return pmemfile_unlinkat(pfp, f0, p0, (int)c->arg[0]);
	case OP_FACCESSAT:
		return pmemfile_faccessat(pfp, f0, p0, (int)c->arg[0],
					  (int)c->arg[1]);
	case OP_FCHMODAT:
		return pmemfile_fchmodat(pfp, f0, p0, (mode_t)c->arg[0],
					 (int)c->arg[1]);
	case OP_FCHMOD:
		return pmemfile_fchmod(pfp, f0, (mode_t)c->arg[0]);
	case OP_FCHOWNAT:
		return pmemfile_fchownat(pfp, f0, p0, (uid_t)c->arg[0],
					 (gid_t)c->arg[1], (int)c->arg[2]);
	case OP_FCHOWN:
		return pmemfile_fchown(pfp, f0, (uid_t)c->arg[0],
				       (gid_t)c->arg[1]);
	case OP_FTRUNCATE:
		return pmemfile_ftruncate(pfp, f0, c->arg[0]);
	case OP_FALLOCATE:
		return pmemfile_fallocate(pfp, f0, (int)c->arg[0], c->arg[1],
					  c->arg[2]);
	case OP_READLINKAT:
		r = pmemfile_readlinkat(pfp, f0, p0, c->data,
					(size_t)c->arg[0] < SHARE_WINDOW
					    ? (size_t)c->arg[0]
					    : SHARE_WINDOW);
		if (r > 0)
			c->out_len = (uint32_t)r;
		return r;
	case OP_UTIMENSAT:
	case OP_FUTIMENS: {
		struct timespec t[2];
		size_t tl = c->arg[1] ? sizeof(t) : 0;
		if (tl)
			memcpy(t, c->data, sizeof(t));
		const char *p = c->arg[2] ? kpath(c, (int64_t)tl) : NULL;
		if (c->op == OP_FUTIMENS)
			return pmemfile_futimens(pfp, f0, tl ? t : NULL);
		return pmemfile_utimensat(pfp, f0, p, tl ? t : NULL,
					  (int)c->arg[0]);
	}
	case OP_DIR_PATH: {
		size_t n = (size_t)c->arg[0] < SHARE_WINDOW ? (size_t)c->arg[0]
							    : SHARE_WINDOW;
		if (!pmemfile_get_dir_path(pfp, f0, c->data, n))
			return -1;
		c->out_len = (uint32_t)strlen(c->data) + 1;
		return 0;
	}
	case OP_PIN: {
		size_t len = (size_t)c->arg[1];
		if (len / 4096 * sizeof(uint64_t) > SHARE_WINDOW)
			return -ENOMEM;
		PMEMfilepin *pin = pmemfile_pin_pages(
		    pfp, f0, c->arg[0], len, (uint64_t *)(void *)c->data);
		if (!pin)
			return -1;
		c->out_len = (uint32_t)(len / 4096 * sizeof(uint64_t));
		return pin_give(pfp, pin, (int)c->proc);
	}
	case OP_DUP:
		return 0;
	case OP_LEASE:
		return lease_grant(pfp, c, f0);
	default:
		break;
	}
	/* the calls with a second handle */
	r = kfile(pfp, c, 1, &h1, &f1);
	if (r)
		return r;
	switch (c->op) {
	case OP_LINKAT:
		return pmemfile_linkat(pfp, f0, p0, f1, kpath(c, c->arg[1]),
				       (int)c->arg[0]);
	case OP_RENAMEAT2:
		return pmemfile_renameat2(pfp, f0, p0, f1, kpath(c, c->arg[1]),
					  (unsigned)c->arg[0]);
	case OP_COPY_RANGE: {
		off_t in = c->arg[2], out = c->arg[3];
		return pmemfile_copy_file_range(
		    pfp, f0, (c->arg[4] & 1) ? &in : NULL, f1,
		    (c->arg[4] & 2) ? &out : NULL, (size_t)c->arg[0],
		    (unsigned)c->arg[1]);
	}
	default:
		return -ENOSYS;
	}
}

/*
 * Whether call c can neither see nor need what a lease's end frees: it
 * may run before the trims left for later (lease_trims_defer), and leave
 * its own. Not one that reads a file's blocks or the pool's free space,
 * grants a lease (but with the open of a new file, which cannot be the
 * file of a trim left), or writes to a file. The creation of a file may
 * find the pool full where the trims left would make room (kserve).
 */
static bool kdefers_trims(const struct share_chan *c)
{
	switch (c->op) {
	case OP_RELEASE:
	case OP_RELEASE_ALL:
	case OP_FCHMOD:
	case OP_FCHOWN:
	case OP_FUTIMENS:
		return true;
	case OP_OPENAT:
		return ((int)c->arg[0] & (O_CREAT | O_EXCL)) ==
		       (O_CREAT | O_EXCL);
	default:
		return false;
	}
}

static void kserve(PMEMfilepool *pfp, struct share_chan *c)
{
	/* a lease's storage changes outside the calls: passed here */
	GATE_PASS();
	struct pf_caller caller = {.pid = c->pid, .proc = (int)c->proc};
	const struct share_cred *sc = &c->cred;
	gid_t groups[SHARE_GROUPS];

	caller.cred.ruid = sc->ruid;
	caller.cred.euid = sc->euid;
	caller.cred.fsuid = sc->fsuid;
	caller.cred.rgid = sc->rgid;
	caller.cred.egid = sc->egid;
	caller.cred.fsgid = sc->fsgid;
	caller.cred.caps = sc->caps;
	caller.cred.ngroups = sc->ngroups < SHARE_GROUPS ? sc->ngroups : 0;
	for (size_t i = 0; i < caller.cred.ngroups; ++i)
		groups[i] = sc->groups[i];
	caller.cred.groups = groups;
	caller.umask = sc->umask & 0777;
	c->out_len = 0;
	if (c->proc >= SHARE_PROCS || c->in_len > SHARE_WINDOW) {
		c->ret = -EINVAL;
	} else {
		bool defer = kdefers_trims(c);
		if (!defer)
			lease_trims_flush();
		pf_caller = &caller;
		lease_trims_defer = defer;
		errno = 0;
		int64_t r = kdispatch(pfp, c);
		/* a full pool: what the trims left would free may be enough */
		if (defer && r == -1 && errno == ENOSPC &&
		    atomic_load(&lease_trims_later) > 0) {
			lease_trims_defer = false;
			lease_trims_flush();
			errno = 0;
			r = kdispatch(pfp, c);
		}
		lease_trims_defer = false;
		pf_caller = NULL;
		c->ret = r == -1 ? -(errno ? errno : EIO) : r;
	}
	atomic_fetch_add(&pfp->share->forwarded, 1);
	if (atomic_load(&c->no_answer)) {
		atomic_store_explicit(&c->state, CHAN_FREE,
				      memory_order_release);
		return;
	}
	atomic_store_explicit(&c->state, CHAN_DONE, memory_order_release);
	share_chan_wake(c);
}

/*
 * The ordered posts run one thread at a time, the keeper's or the
 * process's own (pool_check), each after it passed the gate (gate.h): a
 * thread waiting for this lock may be inside.
 */
static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;

/* The ordered post of the lowest place, or NULL. */
static struct share_chan *order_first(struct share_seg *s)
{
	struct share_chan *first = NULL;
	for (int i = 0; i < SHARE_CHANNELS; ++i) {
		struct share_chan *c = &s->chan[i];
		if (atomic_load_explicit(&c->state, memory_order_acquire) ==
			CHAN_POSTED &&
		    c->seq && (!first || c->seq < first->seq))
			first = c;
	}
	return first;
}

int keeper_order(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	int n = 0;
	GATE_PASS();
	pthread_mutex_lock(&order_lock);
	/* set before the flag is taken: see share_order_pending */
	atomic_store(&s->order.serving, 1);
	do {
		atomic_store(&s->order.posted, 0);
		atomic_store(&s->order.quiet, 0);
		for (struct share_chan *c; (c = order_first(s)) != NULL;) {
			uint32_t posted = CHAN_POSTED;
			if (atomic_compare_exchange_strong(&c->state, &posted,
							   CHAN_TAKEN)) {
				kserve(pfp, c);
				n++;
			}
		}
	} while (atomic_load(&s->order.posted) || atomic_load(&s->order.quiet));
	atomic_store(&s->order.serving, 0);
	pthread_mutex_unlock(&order_lock);
	return n;
}

/*
 * Serves what is posted; how many calls that was. The ordered posts go
 * first, and again before each other call, which may be of a process
 * that posted them before it.
 */
static int kserve_posted(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	int n = 0;
	bool ordered = false;
	for (int i = 0; i < SHARE_CHANNELS; ++i) {
		struct share_chan *c = &s->chan[i];
		if (atomic_load_explicit(&c->state, memory_order_acquire) !=
		    CHAN_POSTED)
			continue;
		if (c->seq) {
			ordered = true;
			continue;
		}
		if (share_order_due(&s->order))
			n += keeper_order(pfp);
		uint32_t posted = CHAN_POSTED;
		if (atomic_compare_exchange_strong(&c->state, &posted,
						   CHAN_TAKEN)) {
			kserve(pfp, c);
			n++;
		}
	}
	/* a poster that died before it set the flag: run them all the same */
	if (ordered || share_order_due(&s->order))
		n += keeper_order(pfp);
	return n;
}

/* What processes that died without leaving referred to goes. */
static void ksweep(PMEMfilepool *pfp)
{
	GATE_PASS();
	struct share_seg *s = pfp->share;
	for (int p = 0; p < SHARE_PROCS; ++p) {
		pid_t pid = atomic_load(&s->proc[p].pid);
		if (!pid || pid == pf_self_pid ||
		    share_same_alive(pid, atomic_load(&s->proc[p].start)))
			continue;
		/*
		 * Not beside the dead process's own posted end (keeper_order,
		 * which the program's threads run too): both released the
		 * same descriptions, one freeing what the other used.
		 */
		pthread_mutex_lock(&order_lock);
		if (atomic_load(&s->proc[p].pid) == pid)
			krelease_all(pfp, p);
		pthread_mutex_unlock(&order_lock);
	}
	share_sweep_channels(s);
}

static bool kany_desc(struct share_seg *s)
{
	for (int i = 1; i < SHARE_DESCS; ++i)
		if (atomic_load(&s->desc[i].ofd) ||
		    atomic_load(&s->desc[i].detached))
			return true;
	return false;
}

static bool others_attached(struct share_seg *s);

/*
 * In journal mode, a sync point at least this often (as ext4's commit=):
 * PMEMFILE_COMMIT_INTERVAL seconds, 5 by default, 0 for none.
 */
static long keeper_interval(void)
{
	const char *v = getenv("PMEMFILE_COMMIT_INTERVAL");
	char *end;
	long s = v && *v ? strtol(v, &end, 10) : 5;
	return v && *v && (*end || s < 0) ? 5 : s;
}

/*
 * keeper_interval as the thread that started the keeper thread read it:
 * the keeper thread's getenv would race the program's setenv (the C
 * library's environment may not be read while another thread changes it).
 */
static _Atomic long keeper_commit = 5;

static void keeper_timer(PMEMfilepool *pfp, time_t *last, long interval)
{
	struct timespec now;
	if (jmode_checkpoint_due(pfp))
		jmode_checkpoint(pfp);
	if (!pfp->jmode || interval == 0 ||
	    clock_gettime(CLOCK_MONOTONIC_COARSE, &now) != 0)
		return;
	if (*last == 0)
		*last = now.tv_sec; /* the interval starts with the keeper */
	if (now.tv_sec - *last < interval)
		return;
	*last = now.tv_sec;
	(void)jmode_sync(pfp);
}

/*
 * While calls keep coming, what processes that died left (their
 * descriptions, and the locks through them) is swept this often (ms):
 * otherwise only a keeper idle for a second sweeps, and a process waiting
 * for a lock a killed process held, which asks again every 50 ms, waited
 * for ever.
 */
#define KEEPER_SWEEP_MS 100

static void keeper_sweep_due(PMEMfilepool *pfp, struct timespec *last)
{
	struct timespec now;
	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &now) != 0)
		return;
	long ms = (now.tv_sec - last->tv_sec) * 1000 +
		  (now.tv_nsec - last->tv_nsec) / 1000000;
	if (ms < KEEPER_SWEEP_MS)
		return;
	*last = now;
	ksweep(pfp);
}

/*
 * Serves until stopped, or, in a keeper process (linger), until no
 * description is left and nothing came for a while.
 */
static void keeper_serve(PMEMfilepool *pfp, bool linger)
{
	struct share_seg *s = pfp->share;
	int idle_ms = 0;
	int spins = KEEPER_SPINS_MAX;
	time_t synced = 0;
	struct timespec swept = {0, 0};
	(void)clock_gettime(CLOCK_MONOTONIC_COARSE, &swept);
	/* a keeper thread reads no variable: see keeper_commit */
	long interval =
	    linger ? keeper_interval() : atomic_load(&keeper_commit);
	/*
	 * The keeper's involuntary switches when it last looked (since then,
	 * serving too): read at the looks only, not at each spin's start,
	 * which cost a forwarded call 0.15 us (fstat 0.30 -> 0.45 us).
	 */
	long displaced = share_displaced();

	atomic_store(&s->holder_lingers, linger);
	while (!atomic_load(&pfp->keeper_stop)) {
		keeper_timer(pfp, &synced, interval);
		uint32_t seen = atomic_load(&s->keeper_word);
		/* a process found the process table full (share.c) */
		if (atomic_load(&s->sweep_wanted) &&
		    atomic_exchange(&s->sweep_wanted, 0))
			ksweep(pfp);
		if (kserve_posted(pfp)) {
			idle_ms = 0;
			keeper_sweep_due(pfp, &swept);
			/* a keeper process: the last process left */
			if (linger && !kany_desc(s) && !others_attached(s))
				return;
			continue;
		}
		/* nothing else to do: what was left for later */
		if (atomic_load(&lease_trims_later) > 0) {
			lease_trims_flush();
			continue;
		}
		int i;
		bool wanted = false;
		for (i = 0; i < spins && !wanted; ++i) {
			if (atomic_load_explicit(&s->keeper_word,
						 memory_order_relaxed) != seen)
				break;
			__builtin_ia32_pause();
			if (i % KEEPER_SPINS_LOOK == KEEPER_SPINS_LOOK - 1) {
				long now = share_displaced();
				wanted = now != displaced;
				displaced = now;
			}
		}
		if (i < spins && !wanted) {
			spins = spins * 2 < KEEPER_SPINS_MAX ? spins * 2
							     : KEEPER_SPINS_MAX;
			continue;
		}
		spins =
		    spins / 2 > KEEPER_SPINS_MIN ? spins / 2 : KEEPER_SPINS_MIN;
		long wait_ms = linger ? KEEPER_LINGER_MS : 1000;
		atomic_store(&s->keeper_waits, 1);
		long w = share_futex_wait(&s->keeper_word, seen, wait_ms);
		atomic_store(&s->keeper_waits, 0);
		if (w == 0 || errno != ETIMEDOUT)
			continue;
		ksweep(pfp);
		idle_ms += (int)wait_ms;
		if (linger && idle_ms >= KEEPER_LINGER_MS && !kany_desc(s))
			return;
	}
}

static void keeper_loop(PMEMfilepool *pfp, bool linger)
{
	keeper_serve(pfp, linger);
	/* a keeper process or copy leaves after its last call: them too */
	lease_trims_flush();
}

static void *keeper_thread(void *arg)
{
	keeper_loop(arg, false);
	return NULL;
}

void keeper_start(PMEMfilepool *pfp)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	atomic_store(&pfp->keeper_stop, 0);
	atomic_store(&keeper_commit, keeper_interval());
	pfp->keeper_running =
	    pthread_create(&pfp->keeper, NULL, keeper_thread, pfp) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void keeper_stop(PMEMfilepool *pfp)
{
	if (!pfp->keeper_running)
		return;
	atomic_store(&pfp->keeper_stop, 1);
	atomic_fetch_add(&pfp->share->keeper_word, 1);
	share_futex_wake(&pfp->share->keeper_word);
	pthread_join(pfp->keeper, NULL);
	pfp->keeper_running = false;
}

/*
 * The holder leaves (exit or, with exec, execve): each description that
 * another process refers to (with exec, also this one: the new image)
 * is written into the segment as the next holder makes it again at its
 * take-over (keeper_take_over), and the caller lets the pool go. Returns
 * whether any was. The pool is opened again by the next process that needs it
 * (an exit leaves it to a copy of this process where it can:
 * keeper_leave_to_copy); the orphans such descriptions refer to are kept from
 * reclaim (orphan_reclaim).
 */
struct lock_export {
	struct share_seg *s;
	uint64_t ino;
	pid_t me;
	bool exec;
};

static void lock_put(struct share_seg *s, struct share_lock l)
{
	if (s->nlocks < SHARE_LOCKS)
		s->locks[s->nlocks++] = l;
}

/*
 * A record lock the next holder makes again: an OFD lock of a description
 * kept for others, a POSIX lock of another live process (or, at exec, of
 * this one: it keeps its locks through execve).
 */
static void lock_export(void *arg, const void *owner, pid_t pid, short type,
			uint64_t start, uint64_t end)
{
	struct lock_export *e = arg;
	struct share_lock l = {.type = type,
			       .ino = e->ino,
			       .start = start,
			       .end = end,
			       .pid = pid};
	if (pid == -1) {
		const struct ofd *o = owner;
		if (!o->desc || !atomic_load(&e->s->desc[o->desc].detached))
			return;
		l.kind = LOCK_OFD;
		l.desc = o->desc;
	} else {
		if (pid == e->me ? !e->exec : !share_alive(pid))
			return;
		l.kind = LOCK_POSIX;
	}
	lock_put(e->s, l);
}

/* Under ofds_lock, after the descriptions were left: their locks too. */
static void locks_leave(PMEMfilepool *pfp, bool exec)
{
	struct share_seg *s = pfp->share;
	struct lock_export e = {.s = s, .me = pf_self_pid, .exec = exec};
	s->nlocks = 0;
	for (struct ofd *o = pfp->ofds; o; o = o->next) {
		if (o->flock && o->desc &&
		    atomic_load(&s->desc[o->desc].detached))
			lock_put(s,
				 (struct share_lock){.kind = LOCK_FLOCK,
						     .type = (int16_t)o->flock,
						     .desc = o->desc,
						     .ino = o->vinode->off});
		bool seen = false;
		for (struct ofd *p = pfp->ofds; p != o && !seen; p = p->next)
			seen = p->vinode == o->vinode;
		if (seen)
			continue;
		e.ino = o->vinode->off;
		rlock_each(o->vinode, lock_export, &e);
	}
}

/* A POSIX lock's inode, open in a description the leaving holder kept. */
static struct ofd *locks_desc_of(PMEMfilepool *pfp, uint64_t ino)
{
	struct share_seg *s = pfp->share;
	for (uint32_t i = 1; i < SHARE_DESCS; ++i) {
		if (!atomic_load(&s->desc[i].procs))
			continue;
		struct ofd *o = desc_ofd(s, i);
		if (o && o->vinode->off == ino)
			return o;
	}
	return NULL;
}

void keeper_take_over(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	/*
	 * Every description the holder that left kept for others is made
	 * again now, not at its first use: until then no reference of this
	 * process kept its inode, which a rename over the file or an unlink
	 * freed as no longer open (the file of a program another process was
	 * reading to run it: its next read EIO, an fstat mode 0).
	 */
	for (uint32_t i = 1; i < SHARE_DESCS; ++i)
		if (atomic_load(&s->desc[i].detached) &&
		    atomic_load(&s->desc[i].procs))
			(void)desc_ofd_made(pfp, i);
	uint32_t n = s->nlocks < SHARE_LOCKS ? s->nlocks : SHARE_LOCKS;
	for (uint32_t i = 0; i < n; ++i) {
		const struct share_lock *l = &s->locks[i];
		struct ofd *o = l->kind == LOCK_POSIX
				    ? locks_desc_of(pfp, l->ino)
				    : desc_ofd_made(pfp, l->desc);
		if (!o || o->vinode->off != l->ino)
			continue; /* closed meanwhile: the lock went with it */
		if (l->kind == LOCK_FLOCK)
			flock_remake(o, l->type);
		else if (l->kind == LOCK_OFD)
			(void)rlock_add(o->vinode, o, -1, l->type, l->start,
					l->end);
		else
			(void)rlock_add(o->vinode,
					(const void *)(uintptr_t)l->pid, l->pid,
					l->type, l->start, l->end);
	}
	s->nlocks = 0;
}

bool keeper_handover(PMEMfilepool *pfp, bool exec)
{
	struct share_seg *s = pfp->share;
	keeper_stop(pfp);
	lease_end_all(pfp);
	/* as the leases' own storage: past libpmemobj's end, maybe */
	lease_trims_leave(pfp);
	int me = share_proc(pfp);
	bool any = false;
	pthread_mutex_lock(&pfp->ofds_lock);
	for (struct ofd *o = pfp->ofds; o; o = o->next) {
		/* after a failed execve this process goes on as a client */
		if (exec && me >= 0 && o->ref > 0) {
			uint32_t id = share_export(pfp, o);
			if (id)
				share_ref(s, me, id);
		}
		if (!o->desc)
			continue;
		struct share_desc *d = &s->desc[o->desc];
		if (!exec && me >= 0)
			share_unref(s, me, o->desc);
		/*
		 * Nobody refers to it: it goes with this process, and so does
		 * its pointer, which a request posted to this keeper and served
		 * by the next (a release of it) must not find.
		 */
		if (atomic_load(&d->procs) == 0) {
			atomic_store(&d->ofd, 0);
			continue;
		}
		d->ino = o->vinode->off;
		d->flags = o->flags;
		d->pos = o->offset;
		atomic_store(&d->detached, 1);
		atomic_store(&d->ofd, 0);
		any = true;
	}
	locks_leave(pfp, exec);
	pthread_mutex_unlock(&pfp->ofds_lock);
	/* its own maps end with the process; the others' stay pinned */
	if (!exec && me >= 0)
		pins_release_proc(pfp, me);
	pins_leave(pfp);
	if (any)
		atomic_fetch_add(&s->handovers, 1);
	return any;
}

int pmemfile_pool_keep(const char *pathname)
{
	PMEMfilepool *pfp = pmemfile_pool_open(pathname);
	if (!pfp)
		return -1;
	if (pf_remote(pfp)) {
		pmemfile_pool_close(pfp);
		return 0; /* another process holds it */
	}
	keeper_stop(pfp);
	atomic_store(&pfp->keeper_stop, 0);
	keeper_loop(pfp, true);
	pmemfile_pool_close(pfp);
	return 0;
}

/* Whether a live process other than this one has a slot in the segment. */
static bool others_attached(struct share_seg *s)
{
	return share_others(s, pf_self_pid, pf_self_pid);
}

/* Closes every descriptor but the n in keep (ascending). */
static void close_all_but(const int *keep, int n)
{
	unsigned from = 0;
	for (int i = 0; i < n; ++i) {
		if ((unsigned)keep[i] > from)
			syscall(SYS_close_range, from, (unsigned)keep[i] - 1,
				0);
		from = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

/*
 * The copy (keeper_leave_to_copy): it leaves the program's session and
 * descriptors, takes the holder's place, tells its parent (tell), and
 * serves until no other process uses the pool, as a keeper process does.
 */
/* Set by the preload shim: its calls in this process are none of its own. */
extern void preload_keeper_copy(void) __attribute__((weak));

static __attribute__((noreturn)) void keeper_copy_run(PMEMfilepool *pfp,
						      pid_t parent, int tell)
{
	struct share_seg *s = pfp->share;
	if (preload_keeper_copy)
		preload_keeper_copy();
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	pf_self_pid = (pid_t)syscall(SYS_getpid);
	setsid();
	prctl(PR_SET_NAME, "pmemfile-keep");
	if (chdir("/"))
		(void)0; /* where the program was is nothing to the copy */
	int keep[16];
	int n = pmemfile_pool_own_fds(pfp, keep, 15);
	if (n < 0 || n > 15)
		n = 0;
	keep[n++] = tell;
	for (int i = 1; i < n; ++i)
		for (int j = i; j > 0 && keep[j - 1] > keep[j]; --j) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	close_all_but(keep, n);
	pfp->local_pid = pf_self_pid;
	/*
	 * The handles are the parent's, which refers to their descriptions
	 * from its slot now (share_export_all): those stay while it does.
	 */
	for (;;) {
		struct ofd *gone = NULL;
		pthread_mutex_lock(&pfp->ofds_lock);
		for (struct ofd *o = pfp->ofds; o && !gone; o = o->next) {
			o->ref = 0;
			if (!o->desc || !atomic_load(&s->desc[o->desc].procs))
				gone = o;
		}
		pthread_mutex_unlock(&pfp->ofds_lock);
		if (!gone)
			break;
		ofd_free(pfp, gone);
	}
	pfp->proc = -1;
	pfp->proc_pid = 0;
	/*
	 * A copy that cannot track what it writes must not hold the pool,
	 * nor one without a lock of its own on the segment's file: the
	 * parent's end drops the one they share, and the last client to
	 * leave would remove the segment under the copy, whose pool the next
	 * process would find locked by a process of another segment.
	 */
	if (jmode_copied(pfp) != 0 || !share_relock(pfp) ||
	    !share_holder_take(pfp, parent))
		syscall(SYS_exit_group, 0); /* (or the parent died) */
	if (write(tell, "k", 1) != 1)
		(void)0; /* the parent resigns for the copy (below) */
	close(tell);
	atomic_store(&pfp->keeper_stop, 0);
	keeper_loop(pfp, true);
	/*
	 * As a holder's exit: libpmemobj's close would write its memory of
	 * each lane, which is the parent's until written here (some 2,000
	 * copied pages, 5 ms, waited for by the last client).
	 */
	share_exit_pool(pfp);
	syscall(SYS_exit_group, 0);
	__builtin_unreachable();
}

bool keeper_leave_to_copy(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	if (!s || pf_vfork_pid || pf_remote(pfp) || !pfp->pop ||
	    !others_attached(s))
		return false;
	/* in journal mode its threads too (they start again when needed) */
	jmode_stop_threads(pfp);
	/*
	 * Alone (but for the keeper): no other thread of the program can be
	 * half way through anything the copy would find as it was.
	 */
	if (share_threads() != (pfp->keeper_running ? 2 : 1))
		return false;
	int me = share_proc(pfp);
	int tell[2];
	if (me < 0 || pipe2(tell, O_CLOEXEC))
		return false;
	/* the leases go on: the copy's memory is this process's */
	keeper_stop(pfp);
	lease_trims_flush();
	/*
	 * In journal mode a sync point first: the copy's tracking of written
	 * pages starts from the image as it leaves it (jmode_copied).
	 */
	if (pfp->jmode && jmode_sync(pfp) != 0) {
		close(tell[0]);
		close(tell[1]);
		keeper_start(pfp);
		return false;
	}
	share_export_all(pfp, me);
	pid_t parent = pf_self_pid;
	/*
	 * A raw clone, past the shim too: neither the program's fork
	 * handlers nor the library's (pmemfile_process_forked) are for it.
	 */
	long child = kcall(SYS_clone, SIGCHLD, 0L, 0L, 0L);
	if (child == 0) {
		close(tell[0]);
		keeper_copy_run(pfp, parent, tell[1]);
	}
	close(tell[1]);
	if (child < 0) {
		close(tell[0]);
		keeper_start(pfp);
		return false;
	}
	char c;
	bool took = read(tell[0], &c, 1) == 1;
	close(tell[0]);
	/*
	 * This process goes on as a client, its handles as a fork child's
	 * of a holder (pmemfile_process_forked); a copy that died before it
	 * took over is a holder that died.
	 */
	if (!took)
		share_resign(pfp);
	ofds_mark_stale(pfp);
	pfp->local_pid = (pid_t)child;
	/* the copy writes the journal from now on */
	jmode_left_to_copy(pfp);
	k_munmap(pfp->base, pfp->pool_size);
	return true;
}

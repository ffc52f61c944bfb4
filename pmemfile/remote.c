// SPDX-License-Identifier: BSD-3-Clause
/*
 * remote.c -- a client's side of the calls (remote.h): each call claims a
 * channel, writes its request, wakes the keeper and waits for the answer.
 *
 * The wait spins briefly before it sleeps: a keeper that is awake answers
 * in well under a microsecond of its own work, and a futex sleep and wake
 * cost tens. A holder that stops answering is looked at every 100 ms: a
 * dead one is replaced (share_elect), and a call it had not taken yet is
 * sent again; a call it had taken fails with EIO.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cred.h"
#include "file.h"
#include "gate.h"
#include "jmode.h"
#include "kcall.h"
#include "lease.h"
#include "remote.h"
#include "share.h"
#include "shim_calls.h"

/* Set by the preload shim: starts a keeper process for the pool file. */
extern int preload_spawn_keeper(const char *pool) __attribute__((weak));

/* The answer "this process holds the pool now: run the call here". */
#define RC_LOCAL INT64_MIN

/*
 * How long a caller spins for its answer before it sleeps: RC_SPINS
 * pauses at most (some 0.5 ms), halved each time the answer did not come
 * in that time while the keeper had not taken the call yet, grown again
 * with each that did. A sleep costs the call the keeper's futex wake and
 * this thread's wake-up, 30-50 us on these VMs: tar x as a client of tar
 * c's keeper (a file created, its lease, data written by descriptor)
 * slept for most of its 328 calls with spins of 4,000 pauses at most,
 * halved by every call that took the keeper longer (a lease: 100 us),
 * and waited 40-55 ms for them in a run of 130-150 ms. A call the keeper
 * took is being served: it answers soon, and its processor is not this
 * one, so a spin that outlasts it does not shrink.
 *
 * Where every processor is busy the keeper answers late, and a caller
 * that spins only keeps it from running (tar c | tar x in a mount on 2
 * CPUs loaded by other work: the client's calls waited 140 ms in all with
 * a full spin, 41 ms without): the spin stops once this thread was made
 * to give way (share_displaced), looked at every RC_SPINS_LOOK pauses.
 */
#define RC_SPINS 20000
/* ... and at least this, so that a keeper awake and quick is seen to be */
#define RC_SPINS_MIN 32
#define RC_SPINS_LOOK 1024
static _Atomic int rc_spins = RC_SPINS;

struct rcall {
	PMEMfilepool *pfp;
	struct share_seg *s;
	struct share_chan *c;
	/* PMEMFILE_AT_CWD went as the cwd's description (rc_file) */
	bool cwd_by_id;
};

PMEMfilepool *remote_pool_new(const char *path, const struct stat *known)
{
	PMEMfilepool *pfp = pool_handle_alloc();
	if (!pfp)
		return NULL;
	/* the segment is named by the pool file, not by this path */
	pfp->path = path[0] == '/' ? strdup(path) : realpath(path, NULL);
	pthread_rwlock_init(&pfp->cred_lock, NULL);
	pthread_mutex_init(&pfp->ofds_lock, NULL);
	pfp->proc = -1;
	pfp->local_pid = -1;
	strcpy(pfp->ccwd, "/");
	int r = pfp->path ? cred_init(pfp) : -errno;
	if (r == 0)
		r = share_attach(pfp, pfp->path, known);
	if (r) {
		pool_handle_free(pfp);
		errno = -r;
		return NULL;
	}
	pfp->umask = 022;
	/*
	 * The keeper is not woken here, for the first call to find it
	 * awake: woken on this processor, it preempted this process to find
	 * nothing to do (16 us), and the first call woke it again. A cat in
	 * the shell loop of issue 9 (marks, 400 cats, medians): its pool
	 * open and first open of a file 147-158 -> 126-131 us without, the
	 * open's round trip 15-17 -> 21-22 us (since a client gives way to a
	 * keeper that has not taken its call, rc_run; before that, the wake
	 * was the cheaper here).
	 */
	return pfp;
}

/*
 * Whether this process may open the pool itself when nobody holds it: not
 * a vfork child (its memory is its parent's). The handles of a process
 * that let the pool go are stale copies then (ofds_mark_stale), used by
 * their ids.
 */
static bool may_hold(PMEMfilepool *pfp)
{
	/*
	 * Nor a fork child of a holder: its copy of libpmemobj's state has
	 * the pool registered as open (an open here fails with EEXIST); a
	 * keeper process opens it instead.
	 */
	return !pf_vfork_pid && pfp->pop == NULL;
}

void ofds_mark_stale(PMEMfilepool *pfp)
{
	for (struct ofd *o = pfp->ofds; o; o = o->next)
		o->stale = true;
}

/*
 * 0 once a live process holds the pool, 1 where one held it and left
 * meanwhile (the keeper process started found another holding it and
 * left it that one, which then left too): the caller elects again.
 */
static int wait_for_keeper(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	uint32_t first = atomic_load(&s->holder_word);

	for (int i = 0; i < 100; ++i) {
		/* the word first: a change after it wakes the wait at once */
		uint32_t w = atomic_load(&s->holder_word);
		pid_t h = atomic_load(&s->holder);
		if (share_holder_alive(s, h))
			return 0;
		if (h == 0 && w != first)
			return 1;
		share_futex_wait(&s->holder_word, w, 100);
	}
	return -EIO;
}

/*
 * A program using the library without the shim starts its keeper
 * process itself: the program again (/proc/self/exe, which links this
 * library), with PMEMFILE_KEEPER=pool in its environment, which the
 * library's constructor (keeper_from_env) serves instead of letting main
 * run. It is forked twice, so that it is nobody's child to wait for, with
 * raw clones (the program's fork handlers are not for it) and none of the
 * caller's descriptors. Not from a set-user-ID program, which would
 * ignore the variable and run main again.
 */
static int spawn_keeper(const char *pool)
{
	extern char **environ;
	char keeper[PMEMFILE_PATH_MAX + 32];
	char *argv[] = {"pmemfile-keeper", NULL};
	size_t n = 0;

	if (getauxval(AT_SECURE))
		return -EIO;
	for (char **e = environ; e && *e; ++e)
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	if (!env)
		return -ENOMEM;
	snprintf(keeper, sizeof(keeper), "PMEMFILE_KEEPER=%s", pool);
	n = 0;
	env[n++] = keeper;
	for (char **e = environ; e && *e; ++e)
		if (strncmp(*e, "PMEMFILE_KEEPER=", 16) != 0)
			env[n++] = *e;
	env[n] = NULL;
	long mid = syscall(SYS_clone, SIGCHLD, 0L, 0L, 0L, 0L);
	if (mid == 0) {
		if (syscall(SYS_clone, SIGCHLD, 0L, 0L, 0L, 0L) == 0) {
			setsid();
			int null = open("/dev/null", O_RDWR);
			for (int fd = 0; fd < 3 && null >= 0; ++fd)
				dup2(null, fd);
			syscall(SYS_close_range, 3, ~0U, 0);
			execve("/proc/self/exe", argv, env);
		}
		syscall(SYS_exit_group, 0);
	}
	free(env);
	if (mid < 0)
		return -errno;
	waitpid((pid_t)mid, NULL, __WALL);
	return 0;
}

/*
 * PMEMFILE_KEEPER=pool: this process was started to hold the pool for
 * other processes (spawn_keeper): it does that before the program's main
 * and its constructors, and exits when no process uses the pool. Under
 * the shim, the shim's own start does it.
 */
static __attribute__((constructor(101))) void keeper_from_env(void)
{
	const char *pool = secure_getenv("PMEMFILE_KEEPER");
	if (preload_spawn_keeper || !pool || !pool[0])
		return;
	pmemfile_pool_keep(pool);
	_exit(0);
}

/* remote_ready; with suspect, the holder did not answer: is it alive? */
static int ready(PMEMfilepool *pfp, bool suspect)
{
	struct share_seg *s = pfp->share;
	pid_t me = share_self();

	for (int spawned = 0;;) {
		pid_t h = atomic_load(&s->holder);
		/* this process may hold it and route a call to its keeper */
		if (h && !suspect && (h != me || !pf_remote(pfp)))
			return 0;
		suspect = false;
		int r = share_elect(pfp, may_hold(pfp));
		if (r == 0)
			continue;
		if (r == 1) {
			r = pool_take_over(pfp);
			share_elected(pfp, r);
			return r ? r : 1;
		}
		/*
		 * Counted among the pool's processes while it waits: a keeper
		 * process that finds none but itself leaves (four threads'
		 * posix_spawn children, each the first of its process to use
		 * the pool: the keeper one started left before another's
		 * child, which had found it holding, used it; that child
		 * waited for a holder in vain, and failed with EIO).
		 */
		(void)share_proc(pfp);
		r = preload_spawn_keeper ? preload_spawn_keeper(pfp->path)
					 : spawn_keeper(pfp->path);
		if (r)
			pf_set_errormsg(
			    "no process holds the pool %s, this one "
			    "cannot, and no keeper process started",
			    pfp->path);
		if (r == 0)
			r = wait_for_keeper(pfp);
		atomic_store(&s->spawning, 0);
		if (r == 1 && ++spawned < 20)
			continue;
		if (r)
			return r < 0 ? r : -EIO;
	}
}

int remote_ready(PMEMfilepool *pfp)
{
	return ready(pfp, false);
}

static void rc_cred(PMEMfilepool *pfp, struct share_cred *c)
{
	pthread_rwlock_rdlock(&pfp->cred_lock);
	const struct cred *p = &pfp->cred;
	c->ruid = p->ruid;
	c->euid = p->euid;
	c->fsuid = p->fsuid;
	c->rgid = p->rgid;
	c->egid = p->egid;
	c->fsgid = p->fsgid;
	c->caps = p->caps;
	c->umask = pfp->umask;
	c->ngroups =
	    p->ngroups < SHARE_GROUPS ? (uint32_t)p->ngroups : SHARE_GROUPS;
	for (uint32_t i = 0; i < c->ngroups; ++i)
		c->groups[i] = p->groups[i];
	pthread_rwlock_unlock(&pfp->cred_lock);
}

/* Claims a channel for op; RC_LOCAL when the call is to run here. */
static int64_t rc_begin(struct rcall *rc, PMEMfilepool *pfp, uint32_t op)
{
	int r = remote_ready(pfp);
	if (r)
		return r == 1 ? RC_LOCAL : r;
	struct share_seg *s = pfp->share;
	int p = share_proc(pfp);
	if (p < 0)
		return -EMFILE;
	unsigned start = (unsigned)share_self();
	for (unsigned n = 0;; ++n) {
		struct share_chan *c = &s->chan[(start + n) % SHARE_CHANNELS];
		uint32_t free_state = CHAN_FREE;
		if (atomic_load(&c->state) == CHAN_FREE &&
		    atomic_compare_exchange_strong(&c->state, &free_state,
						   CHAN_CLAIMED)) {
			int w = share_window_alloc(pfp, c);
			if (w) {
				atomic_store(&c->state, CHAN_FREE);
				return w;
			}
			rc->pfp = pfp;
			rc->s = s;
			rc->c = c;
			rc->cwd_by_id = false;
			c->pid = share_self();
			c->start = share_self_start();
			c->proc = (uint32_t)p;
			c->op = op;
			c->seq = 0;
			c->no_answer = 0;
			c->in_len = 0;
			c->out_len = 0;
			c->file[0] = c->file[1] = 0;
			memset(c->arg, 0, sizeof(c->arg));
			rc_cred(pfp, &c->cred);
			return 0;
		}
		if (n % SHARE_CHANNELS != SHARE_CHANNELS - 1)
			continue;
		/*
		 * None is free: the keeper is woken for those posted, and
		 * every 100 ms those of processes that died are freed (the
		 * keeper sweeps only when idle) and the holder looked at
		 * again (it may have gone: this process may be the next).
		 */
		atomic_fetch_add(&s->keeper_word, 1);
		share_futex_wake(&s->keeper_word);
		if (n / SHARE_CHANNELS % 1000 == 999) {
			share_sweep_channels(s);
			r = remote_ready(pfp);
			if (r)
				return r == 1 ? RC_LOCAL : r;
		}
		usleep(100);
	}
}

/*
 * Claims a channel for op in rc; the stub returns local (the call made
 * here) when this process holds the pool now, or fail (errno set) when
 * the call cannot be sent.
 */
#define RC_START(rc, pfp, op, local, fail)                   \
	do {                                                 \
		int64_t rc_r_ = rc_begin((rc), (pfp), (op)); \
		if (rc_r_ == RC_LOCAL)                       \
			return local;                        \
		if (rc_r_ < 0) {                             \
			errno = (int)-rc_r_;                 \
			return fail;                         \
		}                                            \
	} while (0)

static void rc_end(struct rcall *rc)
{
	atomic_store(&rc->c->state, CHAN_FREE);
	rc->c = NULL;
}

/*
 * The channel of a call stays claimed until the function that made the
 * call returns (RC_DECL): its answer is read from the window after the
 * call ended, and a channel freed before that could be claimed and
 * written by another client meanwhile.
 */
static void rc_release(struct rcall *rc)
{
	if (rc->c)
		rc_end(rc);
}

#define RC_DECL(rc) struct rcall rc __attribute__((cleanup(rc_release))) = {0}

/* Appends len bytes to the request; the offset where they went. */
static int64_t rc_put(struct rcall *rc, const void *p, size_t len)
{
	struct share_chan *c = rc->c;
	if (len > SHARE_WINDOW - c->in_len)
		return -ENAMETOOLONG;
	uint32_t at = c->in_len;
	memcpy(c->data + at, p, len);
	c->in_len += (uint32_t)len;
	return at;
}

/*
 * Appends a path: a relative one with the cwd as its directory is made
 * absolute with the client's cwd (the keeper's cwd is not the caller's).
 */
static int64_t rc_path(struct rcall *rc, PMEMfile *dir, const char *path)
{
	if (!path)
		return -EFAULT;
	size_t n = strnlen(path, PMEMFILE_PATH_MAX);
	if (n == PMEMFILE_PATH_MAX)
		return -ENAMETOOLONG;
	int64_t at = rc->c->in_len;
	if (dir == PMEMFILE_AT_CWD && path[0] != '/' && path[0] != '\0' &&
	    !rc->cwd_by_id) {
		const char *cwd = rc->pfp->ccwd;
		size_t cn = strlen(cwd);
		if (rc_put(rc, cwd, cn) < 0 ||
		    (cwd[cn - 1] != '/' && rc_put(rc, "/", 1) < 0))
			return -ENAMETOOLONG;
	}
	if (rc_put(rc, path, n + 1) < 0)
		return -ENAMETOOLONG;
	return at;
}

/* The description id of a handle (SHARE_AT_CWD for the cwd, 0: none). */
static uint32_t rc_id(PMEMfile *f)
{
	if (f == PMEMFILE_AT_CWD)
		return SHARE_AT_CWD;
	if (!f)
		return 0;
	if (remote_handle(f))
		return (uint32_t)(uintptr_t)f;
	return f->ofd->desc;
}

/* The epoch a handle's id is of (remote.h). */
static uint32_t rc_epoch(PMEMfile *f)
{
	if (remote_handle(f))
		return (uint32_t)((uintptr_t)f >> REMOTE_EPOCH_SHIFT) &
		       REMOTE_EPOCH_MASK;
	if ((intptr_t)f > 0)
		return f->ofd->desc_epoch & REMOTE_EPOCH_MASK;
	return 0;
}

/* Whether id of handle f is still the description it was given for. */
static bool rc_current(PMEMfilepool *pfp, PMEMfile *f, uint32_t id)
{
	return id < SHARE_DESCS && (atomic_load(&pfp->share->desc[id].epoch) &
				    REMOTE_EPOCH_MASK) == rc_epoch(f);
}

/* The description id of handle f that a lease may be of, 0 if none. */
static uint32_t rc_lease_id(PMEMfilepool *pfp, PMEMfile *f)
{
	uint32_t id = rc_id(f);
	return id && id != SHARE_AT_CWD && rc_current(pfp, f, id) ? id : 0;
}

static int rc_file(struct rcall *rc, int i, PMEMfile *f)
{
	/* not from a vfork child, which refers to no description yet */
	PMEMfile *cwd = pf_vfork_pid ? NULL : rc->pfp->ccwd_file;
	if (f == PMEMFILE_AT_CWD && cwd != NULL &&
	    rc_current(rc->pfp, cwd, rc_id(cwd))) {
		/* relative paths from the directory, not from its old path */
		f = cwd;
		rc->cwd_by_id = true;
	}
	uint32_t id = rc_id(f);
	if (!id)
		return -EBADF;
	/* the keeper ends a lease on a description the call names (kfile) */
	(void)lease_forget(rc->pfp, id);
	rc->c->file[i] = id;
	rc->c->file_epoch[i] = rc_epoch(f);
	return 0;
}

static void rc_holder_gone(struct rcall *rc)
{
	struct share_chan *c = rc->c;
	uint32_t posted = CHAN_POSTED;
	/* not taken yet: take it back, find a holder, post it again */
	if (atomic_compare_exchange_strong(&c->state, &posted, CHAN_CLAIMED)) {
		int r = ready(rc->pfp, true);
		if (r == 1) {
			c->ret = RC_LOCAL;
			atomic_store(&c->state, CHAN_DONE);
			return;
		}
		if (r < 0) {
			c->ret = r;
			atomic_store(&c->state, CHAN_DONE);
			return;
		}
		atomic_store(&c->state, CHAN_POSTED);
		atomic_fetch_add(&rc->s->keeper_word, 1);
		share_futex_wake(&rc->s->keeper_word);
		return;
	}
	/*
	 * Taken by the holder that died: the election of the next one ends
	 * the call with EIO (share_forget_dead); nobody else may be there to
	 * hold it.
	 */
	if (posted == CHAN_TAKEN)
		(void)ready(rc->pfp, true);
}

/* Posts the request and wakes the keeper if it sleeps. */
static void rc_send(struct rcall *rc)
{
	atomic_store(&rc->c->state, CHAN_POSTED);
	share_keeper_notify(rc->s);
}

/*
 * A call the keeper has not taken some 3 us after it was posted (and
 * again every RC_SPINS_LOOK pauses while it has not): the keeper is not
 * running, and may be waiting for this processor. The kernel puts a
 * keeper woken from its sleep on the processor of the thread that woke
 * it, where it does not preempt that thread, which then spins for the
 * answer for up to its whole spin: tar c | tar x from a shell whose
 * working directory is the mount (the shell's keeper serving both tars,
 * on 2 CPUs): in 3 runs, 128 of the tars' calls waited 0.5-1 ms each for
 * the keeper to take them, and all calls 120 ms; giving the processor
 * way, 1 call and 35 ms. A cat's open in the shell loop of issue 9: 40
 * of 600 waited so, none after, the opens 42 -> 24 us on average. Where
 * no other thread waits for the processor the yield returns at once.
 */
#define RC_YIELD_AT 127

/* Sends the request and waits for its answer. */
static int64_t rc_run(struct rcall *rc)
{
	struct share_seg *s = rc->s;
	struct share_chan *c = rc->c;

	rc_send(rc);
	int spins = atomic_load_explicit(&rc_spins, memory_order_relaxed);
	/*
	 * This thread's involuntary switches, first read once the answer
	 * has not come within RC_YIELD_AT pauses: most come sooner, and the
	 * read, a system call, was half a forwarded fstat's time (0.76 us).
	 */
	long displaced = 0;
	for (int i = 0; i < spins; ++i) {
		if (atomic_load_explicit(&c->state, memory_order_acquire) ==
		    CHAN_DONE) {
			if (spins < RC_SPINS)
				atomic_store_explicit(&rc_spins,
						      spins * 2 + 16 < RC_SPINS
							  ? spins * 2 + 16
							  : RC_SPINS,
						      memory_order_relaxed);
			return c->ret;
		}
		__builtin_ia32_pause();
		bool look = i % RC_SPINS_LOOK == RC_SPINS_LOOK - 1;
		if (i != RC_YIELD_AT && !look)
			continue;
		bool untaken = atomic_load(&c->state) == CHAN_POSTED;
		if (untaken)
			kcall(SYS_sched_yield, 0, 0, 0, 0);
		/* anew after this thread's own yield */
		if (i == RC_YIELD_AT || untaken) {
			if (spins > RC_SPINS_LOOK)
				displaced = share_displaced();
		} else if (share_displaced() != displaced) {
			break;
		}
	}
	if (atomic_load(&c->state) != CHAN_TAKEN)
		atomic_store_explicit(&rc_spins,
				      spins / 2 > RC_SPINS_MIN ? spins / 2
							       : RC_SPINS_MIN,
				      memory_order_relaxed);
	for (bool slow = false;;) {
		uint32_t wake = atomic_load(&c->wake);
		if (atomic_load(&c->state) == CHAN_DONE)
			return c->ret;
		/*
		 * No holder: it left (share_resign woke this wait), or, after
		 * 100 ms without an answer, it died; the call goes to the next.
		 */
		pid_t h = atomic_load(&s->holder);
		if (h == 0 || (slow && !share_holder_alive(s, h))) {
			rc_holder_gone(rc);
			if (atomic_load(&c->state) == CHAN_DONE)
				return c->ret;
		}
		atomic_store(&c->client_waits, 1);
		slow = share_futex_wait(&c->wake, wake, 100) != 0 &&
		       errno == ETIMEDOUT;
		atomic_store(&c->client_waits, 0);
	}
}

/*
 * Sends the request and goes on: the keeper frees the channel when it has
 * served it (kserve), or the sweep does when this process died first.
 */
static void rc_post(struct rcall *rc)
{
	atomic_store(&rc->c->no_answer, 1);
	rc_send(rc);
	rc->c = NULL;
}

/*
 * Posts the call in rc in its place among the ordered posts (struct
 * share_order) and goes on; flag (the order's posted or quiet) is set
 * after the post: whoever sees it clear finds the post.
 */
static void rc_post_placed(struct rcall *rc, _Atomic uint32_t *flag)
{
	rc->c->seq = atomic_fetch_add(&rc->s->order.seq, 1) + 1;
	atomic_store(&rc->c->no_answer, 1);
	atomic_store(&rc->c->state, CHAN_POSTED);
	atomic_store(flag, 1);
	rc->c = NULL;
}

/*
 * Posts a release (of a description, or of all this process refers to) as
 * a quiet post: in its place among the ordered posts, run by the holder
 * before its own next call and before any other process's call it serves
 * (struct share_order), but without waking the keeper, whose wake-up costs
 * the client a system call and the machine a switch (a cat of a file in a
 * mount: 35 us of 1.2 ms). A keeper that sleeps finds it at its next wake,
 * within a second (keeper_loop).
 */
static void rc_post_quiet(struct rcall *rc)
{
	struct share_seg *s = rc->s;
	rc_post_placed(rc, &s->order.quiet);
	/* a keeper awake (spinning, or about to sleep) looks again */
	atomic_fetch_add(&s->keeper_word, 1);
}

/*
 * Whether the call in rc on handle f (its file[0]) can be posted without
 * waiting: its answer is 0 whatever the file, because the caller's
 * capability cap grants what it asks on any owner's file, and the
 * description is of the pool now and not O_PATH (EBADF). Not from a vfork
 * child, whose calls are its parent's to wait for.
 */
static bool rc_may_post(struct rcall *rc, PMEMfile *f, int cap)
{
	uint32_t id = rc->c->file[0];
	return !pf_vfork_pid && id != 0 && id < SHARE_DESCS &&
	       rc_current(rc->pfp, f, id) && ((rc->c->cred.caps >> cap) & 1) &&
	       !(rc->s->desc[id].flags & O_PATH);
}

/*
 * Sends a call rc_may_post allowed and goes on: the holder runs it in
 * its place among the ordered posts, before anything that could see it
 * (struct share_order).
 */
static void rc_post_ordered(struct rcall *rc)
{
	struct share_seg *s = rc->s;
	rc_post_placed(rc, &s->order.posted);
	share_keeper_notify(s);
}

/* A result as the public calls give it: -1 with errno for -errno. */
static ssize_t rc_result(int64_t r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (ssize_t)r;
}

/* rc_run, then the result as the public calls give it (errno set). */
static int64_t rc_finish(struct rcall *rc)
{
	int64_t r = rc_run(rc);
	return r == RC_LOCAL ? RC_LOCAL : rc_result(r);
}

/*
 * Runs the request made so far; 0 or -1 with errno, RC_LOCAL. The channel
 * stays the caller's until its function returns (RC_DECL).
 */
#define RC_CALL(rc, r)                       \
	do {                                 \
		if ((r) >= 0)                \
			(r) = rc_finish(rc); \
		else {                       \
			errno = (int)-(r);   \
			(r) = -1;            \
		}                            \
	} while (0)

/* Copies the answer's bytes out (len at most). */
static void rc_out(struct rcall *rc, void *p, size_t len)
{
	size_t n = rc->c->out_len < len ? rc->c->out_len : len;
	memcpy(p, rc->c->data, n);
}

static uint16_t *crefs(PMEMfilepool *pfp)
{
	if (!pfp->crefs)
		pfp->crefs = pool_zalloc(SHARE_DESCS * sizeof(uint16_t));
	return pfp->crefs;
}

/* A handle for description id, counted as one more of this process. */
static PMEMfile *rc_handle(PMEMfilepool *pfp, uint32_t id)
{
	uint16_t *c = pf_vfork_pid ? NULL : crefs(pfp);
	if (c)
		c[id]++;
	uint64_t epoch =
	    atomic_load(&pfp->share->desc[id].epoch) & REMOTE_EPOCH_MASK;
	return (PMEMfile *)(uintptr_t)(REMOTE_TAG |
				       epoch << REMOTE_EPOCH_SHIFT | id);
}

/*
 * Whether a posted call not made yet may change what the direct calls on
 * description id see: one on a description of the same file (the posts
 * are attribute changes of a description, and releases, which change
 * nothing another process sees), or one that cannot be told.
 */
static bool rc_order_touches(PMEMfilepool *pfp, uint32_t id)
{
	struct share_seg *s = pfp->share;
	uint64_t ino = s->desc[id].ino;
	for (int i = 0; i < SHARE_CHANNELS; ++i) {
		struct share_chan *c = &s->chan[i];
		uint32_t state = atomic_load(&c->state);
		if ((state != CHAN_POSTED && state != CHAN_TAKEN) || !c->seq ||
		    c->op == OP_RELEASE || c->op == OP_RELEASE_ALL)
			continue;
		uint32_t f = c->file[0];
		if (f == 0 || f >= SHARE_DESCS || ino == 0 ||
		    s->desc[f].ino == ino)
			return true;
	}
	return false;
}

/*
 * A stat the holder answered, with this process's st_dev: holders (a
 * keeper process's among them) may have been told other numbers.
 */
static void rc_stat_out(struct rcall *rc, struct stat *st)
{
	rc_out(rc, st, sizeof(*st));
	st->st_dev = rc->pfp->dev;
}

/*
 * The open; with st, the file's stat into *st as well, *filled then (the
 * holder's answer, or the lease's): the stat an fstat right after the
 * open would give, without a call of its own.
 */
static PMEMfile *rc_openat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
			   int flags, mode_t mode, struct stat *st,
			   bool *filled)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_OPENAT,
		 pmemfile_openat(pfp, dir, path, flags, mode), NULL);
	int64_t r = 0;
	r = rc_file(&rc, 0, dir);
	if (r == 0)
		r = rc_path(&rc, dir, path);
	rc.c->arg[0] = flags;
	rc.c->arg[1] = mode;
	/*
	 * A lease with the open (lease.h), where the file turns out regular:
	 * its reads, writes, fstat and lseek are then this process's own.
	 */
	int acc = flags & O_ACCMODE;
	if (!pf_vfork_pid && !(flags & (O_PATH | O_DIRECTORY)) &&
	    acc != O_ACCMODE)
		rc.c->arg[2] = LEASE_AT_OPEN |
			       (acc != O_RDONLY ? LEASE_WRITE : 0) |
			       (lease_client_mapped(pfp) ? LEASE_MAPPED : 0);
	/* a client that wrote under a lease before knows it can */
	if (acc != O_RDONLY && lease_client_fd_only_ok(pfp))
		rc.c->arg[2] |= LEASE_UNBACKED;
	rc.c->arg[3] = st != NULL;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_openat(pfp, dir, path, flags, mode);
	if (r <= 0)
		return NULL;
	if (rc.c->file[1] != 0) {
		if (rc.c->arg[2] != 0)
			lease_accept(pfp, (uint32_t)r,
				     (int64_t)rc.c->file[1] - 1, rc.c);
		*filled = st &&
			  !(share_order_pending(pfp->order) &&
			    rc_order_touches(pfp, (uint32_t)r)) &&
			  lease_fstat(pfp, (uint32_t)r, st) == 0;
	} else if (st && rc.c->arg[4] == 1 && rc.c->out_len == sizeof(*st)) {
		rc_stat_out(&rc, st);
		*filled = true;
	}
	return rc_handle(pfp, (uint32_t)r);
}

PMEMfile *remote_openat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
			int flags, mode_t mode)
{
	bool filled;
	return rc_openat(pfp, dir, path, flags, mode, NULL, &filled);
}

PMEMfile *pmemfile_openat_stat(PMEMfilepool *pfp, PMEMfile *dir,
			       const char *path, int flags,
			       pmemfile_mode_t mode, struct stat *st)
{
	GATE_PASS();
	if (!st) {
		errno = EFAULT;
		return NULL;
	}
	bool filled = false;
	PMEMfile *f = pf_route_at(pfp, dir, path)
			  ? rc_openat(pfp, dir, path, flags, mode, st, &filled)
			  : pmemfile_openat(pfp, dir, path, flags, mode);
	if (f && !filled && pmemfile_fstat(pfp, f, st) != 0) {
		int err = errno;
		pmemfile_close(pfp, f);
		errno = err;
		return NULL;
	}
	return f;
}

PMEMfile *remote_open_root(PMEMfilepool *pfp, unsigned index, int flags)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_OPEN_ROOT, pmemfile_open_root(pfp, index, flags),
		 NULL);
	int64_t r = 0;
	rc.c->arg[0] = index;
	rc.c->arg[1] = flags;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_open_root(pfp, index, flags);
	return r < 0 ? NULL : rc_handle(pfp, (uint32_t)r);
}

/* Sends a call that needs no answer but its status (the leaving ones). */
static void rc_simple(PMEMfilepool *pfp, uint32_t op, uint32_t id)
{
	RC_DECL(rc);
	int64_t r = rc_begin(&rc, pfp, op);
	if (r < 0 || r == RC_LOCAL)
		return;
	rc.c->file[0] = id;
	RC_CALL(&rc, r);
}

/*
 * Before a call made here under a lease on description id: the ordered
 * posts of other processes (and this one's) that may change what it sees
 * (rc_order_touches) are made first, as all are before a call sent to the
 * holder (struct share_order); a call of nothing waits for them and keeps
 * the lease, which any other call would end. Only those of its file: tar
 * c | tar x from a shell whose directory is the mount (the shell holds
 * the pool) had tar c's reads wait 68 times, 9 ms in all, for the times
 * and modes tar x had posted for its own files.
 */
static void rc_order_wait(PMEMfilepool *pfp, uint32_t id)
{
	if (share_order_pending(pfp->order) && rc_order_touches(pfp, id))
		rc_simple(pfp, OP_ORDER, 0);
}

void remote_close(PMEMfilepool *pfp, PMEMfile *file)
{
	uint32_t id = rc_id(file);
	if (!id || id == SHARE_AT_CWD || pf_vfork_pid)
		return; /* a vfork child's references end with it */
	/* of a holder that died: its description is gone with it */
	if (!rc_current(pfp, file, id)) {
		if (!remote_handle(file))
			free(file);
		return;
	}
	uint16_t *c = crefs(pfp);
	bool last;
	if (remote_handle(file)) {
		/* handles this process got by open or dup */
		last = c && c[id] && --c[id] == 0;
	} else {
		/* a handle inherited from the holder by fork */
		last = --file->ofd->ref == 0 && (!c || c[id] == 0);
		free(file);
	}
	if (!last)
		return;
	bool writer = lease_forget(pfp, id);
	if (!share_has(pfp->share, share_proc(pfp), id))
		return;
	/*
	 * The release is waited for where its end can be seen by a process
	 * the holder does not order: the record locks this process asked
	 * for go with it (a waiter on them wakes). Otherwise nobody can tell
	 * it from one made a moment later, before the next call that could
	 * see it (struct share_order): the close does not wait for the
	 * keeper (a reference taken again meanwhile: remote_posted_wait).
	 * A writer's lease gives back the storage it reserved, the last
	 * extent cut and its kept part copied (40-50 us for tar x's files):
	 * the keeper is woken to do it while the writer goes on, and stat
	 * or statfs after the close count the blocks the kernel's would.
	 * Any other release wakes nobody (rc_post_quiet).
	 */
	if (pfp->client_locked) {
		rc_simple(pfp, OP_RELEASE, id);
		return;
	}
	RC_DECL(rc);
	if (rc_begin(&rc, pfp, OP_RELEASE) != 0)
		return;
	rc.c->file[0] = id;
	if (writer)
		rc_post_ordered(&rc);
	else
		rc_post_quiet(&rc);
}

void remote_posted_wait(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	pid_t me = share_self();
	if (!s || pf_vfork_pid)
		return;
	/* a holder that took one and died: its successor frees the channel */
	for (int tries = 0; tries < 1000; ++tries) {
		bool pending = false;
		for (int i = 0; i < SHARE_CHANNELS && !pending; ++i) {
			struct share_chan *c = &s->chan[i];
			uint32_t st = atomic_load(&c->state);
			pending = (st == CHAN_POSTED || st == CHAN_TAKEN) &&
				  c->pid == me && c->op == OP_RELEASE &&
				  atomic_load(&c->no_answer);
		}
		if (!pending)
			return;
		/* posted quietly (rc_post_quiet): the keeper may sleep */
		if (tries == 0)
			share_keeper_notify(s);
		if (tries < 100)
			sched_yield();
		else
			usleep(1000);
	}
}

void remote_leave(PMEMfilepool *pfp)
{
	if (pf_vfork_pid || !pfp->share || pfp->proc_pid != share_self() ||
	    pfp->proc < 0)
		return;
	/*
	 * What a process leaves is released before its leave returns when
	 * it asked for locks (a waiter on them, or its parent after wait(2),
	 * finds them free as the kernel's would). Anything else nobody can
	 * tell from released a moment later, before the next call that
	 * could see it (struct share_order): the process does not wait for
	 * the keeper. It wakes it where it had a writer's lease, whose
	 * storage reserved past the end is to be freed (stat after wait(2)
	 * counts the blocks the kernel's would), and where it is the last
	 * of a keeper process's, which leaves with it; otherwise not
	 * (rc_post_quiet).
	 */
	struct share_seg *s = pfp->share;
	pid_t me = share_self(), h = atomic_load(&s->holder);
	uint64_t start = atomic_load(&s->holder_start);
	bool last =
	    h && atomic_load(&s->holder_lingers) && !share_others(s, me, h);
	if (pfp->client_locked) {
		if (share_holder_alive(s, h))
			rc_simple(pfp, OP_RELEASE_ALL, 0);
	} else {
		/* a holder that died: the next one sweeps this process */
		RC_DECL(rc);
		if (rc_begin(&rc, pfp, OP_RELEASE_ALL) == 0) {
			if (last)
				rc_post(&rc);
			else if (pfp->client_reserved)
				rc_post_ordered(&rc);
			else
				rc_post_quiet(&rc);
		}
	}
	/*
	 * The last process a keeper process served: the keeper closes the
	 * pool and leaves now, and this process waits for that (up to 2 s,
	 * while no other process comes), as it would have closed the pool
	 * itself had it held it: a tool may open the pool next.
	 */
	for (int i = 0; last && i < 2000 && share_same_alive(h, start) &&
			!share_others(s, me, h);
	     ++i)
		share_futex_wait(&s->closed_word, atomic_load(&s->closed_word),
				 1);
}

PMEMfile *remote_dup(PMEMfilepool *pfp, PMEMfile *file)
{
	uint32_t id = rc_id(file);
	if (!id || id == SHARE_AT_CWD) {
		errno = EBADF;
		return NULL;
	}
	if (pf_vfork_pid)
		return file;
	return rc_handle(pfp, id);
}

/*
 * Asks for a lease on description id (lease.h): the calls through it are
 * then made here while it lasts. Nothing happens if it is refused.
 */
static void remote_lease(PMEMfilepool *pfp, PMEMfile *file, uint32_t id,
			 bool write, size_t n)
{
	RC_DECL(rc);
	if (rc_begin(&rc, pfp, OP_LEASE) != 0)
		return;
	rc.c->file[0] = id;
	rc.c->file_epoch[0] = rc_epoch(file);
	/* the write that asks says how the next ones are likely made */
	rc.c->arg[0] = !write			? 0
		       : n >= LEASE_WRITE_BY_FD ? LEASE_WRITE | LEASE_BY_FD
						: LEASE_WRITE;
	if (write && n >= LEASE_WRITE_BY_FD && lease_client_fd_only_ok(pfp))
		rc.c->arg[0] |= LEASE_UNBACKED;
	int64_t r = rc_run(&rc);
	if (r >= 0 && r != RC_LOCAL)
		lease_accept(pfp, id, r, rc.c);
}

/* The call, run here: this process became the holder meanwhile. */
static ssize_t local_rw(PMEMfilepool *pfp, PMEMfile *file,
			const struct iovec *iov, int iovcnt, bool write,
			bool positional, off_t offset)
{
	if (write)
		return positional
			   ? pmemfile_pwritev(pfp, file, iov, iovcnt, offset)
			   : pmemfile_writev(pfp, file, iov, iovcnt);
	return positional ? pmemfile_preadv(pfp, file, iov, iovcnt, offset)
			  : pmemfile_readv(pfp, file, iov, iovcnt);
}

ssize_t remote_rw(PMEMfilepool *pfp, PMEMfile *file, const struct iovec *iov,
		  int iovcnt, bool write, bool positional, off_t offset)
{
	size_t total = 0;
	if (iovcnt < 0 || iovcnt > 1024) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < iovcnt; ++i) {
		if (iov[i].iov_len && !iov[i].iov_base) {
			errno = EFAULT;
			return -1;
		}
		total += iov[i].iov_len;
	}
	uint32_t id = rc_lease_id(pfp, file);
	bool leasable = id != 0;
	if (leasable) {
		rc_order_wait(pfp, id);
		int64_t lr = lease_rw(pfp, id, iov, iovcnt, total, write,
				      positional, offset);
		/*
		 * A writer past its lease's storage (a file written from
		 * start to end) asks for the next lease before the write:
		 * one call instead of writes sent to the holder until one
		 * is due (lease_due). A write larger than a lease reserves
		 * goes to the holder as it is.
		 */
		if (lr == LEASE_SHORT && total <= LEASE_MIN_WRITE) {
			remote_lease(pfp, file, id, true, total);
			lr = lease_rw(pfp, id, iov, iovcnt, total, write,
				      positional, offset);
		}
		if (lr != LEASE_NONE && lr != LEASE_SHORT)
			return rc_result(lr);
	}
	/*
	 * In pieces of a window each; a write of at most a window (most
	 * are) is one call, as atomic as the kernel's.
	 */
	size_t done = 0;
	int vi = 0;
	size_t vo = 0;
	do {
		RC_DECL(rc);
		int64_t r = rc_begin(&rc, pfp, write ? OP_WRITE : OP_READ);
		if (r == RC_LOCAL && done == 0)
			return local_rw(pfp, file, iov, iovcnt, write,
					positional, offset);
		if (r < 0 || r == RC_LOCAL) {
			if (done)
				return (ssize_t)done;
			errno = r == RC_LOCAL ? EIO : (int)-r;
			return -1;
		}
		size_t piece =
		    total - done < SHARE_WINDOW ? total - done : SHARE_WINDOW;
		r = rc_file(&rc, 0, file);
		rc.c->arg[0] = (int64_t)piece;
		rc.c->arg[1] = offset + (off_t)done;
		rc.c->arg[2] = positional;
		if (write && r == 0) {
			size_t got = 0;
			int wi = vi;
			size_t wo = vo;
			while (got < piece) {
				size_t n = iov[wi].iov_len - wo;
				if (n > piece - got)
					n = piece - got;
				memcpy(rc.c->data + got,
				       (char *)iov[wi].iov_base + wo, n);
				got += n;
				wo += n;
				if (wo == iov[wi].iov_len) {
					wi++;
					wo = 0;
				}
			}
			rc.c->in_len = (uint32_t)piece;
		}
		if (r == 0)
			r = rc_run(&rc);
		if (r == RC_LOCAL && done == 0) {
			rc_end(&rc);
			return local_rw(pfp, file, iov, iovcnt, write,
					positional, offset);
		}
		if (r == RC_LOCAL)
			r = -EIO;
		if (r > 0 && !write) {
			size_t got = 0;
			while (got < (size_t)r) {
				size_t n = iov[vi].iov_len - vo;
				if (n > (size_t)r - got)
					n = (size_t)r - got;
				memcpy((char *)iov[vi].iov_base + vo,
				       rc.c->data + got, n);
				got += n;
				vo += n;
				if (vo == iov[vi].iov_len) {
					vi++;
					vo = 0;
				}
			}
		} else if (r > 0) {
			size_t left = (size_t)r;
			while (left) {
				size_t n = iov[vi].iov_len - vo;
				if (n > left)
					n = left;
				left -= n;
				vo += n;
				if (vo == iov[vi].iov_len) {
					vi++;
					vo = 0;
				}
			}
		}
		rc_end(&rc);
		if (r < 0) {
			if (done)
				return (ssize_t)done;
			errno = (int)-r;
			return -1;
		}
		done += (size_t)r;
		if ((size_t)r < piece)
			break;
		while (vi < iovcnt && iov[vi].iov_len == 0)
			vi++;
	} while (done < total);
	if (leasable && done > 0 && lease_due(pfp, id))
		remote_lease(pfp, file, id, write, done);
	return (ssize_t)done;
}

/* A call on one handle with up to three integers; -1 with errno. */
int remote_file_op(PMEMfilepool *pfp, int op, PMEMfile *file, long a0, long a1,
		   long a2)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, (uint32_t)op, 1, -1);
	int64_t r = 0;
	r = rc_file(&rc, 0, file);
	rc.c->arg[0] = a0;
	rc.c->arg[1] = a1;
	rc.c->arg[2] = a2;
	if (r == 0 &&
	    ((op == OP_FCHMOD && rc_may_post(&rc, file, PMEMFILE_CAP_FOWNER)) ||
	     (op == OP_FCHOWN && rc_may_post(&rc, file, PMEMFILE_CAP_CHOWN)))) {
		rc_post_ordered(&rc);
		return 0;
	}
	RC_CALL(&rc, r);
	return r == RC_LOCAL ? 1 : (int)r;
}

off_t remote_lseek(PMEMfilepool *pfp, PMEMfile *file, off_t offset, int whence)
{
	uint32_t id = rc_lease_id(pfp, file);
	if (id) {
		int64_t lr = lease_lseek(pfp, id, offset, whence);
		if (lr != LEASE_NONE)
			return rc_result(lr);
	}
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_LSEEK, pmemfile_lseek(pfp, file, offset, whence),
		 -1);
	int64_t r = 0;
	r = rc_file(&rc, 0, file);
	rc.c->arg[0] = offset;
	rc.c->arg[1] = whence;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_lseek(pfp, file, offset, whence);
	return r;
}

int remote_fstatat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		   struct stat *buf, int flags)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_FSTATAT,
		 pmemfile_fstatat(pfp, dir, path, buf, flags), -1);
	int64_t r = 0;
	r = rc_file(&rc, 0, dir);
	if (r == 0)
		r = rc_path(&rc, dir, path);
	if (r >= 0 && !buf)
		r = -EFAULT;
	rc.c->arg[0] = flags;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_fstatat(pfp, dir, path, buf, flags);
	if (r == 0)
		rc_stat_out(&rc, buf);
	return (int)r;
}

int remote_fstat(PMEMfilepool *pfp, PMEMfile *file, struct stat *buf)
{
	uint32_t id = rc_lease_id(pfp, file);
	if (buf && id) {
		rc_order_wait(pfp, id);
		if (lease_fstat(pfp, id, buf) == 0)
			return 0;
	}
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_FSTAT, pmemfile_fstat(pfp, file, buf), -1);
	int64_t r = 0;
	r = rc_file(&rc, 0, file);
	if (r == 0 && !buf)
		r = -EFAULT;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_fstat(pfp, file, buf);
	if (r == 0)
		rc_stat_out(&rc, buf);
	return (int)r;
}

static bool lock_cmd(int cmd)
{
	return cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW ||
	       cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
}

/* One fcntl call; for a blocking lock the caller loops (remote_fcntl). */
static int fcntl_once(PMEMfilepool *pfp, PMEMfile *file, int cmd, long arg,
		      struct flock *fl)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_FCNTL,
		 fl ? pmemfile_fcntl(pfp, file, cmd, fl)
		    : pmemfile_fcntl(pfp, file, cmd, arg),
		 -1);
	int64_t r = 0;
	r = rc_file(&rc, 0, file);
	rc.c->arg[0] = cmd;
	rc.c->arg[1] = arg;
	if (r == 0 && fl)
		r = rc_put(&rc, fl, sizeof(*fl));
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return fl ? pmemfile_fcntl(pfp, file, cmd, fl)
			  : pmemfile_fcntl(pfp, file, cmd, arg);
	if (r >= 0 && fl)
		rc_out(&rc, fl, sizeof(*fl));
	return (int)r;
}

int remote_fcntl(PMEMfilepool *pfp, PMEMfile *file, int cmd, va_list ap)
{
	if (cmd == F_GETFD || cmd == F_SETFD)
		return 0; /* descriptor flags are the caller's business */
	if (!lock_cmd(cmd)) {
		long arg = cmd == F_SETFL ? va_arg(ap, int) : 0;
		return fcntl_once(pfp, file, cmd, arg, NULL);
	}
	struct flock *fl = va_arg(ap, struct flock *);
	if (!fl) {
		errno = EFAULT;
		return -1;
	}
	if (cmd != F_GETLK && cmd != F_OFD_GETLK)
		pfp->client_locked = true;
	bool wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
	int try_cmd = cmd == F_SETLKW	    ? F_SETLK
		      : cmd == F_OFD_SETLKW ? F_OFD_SETLK
					    : cmd;
	/*
	 * A blocking lock must not block the keeper, which serves everyone:
	 * it is tried, and tried again each time a lock is released.
	 */
	for (;;) {
		uint32_t seen = atomic_load(&pfp->share->lock_word);
		struct flock copy = *fl;
		int r = fcntl_once(pfp, file, try_cmd, 0, &copy);
		if (r == 0 || !wait || (errno != EAGAIN && errno != EACCES)) {
			*fl = copy;
			return r;
		}
		/* as the kernel's F_SETLKW: a signal's handler ends the wait */
		if (share_locks_wait(pfp->share, seen))
			return -1;
	}
}

int remote_flock(PMEMfilepool *pfp, PMEMfile *file, int op)
{
	pfp->client_locked = true;
	for (;;) {
		uint32_t seen = atomic_load(&pfp->share->lock_word);
		int r = remote_file_op(pfp, OP_FLOCK, file, op | LOCK_NB, 0, 0);
		if (r == 1)
			return pmemfile_flock(pfp, file, op);
		if (r == 0 || (op & LOCK_NB) || errno != EWOULDBLOCK)
			return r;
		if (share_locks_wait(pfp->share, seen))
			return -1;
	}
}

int remote_getdents(PMEMfilepool *pfp, PMEMfile *file, void *dirp,
		    unsigned count, bool is64)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_GETDENTS,
		 is64 ? pmemfile_getdents64(pfp, file, dirp, count)
		      : pmemfile_getdents(pfp, file, dirp, count),
		 -1);
	int64_t r = 0;
	r = rc_file(&rc, 0, file);
	if (r == 0 && !dirp)
		r = -EFAULT;
	rc.c->arg[0] = count < SHARE_WINDOW ? count : SHARE_WINDOW;
	rc.c->arg[1] = is64;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return is64 ? pmemfile_getdents64(pfp, file, dirp, count)
			    : pmemfile_getdents(pfp, file, dirp, count);
	if (r > 0)
		rc_out(&rc, dirp, (size_t)r);
	return (int)r;
}

int remote_path_op(PMEMfilepool *pfp, int op, PMEMfile *dir, const char *path,
		   long a0, long a1, long a2)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, (uint32_t)op, 1, -1);
	int64_t r = 0;
	if (op != OP_TRUNCATE)
		r = rc_file(&rc, 0, dir);
	if (r == 0)
		r = rc_path(&rc, dir, path);
	rc.c->arg[0] = a0;
	rc.c->arg[1] = a1;
	rc.c->arg[2] = a2;
	RC_CALL(&rc, r);
	return r == RC_LOCAL ? 1 : (int)r;
}

int remote_two_paths(PMEMfilepool *pfp, int op, PMEMfile *dir0,
		     const char *path0, PMEMfile *dir1, const char *path1,
		     unsigned flags)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, (uint32_t)op, 1, -1);
	int64_t r = 0;
	/* symlinkat: path0 is the target, kept as it is */
	if (op == OP_SYMLINKAT) {
		r = path0 ? rc_put(&rc, path0, strlen(path0) + 1) : -EFAULT;
	} else {
		r = rc_file(&rc, 0, dir0);
		if (r == 0)
			r = rc_path(&rc, dir0, path0);
	}
	if (r >= 0)
		r = rc_file(&rc, 1, dir1);
	int64_t second = r >= 0 ? rc_path(&rc, dir1, path1) : r;
	if (r >= 0)
		r = second;
	rc.c->arg[0] = flags;
	rc.c->arg[1] = second;
	RC_CALL(&rc, r);
	return r == RC_LOCAL ? 1 : (int)r;
}

ssize_t remote_readlinkat(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
			  char *buf, size_t size)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_READLINKAT,
		 pmemfile_readlinkat(pfp, dir, path, buf, size), -1);
	int64_t r = 0;
	r = rc_file(&rc, 0, dir);
	if (r == 0)
		r = rc_path(&rc, dir, path);
	rc.c->arg[0] = (int64_t)size;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_readlinkat(pfp, dir, path, buf, size);
	if (r > 0)
		rc_out(&rc, buf, (size_t)r);
	return r;
}

int remote_utimens(PMEMfilepool *pfp, PMEMfile *dir, const char *path,
		   const struct timespec times[2], int flags, bool by_file)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, by_file ? OP_FUTIMENS : OP_UTIMENSAT,
		 by_file ? pmemfile_futimens(pfp, dir, times)
			 : pmemfile_utimensat(pfp, dir, path, times, flags),
		 -1);
	int64_t r = 0;
	r = rc_file(&rc, 0, dir);
	rc.c->arg[0] = flags;
	rc.c->arg[1] = times != NULL;
	rc.c->arg[2] = path != NULL;
	if (r == 0 && times)
		r = rc_put(&rc, times, 2 * sizeof(*times));
	if (r >= 0 && !by_file && path)
		r = rc_path(&rc, dir, path);
	if (r >= 0 && by_file && pf_utimes_valid(times) &&
	    rc_may_post(&rc, dir, PMEMFILE_CAP_FOWNER)) {
		rc_post_ordered(&rc);
		return 0;
	}
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return by_file
			   ? pmemfile_futimens(pfp, dir, times)
			   : pmemfile_utimensat(pfp, dir, path, times, flags);
	return (int)r;
}

ssize_t remote_copy_range(PMEMfilepool *pfp, PMEMfile *in, off_t *off_in,
			  PMEMfile *out, off_t *off_out, size_t len,
			  unsigned flags)
{
	RC_DECL(rc);
	RC_START(
	    &rc, pfp, OP_COPY_RANGE,
	    pmemfile_copy_file_range(pfp, in, off_in, out, off_out, len, flags),
	    -1);
	int64_t r = 0;
	r = rc_file(&rc, 0, in);
	if (r == 0)
		r = rc_file(&rc, 1, out);
	rc.c->arg[0] = (int64_t)len;
	rc.c->arg[1] = flags;
	rc.c->arg[2] = off_in ? *off_in : 0;
	rc.c->arg[3] = off_out ? *off_out : 0;
	rc.c->arg[4] = (off_in ? 1 : 0) | (off_out ? 2 : 0);
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_copy_file_range(pfp, in, off_in, out, off_out,
						len, flags);
	if (r > 0) {
		if (off_in)
			*off_in += r;
		if (off_out)
			*off_out += r;
	}
	return r;
}

int remote_statfs(PMEMfilepool *pfp, struct statfs *buf)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_STATFS, pmemfile_statfs(pfp, buf), -1);
	int64_t r = 0;
	if (!buf)
		r = -EFAULT;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_statfs(pfp, buf);
	if (r == 0)
		rc_out(&rc, buf, sizeof(*buf));
	return (int)r;
}

void remote_stats(PMEMfilepool *pfp, struct pmemfile_stats *stats)
{
	RC_DECL(rc);
	int64_t r = rc_begin(&rc, pfp, OP_STATS);
	if (r == RC_LOCAL) {
		pmemfile_stats(pfp, stats);
		return;
	}
	memset(stats, 0, sizeof(*stats));
	if (r < 0)
		return;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		pmemfile_stats(pfp, stats);
	else if (r == 0)
		rc_out(&rc, stats, sizeof(*stats));
}

int remote_sync(PMEMfilepool *pfp)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_SYNC, jmode_sync(pfp), -errno);
	int64_t r = 0;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return jmode_sync(pfp);
	return (int)r;
}

unsigned remote_root_count(PMEMfilepool *pfp)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_ROOT_COUNT, pmemfile_pool_root_count(pfp), 1);
	int64_t r = 0;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_pool_root_count(pfp);
	/* a pool has root 0 at least, whatever the channel says */
	return r > 0 ? (unsigned)r : 1;
}

char *remote_dir_path(PMEMfilepool *pfp, PMEMfile *dir, char *buf, size_t size)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_DIR_PATH,
		 pmemfile_get_dir_path(pfp, dir, buf, size), NULL);
	int64_t r = 0;
	r = rc_file(&rc, 0, dir);
	rc.c->arg[0] = (int64_t)(size ? size : PMEMFILE_PATH_MAX);
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_get_dir_path(pfp, dir, buf, size);
	if (r < 0)
		return NULL;
	if (!buf) {
		buf = malloc(rc.c->out_len);
		if (!buf) {
			errno = ENOMEM;
			return NULL;
		}
	}
	memcpy(buf, rc.c->data, rc.c->out_len);
	return buf;
}

/*
 * A client's cwd is a path: the keeper resolves relative paths of its
 * calls against it (rc_path). chdir checks the directory as the kernel
 * would (a directory, searchable).
 */
int remote_chdir(PMEMfilepool *pfp, PMEMfile *dir, const char *path)
{
	/* the directory opened, checked and named by the keeper at once */
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_CHDIR,
		 dir ? pmemfile_fchdir(pfp, dir) : pmemfile_chdir(pfp, path),
		 -1);
	int64_t r = rc_file(&rc, 0, dir ? dir : PMEMFILE_AT_CWD);
	if (r == 0 && !dir) {
		r = rc_path(&rc, PMEMFILE_AT_CWD, path);
		rc.c->arg[0] = 1;
	}
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return dir ? pmemfile_fchdir(pfp, dir)
			   : pmemfile_chdir(pfp, path);
	if (r < 0)
		return -1;
	size_t n = rc.c->out_len < sizeof(pfp->ccwd) ? rc.c->out_len : 0;
	if (n == 0 || rc.c->data[0] != '/' ||
	    memchr(rc.c->data, '\0', n) == NULL) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(pfp->ccwd, rc.c->data, n);
	pfp->ccwd_ino = (uint64_t)rc.c->arg[1];
	uint32_t id = (uint32_t)rc.c->arg[2];
	/*
	 * A vfork child's description is its own process's (released when
	 * it execs or ends), its memory its parent's: the parent's stays.
	 */
	if (pf_vfork_pid)
		return 0;
	PMEMfile *old = pfp->ccwd_file;
	pfp->ccwd_file = id > 0 && id < SHARE_DESCS ? rc_handle(pfp, id) : NULL;
	pfp->ccwd_names = pmemfile_names_generation(pfp);
	if (old)
		pmemfile_close(pfp, old);
	return 0;
}

/*
 * The path of a client's cwd again, where a directory was renamed or
 * removed since it was known (a removed cwd: ENOENT, as the kernel's).
 */
static int rc_cwd_fresh(PMEMfilepool *pfp)
{
	PMEMfile *cwd = pfp->ccwd_file;
	uint64_t gen = pmemfile_names_generation(pfp);
	if (cwd == NULL || gen == pfp->ccwd_names || pf_vfork_pid)
		return 0;
	char now[PMEMFILE_PATH_MAX];
	if (!pmemfile_get_dir_path(pfp, cwd, now, sizeof(now)))
		return -1;
	strcpy(pfp->ccwd, now);
	pfp->ccwd_names = gen;
	return 0;
}

char *remote_getcwd(PMEMfilepool *pfp, char *buf, size_t size)
{
	if (rc_cwd_fresh(pfp))
		return NULL;
	size_t n = strlen(pfp->ccwd) + 1;
	if (!buf) {
		buf = malloc(size > n ? size : n);
		if (!buf) {
			errno = ENOMEM;
			return NULL;
		}
		size = size > n ? size : n;
	}
	if (size < n) {
		errno = ERANGE;
		return NULL;
	}
	memcpy(buf, pfp->ccwd, n);
	return buf;
}

PMEMfilepin *remote_pin(PMEMfilepool *pfp, PMEMfile *file, off_t offset,
			size_t length, uint64_t *pool_offsets)
{
	RC_DECL(rc);
	RC_START(&rc, pfp, OP_PIN,
		 pmemfile_pin_pages(pfp, file, offset, length, pool_offsets),
		 NULL);
	int64_t r = 0;
	r = rc_file(&rc, 0, file);
	if (r == 0 && length / 4096 * sizeof(uint64_t) > SHARE_WINDOW)
		r = -ENOMEM;
	if (r == 0 && !pool_offsets)
		r = -EFAULT;
	rc.c->arg[0] = offset;
	rc.c->arg[1] = (int64_t)length;
	RC_CALL(&rc, r);
	if (r == RC_LOCAL)
		return pmemfile_pin_pages(pfp, file, offset, length,
					  pool_offsets);
	if (r == -1)
		return NULL;
	rc_out(&rc, pool_offsets, length / 4096 * sizeof(uint64_t));
	/* the index of the pin's entry in the segment, tagged */
	return (PMEMfilepin *)(uintptr_t)(REMOTE_TAG | (uint64_t)r);
}

void remote_unpin(PMEMfilepool *pfp, uint32_t id)
{
	RC_DECL(rc);
	int64_t r = rc_begin(&rc, pfp, OP_UNPIN);
	if (r == RC_LOCAL) {
		(void)pin_release_id(pfp, share_proc(pfp), id);
		return;
	}
	if (r < 0)
		return;
	rc.c->arg[0] = id;
	RC_CALL(&rc, r);
}

/*
 * The id of file's description for another process (given one if it is a
 * holder's handle, maybe seen from its vfork child), 0 if none can be.
 */
static uint32_t file_id(PMEMfilepool *pfp, PMEMfile *file)
{
	uint32_t id = rc_id(file);
	if (!id && !remote_handle(file) &&
	    atomic_load(&pfp->share->holder) == pfp->local_pid)
		id = share_export(pfp, file->ofd);
	return id;
}

/* Whether description d is open: in the holder, or left for the next. */
static bool desc_open(struct share_desc *d)
{
	return atomic_load(&d->ofd) || atomic_load(&d->detached);
}

uint64_t pmemfile_file_pass(PMEMfilepool *pfp, PMEMfile *file)
{
	if (!pfp || !pfp->share || !file || file == PMEMFILE_AT_CWD)
		return 0;
	uint32_t id = file_id(pfp, file);
	int p = share_proc(pfp);
	if (!id || p < 0)
		return 0;
	share_ref(pfp->share, p, id);
	return id;
}

PMEMfile *pmemfile_file_adopt(PMEMfilepool *pfp, uint64_t id)
{
	if (!pfp || !pfp->share || id == 0 || id >= SHARE_DESCS) {
		errno = EINVAL;
		return NULL;
	}
	struct share_desc *d = &pfp->share->desc[id];
	int p = share_proc(pfp);
	if (p < 0 || !share_has(pfp->share, p, (uint32_t)id) || !desc_open(d)) {
		errno = EIO;
		return NULL;
	}
	return rc_handle(pfp, (uint32_t)id);
}

void pmemfile_adopt_done(PMEMfilepool *pfp)
{
	if (!pfp || !pfp->share || pf_vfork_pid)
		return;
	int p = share_proc(pfp);
	uint16_t *c = crefs(pfp);
	if (p < 0 || !c)
		return;
	struct share_refs *sr = &pfp->share->refs[p];
	for (uint32_t w = 0; w < SHARE_DESCS / 64; ++w) {
		uint64_t bits = atomic_load(&sr->bits[w]);
		while (bits) {
			uint32_t id = w * 64 + (uint32_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			if (!c[id])
				rc_simple(pfp, OP_RELEASE, id);
		}
	}
}

uint64_t pmemfile_file_send(PMEMfilepool *pfp, PMEMfile *file)
{
	if (!pfp || !pfp->share || !file || file == PMEMFILE_AT_CWD)
		return 0;
	uint32_t id = file_id(pfp, file);
	if (!id)
		return 0;
	/* the reference the message holds while it travels */
	atomic_fetch_add(&pfp->share->desc[id].procs, 1);
	return id;
}

PMEMfile *pmemfile_file_receive(PMEMfilepool *pfp, uint64_t id)
{
	if (!pfp || !pfp->share || id == 0 || id >= SHARE_DESCS) {
		errno = EINVAL;
		return NULL;
	}
	struct share_desc *d = &pfp->share->desc[id];
	int p = share_proc(pfp);
	if (p < 0) {
		errno = EMFILE;
		return NULL;
	}
	/* a release of id this process posted is not the new reference's */
	remote_posted_wait(pfp);
	share_ref(pfp->share, p, (uint32_t)id);
	atomic_fetch_sub(&d->procs, 1); /* the message's reference */
	if (!desc_open(d)) {
		errno = EIO;
		return NULL;
	}
	return rc_handle(pfp, (uint32_t)id);
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * share.c -- the segment several processes of one pool share (share.h):
 * mapping it, the election of the holder, process slots, exported
 * descriptions and the lock counter.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "remote.h"
#include "kcall.h"
#include "lease.h"
#include "once.h"
#include "share.h"
#include "shim_calls.h"
#include "jmode.h"

pid_t pf_self_pid;
__thread pid_t pf_vfork_pid __attribute__((tls_model("initial-exec")));
__thread const struct pf_caller *pf_caller
    __attribute__((tls_model("initial-exec")));

/* A vfork child's process slot (its memory is its parent's). */
static __thread int vfork_proc __attribute__((tls_model("initial-exec")));
static __thread pid_t vfork_proc_pid __attribute__((tls_model("initial-exec")));

pid_t share_self(void)
{
	return pf_pid();
}

/*
 * Read without a descriptor (not /proc/thread-self), which a thread of
 * the library must not take from the program's numbers even for a
 * moment.
 */
long share_displaced(void)
{
	struct rusage ru;
	if (kcall(SYS_getrusage, RUSAGE_THREAD, (long)&ru, 0, 0) != 0)
		return 0;
	return ru.ru_nivcsw;
}

long share_futex_wait(_Atomic uint32_t *w, uint32_t val, long timeout_ms)
{
	struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000};
	return syscall(SYS_futex, w, FUTEX_WAIT, val,
		       timeout_ms >= 0 ? &ts : NULL, NULL, 0);
}

void share_futex_wake(_Atomic uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
}

void share_keeper_notify(struct share_seg *s)
{
	atomic_fetch_add(&s->keeper_word, 1);
	if (atomic_load(&s->keeper_waits))
		share_futex_wake(&s->keeper_word);
}

bool share_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

int share_threads(void)
{
	/* /proc/self/task links each thread, "." and ".." */
	struct stat st;
	return k_stat("/proc/self/task", &st) == 0 ? (int)st.st_nlink - 2 : -1;
}

bool share_others(struct share_seg *s, pid_t a, pid_t b)
{
	for (int p = 0; p < SHARE_PROCS; ++p) {
		pid_t pid = atomic_load(&s->proc[p].pid);
		/* < 0: kept for a fork child that has not taken it yet */
		if (pid < 0 ||
		    (pid > 0 && pid != a && pid != b && share_alive(pid)))
			return true;
	}
	return false;
}

uint64_t share_start_time(pid_t pid)
{
	char name[64], buf[1024];
	snprintf(name, sizeof(name), "/proc/%d/stat", (int)pid);
	int fd = k_open(name, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	long n = k_read(fd, buf, sizeof(buf) - 1);
	k_close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* the fields after the command, which may hold anything but ')' */
	char *p = strrchr(buf, ')');
	unsigned long long start = 0;
	char state = 0;
	if (!p || sscanf(p + 2,
			 "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
			 "%*d %*d %*d %*d %*d %*d %llu",
			 &state, &start) != 2)
		return 0;
	/* a zombie holds nothing any more */
	return state == 'Z' || state == 'X' ? 0 : start;
}

#ifndef PIDFS_MAGIC
#define PIDFS_MAGIC 0x50494446
#endif
/* An identity from a pidfd's inode has this bit; a start time has not. */
#define SHARE_ID_PIDFS (1ULL << 63)

/*
 * The identity of process pid from a pidfd of it: on Linux 6.9 and later
 * (pidfs) the pidfd's inode number, which no other process gets while the
 * system runs; 0 if the process is gone or has ended (a zombie), 1 if that
 * cannot be told so (no pidfs, no descriptor free). A new process finds
 * its own in some 10 us, where its first look at its /proc/PID/stat costs
 * 25-50 us (the entry made for it).
 */
static uint64_t pidfd_id(pid_t pid, bool self)
{
	long fd = kcall(SYS_pidfd_open, pid, 0, 0, 0);
	if (fd < 0)
		return errno == ESRCH ? 0 : 1;
	struct statfs sf;
	struct stat st;
	uint64_t id = 1;
	if (kcall(SYS_fstatfs, fd, (long)&sf, 0, 0) == 0 &&
	    sf.f_type == PIDFS_MAGIC &&
	    kcall(SYS_fstat, fd, (long)&st, 0, 0) == 0) {
		struct pollfd p = {.fd = (int)fd, .events = POLLIN};
		/* readable once the process ended; the caller has not */
		id = !self && kcall(SYS_poll, (long)&p, 1, 0, 0) == 1
			 ? 0
			 : ((uint64_t)st.st_ino | SHARE_ID_PIDFS);
	}
	k_close((int)fd);
	return id;
}

/* This process's identity: from a pidfd where it can, else its start. */
static uint64_t self_id(pid_t me)
{
	uint64_t id = pidfd_id(me, true);
	return id > 1 ? id : share_start_time(me);
}

static pid_t self_start_pid;
static uint64_t self_start;

uint64_t share_self_start(void)
{
	pid_t me = share_self();
	if (pf_vfork_pid)
		return self_id(me);
	if (self_start_pid != me) {
		self_start = self_id(me);
		self_start_pid = me;
	}
	return self_start;
}

bool share_same_alive(pid_t pid, uint64_t start)
{
	/* a slot being taken: its process is there */
	if (pid == SHARE_PID_CLAIMING)
		return true;
	/* a slot kept for a fork child that has not taken it: its parent's */
	if (pid < 0)
		pid = -pid;
	if (!share_alive(pid))
		return false;
	if (start & SHARE_ID_PIDFS) {
		uint64_t id = pidfd_id(pid, false);
		/* 1: it cannot be told, and kill says it is there */
		return id == 1 || id == start;
	}
	return share_start_time(pid) == start;
}

bool share_holder_alive(struct share_seg *s, pid_t h)
{
	return h && share_same_alive(h, atomic_load(&s->holder_start));
}

static void share_init(struct share_seg *s)
{
	/* magic, the maker's claim (share_make), is not cleared */
	memset((char *)s + offsetof(struct share_seg, version), 0,
	       offsetof(struct share_seg, desc) -
		   offsetof(struct share_seg, version));
	s->version = SHARE_VERSION;
	s->size = sizeof(*s);
	atomic_thread_fence(memory_order_release);
	s->magic = SHARE_MAGIC;
}

/*
 * The segment's file: in /dev/shm, named from the pool file's device and
 * inode, owned as the pool file and with its mode, so that whoever may
 * open the pool may join and nobody else.
 */
/* The segment's file of the pool file pool. */
static void share_name(const struct stat *pool, char *name, size_t size)
{
	snprintf(name, size, "/dev/shm/pmemfile.%llx.%llx",
		 (unsigned long long)pool->st_dev,
		 (unsigned long long)pool->st_ino);
}

bool pmemfile_pool_in_use(const char *path)
{
	struct stat pool, seg;
	char name[128];
	if (!path || k_stat(path, &pool) != 0)
		return false;
	share_name(&pool, name, sizeof(name));
	return k_stat(name, &seg) == 0;
}

static int share_open(const struct stat *pool, char *name, size_t size)
{
	share_name(pool, name, size);
	/* made with the pool file's mode bits, whatever the umask, once */
	int fd = k_open(name, O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0);
	if (fd < 0 && errno == ENOENT) {
		mode_t old = umask(0);
		fd = k_open(name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			    pool->st_mode & 0666);
		umask(old);
	}
	return fd < 0 ? -errno : fd;
}

/*
 * Whether a segment's file owned by another user than the pool file's
 * owner and this process could be the one a process of the pool made:
 * its maker may write the pool (any user may, or the file's group is the
 * pool's, whose members may). Else it is a file another user put in the
 * way, refused.
 */
static bool share_maker_may(const struct stat *pool, const struct stat *st)
{
	if ((pool->st_mode & (S_IROTH | S_IWOTH)) == (S_IROTH | S_IWOTH))
		return true;
	return st->st_gid == pool->st_gid &&
	       (pool->st_mode & (S_IRGRP | S_IWGRP)) == (S_IRGRP | S_IWGRP);
}

/*
 * Whether the segment's file fd (its stat st) may be used: a regular
 * file of the pool file's owner; of this process, which made it and gives
 * it to that owner (where it cannot, to the pool file's group); or of a
 * user who may write the pool (share_maker_may).
 */
static int share_file_check(int fd, const struct stat *pool, struct stat *st)
{
	if (fstat(fd, st) || !S_ISREG(st->st_mode) ||
	    (st->st_uid != pool->st_uid && st->st_uid != geteuid() &&
	     !share_maker_may(pool, st)))
		return -EACCES;
	if (st->st_uid == geteuid() && st->st_uid != pool->st_uid &&
	    fchown(fd, pool->st_uid, pool->st_gid) != 0 &&
	    st->st_gid != pool->st_gid &&
	    fchown(fd, (uid_t)-1, pool->st_gid) == 0)
		st->st_gid = pool->st_gid; /* its group's members may use it */
	return 0;
}

/*
 * Every process that has the segment mapped holds a shared flock on its
 * file, through a descriptor of its own (fork children open it again);
 * the last to leave (its flock turns exclusive) removes the file, under
 * that lock (share_remove_if_last, share_sweep_stale): a file this
 * process locked that still has a name is the one of the name (nobody
 * renames a segment's file, and only its owner could in /dev/shm), where
 * a file removed meanwhile has none (st_nlink 0), and its name may be a
 * new segment's. The lock is taken without waiting where nobody holds it
 * exclusively (nearly always): one fstat after it then checks the file
 * and says it has its name. Else the file is checked before the lock is
 * waited for, so that a process never waits on a file another user put
 * there.
 */
static int share_lock_shared(const struct stat *pool, char *name, size_t size,
			     struct stat *a)
{
	for (int tries = 0; tries < 100; ++tries) {
		int fd = share_open(pool, name, size);
		if (fd < 0)
			return fd;
		bool locked = flock(fd, LOCK_SH | LOCK_NB) == 0;
		int r = share_file_check(fd, pool, a);
		if (r == 0 && !locked) {
			flock(fd, LOCK_SH);
			r = fstat(fd, a) ? -errno : 0;
		}
		if (r) {
			close(fd);
			return r;
		}
		/* out of the way of the program's own numbers */
		if (a->st_nlink > 0)
			return k_fd_high_at(fd, 900);
		close(fd); /* removed by its last user meanwhile: again */
	}
	return -EAGAIN;
}

/*
 * Removes the segment's file open at fd, under name, with its image
 * (jmode.c), where no other process holds it: its exclusive flock is
 * taken at once (it fails whenever another process holds the file), and
 * name must still be that file's. Whether it went.
 */
static bool share_remove_unheld(int fd, const char *name)
{
	struct stat a, b;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0 || fstat(fd, &a) != 0 ||
	    stat(name, &b) != 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		return false;
	char image[sizeof(((PMEMfilepool *)0)->share_name) + 8];
	snprintf(image, sizeof(image), "%s.image", name);
	unlink(image);
	unlink(name);
	return true;
}

/*
 * Removes the segment files in /dev/shm that no process holds (a flock
 * taken at once), with their images (jmode.c): left by a last process
 * that was killed, of a pool nobody opened again. Only the caller's own files,
 * other than keep; the protocol is the last leaver's (share_remove_if_last),
 * which a process opening such a file meanwhile already allows for
 * (share_lock_shared).
 */
static void share_sweep_stale(const char *keep)
{
	DIR *d = opendir("/dev/shm");
	if (d == NULL)
		return;
	uid_t me = geteuid();
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		/* an image (jmode.c) goes with its segment, below */
		if (strncmp(e->d_name, "pmemfile.", 9) != 0 ||
		    strstr(e->d_name, ".image") ||
		    (e->d_type != DT_REG && e->d_type != DT_UNKNOWN))
			continue;
		char name[128];
		if ((size_t)snprintf(name, sizeof(name), "/dev/shm/%s",
				     e->d_name) >= sizeof(name) ||
		    strcmp(name, keep) == 0)
			continue;
		int fd =
		    open(name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		struct stat a;
		if (fstat(fd, &a) == 0 && S_ISREG(a.st_mode) && a.st_uid == me)
			(void)share_remove_unheld(fd, name);
		close(fd);
	}
	closedir(d);
}

/* The magic of a segment being made: the maker's pid in the low half. */
#define SHARE_MAKING 0x474e494b00000000ULL
#define SHARE_PID_MASK 0xffffffffULL

/*
 * Makes a new segment once. The first process that finds it new claims
 * it (its pid into magic), makes it and sets the magic last; the others
 * wait until the magic is there, and replace a maker that died. Every
 * process holds the shared lock of the file meanwhile: making it under the
 * exclusive lock waited forever for a process that had made it and held
 * its shared lock already. Whether this process made it.
 */
static bool share_make(struct share_seg *s)
{
	_Atomic uint64_t *magic = (_Atomic uint64_t *)(void *)&s->magic;
	for (unsigned n = 0;; ++n) {
		uint64_t v = atomic_load(magic);
		if (v == SHARE_MAGIC)
			return false;
		bool making = (v & ~SHARE_PID_MASK) == SHARE_MAKING;
		if (v != 0 && !making)
			return false; /* not ours: the version check says so */
		bool dead = making && !share_alive((pid_t)(v & SHARE_PID_MASK));
		uint64_t mine = SHARE_MAKING | (uint32_t)share_self();
		if ((v == 0 || dead) &&
		    atomic_compare_exchange_strong(magic, &v, mine)) {
			share_init(s);
			return true;
		}
		usleep(n < 100 ? 20 : 1000);
	}
}

/*
 * A segment this version cannot use (another version's, or a file cut
 * short or overwritten) that no other process holds is left over: a last
 * process killed before it removed it. It goes, under the exclusive lock
 * its last leaver would have taken (share_remove_if_last), with its image
 * (jmode.c), and a new one is made in its place; otherwise every process
 * of this version would open the pool alone and lock the others out.
 * ESTALE either way (fd is closed), for share_attach to look again: a
 * process of this version that found it at the same time may be the one
 * that replaced it (the conversion of a shared flock to an exclusive one
 * lets the shared one go first).
 */
static int share_unusable(int fd, const char *name)
{
	if (!share_remove_unheld(fd, name))
		pf_set_errormsg("%s: made by another version of the library, "
				"which uses it",
				name);
	close(fd);
	return -ESTALE;
}

/*
 * The pages of a new segment that any process may touch (all but the
 * channels' windows, share_window_alloc), allocated before it gets its
 * size, which is what the others wait for: a page of a file in memory
 * that the file system cannot give kills the process that touches it
 * (SIGBUS) where a write would fail with ENOSPC. 1.5 MB, 0.45 ms here.
 */
static int share_prealloc(int fd)
{
	const size_t head = offsetof(struct share_chan, data);
	off_t at = 0;
	off_t len = (off_t)(offsetof(struct share_seg, chan) + head);
	for (int i = 0; i <= SHARE_CHANNELS; ++i) {
		if (fallocate(fd, FALLOC_FL_KEEP_SIZE, at, len) != 0)
			return errno == EOPNOTSUPP ? 0 : -errno;
		if (i == SHARE_CHANNELS)
			break;
		at = (off_t)offsetof(struct share_seg, chan[i + 1]);
		len = (off_t)head;
	}
	return 0;
}

/*
 * The segment's file opened again by its name, -1 where the name is
 * another file's by now (a new segment's) or none.
 */
static int share_reopen(PMEMfilepool *pfp)
{
	int fd = open(pfp->share_name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) || st.st_dev != pfp->share_dev ||
			st.st_ino != pfp->share_ino)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int share_window_alloc(PMEMfilepool *pfp, struct share_chan *c)
{
	if (atomic_load_explicit(&c->window_ready, memory_order_acquire))
		return 0;
	off_t at = (off_t)((char *)c->data - (char *)pfp->share);
	int fd = pfp->share_fd;
	bool own = !fd_is(fd, pfp->share_dev, pfp->share_ino);
	/* the program closed it, or a fork child has not its own yet */
	if (own && (fd = share_reopen(pfp)) < 0)
		return 0; /* its pages are then made as it is used */
	int r = fallocate(fd, FALLOC_FL_KEEP_SIZE, at, SHARE_WINDOW) == 0 ||
			errno == EOPNOTSUPP
		    ? 0
		    : -errno;
	if (own)
		close(fd);
	if (r == 0)
		atomic_store_explicit(&c->window_ready, 1,
				      memory_order_release);
	return r;
}

static int share_attach_once(PMEMfilepool *pfp, const char *path,
			     const struct stat *known);

/* Tries for a segment in use by another version (share_unusable). */
#define SHARE_FOREIGN_TRIES 5

int share_attach(PMEMfilepool *pfp, const char *path, const struct stat *known)
{
	int r = -ESTALE;
	for (int tries = 0; tries < SHARE_FOREIGN_TRIES && r == -ESTALE;
	     ++tries) {
		if (tries > 1)
			usleep(1000);
		r = share_attach_once(pfp, path, known);
	}
	return r == -ESTALE ? -EPROTO : r;
}

static int share_attach_once(PMEMfilepool *pfp, const char *path,
			     const struct stat *known)
{
	struct stat pool;
	char name[128];

	if (pfp->share)
		return 0;
	if (known)
		pool = *known;
	else if (k_stat(path, &pool))
		return -errno;
	/* the boundary is the pool file's permissions */
	if (k_access(path, R_OK | W_OK))
		return -errno;
	/*
	 * st: a size of 0 (a file just made) is sized here, to the size the
	 * first process gave it if another one did meanwhile
	 */
	struct stat st;
	int fd = share_lock_shared(&pool, name, sizeof(name), &st);
	if (fd < 0) {
		pf_set_errormsg("cannot open %s: %s", name, strerror(-fd));
		return fd;
	}
	int r = 0;
	/* a new file is sized by the first process; 0 bytes reads as zeros */
	if (st.st_size == 0) {
		if (k_fsize_allows(sizeof(struct share_seg))) {
			r = share_prealloc(fd);
			if (r == 0 && ftruncate(fd, sizeof(struct share_seg)))
				r = -errno;
			/*
			 * What the allocation took stays with the file (not
			 * given back: another process may have sized it
			 * meanwhile) until a process removes it.
			 */
			if (r)
				pf_set_errormsg("%s: %s", name, strerror(-r));
		} else {
			pf_set_errormsg(
			    "%s: the file size limit (RLIMIT_FSIZE) "
			    "is below the segment's size",
			    name);
			r = -EFBIG;
		}
	} else if ((size_t)st.st_size != sizeof(struct share_seg)) {
		return share_unusable(fd, name);
	}
	void *p = MAP_FAILED;
	if (r == 0)
		p = mmap(NULL, sizeof(struct share_seg), PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
	if (r == 0 && p == MAP_FAILED)
		r = -errno;
	if (r) {
		close(fd);
		return r;
	}
	struct share_seg *s = p;
	/* a pool starting to be used: the time to tidy up */
	if (s->magic != SHARE_MAGIC && share_make(s))
		share_sweep_stale(name);
	if (s->magic != SHARE_MAGIC || s->version != SHARE_VERSION ||
	    s->size != sizeof(*s)) {
		munmap(p, sizeof(*s));
		return share_unusable(fd, name);
	}
	pfp->share = s;
	pfp->order = &s->order;
	pfp->share_size = sizeof(*s);
	pfp->share_fd = fd;
	pfp->share_dev = st.st_dev;
	pfp->share_ino = st.st_ino;
	snprintf(pfp->share_name, sizeof(pfp->share_name), "%s", name);
	pfp->proc = -1;
	return 0;
}

/*
 * Whether a fork child of this process has not taken its slot yet: it
 * takes its own lock of the segment's file then (share_relock), and till
 * then shares this process's (the same open file description), which the
 * lock of share_remove_if_last would turn exclusive under it, and leave so
 * once this process is gone.
 */
static bool share_child_pending(const struct share_seg *s)
{
	for (int p = 0; p < SHARE_PROCS; ++p)
		if (atomic_load(&s->proc[p].pid) == -pf_self_pid)
			return true;
	return false;
}

/* The last process to leave removes the segment's file. */
static void share_remove_if_last(PMEMfilepool *pfp, bool child_pending)
{
	if (!child_pending)
		(void)share_remove_unheld(pfp->share_fd, pfp->share_name);
}

void share_detach(PMEMfilepool *pfp)
{
	if (!pfp->share)
		return;
	bool pending = share_child_pending(pfp->share);
	munmap(pfp->share, pfp->share_size);
	pfp->share = NULL;
	pfp->order = NULL;
	share_remove_if_last(pfp, pending);
	if (fd_is(pfp->share_fd, pfp->share_dev, pfp->share_ino))
		close(pfp->share_fd);
	pfp->share_fd = -1;
}

_Atomic uint64_t pf_own_fds_gen;

void pmemfile_own_fds_watch(void)
{
	uint64_t none = 0;
	atomic_compare_exchange_strong(&pf_own_fds_gen, &none, 1);
}

void pmemfile_own_fds_replaced(void)
{
	/* after the call: a check made before it is of the old file */
	if (atomic_load(&pf_own_fds_gen) != 0)
		atomic_fetch_add(&pf_own_fds_gen, 1);
}

int pmemfile_pool_own_fds(PMEMfilepool *pfp, int *fds, int nfds)
{
	if (pfp == NULL) {
		errno = EFAULT;
		return -1;
	}
	if (nfds < 0 || (fds == NULL && nfds > 0)) {
		errno = EINVAL;
		return -1;
	}
	/* a client's handle has no pool file of its own (direct_init) */
	int own[11] = {
	    pfp->share && fd_is(pfp->share_fd, pfp->share_dev, pfp->share_ino)
		? pfp->share_fd
		: -1,
	    pfp->direct_read &&
		    fd_is(pfp->direct_fd, pfp->direct_dev, pfp->direct_ino)
		? pfp->direct_fd
		: -1,
	    lease_client_fd(pfp)};
	/* in journal mode: the pool file's (its lock, and the one it is
	 * written through), the journal's and the tracking's, six at most */
	int n = 3 + jmode_own_fds(pfp, own + 3, 8);
	return k_fds_list(own, n < 11 ? n : 11, fds, nfds);
}

/*
 * A fork child, or the copy a holder leaves the pool to, holds a lock of
 * its own on the segment's file: the description it has from its parent
 * is the parent's too, and on Linux the parent's end (a flock that fails
 * to turn exclusive, share_remove_if_last) drops the shared lock of that
 * description, under any other process that has it. Whether this process
 * holds one now on the file it maps.
 */
bool share_relock(PMEMfilepool *pfp)
{
	/* the name may be another segment's by now: not that one's lock */
	int fd = share_reopen(pfp);
	if (fd < 0)
		return false;
	flock(fd, LOCK_SH);
	/*
	 * At the number its parent had, unless the program put a file of its
	 * own there (dup2), which must not be replaced: then at another.
	 */
	if (fd_is(pfp->share_fd, pfp->share_dev, pfp->share_ino) &&
	    dup3(fd, pfp->share_fd, O_CLOEXEC) >= 0) {
		close(fd);
		return true;
	}
	pfp->share_fd = k_fd_high_at(fd, 900);
	return true;
}

/*
 * The slot of process me, which may have it from an earlier image (exec
 * keeps the pid and the start time), else a free one.
 */
/* A free process slot, taken for pid (started at start), or -1. */
static int slot_take(struct share_seg *s, int32_t pid, uint64_t start)
{
	for (int i = 0; i < SHARE_PROCS; ++i) {
		int32_t none = 0;
		if (atomic_load(&s->proc[i].pid) == 0 &&
		    atomic_compare_exchange_strong(&s->proc[i].pid, &none,
						   SHARE_PID_CLAIMING)) {
			atomic_store(&s->proc[i].start, start);
			atomic_store(&s->proc[i].pid, pid);
			return i;
		}
	}
	return -1;
}

/*
 * The table full: the keeper is asked to sweep the slots of processes that
 * died now (it sweeps when idle otherwise), and the claim tried again for
 * up to a second. A program that starts programs from a mount by vfork
 * fills it: a child whose execve failed dies without leaving (4 threads
 * spawning a missing program of a mount 400 times each, within 2 s).
 */
static int slot_take_swept(struct share_seg *s, int32_t pid, uint64_t start)
{
	int i = slot_take(s, pid, start);
	for (int tries = 0; i < 0 && tries < 200; ++tries) {
		atomic_store(&s->sweep_wanted, 1);
		share_keeper_notify(s);
		usleep(5000);
		i = slot_take(s, pid, start);
	}
	return i;
}

static int proc_claim(struct share_seg *s, pid_t me)
{
	uint64_t start = share_self_start();
	for (int i = 0; i < SHARE_PROCS; ++i)
		if (atomic_load(&s->proc[i].pid) == me &&
		    atomic_load(&s->proc[i].start) == start)
			return i;
	return slot_take_swept(s, me, start);
}

/* Slot to refers to every description slot from refers to. */
static void refs_copy(struct share_seg *s, int from, int to)
{
	for (uint32_t w = 0; w < SHARE_DESCS / 64; ++w) {
		uint64_t bits = atomic_load(&s->refs[from].bits[w]);
		while (bits) {
			uint32_t b = (uint32_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			share_ref(s, to, w * 64 + b);
		}
	}
}

int share_proc(PMEMfilepool *pfp)
{
	pid_t me = share_self();

	if (pf_vfork_pid) {
		if (vfork_proc_pid != me) {
			vfork_proc = proc_claim(pfp->share, me);
			vfork_proc_pid = me;
		}
		return vfork_proc;
	}
	if (pfp->proc_pid != me || pfp->proc < 0) {
		pfp->proc = proc_claim(pfp->share, me);
		pfp->proc_pid = me;
	}
	return pfp->proc;
}

bool share_has(struct share_seg *s, int p, uint32_t d)
{
	return (atomic_load(&s->refs[p].bits[d / 64]) >> (d % 64)) & 1;
}

void share_ref(struct share_seg *s, int p, uint32_t d)
{
	uint64_t bit = 1ULL << (d % 64);
	if (!(atomic_fetch_or(&s->refs[p].bits[d / 64], bit) & bit))
		atomic_fetch_add(&s->desc[d].procs, 1);
}

void share_sweep_channels(struct share_seg *s)
{
	for (int i = 0; i < SHARE_CHANNELS; ++i) {
		struct share_chan *c = &s->chan[i];
		uint32_t st = atomic_load(&c->state);
		/* an ordered post was answered already: the holder runs it */
		if (st == CHAN_POSTED && c->seq)
			continue;
		if ((st == CHAN_CLAIMED || st == CHAN_POSTED ||
		     st == CHAN_DONE) &&
		    !share_same_alive(c->pid, c->start))
			atomic_compare_exchange_strong(&c->state, &st,
						       CHAN_FREE);
	}
}

bool share_unref(struct share_seg *s, int p, uint32_t d)
{
	uint64_t bit = 1ULL << (d % 64);
	if (!(atomic_fetch_and(&s->refs[p].bits[d / 64], ~bit) & bit))
		return false;
	return atomic_fetch_sub(&s->desc[d].procs, 1) == 1;
}

static uint32_t share_export_locked(struct share_seg *s, struct ofd *o);

uint32_t share_export(PMEMfilepool *pfp, struct ofd *o)
{
	struct share_seg *s = pfp->share;

	/*
	 * One id a description: two threads exporting it at once (a fork's
	 * share_export_all, a descriptor passed) gave it two, the first left
	 * pointing at it after it was freed.
	 */
	pthread_mutex_lock(&o->mutex);
	uint32_t id = share_export_locked(s, o);
	pthread_mutex_unlock(&o->mutex);
	return id;
}

static uint32_t share_export_locked(struct share_seg *s, struct ofd *o)
{
	if (o->desc)
		return o->desc;
	for (uint32_t i = 1; i < SHARE_DESCS; ++i) {
		uint64_t none = 0;
		if (atomic_load(&s->desc[i].ofd) == 0 &&
		    !atomic_load(&s->desc[i].detached) &&
		    atomic_compare_exchange_strong(&s->desc[i].ofd, &none,
						   (uint64_t)(uintptr_t)o)) {
			atomic_store(&s->desc[i].procs, 0);
			/* its O_PATH never changes (rc_may_post) */
			s->desc[i].flags = o->flags;
			/* whose posts a client's direct calls wait for */
			s->desc[i].ino = o->vinode->off;
			o->desc_epoch = atomic_load(&s->epoch);
			atomic_store(&s->desc[i].epoch, o->desc_epoch);
			o->desc = i;
			return i;
		}
	}
	return 0;
}

bool share_inode_kept(struct share_seg *s, uint64_t off)
{
	for (uint32_t i = 1; s && i < SHARE_DESCS; ++i)
		if (atomic_load(&s->desc[i].detached) &&
		    s->desc[i].ino == off && atomic_load(&s->desc[i].procs))
			return true;
	for (uint32_t i = 1; s && i < SHARE_PINS; ++i)
		if (s->pin[i].ino == off && share_pin_alive(s, i))
			return true;
	return false;
}

bool share_pin_alive(struct share_seg *s, uint32_t i)
{
	int32_t owner = atomic_load(&s->pin[i].proc);
	if (owner <= 0 || owner > SHARE_PROCS)
		return false;
	struct share_proc *sp = &s->proc[owner - 1];
	pid_t pid = atomic_load(&sp->pid);
	return pid && share_same_alive(pid, atomic_load(&sp->start));
}

void share_chan_wake(struct share_chan *c)
{
	atomic_fetch_add(&c->wake, 1);
	if (atomic_load(&c->client_waits))
		share_futex_wake(&c->wake);
}

void share_names_changed(PMEMfilepool *pfp)
{
	if (pfp->share)
		atomic_fetch_add(&pfp->share->names_gen, 1);
}

uint64_t pmemfile_names_generation(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp ? pfp->share : NULL;
	return s ? atomic_load_explicit(&s->names_gen, memory_order_acquire)
		 : 0;
}

void share_locks_changed(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	if (!s)
		return;
	atomic_fetch_add(&s->lock_word, 1);
	if (atomic_load(&s->lock_waits))
		share_futex_wake(&s->lock_word);
}

int share_locks_wait(struct share_seg *s, uint32_t seen)
{
	atomic_fetch_add(&s->lock_waits, 1);
	bool intr =
	    share_futex_wait(&s->lock_word, seen, 50) != 0 && errno == EINTR;
	atomic_fetch_sub(&s->lock_waits, 1);
	if (intr)
		errno = EINTR;
	return intr ? -1 : 0;
}

/*
 * The election's lock holds the pid of the process in it. Not a robust
 * pthread mutex: that records the thread id glibc keeps in the thread's
 * TLS, which a vfork child (posix_spawn's) shares with the parent thread
 * that waits for it, and the kernel releases a robust mutex only for a
 * thread that registered it: one a vfork child died in would stay taken,
 * "by" a live thread, for every process. A process that died in it (its
 * pid gone, or a zombie: whoever would reap it may be the one waiting)
 * leaves it to the next; a thread of the same process waits.
 *
 * Its identity (elect_start) follows the pid, once taken, and goes
 * before the pid when given back: a process whose pid another one got
 * after it died in the lock is told from it. The identity read after the
 * pid is the pid's process's or 0 (not told yet: the pid alone counts),
 * but where two processes found the same dead one and the later one
 * cleared the identity of the next owner: 0 again.
 */
/*
 * Whether process pid is gone, or ended and not reaped yet (a zombie: its
 * pidfd says so), where kill(pid, 0) still finds it; or, its identity
 * start told (not 0), whether it is another process now.
 */
static bool share_ended(pid_t pid, uint64_t start)
{
	if (start)
		return !share_same_alive(pid, start);
	return !share_alive(pid) || pidfd_id(pid, false) == 0;
}

static void elect_lock(struct share_seg *s)
{
	uint32_t me = (uint32_t)share_self();
	for (;;) {
		uint32_t owner = 0;
		if (atomic_compare_exchange_strong(&s->elect_pid, &owner, me)) {
			atomic_store(&s->elect_start, share_self_start());
			return;
		}
		if (share_ended((pid_t)owner, atomic_load(&s->elect_start))) {
			atomic_store(&s->elect_start, 0);
			atomic_compare_exchange_strong(&s->elect_pid, &owner,
						       0);
			continue;
		}
		atomic_fetch_add(&s->elect_waits, 1);
		share_futex_wait(&s->elect_pid, owner, 20);
		atomic_fetch_sub(&s->elect_waits, 1);
	}
}

static void elect_unlock(struct share_seg *s)
{
	atomic_store(&s->elect_start, 0);
	atomic_store(&s->elect_pid, 0);
	if (atomic_load(&s->elect_waits))
		share_futex_wake(&s->elect_pid);
}

/*
 * A holder died: what its descriptions were is gone with its memory, so
 * every id handed out until now fails from here on (EIO).
 */
static void share_forget_dead(struct share_seg *s)
{
	atomic_fetch_add(&s->epoch, 1);
	for (int i = 0; i < SHARE_DESCS; ++i) {
		atomic_store(&s->desc[i].ofd, 0);
		atomic_store(&s->desc[i].detached, 0);
		atomic_store(&s->desc[i].procs, 0);
	}
	for (int i = 0; i < SHARE_PROCS; ++i)
		memset((void *)s->refs[i].bits, 0, sizeof(s->refs[i].bits));
	for (int i = 0; i < SHARE_CHANNELS; ++i) {
		uint32_t st = atomic_load(&s->chan[i].state);
		if (st == CHAN_TAKEN && atomic_load(&s->chan[i].no_answer)) {
			atomic_store(&s->chan[i].state, CHAN_FREE);
		} else if (st == CHAN_TAKEN) {
			s->chan[i].ret = -EIO;
			s->chan[i].out_len = 0;
			atomic_store(&s->chan[i].state, CHAN_DONE);
			share_chan_wake(&s->chan[i]);
		}
	}
}

int share_elect(PMEMfilepool *pfp, bool may_hold)
{
	struct share_seg *s = pfp->share;
	pid_t me = share_self();

	for (;;) {
		elect_lock(s);
		pid_t h = atomic_load(&s->holder);
		if (h == me && pfp->local_pid == me) {
			elect_unlock(s);
			return 0;
		}
		if (h && h != me && share_holder_alive(s, h)) {
			elect_unlock(s);
			return 0;
		}
		if (h) {
			atomic_store(&s->holder, 0);
			share_forget_dead(s);
		}
		if (may_hold) {
			/* kept locked until share_elected */
			atomic_store(&s->holder_start, share_self_start());
			atomic_store(&s->holder, me);
			return 1;
		}
		/* a vfork child killed while it started one is a zombie */
		pid_t sp = atomic_load(&s->spawning);
		if (sp && sp != me &&
		    !share_ended(sp, atomic_load(&s->spawning_start))) {
			uint32_t w = atomic_load(&s->holder_word);
			elect_unlock(s);
			share_futex_wait(&s->holder_word, w, 100);
			continue;
		}
		atomic_store(&s->spawning, me);
		atomic_store(&s->spawning_start, share_self_start());
		elect_unlock(s);
		return 2;
	}
}

void share_elected(PMEMfilepool *pfp, int err)
{
	struct share_seg *s = pfp->share;

	if (err)
		atomic_store(&s->holder, 0);
	else
		atomic_store(&s->durability, (uint32_t)pfp->durability);
	atomic_fetch_add(&s->holder_word, 1);
	elect_unlock(s);
	share_futex_wake(&s->holder_word);
}

void share_resign(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;

	if (!s)
		return;
	elect_lock(s);
	if (atomic_load(&s->holder) == share_self()) {
		atomic_store(&s->holder, 0);
		atomic_fetch_add(&s->holder_word, 1);
	}
	elect_unlock(s);
	share_futex_wake(&s->holder_word);
	/* clients waiting for an answer look for a new holder now */
	for (int i = 0; i < SHARE_CHANNELS; ++i)
		share_chan_wake(&s->chan[i]);
}

bool share_holder_take(PMEMfilepool *pfp, pid_t from)
{
	struct share_seg *s = pfp->share;

	elect_lock(s);
	/* not if another process took the place of one that died */
	bool took = atomic_load(&s->holder) == from;
	if (took) {
		atomic_store(&s->holder_start, share_self_start());
		atomic_store(&s->holder, share_self());
		atomic_fetch_add(&s->holder_word, 1);
	}
	elect_unlock(s);
	share_futex_wake(&s->holder_word);
	return took;
}

void share_pool_closed(struct share_seg *s)
{
	if (!s)
		return;
	atomic_fetch_add(&s->closed_word, 1);
	share_futex_wake(&s->closed_word);
}

/*
 * The pools this process has handles of, for fork: each child refers to
 * what its parent refers to.
 */
#define SHARE_POOLS 16
static PMEMfilepool *share_pools[SHARE_POOLS];
/*
 * The process slot each pool's fork child takes (share_fork_prepare),
 * -1 if none: made by the parent before fork returns, so that nothing the
 * parent lets go of after the fork is lost to the child.
 */
static int share_fork_slot[SHARE_POOLS] = {-1, -1, -1, -1, -1, -1, -1, -1,
					   -1, -1, -1, -1, -1, -1, -1, -1};
static pthread_mutex_t share_pools_lock = PTHREAD_MUTEX_INITIALIZER;

void share_register(PMEMfilepool *pfp)
{
	pthread_mutex_lock(&share_pools_lock);
	for (int i = 0; i < SHARE_POOLS; ++i)
		if (!share_pools[i]) {
			share_pools[i] = pfp;
			break;
		}
	pthread_mutex_unlock(&share_pools_lock);
}

void share_unregister(PMEMfilepool *pfp)
{
	pthread_mutex_lock(&share_pools_lock);
	for (int i = 0; i < SHARE_POOLS; ++i)
		if (share_pools[i] == pfp)
			share_pools[i] = NULL;
	pthread_mutex_unlock(&share_pools_lock);
}

/*
 * A slot for the coming fork child, referring to what slot from refers
 * to: its pid is the parent's, negative, until the child takes it (a fork
 * that failed, or a child that died first, leaves it to the sweep of the
 * parent's end).
 */
void share_export_all(PMEMfilepool *pfp, int me)
{
	pthread_mutex_lock(&pfp->ofds_lock);
	for (struct ofd *o = pfp->ofds; o; o = o->next) {
		/*
		 * Only what a handle of this process refers to: a description
		 * the keeper keeps for clients alone (no handle here), or is
		 * making for one now (its handle the keeper's for a moment),
		 * is theirs, and a reference of this process's slot would
		 * keep it open, and its locks held, until this process ends
		 * (a shell that held the pool: `(flock 9; ...) 9>f` in a
		 * subshell, and every later `flock f` waited for ever).
		 */
		pthread_mutex_lock(&o->mutex);
		uint32_t id = o->ref != 0 && !o->for_others
				  ? share_export_locked(pfp->share, o)
				  : 0;
		pthread_mutex_unlock(&o->mutex);
		if (id)
			share_ref(pfp->share, me, id);
	}
	pthread_mutex_unlock(&pfp->ofds_lock);
}

static int fork_slot_make(struct share_seg *s, int from)
{
	int i = slot_take(s, -share_self(), share_self_start());
	if (i >= 0)
		refs_copy(s, from, i);
	return i;
}

/*
 * Before fork, in the parent: what the child will refer to gets an id,
 * and this process's reference to it is counted; the child's slot is
 * made (fork_slot_make).
 */
static void share_fork_prepare(void)
{
	mmap_fork_prepare();
	pthread_mutex_lock(&share_pools_lock);
	for (int i = 0; i < SHARE_POOLS; ++i) {
		PMEMfilepool *pfp = share_pools[i];
		share_fork_slot[i] = -1;
		if (!pfp || !pfp->share)
			continue;
		int me = share_proc(pfp);
		if (pf_remote(pfp)) {
			remote_posted_wait(
			    pfp); /* the child's copy is of now */
		} else if (me >= 0) {
			share_export_all(pfp, me);
		}
		if (me >= 0)
			share_fork_slot[i] = fork_slot_make(pfp->share, me);
	}
}

static void share_fork_parent(void)
{
	pthread_mutex_unlock(&share_pools_lock);
	mmap_fork_done();
}

void pmemfile_process_forked(void)
{
	pid_t parent = pf_self_pid;
	pid_t me = (pid_t)syscall(SYS_getpid);

	if (me == parent)
		return;
	pf_self_pid = me;
	pf_vfork_pid = 0;
	lease_trims_forget();
	for (int i = 0; i < SHARE_POOLS; ++i) {
		PMEMfilepool *pfp = share_pools[i];
		if (pfp && pfp->share)
			(void)share_relock(pfp);
		if (pfp && pfp->local_pid == parent) {
			ofds_mark_stale(pfp);
			/*
			 * The child's copy of the pool's mapping holds the
			 * file libpmemobj locked, which would keep every
			 * process from opening the pool after the parent let
			 * it go; the child reaches the pool through the
			 * holder (or a mapping of its own if it takes over).
			 * In journal mode the pool file is locked as well.
			 */
			jmode_forked(pfp);
			k_munmap(pfp->base, pfp->pool_size);
		}
		if (!pfp || !pfp->share || pfp->proc < 0 ||
		    pfp->proc_pid != parent)
			continue;
		struct share_seg *s = pfp->share;
		int from = pfp->proc;
		int to = share_fork_slot[i];
		int32_t kept = -parent;
		uint64_t start = share_self_start();
		if (to >= 0 &&
		    atomic_compare_exchange_strong(&s->proc[to].pid, &kept,
						   SHARE_PID_CLAIMING)) {
			/* the slot its parent made for it before the fork */
			atomic_store(&s->proc[to].start, start);
			atomic_store(&s->proc[to].pid, me);
			pfp->proc = to;
			pfp->proc_pid = me;
			share_fork_slot[i] = -1;
			continue;
		}
		/* a raw clone, which ran no fork handler: a copy made now */
		to = proc_claim(s, me);
		pfp->proc = to;
		pfp->proc_pid = me;
		if (to >= 0)
			refs_copy(s, from, to);
	}
}

static void share_fork_child(void)
{
	pmemfile_process_forked();
	pthread_mutex_init(&share_pools_lock, NULL);
	mmap_fork_done();
}

/*
 * exit: a pool this process holds while others use it goes to a copy of
 * the process (keeper_leave_to_copy), before the destructors of the
 * libraries run (libpmemobj's among them); the rest of the exit (the
 * program's other handlers, stdio's flush) runs as a client's.
 */
static bool share_exit_started;

void share_order_flush(PMEMfilepool *pfp)
{
	if (!pf_remote(pfp) && share_order_due(pfp->order))
		(void)keeper_order(pfp);
}

static void share_at_exit(void)
{
	share_exit_started = true;
	if (pf_vfork_pid)
		return;
	for (int i = 0; i < SHARE_POOLS; ++i) {
		PMEMfilepool *pfp = share_pools[i];
		if (pfp && pfp->share && !pf_remote(pfp)) {
			share_order_flush(pfp);
			(void)keeper_leave_to_copy(pfp);
		}
	}
}

/*
 * The destructors of exit: libpmemobj's comes after this library's (its
 * functions are bound by this library, through dlsym under the shim), and
 * once it has run a call of libpmemobj aborts. The keeper thread of a pool
 * this process holds, which serves what clients posted (a release that
 * frees an unlinked file is a transaction), stops here; what a client
 * posts from now on waits for the end of this process, as it does when
 * the exit reaches exit_group (pmemfile_process_exit).
 */
static __attribute__((destructor)) void share_at_fini(void)
{
	if (pf_vfork_pid)
		return;
	for (int i = 0; i < SHARE_POOLS; ++i) {
		PMEMfilepool *pfp = share_pools[i];
		if (pfp && pfp->share && !pf_remote(pfp)) {
			keeper_stop(pfp);
			/* while libpmemobj is there */
			lease_trims_flush();
		}
	}
}

static void share_atfork(void)
{
	pthread_atfork(share_fork_prepare, share_fork_parent, share_fork_child);
	atexit(share_at_exit);
}

void share_process_init(void)
{
	static _Atomic int state;
	/*
	 * Not from a vfork child, whose pid it would write into its parent's
	 * memory: the parent, which had not used a pool, then took itself for
	 * the child (its exit released the slot of the program the child
	 * became, and that program's next call failed with EIO).
	 */
	if (!pf_self_pid && !pf_vfork_pid)
		pf_self_pid = (pid_t)syscall(SYS_getpid);
	pf_once(&state, share_atfork);
}

void pmemfile_process_vfork(pid_t child)
{
	pf_vfork_pid = child;
}

void share_exit_pool(PMEMfilepool *pfp)
{
	if (pf_remote(pfp)) {
		remote_leave(pfp);
	} else {
		keeper_handover(pfp, false);
		/*
		 * In journal mode the end is a sync point, and the pool file
		 * gets the journal (the image may go with the segment, next).
		 * The image is left clean when no other thread can write it
		 * after: this one is alone (the keeper has stopped), so none
		 * can start. Alone otherwise, it unmaps the pool, whose lock
		 * the next holder waits for (pool_exit_unlock).
		 */
		bool alone = share_threads() == 1;
		bool journal = pfp->jmode != NULL;
		jmode_close(pfp, false);
		if (journal && alone)
			jmode_left_clean(pfp->share);
		share_resign(pfp);
		if (!journal && alone)
			pool_exit_unlock(pfp);
	}
	share_remove_if_last(pfp, share_child_pending(pfp->share));
}

void pmemfile_process_exit(void)
{
	if (pf_vfork_pid)
		return;
	for (int i = 0; i < SHARE_POOLS; ++i) {
		PMEMfilepool *pfp = share_pools[i];
		if (!pfp || !pfp->share)
			continue;
		/* after exit's handlers libpmemobj may have ended: not then */
		if (!share_exit_started) {
			share_order_flush(pfp);
			(void)keeper_leave_to_copy(pfp);
		}
		share_exit_pool(pfp);
	}
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cwd.c -- the current directory inside a mount, under a sequence lock:
 * readers (every relative path) copy it without taking a lock, a writer
 * (chdir) is rare.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "../../pmemfile/shim_calls.h"
#include "cwd.h"
#include "libsyscall_intercept_hook_point.h"
#include "mount.h"
#include "path.h"
#include "preload.h"

static pthread_mutex_t cwd_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic unsigned cwd_seq;
static struct preload_mount *_Atomic cwd_mnt;
static char cwd_path[PMEMFILE_PATH_MAX];
/*
 * The directory's inode (0 until known) and the path_generation at which
 * cwd_path was last known to name it; both under cwd_lock.
 */
static unsigned long cwd_ino;
static _Atomic unsigned long cwd_gen;

/* Set on the thread that is writing, so that its signal handlers see it. */
static __thread int cwd_writing __attribute__((tls_model("initial-exec")));

/*
 * A vfork child's own current directory, once it changed it: its memory is
 * its parent's, whose directory stays. Read by the child alone, on its
 * parent thread's TLS, and forgotten when the parent resumes. The path is
 * kept in a page of the thread's, mapped at its first use.
 */
static __thread int vfork_cwd_set __attribute__((tls_model("initial-exec")));
static __thread struct preload_mount *vfork_cwd_mnt
    __attribute__((tls_model("initial-exec")));
static __thread char *vfork_cwd_path __attribute__((tls_model("initial-exec")));

long cwd_vfork_set(struct preload_mount *m, const char *path)
{
	if (m != NULL && vfork_cwd_path == NULL) {
		long p = syscall_no_intercept(
		    SYS_mmap, 0L, PMEMFILE_PATH_MAX, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (syscall_error_code(p) != 0)
			return -ENOMEM;
		vfork_cwd_path = (char *)p;
	}
	if (m != NULL) {
		strncpy(vfork_cwd_path, path, PMEMFILE_PATH_MAX - 1);
		vfork_cwd_path[PMEMFILE_PATH_MAX - 1] = '\0';
	}
	vfork_cwd_mnt = m;
	vfork_cwd_set = 1;
	return 0;
}

void cwd_vfork_done(void)
{
	vfork_cwd_set = 0;
}

bool cwd_vfork_mapped(void)
{
	return vfork_cwd_path != NULL;
}

void cwd_vfork_free(void)
{
	if (vfork_cwd_path != NULL)
		syscall_no_intercept(SYS_munmap, vfork_cwd_path,
				     PMEMFILE_PATH_MAX);
	vfork_cwd_path = NULL;
}

struct preload_mount *cwd_get(char path[PMEMFILE_PATH_MAX], bool *busy)
{
	*busy = false;
	if (preload_in_vfork && vfork_cwd_set) {
		if (vfork_cwd_mnt != NULL)
			memcpy(path, vfork_cwd_path, PMEMFILE_PATH_MAX);
		return vfork_cwd_mnt;
	}
	if (atomic_load_explicit(&cwd_mnt, memory_order_acquire) == NULL &&
	    (atomic_load_explicit(&cwd_seq, memory_order_acquire) & 1) == 0)
		return NULL;
	if (cwd_writing) {
		*busy = true;
		return NULL;
	}
	for (;;) {
		unsigned seq =
		    atomic_load_explicit(&cwd_seq, memory_order_acquire);
		if (seq & 1)
			continue;
		struct preload_mount *m =
		    atomic_load_explicit(&cwd_mnt, memory_order_relaxed);
		if (m != NULL)
			memcpy(path, cwd_path, PMEMFILE_PATH_MAX);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&cwd_seq, memory_order_relaxed) ==
		    seq) {
			if (m != NULL)
				path[PMEMFILE_PATH_MAX - 1] = '\0';
			return m;
		}
	}
}

/* Under cwd_lock: publishes m and path to the readers. */
static void cwd_store(struct preload_mount *m, const char *path)
{
	cwd_writing = 1;
	atomic_fetch_add_explicit(&cwd_seq, 1, memory_order_acq_rel);
	atomic_thread_fence(memory_order_release);
	if (m != NULL) {
		strncpy(cwd_path, path, sizeof(cwd_path) - 1);
		cwd_path[sizeof(cwd_path) - 1] = '\0';
	}
	atomic_store_explicit(&cwd_mnt, m, memory_order_relaxed);
	atomic_fetch_add_explicit(&cwd_seq, 1, memory_order_release);
	cwd_writing = 0;
}

long cwd_enter(struct preload_mount *m, const char *path, PMEMfilepool *pfp)
{
	pthread_mutex_lock(&cwd_lock);
	/* the pool's own cwd follows the directory through renames */
	uint64_t ino;
	long ret = pmemfile_chdir_ino(pfp, path, &ino) == 0 ? 0 : -errno;
	if (ret == 0) {
		cwd_store(m, path);
		cwd_ino = ino;
		atomic_store_explicit(&cwd_gen, path_generation(),
				      memory_order_release);
	}
	pthread_mutex_unlock(&cwd_lock);
	return ret;
}

long cwd_enter_removed(struct preload_mount *m, const char *path,
		       PMEMfilepool *pfp, PMEMfile *dir)
{
	pmemfile_stat_t st;

	pthread_mutex_lock(&cwd_lock);
	long ret =
	    pmemfile_fstat(pfp, dir, &st) == 0 && pmemfile_fchdir(pfp, dir) == 0
		? 0
		: -errno;
	if (ret == 0) {
		cwd_store(m, path);
		cwd_ino = st.st_ino;
		/* no generation: each use finds it removed (cwd_check) */
		atomic_store_explicit(&cwd_gen, 0, memory_order_release);
	}
	pthread_mutex_unlock(&cwd_lock);
	return ret;
}

void cwd_set(struct preload_mount *m, const char *path)
{
	pthread_mutex_lock(&cwd_lock);
	cwd_store(m, path);
	cwd_ino = 0;
	atomic_store_explicit(&cwd_gen, path_generation(),
			      memory_order_release);
	pthread_mutex_unlock(&cwd_lock);
}

int cwd_check(struct preload_mount *m, PMEMfilepool *pfp,
	      char path[PMEMFILE_PATH_MAX])
{
	unsigned long gen = path_generation();
	int ret = 0;

	if (preload_in_vfork && vfork_cwd_set)
		return 0; /* the child's own, just entered */
	if (atomic_load_explicit(&cwd_gen, memory_order_acquire) == gen)
		return 0;
	pthread_mutex_lock(&cwd_lock);
	if (atomic_load_explicit(&cwd_mnt, memory_order_relaxed) != m) {
		pthread_mutex_unlock(&cwd_lock);
		return 0; /* a chdir meanwhile: the caller's copy stands */
	}
	char now[PMEMFILE_PATH_MAX];
	strcpy(now, cwd_path);
	uint64_t ino = 0;
	if (cwd_ino == 0) {
		/* the first use: entered (by a client, only named) */
		if (pmemfile_cwd_adopt(pfp, now, &ino) != 0)
			ino = 0;
		cwd_ino = ino;
	} else if (path_dir_ino(pfp, now) == cwd_ino) {
		/* the pool may be a new opening: its cwd is set again */
		(void)pmemfile_chdir(pfp, now);
	} else if (pmemfile_getcwd(pfp, now, sizeof(now)) != NULL &&
		   path_dir_ino(pfp, now) == cwd_ino) {
		cwd_store(m, now);
	} else {
		ret = -ENOENT;
	}
	if (ret == 0) {
		atomic_store_explicit(&cwd_gen, gen, memory_order_release);
		strcpy(path, now);
	}
	pthread_mutex_unlock(&cwd_lock);
	return ret;
}

void cwd_refresh(void)
{
	char path[PMEMFILE_PATH_MAX];
	bool busy;
	struct preload_mount *m = cwd_get(path, &busy);
	PMEMfilepool *pfp;
	if (m == NULL ||
	    atomic_load_explicit(&cwd_gen, memory_order_acquire) ==
		path_generation() ||
	    pool_acquire(m, &pfp) != 0)
		return;
	(void)cwd_check(m, pfp, path);
	pool_release(m);
}

void cwd_fork_prepare(void)
{
	pthread_mutex_lock(&cwd_lock);
}

void cwd_fork_done(void)
{
	pthread_mutex_unlock(&cwd_lock);
}

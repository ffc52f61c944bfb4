/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cwd.c -- the current directory inside a mount, under a sequence lock:
 * readers (every relative path) copy it without taking a lock, a writer
 * (chdir) is rare.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "cwd.h"
#include "preload.h"

static pthread_mutex_t cwd_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic unsigned cwd_seq;
static struct preload_mount *_Atomic cwd_mnt;
static char cwd_path[PMEMFILE_PATH_MAX];

/* Set on the thread that is writing, so that its signal handlers see it. */
static __thread int cwd_writing __attribute__((tls_model("initial-exec")));

struct preload_mount *cwd_get(char path[PMEMFILE_PATH_MAX], bool *busy)
{
	*busy = false;
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

void cwd_set(struct preload_mount *m, const char *path)
{
	pthread_mutex_lock(&cwd_lock);
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
	pthread_mutex_unlock(&cwd_lock);
}

void cwd_fork_prepare(void)
{
	pthread_mutex_lock(&cwd_lock);
}

void cwd_fork_done(void)
{
	pthread_mutex_unlock(&cwd_lock);
}

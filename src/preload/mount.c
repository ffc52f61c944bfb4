/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mount.c -- PMEMFILE_POOLS=mount:pool[;mount:pool...] and the gate.
 *
 * Pools open lazily, on the first use of a path under their mount point, so
 * a process that never touches a mount never pays for its pool. A pool that
 * cannot be opened is reported once and its mount is ignored from then on
 * (the kernel sees those paths), unless PMEMFILE_EXIT_ON_NOT_SUPPORTED=1
 * asks to stop the program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cred.h"
#include "libsyscall_intercept_hook_point.h"
#include "log.h"
#include "mount.h"
#include "path.h"
#include "pmemobj_lazy.h"
#include "preload.h"

struct preload_mount mount_table[MOUNT_MAX];
int mount_count;

static void mount_complain(const char *fmt, const char *arg)
{
	char buf[512];
	int len = snprintf(buf, sizeof(buf), "libpmemfile: ");
	len += snprintf(buf + len, sizeof(buf) - (size_t)len, fmt, arg);
	if (len > (int)sizeof(buf) - 2)
		len = (int)sizeof(buf) - 2;
	buf[len++] = '\n';
	syscall_no_intercept(SYS_write, 2, buf, (size_t)len);
	if (log_enabled())
		log_printf("%.*s", len - 1, buf);
	if (preload_exit_on_not_supported)
		syscall_no_intercept(SYS_exit_group, 1);
}

size_t mount_canonical(char *p)
{
	size_t out = 0;
	const char *s = p;

	if (*s != '/')
		return 0;
	while (*s) {
		while (*s == '/')
			s++;
		const char *e = strchrnul(s, '/');
		size_t n = (size_t)(e - s);
		if (n == 0)
			break;
		if (n == 1 && s[0] == '.') {
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (out > 0 && p[out] != '/')
				out--;
			p[out] = '\0';
		} else {
			p[out++] = '/';
			memmove(p + out, s, n);
			out += n;
		}
		s = e;
	}
	p[out] = '\0';
	return out;
}

/*
 * The pool's path made absolute now: the pool opens later, maybe after the
 * program changed its directory.
 */
static char *mount_absolute(const char *path)
{
	char cwd[PMEMFILE_PATH_MAX];
	char *abs;

	if (path[0] == '/' ||
	    syscall_no_intercept(SYS_getcwd, cwd, sizeof(cwd)) < 0)
		return strdup(path);
	if (asprintf(&abs, "%s/%s", cwd, path) < 0)
		return NULL;
	return abs;
}

static void mount_add(char *entry)
{
	char *colon = strchr(entry, ':');

	if (colon == NULL || colon == entry || colon[1] == '\0') {
		mount_complain("PMEMFILE_POOLS: \"%s\" is not mount:pool, "
			       "ignored",
			       entry);
		return;
	}
	*colon = '\0';
	if (mount_count == MOUNT_MAX) {
		mount_complain("PMEMFILE_POOLS: too many mounts, \"%s\" "
			       "ignored",
			       entry);
		return;
	}
	struct preload_mount *m = &mount_table[mount_count];
	m->path = strdup(entry);
	m->pool_path = mount_absolute(colon + 1);
	if (m->path == NULL || m->pool_path == NULL)
		return;
	m->path_len = mount_canonical(m->path);
	if (m->path_len == 0) {
		mount_complain("PMEMFILE_POOLS: mount point \"%s\" must be an "
			       "absolute path other than /, ignored",
			       entry);
		return;
	}
	if (mount_find_exact(m->path, m->path_len) != NULL) {
		mount_complain("PMEMFILE_POOLS: \"%s\" is mounted twice, the "
			       "second ignored",
			       m->path);
		return;
	}
	m->last = strrchr(m->path, '/') + 1;
	m->last_len = strlen(m->last);
	pthread_mutex_init(&m->open_lock, NULL);
	mount_count++;
}

/*
 * PMEMFILE_POOLS with every pool path absolute, for the programs this one
 * starts (which may start elsewhere).
 */
static void mount_export(void)
{
	size_t size = 1;

	for (int i = 0; i < mount_count; ++i)
		size += mount_table[i].path_len +
			strlen(mount_table[i].pool_path) + 2;
	char *env = malloc(size);
	if (env == NULL)
		return;
	env[0] = '\0';
	for (int i = 0; i < mount_count; ++i) {
		if (i > 0)
			strcat(env, ";");
		strcat(env, mount_table[i].path);
		strcat(env, ":");
		strcat(env, mount_table[i].pool_path);
	}
	setenv("PMEMFILE_POOLS", env, 1);
	free(env);
}

void mount_init(const char *pools)
{
	char *copy = strdup(pools);
	char *save = NULL;

	if (copy == NULL)
		return;
	for (char *e = strtok_r(copy, ";", &save); e != NULL;
	     e = strtok_r(NULL, ";", &save))
		mount_add(e);
	free(copy);
	if (mount_count > 0)
		mount_export();
}

struct preload_mount *mount_find_exact(const char *path, size_t len)
{
	for (int i = 0; i < mount_count; ++i) {
		struct preload_mount *m = &mount_table[i];
		if (m->path_len == len && memcmp(m->path, path, len) == 0 &&
		    !m->failed)
			return m;
	}
	return NULL;
}

struct preload_mount *mount_find_prefix(const char *path)
{
	for (int i = 0; i < mount_count; ++i) {
		struct preload_mount *m = &mount_table[i];
		if (strncmp(path, m->path, m->path_len) == 0 &&
		    (path[m->path_len] == '/' || path[m->path_len] == '\0') &&
		    !m->failed)
			return m;
	}
	return NULL;
}

bool mount_is_last_component(const char *name, size_t len)
{
	for (int i = 0; i < mount_count; ++i) {
		struct preload_mount *m = &mount_table[i];
		if (m->last_len == len && memcmp(m->last, name, len) == 0)
			return true;
	}
	return false;
}

/*
 * The device number the pool's files show: one of their own per mount, as
 * for any other file system. With the pool file's device, a pool inode
 * could have the device and inode numbers of a kernel file, and programs
 * that compare those (cp, tar, find, du) would take one for the other.
 * Major 4094 is not given to real devices.
 */
#define MOUNT_DEV_MAJOR 4094

/* How long a pool locked by another process is waited for, in all. */
#define MOUNT_BUSY_WAIT_MS 2000

/*
 * Opens the pool; a pool locked by another process (a parent that has not
 * released it yet) is tried again for a while.
 */
static PMEMfilepool *mount_open_pool(struct preload_mount *m)
{
	long waited = 0, delay = 1;

	for (;;) {
		PMEMfilepool *pfp = pmemfile_pool_open(m->pool_path);
		if (pfp != NULL || (errno != EAGAIN && errno != EWOULDBLOCK) ||
		    waited >= MOUNT_BUSY_WAIT_MS)
			return pfp;
		struct timespec ts = {0, delay * 1000000};
		syscall_no_intercept(SYS_nanosleep, &ts, 0L);
		waited += delay;
		if (delay < 64)
			delay *= 2;
	}
}

static int mount_open(struct preload_mount *m)
{
	if (pmemobj_lazy_load() != 0) {
		m->failed = 1;
		mount_complain("cannot load libpmemobj.so.1 to open %s",
			       m->pool_path);
		return -ENOENT;
	}
	PMEMfilepool *pfp = mount_open_pool(m);

	if (pfp == NULL && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		/* locked by another process: refuse this use, keep the mount */
		log_printf("%s is in use by another process: EIO",
			   m->pool_path);
		if (!m->busy_reported)
			mount_complain("the pool %s is in use by another "
				       "process: calls under its mount fail "
				       "with EIO",
				       m->pool_path);
		m->busy_reported = 1;
		return -EIO;
	}
	if (pfp == NULL) {
		const char *msg = pmemfile_errormsg();
		char detail[PMEMFILE_PATH_MAX + 256];
		snprintf(detail, sizeof(detail),
			 "%s: %s; the mount %s is ignored", m->pool_path,
			 msg && *msg ? msg : strerror(errno), m->path);
		m->failed = 1;
		mount_complain("cannot open the pool %s", detail);
		return -ENOENT;
	}
	pmemfile_pool_set_device(
	    pfp, makedev(MOUNT_DEV_MAJOR, (unsigned)(m - mount_table)));
	cred_apply(pfp);
	/* another process may have renamed directories while it was closed */
	path_names_changed();
	m->owner = preload_pid;
	atomic_store_explicit(&m->pfp, pfp, memory_order_release);
	if (log_enabled())
		log_printf("mounted %s at %s", m->pool_path, m->path);
	return 0;
}

static int mount_wrong_process(struct preload_mount *m)
{
	if (log_enabled())
		log_printf("%s is held by process %d: refused in %s", m->path,
			   (int)m->owner,
			   preload_in_vfork ? "a vfork child" : "a fork child");
	return preload_in_vfork ? -ENOTSUP : -EIO;
}

/* The slow way in: open the pool if needed, under the mount's lock. */
static int pool_acquire_locked(struct preload_mount *m, PMEMfilepool **pfp)
{
	int ret = 0;

	pthread_mutex_lock(&m->open_lock);
	if (m->failed)
		ret = -ENOENT;
	else if (m->pfp == NULL)
		ret = mount_open(m);
	else if (m->owner != preload_pid)
		ret = mount_wrong_process(m);
	if (ret == 0) {
		atomic_fetch_add(&m->users, 1);
		*pfp = m->pfp;
	}
	pthread_mutex_unlock(&m->open_lock);
	return ret;
}

/*
 * Lock-free when the pool is open: the count of users goes up before
 * closing is looked at, and mount_release_idle sets closing before it
 * looks at the count (both sequentially consistent), so one of them
 * always sees the other.
 */
int pool_acquire(struct preload_mount *m, PMEMfilepool **pfp)
{
	preload_routed = 1;
	if (preload_in_vfork)
		return mount_wrong_process(m);
	atomic_fetch_add(&m->users, 1);
	PMEMfilepool *p = atomic_load(&m->pfp);
	if (p != NULL && !atomic_load(&m->closing)) {
		if (m->owner != preload_pid) {
			atomic_fetch_sub(&m->users, 1);
			return mount_wrong_process(m);
		}
		*pfp = p;
		return 0;
	}
	atomic_fetch_sub(&m->users, 1);
	return pool_acquire_locked(m, pfp);
}

void pool_release(struct preload_mount *m)
{
	atomic_fetch_sub(&m->users, 1);
}

int pool_file_acquire(struct preload_mount *m, PMEMfilepool **pfp)
{
	preload_routed = 1;
	PMEMfilepool *p = atomic_load_explicit(&m->pfp, memory_order_acquire);

	if (p == NULL || m->owner != preload_pid || preload_in_vfork)
		return mount_wrong_process(m);
	*pfp = p;
	return 0;
}

void mount_file_opened(struct preload_mount *m)
{
	atomic_fetch_add(&m->files, 1);
}

void mount_file_closed(struct preload_mount *m)
{
	atomic_fetch_sub(&m->files, 1);
}

static void mount_release(struct preload_mount *m)
{
	pthread_mutex_lock(&m->open_lock);
	PMEMfilepool *p = m->pfp;
	if (p != NULL && m->owner == preload_pid) {
		atomic_store(&m->closing, 1);
		if (atomic_load(&m->users) == 0 &&
		    atomic_load(&m->files) == 0) {
			atomic_store(&m->pfp, NULL);
			pmemfile_pool_close(p);
			if (log_enabled())
				log_printf("released %s", m->pool_path);
		}
		atomic_store(&m->closing, 0);
	}
	pthread_mutex_unlock(&m->open_lock);
}

void mount_release_idle(void)
{
	if (preload_in_vfork)
		return;
	for (int i = 0; i < mount_count; ++i)
		if (atomic_load(&mount_table[i].pfp) != NULL)
			mount_release(&mount_table[i]);
}

void mount_for_each_open(void (*fn)(PMEMfilepool *pfp, void *arg), void *arg)
{
	if (preload_in_vfork)
		return;
	for (int i = 0; i < mount_count; ++i) {
		struct preload_mount *m = &mount_table[i];
		/* as pool_acquire, but a closed pool is left closed */
		atomic_fetch_add(&m->users, 1);
		PMEMfilepool *p = atomic_load(&m->pfp);
		if (p != NULL && !atomic_load(&m->closing) &&
		    m->owner == preload_pid)
			fn(p, arg);
		atomic_fetch_sub(&m->users, 1);
	}
}

/*
 * fork: no lock of the shim may be held by another thread when the child
 * is made, or the child would wait for it forever.
 */
void mount_fork_prepare(void)
{
	for (int i = 0; i < mount_count; ++i)
		pthread_mutex_lock(&mount_table[i].open_lock);
}

void mount_fork_done(void)
{
	for (int i = mount_count - 1; i >= 0; --i)
		pthread_mutex_unlock(&mount_table[i].open_lock);
}

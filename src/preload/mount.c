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

static PMEMfilepool *mount_open(struct preload_mount *m, int *err)
{
	/*
	 * libpmemobj's lock on the pool file is held for long only by a
	 * process that does not share the pool (an older library, the
	 * pmemfile command's check); the library waits a while for it.
	 */
	PMEMfilepool *pfp = pmemfile_pool_open(m->pool_path);

	if (pfp == NULL && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		log_printf("%s is locked by a process that does not share "
			   "it: EIO",
			   m->pool_path);
		if (!m->busy_reported)
			mount_complain("the pool %s is locked by a process "
				       "that does not share it: calls under "
				       "its mount fail with EIO",
				       m->pool_path);
		m->busy_reported = 1;
		*err = -EIO;
		return NULL;
	}
	if (pfp == NULL) {
		const char *msg = pmemfile_errormsg();
		char detail[PMEMFILE_PATH_MAX + 256];
		snprintf(detail, sizeof(detail),
			 "%s: %s; the mount %s is ignored", m->pool_path,
			 msg && *msg ? msg : strerror(errno), m->path);
		m->failed = 1;
		mount_complain("cannot open the pool %s", detail);
		*err = -ENOENT;
		return NULL;
	}
	pmemfile_pool_set_device(
	    pfp, makedev(MOUNT_DEV_MAJOR, (unsigned)(m - mount_table)));
	cred_apply(pfp);
	/* another process may have renamed directories meanwhile */
	path_names_changed();
	if (log_enabled())
		log_printf("mounted %s at %s", m->pool_path, m->path);
	return pfp;
}

/*
 * A vfork child shares its parent's memory: a pool its parent has not
 * opened is opened into a handle of the child's own, never stored in the
 * mount table the parent goes on with.
 */
static __thread PMEMfilepool *vfork_pools[MOUNT_MAX]
    __attribute__((tls_model("initial-exec")));

void mount_vfork_done(void)
{
	for (int i = 0; i < MOUNT_MAX; ++i)
		vfork_pools[i] = NULL;
}

/* The slow way in: open the pool, under the mount's lock. */
static int pool_acquire_locked(struct preload_mount *m, PMEMfilepool **pfp)
{
	int ret = 0;

	if (preload_in_vfork) {
		PMEMfilepool **v = &vfork_pools[m - mount_table];
		if (*v == NULL && !m->failed)
			*v = mount_open(m, &ret);
		*pfp = *v;
		return *v ? 0 : (ret ? ret : -ENOENT);
	}
	pthread_mutex_lock(&m->open_lock);
	if (m->failed)
		ret = -ENOENT;
	else if (m->pfp == NULL) {
		PMEMfilepool *p = mount_open(m, &ret);
		if (p != NULL)
			atomic_store_explicit(&m->pfp, p, memory_order_release);
	}
	*pfp = m->pfp;
	pthread_mutex_unlock(&m->open_lock);
	return ret;
}

/*
 * Lock-free once the pool is open: a handle lives as long as the process
 * (in a process that is not the pool's holder its calls go to the holder).
 */
int pool_acquire(struct preload_mount *m, PMEMfilepool **pfp)
{
	preload_routed = 1;
	PMEMfilepool *p = atomic_load_explicit(&m->pfp, memory_order_acquire);
	if (p != NULL) {
		*pfp = p;
		return 0;
	}
	return pool_acquire_locked(m, pfp);
}

void pool_release(struct preload_mount *m)
{
	(void)m;
}

int pool_file_acquire(struct preload_mount *m, PMEMfilepool **pfp)
{
	return pool_acquire(m, pfp);
}

void mount_for_each_open(void (*fn)(PMEMfilepool *pfp, void *arg), void *arg)
{
	if (preload_in_vfork)
		return;
	for (int i = 0; i < mount_count; ++i) {
		PMEMfilepool *p = atomic_load(&mount_table[i].pfp);
		if (p != NULL)
			fn(p, arg);
	}
}

static void mount_handover(PMEMfilepool *pfp, void *arg)
{
	(void)arg;
	pmemfile_pool_handover(pfp);
}

void mount_exec_prepare(void)
{
	mount_for_each_open(mount_handover, NULL);
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

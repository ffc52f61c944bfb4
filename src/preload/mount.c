/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mount.c -- PMEMFILE_POOLS=mount:pool[;mount:pool...] and the gate.
 *
 * Pools open lazily, on the first use of a path under their mount point, so
 * a process that never touches a mount never pays for its pool. A pool that
 * cannot be opened is reported once, and every call under its mount fails
 * with EIO from then on: the kernel's directory behind the mount point is
 * never used instead. PMEMFILE_EXIT_ON_NOT_SUPPORTED=1 stops the program
 * at the report instead.
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
#include "env.h"
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

	if (colon == NULL || colon == entry) {
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
	bool no_pool = colon[1] == '\0';
	m->path = strdup(entry);
	m->pool_path = no_pool ? strdup("") : mount_absolute(colon + 1);
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
	if (no_pool) {
		/* the mount point is known: its paths are not the kernel's */
		m->failed_file.err = ENOENT;
		m->failed_reported = 1;
		atomic_store(&m->failed, 1);
		mount_complain("PMEMFILE_POOLS: the mount %s names no pool: "
			       "calls under it fail with EIO",
			       m->path);
	}
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
	(void)env_set("PMEMFILE_POOLS", env);
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
		if (m->path_len == len && memcmp(m->path, path, len) == 0)
			return m;
	}
	return NULL;
}

struct preload_mount *mount_find_prefix(const char *path)
{
	for (int i = 0; i < mount_count; ++i) {
		struct preload_mount *m = &mount_table[i];
		if (strncmp(path, m->path, m->path_len) == 0 &&
		    (path[m->path_len] == '/' || path[m->path_len] == '\0'))
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

static time_t mount_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec;
}

/* What stat says of the pool file: enough to see that it changed. */
static void mount_file_id(const char *path, struct mount_file_id *id)
{
	struct stat st;
	long r = syscall_no_intercept(SYS_stat, path, &st);

	memset(id, 0, sizeof(*id));
	if (r < 0) {
		id->err = (int)-r;
		return;
	}
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->size = st.st_size;
	id->ctime = st.st_ctim;
}

static bool mount_file_same(const struct mount_file_id *a,
			    const struct mount_file_id *b)
{
	return a->err == b->err && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->ctime.tv_sec == b->ctime.tv_sec &&
	       a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/*
 * Whether a pool that could not be opened is to be tried again: only when
 * its file changed since (made, replaced, written by mkfs.pmemfile, given
 * other permissions), looked at no more than once a second. An open that
 * failed may have cost much (libpmemobj loaded, a damaged pool mapped and
 * checked); the calls under the mount meanwhile fail at once.
 */
static bool mount_retry_due(struct preload_mount *m)
{
	time_t now = mount_now();

	if (now == m->failed_checked)
		return false;
	m->failed_checked = now;
	struct mount_file_id id;
	mount_file_id(m->pool_path, &id);
	return !mount_file_same(&id, &m->failed_file);
}

/*
 * Why the pool file cannot be opened, in words: what the file is, when
 * that says it (missing, a directory, closed to this user), else what the
 * library found in it.
 */
static void mount_failure_reason(const struct preload_mount *m, int err,
				 char *buf, size_t size)
{
	struct stat st;
	const char *msg = pmemfile_errormsg();
	long r = syscall_no_intercept(SYS_stat, m->pool_path, &st);

	if (r == 0 && S_ISDIR(st.st_mode))
		r = -EISDIR;
	else if (r == 0)
		r = syscall_no_intercept(SYS_access, m->pool_path, R_OK | W_OK);
	if (r < 0) {
		snprintf(buf, size, "%s", strerror((int)-r));
		return;
	}
	if (msg == NULL || *msg == '\0') {
		snprintf(buf, size, "%s", strerror(err));
		return;
	}
	/* the message names the pool, which the report names already */
	size_t n = strlen(m->pool_path);
	if (strncmp(msg, "cannot open pool ", 17) == 0)
		msg += 17;
	if (strncmp(msg, m->pool_path, n) == 0 && msg[n] == ':')
		msg += n + 1 + (msg[n + 1] == ' ');
	snprintf(buf, size, "%s", msg);
}

/*
 * The pool of m could not be opened: it is remembered (see mount_retry_due)
 * and said once per process, on standard error and in the log; each
 * attempt is logged.
 */
static void mount_failed(struct preload_mount *m, int err)
{
	char reason[PMEMFILE_PATH_MAX + 256];
	char detail[2 * PMEMFILE_PATH_MAX + 512];

	mount_failure_reason(m, err, reason, sizeof(reason));
	mount_file_id(m->pool_path, &m->failed_file);
	m->failed_checked = mount_now();
	atomic_store(&m->failed, 1);
	snprintf(detail, sizeof(detail),
		 "%s (%s): calls under its mount %s fail with EIO",
		 m->pool_path, reason, m->path);
	if (m->failed_reported) {
		log_printf("cannot open the pool %s", detail);
		return;
	}
	m->failed_reported = 1;
	mount_complain("cannot open the pool %s", detail);
}

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
		mount_failed(m, errno);
		*err = -EIO;
		return NULL;
	}
	atomic_store(&m->failed, 0);
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
	/*
	 * The handles the child opened live in this memory and are known to
	 * the library of this process: closed here (the library leaves what
	 * belongs to the child's process alone), or the parent's own open of
	 * the pool would be refused as a second one (EAGAIN).
	 */
	for (int i = 0; i < MOUNT_MAX; ++i) {
		if (vfork_pools[i] != NULL)
			pmemfile_pool_close(vfork_pools[i]);
		vfork_pools[i] = NULL;
	}
}

/* The slow way in: open the pool, under the mount's lock. */
static int pool_acquire_locked(struct preload_mount *m, PMEMfilepool **pfp)
{
	int ret = 0;

	if (preload_in_vfork) {
		PMEMfilepool **v = &vfork_pools[m - mount_table];
		if (*v == NULL && (!m->failed || mount_retry_due(m)))
			*v = mount_open(m, &ret);
		*pfp = *v;
		return *v ? 0 : (ret ? ret : -EIO);
	}
	pthread_mutex_lock(&m->open_lock);
	if (m->pfp == NULL && m->failed && !mount_retry_due(m))
		ret = -EIO;
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

/* Adds the descriptors the library keeps for pfp to the set in arg. */
static void own_fds_add(PMEMfilepool *pfp, void *arg)
{
	struct mount_own_fds *o = arg;
	int room = MOUNT_OWN_FDS_MAX - o->n;
	int n = pmemfile_pool_own_fds(pfp, o->fd + o->n, room);
	if (n > 0)
		o->n += n < room ? n : room;
}

void mount_own_fds(struct mount_own_fds *o)
{
	o->n = 0;
	mount_for_each_open(own_fds_add, o);
}

bool mount_fd_is_own(long fd)
{
	struct mount_own_fds o;

	if (fd < 0)
		return false;
	mount_own_fds(&o);
	for (int i = 0; i < o.n; ++i)
		if (o.fd[i] == fd)
			return true;
	return false;
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

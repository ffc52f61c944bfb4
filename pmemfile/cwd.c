// SPDX-License-Identifier: BSD-3-Clause
/*
 * cwd.c -- the pool's current directory, directory paths and
 * pmemfile_open_parent.
 */
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "cred.h"
#include "dir.h"
#include "file.h"
#include "walk.h"
#include "remote.h"
#include "share.h"
#include "shim_calls.h"

static int set_cwd(PMEMfilepool *pfp, struct vinode *v)
{
	if (!vinode_is_dir(v))
		return -ENOTDIR;
	int r = perm_check(pfp, v->inode, PERM_X, false);
	if (r)
		return r;
	vinode_ref(pfp, v);
	pthread_rwlock_wrlock(&pfp->cred_lock);
	struct vinode *old = pfp->cwd;
	pfp->cwd = v;
	pthread_rwlock_unlock(&pfp->cred_lock);
	vinode_put(pfp, old);
	return 0;
}

int pmemfile_chdir(PMEMfilepool *pfp, const char *path)
{
	GATE_PASS();
	if (pf_remote(pfp))
		return remote_chdir(pfp, NULL, path);
	int r = pool_check(pfp);
	struct vinode *v = NULL;
	if (r == 0)
		r = walk_path(pfp, PMEMFILE_AT_CWD, path, true, &v);
	if (r == 0) {
		r = set_cwd(pfp, v);
		vinode_put(pfp, v);
	}
	return (int)pf_ret(r);
}

int pmemfile_chdir_ino(PMEMfilepool *pfp, const char *path, uint64_t *ino)
{
	pfp->ccwd_ino = 0;
	if (pmemfile_chdir(pfp, path) != 0)
		return -1;
	/* the keeper's answer named it (remote_chdir) */
	*ino = pfp->ccwd_ino;
	pmemfile_stat_t st;
	if (*ino == 0 && pmemfile_lstat(pfp, path, &st) == 0)
		*ino = st.st_ino;
	return 0;
}

int pmemfile_cwd_adopt(PMEMfilepool *pfp, const char *path, uint64_t *ino)
{
	size_t n = strlen(path);
	*ino = 0;
	if (!pf_remote(pfp) || path[0] != '/' || n >= sizeof(pfp->ccwd))
		return pmemfile_chdir_ino(pfp, path, ino);
	memcpy(pfp->ccwd, path, n + 1);
	return 0;
}

int pmemfile_fchdir(PMEMfilepool *pfp, PMEMfile *dir)
{
	GATE_PASS();
	if (pf_route(pfp, dir))
		return remote_chdir(pfp, dir, NULL);
	int r = pool_check(pfp);
	if (r == 0)
		r = file_check(dir);
	if (r == 0)
		r = set_cwd(pfp, dir->vinode);
	return (int)pf_ret(r);
}

/* The name of the directory child in its parent (linear search). */
static int name_in_parent(PMEMfilepool *pfp, struct vinode *parent,
			  uint64_t child, char *name)
{
	vinode_rdlock(parent);
	uint64_t pos = 0;
	struct pmemfile_dirent *d;
	int r = -ENOENT;
	while ((d = dir_next(pfp, parent, &pos)) != NULL) {
		if (d->ino == child &&
		    dir_record_check(pfp, parent, d, pos) == 0) {
			memcpy(name, d->name, d->namelen);
			name[d->namelen] = '\0';
			r = d->namelen;
			break;
		}
		pos += dir_record_slots(d, pos);
	}
	vinode_unlock(parent);
	return r;
}

/*
 * Builds the path of dir from the root of its tree (root 0, or another
 * of pmemfile_open_root's), right-aligned in out[size].
 */
static int dir_path(PMEMfilepool *pfp, struct vinode *dir, char *out,
		    size_t size, size_t *start)
{
	char name[PMEMFILE_NAME_MAX + 1];
	size_t p = size;
	out[--p] = '\0';
	struct vinode *v = vinode_ref(pfp, dir);
	int r = 0;
	if (v->inode->nlink == 0)
		r = -ENOENT;
	while (r == 0 && v != pfp->root) {
		vinode_rdlock(v);
		uint64_t parent = v->inode->dir.parent;
		vinode_unlock(v);
		if (parent == v->off)
			break; /* a root of its own tree */
		struct vinode *pv = vinode_get(pfp, parent);
		if (!pv) {
			r = -errno;
			break;
		}
		int len = name_in_parent(pfp, pv, v->off, name);
		vinode_put(pfp, v);
		v = pv;
		if (len < 0) {
			r = len;
		} else if ((size_t)len + 1 > p) {
			r = -ERANGE;
		} else {
			p -= (size_t)len;
			memcpy(out + p, name, (size_t)len);
			out[--p] = '/';
		}
	}
	vinode_put(pfp, v);
	if (r == 0 && p == size - 1) {
		if (p == 0)
			return -ERANGE;
		out[--p] = '/';
	}
	*start = p;
	return r;
}

static char *path_to_user(PMEMfilepool *pfp, struct vinode *dir, char *buf,
			  size_t size)
{
	size_t cap = PMEMFILE_PATH_MAX;
	char *tmp = malloc(cap);
	if (!tmp) {
		errno = ENOMEM;
		return NULL;
	}
	size_t start;
	int r = dir_path(pfp, dir, tmp, cap, &start);
	size_t len = cap - start;
	if (r == 0 && buf && size < len)
		r = -ERANGE;
	if (r == 0 && !buf && size && size < len)
		r = -ERANGE;
	if (r) {
		free(tmp);
		errno = -r;
		return NULL;
	}
	if (!buf) {
		buf = malloc(size > len ? size : len);
		if (!buf) {
			free(tmp);
			errno = ENOMEM;
			return NULL;
		}
	}
	memcpy(buf, tmp + start, len);
	free(tmp);
	return buf;
}

char *pmemfile_getcwd(PMEMfilepool *pfp, char *buf, size_t size)
{
	GATE_PASS();
	if (pf_remote(pfp))
		return remote_getcwd(pfp, buf, size);
	if (!pfp) {
		errno = EFAULT;
		return NULL;
	}
	if (buf && size == 0) {
		errno = EINVAL;
		return NULL;
	}
	pthread_rwlock_rdlock(&pfp->cred_lock);
	struct vinode *cwd = vinode_ref(pfp, pfp->cwd);
	pthread_rwlock_unlock(&pfp->cred_lock);
	char *r = path_to_user(pfp, cwd, buf, size);
	vinode_put(pfp, cwd);
	return r;
}

char *pmemfile_get_dir_path(PMEMfilepool *pfp, PMEMfile *dir, char *buf,
			    size_t size)
{
	GATE_PASS();
	if (pf_route(pfp, dir))
		return remote_dir_path(pfp, dir, buf, size);
	if (!pfp) {
		errno = EFAULT;
		return NULL;
	}
	if (dir == PMEMFILE_AT_CWD)
		return pmemfile_getcwd(pfp, buf, size);
	if (!dir) {
		errno = EBADF;
		return NULL;
	}
	if (!vinode_is_dir(dir->vinode)) {
		errno = ENOTDIR;
		return NULL;
	}
	if (buf && size == 0) {
		errno = EINVAL;
		return NULL;
	}
	return path_to_user(pfp, dir->vinode, buf, size);
}

/* Writes what is left to resolve back into the caller's buffer. */
static int put_rest(char *path, size_t size, const char *rest, size_t len)
{
	if (len + 1 > size)
		return -ENAMETOOLONG;
	memmove(path, rest, len);
	path[len] = '\0';
	return 0;
}

static int do_open_parent(PMEMfilepool *pfp, PMEMfile *at, char *path,
			  size_t size, int flags, PMEMfile **out)
{
	if (!path)
		return -EFAULT;
	if (flags & ~(PMEMFILE_OPEN_PARENT_STOP_AT_ROOT |
		      PMEMFILE_OPEN_PARENT_SYMLINK_FOLLOW |
		      PMEMFILE_OPEN_PARENT_ACCESS_MASK))
		return -EINVAL;
	/* the access mask's own value names no access check */
	if ((flags & PMEMFILE_OPEN_PARENT_ACCESS_MASK) ==
	    PMEMFILE_OPEN_PARENT_ACCESS_MASK)
		return -EINVAL;
	struct vinode *start;
	int r = walk_start(pfp, at, path, &start);
	if (r)
		return r;
	struct walk w;
	w.stop_at_root = flags & PMEMFILE_OPEN_PARENT_STOP_AT_ROOT;
	w.stop_at_missing = true;
	r = walk_parent(&w, pfp, start, path);
	struct vinode *last = NULL;
	if (r == 0 && !w.stopped &&
	    (flags & PMEMFILE_OPEN_PARENT_SYMLINK_FOLLOW)) {
		/* resolve symlinks in the last component; keep the name */
		r = walk_last(&w, true, &last);
		vinode_put(pfp, last);
	}
	if (r == 0 && !w.stopped && w.namelen > PMEMFILE_NAME_MAX)
		r = -ENAMETOOLONG;
	if (r == 0 && w.stopped)
		r = put_rest(path, size, w.rest, strlen(w.rest));
	else if (r == 0)
		r = put_rest(path, size, w.name,
			     w.namelen + (w.trailing_slash ? 1 : 0));
	if (r == 0) {
		*out =
		    file_new(pfp, vinode_ref(pfp, w.dir), O_PATH | O_DIRECTORY);
		if (!*out) {
			vinode_put(pfp, w.dir);
			r = -ENOMEM;
		}
	}
	walk_done(&w);
	return r;
}

PMEMfile *pmemfile_open_parent(PMEMfilepool *pfp, PMEMfile *at, char *path,
			       size_t path_size, int flags)
{
	GATE_PASS();
	if (pf_remote(pfp)) {
		pf_set_errormsg("pmemfile_open_parent is not supported in a "
				"process that does not hold the pool");
		errno = ENOTSUP;
		return NULL;
	}
	PMEMfile *f = NULL;
	int r = pool_check(pfp);
	if (r == 0)
		r = do_open_parent(pfp, at, path, path_size, flags, &f);
	if (r) {
		errno = -r;
		return NULL;
	}
	return f;
}

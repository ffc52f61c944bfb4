// SPDX-License-Identifier: BSD-3-Clause
/*
 * walk.c -- path resolution.
 *
 * The walk holds one directory lock at a time (never two), so it cannot
 * deadlock with operations that lock several directories.
 */
#include <string.h>

#include "cred.h"
#include "dir.h"
#include "file.h"
#include "walk.h"

const char *symlink_target(PMEMfilepool *pfp, struct pmemfile_inode *in)
{
	if (inode_size(in) < PMEMFILE_SYMLINK_INLINE)
		return in->target;
	return pf_ptr(pfp, *(const uint64_t *)in->target);
}

int walk_start(PMEMfilepool *pfp, PMEMfile *at, const char *path,
	       struct vinode **start)
{
	if (!path)
		return -EFAULT;
	if (path[0] == '\0')
		return -ENOENT;
	if (path[0] == '/') {
		*start = vinode_ref(pfp, pfp->root);
		return 0;
	}
	if (at == PMEMFILE_AT_CWD) {
		pthread_rwlock_rdlock(&pfp->cred_lock);
		*start = vinode_ref(pfp, pfp->cwd);
		pthread_rwlock_unlock(&pfp->cred_lock);
		return 0;
	}
	if (!at || (intptr_t)at < 0) /* a client's handle (remote.h) */
		return -EBADF;
	if (!vinode_is_dir(at->vinode))
		return -ENOTDIR;
	*start = vinode_ref(pfp, at->vinode);
	return 0;
}

int walk_lookup(PMEMfilepool *pfp, struct vinode *dir, const char *name,
		size_t len, struct vinode **child)
{
	*child = NULL;
	if (len == 1 && name[0] == '.') {
		*child = vinode_ref(pfp, dir);
		return 0;
	}
	vinode_rdlock(dir);
	uint64_t ino;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		ino = dir->inode->dir.parent;
	else
		ino = dir_lookup_inode(pfp, dir, name, len,
				       dir_name_hash(name, len));
	/* the reference is taken under the lock: see unlink */
	int err = 0;
	if (ino) {
		*child = vinode_get(pfp, ino);
		err = *child ? 0 : errno;
	}
	vinode_unlock(dir);
	if (err)
		return -err;
	return 0;
}

/* Replaces the unresolved path by target + "/" + rest. */
static int splice_link(struct walk *w, const char *target, const char *rest)
{
	size_t tl = strlen(target), rl = strlen(rest);
	if (tl == 0)
		return -ENOENT;
	if (tl + 1 + rl > PMEMFILE_PATH_MAX)
		return -ENAMETOOLONG;
	memmove(w->buf + tl + (rl ? 1 : 0), rest, rl + 1);
	memcpy(w->buf, target, tl);
	if (rl)
		w->buf[tl] = '/';
	return 0;
}

__thread bool walk_no_links __attribute__((tls_model("initial-exec")));

/* Follows the symlink link (a reference, dropped) met before rest. */
static int follow_link(struct walk *w, struct vinode *link, const char *rest)
{
	PMEMfilepool *pfp = w->pfp;
	int r = 0;
	if (++w->nlinks > WALK_MAX_LINKS)
		r = -ELOOP;
	vinode_rdlock(link);
	if (r == 0)
		r = splice_link(w, symlink_target(pfp, link->inode), rest);
	vinode_unlock(link);
	vinode_put(pfp, link);
	if (r == 0 && w->buf[0] == '/') {
		if (w->stop_at_root) {
			w->stopped = true;
			w->rest = w->buf;
			return 0;
		}
		vinode_put(pfp, w->dir);
		w->dir = vinode_ref(pfp, pfp->root);
	}
	return r;
}

/* Resolves w->buf up to its last component, from w->dir. */
static int walk_buf(struct walk *w)
{
	PMEMfilepool *pfp = w->pfp;
	char *p = w->buf;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0') {
			/* only slashes: "/" itself */
			w->name = ".";
			w->namelen = 1;
			w->trailing_slash = true;
			w->last_root = true;
			return 0;
		}
		char *e = p;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - p);
		char *next = e;
		while (*next == '/')
			next++;
		/* a last name too long fails where it is looked up or made,
		 * as in the kernel: after the other path of a rename */
		if (*next == '\0') {
			w->name = p;
			w->namelen = len;
			w->trailing_slash = *e == '/';
			w->last_root = false;
			return 0;
		}
		if (len > PMEMFILE_NAME_MAX)
			return -ENAMETOOLONG;
		int r = perm_check(pfp, w->dir->inode, 1, false);
		if (r)
			return r;
		bool dotdot = len == 2 && p[0] == '.' && p[1] == '.';
		if (dotdot && w->dir == pfp->root && w->stop_at_root) {
			w->stopped = true;
			w->rest = p;
			return 0;
		}
		struct vinode *child;
		r = walk_lookup(pfp, w->dir, p, len, &child);
		if (r)
			return r;
		if (!child && w->stop_at_missing) {
			w->stopped = true;
			w->rest = p;
			return 0;
		}
		if (!child)
			return -ENOENT;
		if (vinode_is_lnk(child) && walk_no_links) {
			vinode_put(pfp, child);
			return -ELOOP;
		}
		if (vinode_is_lnk(child)) {
			r = follow_link(w, child, next);
			if (r || w->stopped)
				return r;
			p = w->buf;
			continue;
		}
		if (!vinode_is_dir(child)) {
			vinode_put(pfp, child);
			return -ENOTDIR;
		}
		vinode_put(pfp, w->dir);
		w->dir = child;
		p = next;
	}
}

int walk_parent(struct walk *w, PMEMfilepool *pfp, struct vinode *start,
		const char *path)
{
	w->pfp = pfp;
	w->dir = start;
	w->nlinks = 0;
	w->stopped = false;
	w->rest = NULL;
	w->name = NULL;
	w->last_root = false;
	size_t len = strnlen(path, PMEMFILE_PATH_MAX + 1);
	if (len >= PMEMFILE_PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0)
		return -ENOENT;
	memcpy(w->buf, path, len + 1);
	return walk_buf(w);
}

int walk_last(struct walk *w, bool follow, struct vinode **child)
{
	PMEMfilepool *pfp = w->pfp;
	for (;;) {
		*child = NULL;
		int r = perm_check(pfp, w->dir->inode, 1, false);
		if (r)
			return r;
		if (w->namelen == 2 && w->name[0] == '.' && w->name[1] == '.' &&
		    w->dir == pfp->root && w->stop_at_root) {
			w->stopped = true;
			w->rest = w->name;
			return 0;
		}
		if (w->namelen > PMEMFILE_NAME_MAX)
			return -ENAMETOOLONG;
		struct vinode *c;
		r = walk_lookup(pfp, w->dir, w->name, w->namelen, &c);
		if (r || !c)
			return r;
		if (vinode_is_lnk(c) && (follow || w->trailing_slash)) {
			const char *rest = w->trailing_slash ? "/" : "";
			char tail[2];
			strcpy(tail, rest);
			r = follow_link(w, c, tail);
			if (r || w->stopped)
				return r;
			r = walk_buf(w);
			if (r || w->stopped)
				return r;
			continue;
		}
		if (w->trailing_slash && !vinode_is_dir(c)) {
			vinode_put(pfp, c);
			return -ENOTDIR;
		}
		*child = c;
		return 0;
	}
}

void walk_done(struct walk *w)
{
	if (w->dir)
		vinode_put(w->pfp, w->dir);
	w->dir = NULL;
}

int walk_path(PMEMfilepool *pfp, PMEMfile *at, const char *path, bool follow,
	      struct vinode **out)
{
	struct vinode *start;
	int r = walk_start(pfp, at, path, &start);
	if (r)
		return r;
	struct walk w;
	w.stop_at_root = false;
	w.stop_at_missing = false;
	r = walk_parent(&w, pfp, start, path);
	if (r == 0) {
		r = walk_last(&w, follow, out);
		if (r == 0 && !*out)
			r = -ENOENT;
	}
	walk_done(&w);
	return r;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * walk.h -- path walks inside a pool.
 *
 * Absolute paths start at the pool root, ".." of the root is the root, and
 * symlinks are followed inside the pool (at most WALK_MAX_LINKS per walk).
 */
#ifndef PMEMFILE_WALK_H
#define PMEMFILE_WALK_H

#include "vinode.h"

#define WALK_MAX_LINKS 40

struct walk {
	PMEMfilepool *pfp;
	struct vinode *dir; /* directory holding the last component (ref) */
	const char *name;   /* last component, not NUL-terminated */
	size_t namelen;
	bool trailing_slash; /* the path ended with "/" after name */
	bool last_root;	     /* the path was only slashes: "/" itself */
	int nlinks;	     /* symlinks followed so far */
	/* Stop where the walk would leave the pool: ".." at the root or an
	 * absolute symlink. rest is then the path left to resolve. */
	bool stop_at_root;
	/* Stop at the first component that does not exist, also in the
	 * middle of the path (pmemfile_open_parent): rest is then the path
	 * from that component on, and dir the deepest directory found. */
	bool stop_at_missing;
	bool stopped;
	const char *rest;
	char buf[PMEMFILE_PATH_MAX + 1];
};

/*
 * Set by a caller around its walk (PMEMFILE_O_PARENTS_NOFOLLOW): a
 * symlink before the last component fails the walk with ELOOP.
 */
extern __thread bool walk_no_links __attribute__((tls_model("initial-exec")));

/* The directory an *at call starts from: a reference, or an error. */
int walk_start(PMEMfilepool *pfp, PMEMfile *at, const char *path,
	       struct vinode **start);

/*
 * Walks every component of path but the last, from start (a reference the
 * walk takes over). On success w->dir and w->name are set.
 */
int walk_parent(struct walk *w, PMEMfilepool *pfp, struct vinode *start,
		const char *path);

/*
 * Looks up the last component. Follows a symlink there when follow is set
 * or the path ends with "/". *child gets a reference, or NULL with 0 when
 * the name does not exist (w->dir and w->name then name the place where
 * it would be created).
 */
int walk_last(struct walk *w, bool follow, struct vinode **child);

/* The whole walk: the inode path names (a reference). */
int walk_path(PMEMfilepool *pfp, PMEMfile *at, const char *path, bool follow,
	      struct vinode **out);

void walk_done(struct walk *w);

/* Symlink target of an inode (NUL-terminated, in the pool). */
const char *symlink_target(PMEMfilepool *pfp, struct pmemfile_inode *in);

/* Lookup of one name in dir, taking dir's lock: a reference or NULL. */
int walk_lookup(PMEMfilepool *pfp, struct vinode *dir, const char *name,
		size_t len, struct vinode **child);

#endif

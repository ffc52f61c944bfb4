// SPDX-License-Identifier: BSD-3-Clause
/*
 * repair_lost.c -- what the repair does through the library, which opens
 * the pool once the rest is sound: the orphans freed (by the open), the
 * inodes nothing names linked into /lost+found as #<inode number>.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_found.h"
#include "dir.h"
#include "repair.h"
#include "vinode.h"

/*
 * The inodes to link into /lost+found this round: the directories whose
 * parent is not itself lost (the tops of lost trees), or, when every lost
 * directory has a lost parent (a loop), all of them; else the rest, which
 * no lost directory names.
 */
static size_t lost_tops(struct repair *r, uint64_t *out)
{
	size_t n = 0, dirs = 0;
	for (size_t i = 0; i < r->f.ninos; i++) {
		struct cino *ci = &r->f.inos[i];
		struct pmemfile_inode *in = repair_inode(r, ci->off);
		if (ci->visited || !S_ISDIR(in->mode))
			continue;
		dirs++;
		struct cino *p = repair_cino(r, in->dir.parent);
		if (!p || p->visited || p == ci ||
		    !S_ISDIR(repair_inode(r, p->off)->mode))
			out[n++] = ci->off;
	}
	if (n || dirs) {
		if (n == 0)
			for (size_t i = 0; i < r->f.ninos; i++)
				if (!r->f.inos[i].visited &&
				    S_ISDIR(repair_inode(r, r->f.inos[i].off)
						->mode))
					out[n++] = r->f.inos[i].off;
		return n;
	}
	/* an inode of no known type is left: it is no file to give back */
	for (size_t i = 0; i < r->f.ninos; i++) {
		mode_t m = repair_inode(r, r->f.inos[i].off)->mode;
		if (!r->f.inos[i].visited &&
		    (S_ISREG(m) || S_ISLNK(m) || S_ISFIFO(m) || S_ISSOCK(m) ||
		     S_ISCHR(m) || S_ISBLK(m)))
			out[n++] = r->f.inos[i].off;
	}
	return n;
}

/* /lost+found, made 0700 if missing: its vinode, or NULL. */
static struct vinode *lost_found(struct repair *r, PMEMfilepool *pfp)
{
	pmemfile_stat_t st;
	if (pmemfile_lstat(pfp, "/lost+found", &st) && errno == ENOENT) {
		if (pmemfile_mkdir(pfp, "/lost+found", 0700) ||
		    pmemfile_chmod(pfp, "/lost+found", 0700) ||
		    pmemfile_lstat(pfp, "/lost+found", &st)) {
			if (r->out)
				fprintf(r->out,
					"/lost+found: cannot make it: %s\n",
					strerror(errno));
			return NULL;
		}
		if (r->out)
			fprintf(r->out,
				"/lost+found: missing: made (mode 0700)\n");
		r->fixes++;
	} else if (!S_ISDIR(st.st_mode)) {
		if (r->out)
			fprintf(r->out, "/lost+found: not a directory\n");
		return NULL;
	}
	return vinode_get(pfp, (uint64_t)st.st_ino);
}

struct lost_link {
	PMEMfilepool *pfp;
	struct vinode *lf;
	uint64_t ino;
	const char *name;
};

/* In a transaction: lost inode ino named #ino in directory lf. */
static void link_lost_tx(struct repair *r, void *arg)
{
	struct lost_link *job = arg;
	PMEMfilepool *pfp = job->pfp;
	struct vinode *lf = job->lf;
	uint64_t ino = job->ino;
	const char *name = job->name;
	struct pmemfile_inode *in = pf_ptr(pfp, ino);
	dir_add(pfp, lf, name, strlen(name), ino, (in->mode & S_IFMT) >> 12);
	/* the link counts are set in a later round; an inode of none would
	 * be freed as an orphan */
	if (S_ISDIR(in->mode)) {
		repair_store64(r, &in->dir.parent, lf->off);
		repair_store64(r, &lf->inode->nlink, lf->inode->nlink + 1);
		if (in->nlink < 2)
			repair_store64(r, &in->nlink, 2);
	} else if (in->nlink == 0) {
		repair_store64(r, &in->nlink, 1);
	}
	/* in the library's mapping: sealed by name */
	repair_seal_inode(r, in, ino);
	repair_seal_inode(r, lf->inode, lf->off);
	repair_fix(r,
		   "inode %lu (%s) named by nothing: linked as /lost+found/%s",
		   (unsigned long)ino,
		   S_ISDIR(in->mode)   ? "directory"
		   : S_ISREG(in->mode) ? "file"
		   : S_ISLNK(in->mode) ? "symbolic link"
				       : "special file",
		   name);
}

/* The orphans of list that the library's open freed, each printed. */
static void report_orphans_freed(struct repair *r, const uint64_t *list,
				 size_t n)
{
	struct pmemfile_super *s =
	    pmemobj_direct(pmemobj_root(r->pop, sizeof(struct pmemfile_super)));
	for (size_t i = 0; i < n; i++) {
		bool listed = false;
		uint64_t off = s->orphans;
		for (size_t k = 0; off && k <= n && !listed; k++) {
			listed = off == list[i];
			if (!repair_cino(r, off))
				break;
			off = repair_inode(r, off)->orphan_next;
		}
		if (listed)
			continue;
		if (r->out)
			fprintf(r->out,
				"orphan %lu (unlinked while open): freed\n",
				(unsigned long)list[i]);
		r->fixes++;
	}
}

/* Lost inode ino linked into lf as #ino, under lf's lock. */
static void repair_lost(struct repair *r, PMEMfilepool *pfp, struct vinode *lf,
			uint64_t ino)
{
	char name[32];
	snprintf(name, sizeof(name), "#%lu", (unsigned long)ino);
	vinode_wrlock(lf);
	if (dir_lookup(pfp, lf, name, strlen(name), NULL)) {
		if (r->out)
			fprintf(r->out,
				"inode %lu named by nothing: /lost+found/%s "
				"exists, left\n",
				(unsigned long)ino, name);
	} else {
		struct lost_link job = {pfp, lf, ino, name};
		if (repair_tx(r, pfp->pop, link_lost_tx, &job))
			dir_abort(lf);
	}
	vinode_unlock(lf);
}

/*
 * Through the library: the orphans freed (at the open), the tops of the
 * lost trees linked into /lost+found. The pool is closed for the library
 * and opened again for the next round.
 */
int repair_through_library(struct repair *r, size_t orphans)
{
	uint64_t *tops = calloc(r->f.ninos + 1, 8);
	uint64_t *orphan_list = calloc(orphans + 1, 8);
	if (!tops || !orphan_list) {
		free(tops);
		free(orphan_list);
		return -ENOMEM;
	}
	size_t ntops = lost_tops(r, tops), norphans = 0;
	for (size_t i = 0; i < r->f.ninos; i++)
		if (r->f.inos[i].orphan)
			orphan_list[norphans++] = r->f.inos[i].off;
	pmemobj_close(r->pop);
	r->pop = NULL;
	PMEMfilepool *pfp = pmemfile_pool_open(r->path);
	if (!pfp) {
		if (r->out)
			fprintf(r->out,
				"%s: the library cannot open the pool (%s): "
				"orphans and lost inodes left\n",
				r->path, pmemfile_errormsg());
	} else {
		struct vinode *lf = ntops ? lost_found(r, pfp) : NULL;
		for (size_t i = 0; lf && i < ntops; i++)
			repair_lost(r, pfp, lf, tops[i]);
		vinode_put(pfp, lf);
		pmemfile_pool_close(pfp);
	}
	int ret = check_pool_open(r->path, NULL, &r->pop, &r->pool_size);
	if (ret == 0) {
		r->base = (char *)r->pop; /* mapped anew */
		report_orphans_freed(r, orphan_list, norphans);
	}
	free(tops);
	free(orphan_list);
	return ret;
}

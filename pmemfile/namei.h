/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * namei.h -- helpers shared by the operations that add or remove names.
 */
#ifndef PMEMFILE_NAMEI_H
#define PMEMFILE_NAMEI_H

#include "vinode.h"

static inline bool name_is_dot(const char *n, size_t len)
{
	return len == 1 && n[0] == '.';
}

static inline bool name_is_dotdot(const char *n, size_t len)
{
	return len == 2 && n[0] == '.' && n[1] == '.';
}

/* The sticky-bit rule: may the fs identity remove child from dir? */
int may_delete(PMEMfilepool *pfp, struct vinode *dir, struct vinode *child);

/* What dropping one link of an inode does to it. */
enum drop_result {
	DROP_KEEP,   /* links remain */
	DROP_ORPHAN, /* no link, but open: goes to the orphan list */
	DROP_FREE,   /* no link, unused: freed (vinode_forget after commit) */
};

/* With child locked (and its directory): the plan for dropping a link. */
enum drop_result namei_drop_plan(PMEMfilepool *pfp, struct vinode *child);

/*
 * In a transaction (under orphan_lock for DROP_ORPHAN): drops one link of
 * child, whose name the caller removes from dir.
 */
void namei_drop_link(PMEMfilepool *pfp, struct vinode *dir,
		     struct vinode *child, enum drop_result plan);

#endif

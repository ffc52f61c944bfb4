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

/*
 * In a transaction, with dir and child locked: drops one link of child
 * (the name itself is removed by the caller). Returns true when the inode
 * was freed (call vinode_forget after the commit); an inode still open
 * goes to the orphan list.
 */
bool namei_drop_link(PMEMfilepool *pfp, struct vinode *dir,
		     struct vinode *child);

#endif

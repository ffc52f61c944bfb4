// SPDX-License-Identifier: BSD-3-Clause
/*
 * punch.c -- FALLOC_FL_PUNCH_HOLE: storage under whole punched pages is
 * freed, as the kernel does, so that SEEK_HOLE finds the hole and st_blocks
 * shrinks. An allocation cannot be freed in part, so an extent that the
 * hole cuts is replaced by new extents holding its kept parts.
 */
#include <stdlib.h>
#include <string.h>

#include "extent.h"

#define PAGE 4096ULL

struct plan {
	struct vext *ext; /* the new index (data NULL: a piece to allocate) */
	size_t n, cap;
	const char **src; /* for each new entry: where its data comes from */
	bool changed;
};

static int plan_push(struct plan *p, uint64_t off, uint64_t len, char *data,
		     const char *src)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct vext *e = realloc(p->ext, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		p->ext = e;
		const char **s = realloc(p->src, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		p->src = s;
		p->cap = cap;
	}
	p->ext[p->n] = (struct vext){off, len, data};
	p->src[p->n++] = src;
	return 0;
}

/* Pieces of extent sizes covering [a, b), copied from src. */
static int plan_part(struct plan *p, uint64_t a, uint64_t b, const char *src)
{
	while (a < b) {
		int c = EXTENT_CLASSES - 1;
		while (c > 0 && (EXTENT_MIN << (2 * c)) > b - a)
			c--;
		uint64_t len = EXTENT_MIN << (2 * c);
		int r = plan_push(p, a, len, NULL, src);
		if (r)
			return r;
		a += len;
		src += len;
	}
	return 0;
}

/* The new index: extents outside [pfrom, pto) kept, the others cut. */
static int plan_build(struct vinode *v, uint64_t pfrom, uint64_t pto,
		      uint64_t keep_end, struct plan *p)
{
	for (size_t i = 0; i < v->next; i++) {
		const struct vext *e = &v->ext[i];
		uint64_t end = e->off + e->len;
		int r;
		if (end <= pfrom || e->off >= pto) {
			r = plan_push(p, e->off, e->len, e->data, NULL);
			if (r)
				return r;
			continue;
		}
		p->changed = true;
		if (e->off < pfrom) {
			r = plan_part(p, e->off, pfrom, e->data);
			if (r)
				return r;
		}
		uint64_t rend = end < keep_end ? end : keep_end;
		if (pto < rend) {
			r = plan_part(p, pto, rend, e->data + (pto - e->off));
			if (r)
				return r;
		}
	}
	return 0;
}

/* Whether the index entry e survives in the plan. */
static bool planned(const struct plan *p, const struct vext *e)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->ext[i].data == e->data)
			return true;
	return false;
}

/* In a transaction: the new pieces, the freed extents, the new list. */
static uint64_t *plan_apply(PMEMfilepool *pfp, struct vinode *v, struct plan *p,
			    size_t *nblocks)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->ext[i].data)
			continue;
		int c = 0;
		while ((EXTENT_MIN << (2 * c)) < p->ext[i].len)
			c++;
		PMEMoid o = pf_tx_xalloc(pfp, p->ext[i].len, PMEMFILE_T_DATA,
					 POBJ_XALLOC_NO_FLUSH |
					     POBJ_CLASS_ID(pfp->class_id[c]));
		p->ext[i].data = pf_ptr(pfp, o.off);
		pmemobj_memcpy_persist(pfp->pop, p->ext[i].data, p->src[i],
				       p->ext[i].len);
	}
	for (size_t i = 0; i < v->next; i++)
		if (!planned(p, &v->ext[i]))
			pf_tx_free(pfp,
				   pf_oid(pfp, pf_off(pfp, v->ext[i].data)));
	return extent_store(pfp, v, p->ext, p->n, nblocks);
}

int extent_punch_hole(PMEMfilepool *pfp, struct vinode *v, uint64_t from,
		      uint64_t to)
{
	uint64_t size = inode_size(v->inode);
	uint64_t pfrom = (from + PAGE - 1) & ~(PAGE - 1);
	/* up to the end of the file: everything after pfrom goes */
	uint64_t pto = to >= size ? UINT64_MAX : to & ~(PAGE - 1);
	uint64_t keep_end = (size + PAGE - 1) & ~(PAGE - 1);
	struct plan p = {0};
	int r = 0;
	if (pfrom < pto)
		r = plan_build(v, pfrom, pto, keep_end, &p);
	if (r == 0 && p.changed) {
		volatile int err = 0;
		uint64_t *volatile eb = NULL;
		volatile size_t neb = 0;
		PF_TX_BEGIN(pfp)
		{
			size_t nb;
			eb = plan_apply(pfp, v, &p, &nb);
			neb = nb;
		}
		TX_ONABORT
		{
			err = tx_error();
		}
		TX_END
		r = -err;
		if (r == 0) {
			extent_install(v, p.ext, p.n, p.cap, eb, neb);
			p.ext = NULL;
		} else {
			free(eb);
		}
	}
	free(p.ext);
	free(p.src);
	/* (the size, read again: a local would not survive the longjmp) */
	uint64_t end = inode_size(v->inode);
	if (r == 0)
		extent_zero(pfp, v, from, to < end ? to : end);
	return r;
}

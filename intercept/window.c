/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * window.c -- which instructions a patch displaces.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "window.h"

#define JMP_REL32_SIZE 5
/* instructions moved on each side of the syscall, at most */
#define WINDOW_SIDE 3

static int is_forbidden(const struct window_rules *w, uintptr_t addr)
{
	for (size_t i = 0; i < w->nforbidden; i++) {
		if (w->forbidden[i] == addr)
			return 1;
	}
	return 0;
}

int window_forbid(struct window_rules *w, uintptr_t addr)
{
	if (is_forbidden(w, addr))
		return 0;
	if (w->nforbidden == w->forbidden_cap) {
		size_t cap = w->forbidden_cap ? 2 * w->forbidden_cap : 16;
		uintptr_t *n = realloc(w->forbidden, cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		w->forbidden = n;
		w->forbidden_cap = cap;
	}
	w->forbidden[w->nforbidden++] = addr;
	return 0;
}

void window_rules_reset_padding(struct window_rules *w)
{
	w->npads = 0;
}

void window_rules_free(struct window_rules *w)
{
	free(w->forbidden);
	free(w->pads);
	memset(w, 0, sizeof(*w));
}

/* An instruction that may start anywhere but the window's first byte. */
static int may_be_inside(const struct window_rules *w, const struct insn *in)
{
	return !in->is_target && !is_forbidden(w, in->addr);
}

static int movable(struct disasm *d, const struct insn *in)
{
	uint8_t scratch[16];

	if (in->kind != INSN_PLAIN)
		return 0;
	/* decodable with operands, RIP-relative forms re-encodable */
	return disasm_relocate(d, in->addr, in->size, scratch, in->addr) == 0;
}

static void fill_plan(const struct code_region *r, long i, long j,
		      struct site_plan *p)
{
	p->start = r->insns[i].addr;
	p->end = r->insns[j].addr + r->insns[j].size;
	p->pad_slot = 0;
	p->count = 0;
	for (long x = i; x <= j; x++) {
		p->insns[p->count].addr = r->insns[x].addr;
		p->insns[p->count].size = r->insns[x].size;
		p->count++;
	}
}

int window_choose(struct window_rules *w, struct disasm *d,
		  const struct code_region *r, long k, struct site_plan *p)
{
	long best_i = -1, best_j = -1;
	uintptr_t best_size = (uintptr_t)-1;
	long last = (long)r->count - 1;

	for (long i = k; i >= 0 && i >= k - WINDOW_SIDE; i--) {
		if (i < k && (!movable(d, &r->insns[i]) ||
			      !may_be_inside(w, &r->insns[i + 1]) ||
			      r->insns[i].addr < w->not_before))
			break;
		for (long j = k; j <= last && j <= k + WINDOW_SIDE; j++) {
			uintptr_t size;

			if (j > k && (!movable(d, &r->insns[j]) ||
				      !may_be_inside(w, &r->insns[j])))
				break;
			if (r->insns[j].addr + r->insns[j].size >
			    r->decoded_end)
				break;
			size = r->insns[j].addr + r->insns[j].size -
			       r->insns[i].addr;
			if (size < JMP_REL32_SIZE)
				continue;
			if (size < best_size) {
				best_size = size;
				best_i = i;
				best_j = j;
			}
			break;
		}
	}
	if (best_i < 0)
		return -ENOSPC;
	fill_plan(r, best_i, best_j, p);
	return 0;
}

static int pad_in_use(const struct window_rules *w, uintptr_t slot)
{
	for (size_t i = 0; i < w->npads; i++) {
		if (slot < w->pads[i] + JMP_REL32_SIZE &&
		    w->pads[i] < slot + JMP_REL32_SIZE)
			return 1;
	}
	return 0;
}

static int pad_take(struct window_rules *w, uintptr_t slot)
{
	if (w->npads == w->pads_cap) {
		size_t cap = w->pads_cap ? 2 * w->pads_cap : 16;
		uintptr_t *n = realloc(w->pads, cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		w->pads = n;
		w->pads_cap = cap;
	}
	w->pads[w->npads++] = slot;
	return 0;
}

/* Is [lo, hi) made of nop and int3 instructions only? */
static int is_padding(struct disasm *d, uintptr_t lo, uintptr_t hi)
{
	struct code_region gap = {.start = lo, .end = hi};
	int ok;

	if (hi <= lo || disasm_region(d, &gap) != 0)
		return 0;
	ok = gap.decoded_end == hi;
	for (size_t i = 0; ok && i < gap.count; i++)
		ok = gap.insns[i].kind == INSN_PADDING;
	free(gap.insns);
	return ok;
}

/* A free 5-byte slot of [lo, hi) that a jmp rel8 from 'from' reaches. */
static uintptr_t pad_slot_in(struct window_rules *w, struct disasm *d,
			     uintptr_t lo, uintptr_t hi, uintptr_t from)
{
	if (hi < lo + JMP_REL32_SIZE || !is_padding(d, lo, hi))
		return 0;
	for (uintptr_t s = lo; s + JMP_REL32_SIZE <= hi; s++) {
		intptr_t rel = (intptr_t)(s - from);

		if (rel < -128 || rel > 127 || pad_in_use(w, s))
			continue;
		return s;
	}
	return 0;
}

int window_padding(struct window_rules *w, struct disasm *d,
		   const struct function_bounds *fb,
		   const struct code_region *r, uintptr_t region_next,
		   uintptr_t seg_lo, uintptr_t seg_hi, long k,
		   struct site_plan *p)
{
	uintptr_t from = r->insns[k].addr + 2;
	uintptr_t slot = pad_slot_in(w, d, r->end, region_next, from);

	if (slot == 0 && r->start > seg_lo) {
		uintptr_t start, end, next;

		if (function_bounds_find(fb, r->start - 1, seg_lo, seg_hi,
					 &start, &end, &next))
			slot = pad_slot_in(w, d, end, r->start, from);
		else
			slot = pad_slot_in(w, d, start, r->start, from);
	}
	if (slot == 0 || pad_take(w, slot) != 0)
		return -ENOSPC;
	fill_plan(r, k, k, p);
	p->pad_slot = slot;
	return 0;
}

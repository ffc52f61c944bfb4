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

static int forbidden_in(const struct window_rules *w, uintptr_t start,
			uintptr_t end)
{
	for (size_t i = 0; i < w->nforbidden; i++) {
		if (w->forbidden[i] >= start && w->forbidden[i] < end)
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

static int is_filler(const struct insn *in)
{
	return in->kind == INSN_NOP || in->kind == INSN_INT3;
}

/* Instructions capstone did not confirm (disasm_confirm): never moved. */
struct refused {
	uintptr_t addr[2 * WINDOW_SIDE + 1];
	int count;
};

static int is_refused(const struct refused *no, const struct insn *in)
{
	for (int i = 0; i < no->count; i++) {
		if (no->addr[i] == in->addr)
			return 1;
	}
	return 0;
}

/*
 * Moved from before the syscall: runs in the trampoline before the hook.
 * A nop there is more often the alignment in front of a function or a loop
 * than code: it stays.
 */
static int movable_before(const struct refused *no, const struct insn *in)
{
	return in->kind == INSN_PLAIN && !is_refused(no, in);
}

/*
 * Moved from after the syscall: runs in the trampoline after the hook.
 * Direct branches are re-aimed; a call must end the window (its return
 * address is the end of the window); after a jump, a return or an int3
 * only filler may follow.
 */
static int movable_after(const struct refused *no, const struct insn *prev,
			 const struct insn *in)
{
	if (prev->kind == INSN_CALL || is_refused(no, in))
		return 0;
	if (!prev->falls_through && prev->kind != INSN_SYSCALL &&
	    !is_filler(in))
		return 0;
	switch (in->kind) {
	case INSN_PLAIN:
	case INSN_NOP:
	case INSN_INT3:
	case INSN_JCC:
	case INSN_JMP:
	case INSN_CALL:
	case INSN_RET:
		return 1;
	default:
		return 0;
	}
}

static int overlaps_pad(const struct window_rules *w, uintptr_t start,
			uintptr_t end);

static void fill_plan(const struct code_region *r, long i, long j,
		      struct site_plan *p)
{
	p->start = r->insns[i].addr;
	p->end = r->insns[j].addr + r->insns[j].size;
	p->pad_slot = 0;
	p->count = 0;
	for (long x = i; x <= j; x++)
		p->insns[p->count++] = r->insns[x];
}

/* Are all the instructions of [i, j] but k simple (struct insn_info)? */
static int all_simple(const struct code_region *r, long i, long j, long k)
{
	for (long x = i; x <= j; x++) {
		if (x != k && !r->insns[x].simple)
			return 0;
	}
	return 1;
}

/*
 * The smallest window by the rules, in *best_i..*best_j; 0 if found. A
 * window of simple instructions wins over a smaller one that has others:
 * it needs no second opinion from capstone, which then is not even loaded.
 */
static int choose_once(const struct window_rules *w,
		       const struct code_region *r, long k,
		       const struct refused *no, long *best_i, long *best_j)
{
	uintptr_t best_size = (uintptr_t)-1;
	int best_simple = 0;
	long last = (long)r->count - 1;

	*best_i = -1;
	for (long i = k; i >= 0 && i >= k - WINDOW_SIDE; i--) {
		if (i < k && (!movable_before(no, &r->insns[i]) ||
			      !may_be_inside(w, &r->insns[i + 1]) ||
			      r->insns[i].addr < w->not_before))
			break;
		for (long j = k; j <= last && j <= k + WINDOW_SIDE; j++) {
			uintptr_t start = r->insns[i].addr;
			uintptr_t end = r->insns[j].addr + r->insns[j].size;
			int simple;

			if (j > k && (!movable_after(no, &r->insns[j - 1],
						     &r->insns[j]) ||
				      !may_be_inside(w, &r->insns[j])))
				break;
			if (end > r->decoded_end || overlaps_pad(w, start, end))
				break;
			if (end - start < JMP_REL32_SIZE)
				continue;
			simple = all_simple(r, i, j, k);
			if (simple > best_simple || (simple == best_simple &&
						     end - start < best_size)) {
				best_size = end - start;
				best_simple = simple;
				*best_i = i;
				*best_j = j;
			}
			break;
		}
	}
	return *best_i < 0 ? -ENOSPC : 0;
}

int window_choose(struct window_rules *w, struct disasm *d,
		  const struct code_region *r, long k, struct site_plan *p)
{
	struct refused no = {.count = 0};
	long i, j, x;

	/* capstone confirms the chosen instructions; one it refuses stays */
	for (;;) {
		if (choose_once(w, r, k, &no, &i, &j) != 0)
			return -ENOSPC;
		for (x = i; x <= j; x++) {
			if (x != k && disasm_confirm(d, &r->insns[x]) != 0)
				break;
		}
		if (x > j)
			break;
		if (no.count == (int)(sizeof(no.addr) / sizeof(no.addr[0])))
			return -ENOSPC;
		no.addr[no.count++] = r->insns[x].addr;
	}
	fill_plan(r, i, j, p);
	return 0;
}

static int overlaps_pad(const struct window_rules *w, uintptr_t start,
			uintptr_t end)
{
	for (size_t i = 0; i < w->npads; i++) {
		if (start < w->pads[i] + JMP_REL32_SIZE && w->pads[i] < end)
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
		ok = is_filler(&gap.insns[i]);
	free(gap.insns);
	return ok;
}

/* A free 5-byte slot of [lo, hi) that a jmp rel8 ending at from reaches. */
static uintptr_t pad_slot_in(const struct window_rules *w, uintptr_t lo,
			     uintptr_t hi, uintptr_t from)
{
	for (uintptr_t s = lo; s + JMP_REL32_SIZE <= hi; s++) {
		intptr_t rel = (intptr_t)(s - from);

		if (rel < -128 || rel > 127 || s < w->not_before ||
		    overlaps_pad(w, s, s + JMP_REL32_SIZE) ||
		    forbidden_in(w, s, s + JMP_REL32_SIZE))
			continue;
		return s;
	}
	return 0;
}

/*
 * Dead filler inside the decoded region: nop/int3 right after an
 * instruction that does not fall through, no branch landing on any of it.
 */
static uintptr_t dead_slot(const struct window_rules *w,
			   const struct code_region *r, uintptr_t from)
{
	size_t i = 0;

	while (i < r->count) {
		size_t j;

		if (i == 0 || r->insns[i - 1].falls_through ||
		    !is_filler(&r->insns[i]) || r->insns[i].is_target) {
			i++;
			continue;
		}
		j = i;
		while (j < r->count && is_filler(&r->insns[j]) &&
		       !r->insns[j].is_target)
			j++;
		uintptr_t end =
		    j < r->count ? r->insns[j].addr : r->decoded_end;
		uintptr_t s = pad_slot_in(w, r->insns[i].addr, end, from);

		if (s != 0)
			return s;
		i = j > i ? j : i + 1;
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
	uintptr_t slot = dead_slot(w, r, from);

	if (slot == 0 && is_padding(d, r->end, region_next))
		slot = pad_slot_in(w, r->end, region_next, from);
	if (slot == 0 && r->start > seg_lo) {
		uintptr_t start, end, next, lo;

		if (function_bounds_find(fb, r->start - 1, seg_lo, seg_hi,
					 &start, &end, &next))
			lo = end;
		else
			lo = start;
		if (is_padding(d, lo, r->start))
			slot = pad_slot_in(w, lo, r->start, from);
	}
	if (slot == 0 || pad_take(w, slot) != 0)
		return -ENOSPC;
	fill_plan(r, k, k, p);
	p->pad_slot = slot;
	return 0;
}

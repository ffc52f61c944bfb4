/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * window.h -- choosing the bytes a patched syscall's jump overwrites.
 */
#ifndef INTERCEPT_WINDOW_H
#define INTERCEPT_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "disasm.h"
#include "function_bounds.h"
#include "trampoline.h"

struct window_rules {
	uintptr_t not_before; /* the end of the previous window */
	uintptr_t *forbidden; /* far branch targets: never inside a window */
	size_t nforbidden, forbidden_cap;
	uintptr_t *pads; /* padding slots in use (5 bytes each) */
	size_t npads, pads_cap;
};

/*
 * The smallest run of whole instructions around insns[k] (a syscall) of at
 * least 5 bytes, none of them a branch target but the first, all of them
 * movable. Fills p->start, p->end, p->insns; -ENOSPC when there is none.
 */
int window_choose(struct window_rules *w, struct disasm *d,
		  const struct code_region *r, long k, struct site_plan *p);

/*
 * The fallback: the syscall alone becomes a 2-byte jmp to a 5-byte jmp in
 * the padding (nop/int3 outside any function) within 127 bytes.
 */
int window_padding(struct window_rules *w, struct disasm *d,
		   const struct function_bounds *fb,
		   const struct code_region *r, uintptr_t region_next,
		   uintptr_t seg_lo, uintptr_t seg_hi, long k,
		   struct site_plan *p);

/* addr must never be inside a window. */
int window_forbid(struct window_rules *w, uintptr_t addr);

void window_rules_reset_padding(struct window_rules *w);
void window_rules_free(struct window_rules *w);

#endif

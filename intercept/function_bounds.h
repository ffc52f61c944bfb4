/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * function_bounds.h -- where the functions of a loaded object begin and end,
 * read from its .eh_frame_hdr search table and the FDEs it points to.
 */
#ifndef INTERCEPT_FUNCTION_BOUNDS_H
#define INTERCEPT_FUNCTION_BOUNDS_H

#include <link.h>
#include <stddef.h>
#include <stdint.h>

struct function_bounds {
	const uint8_t *hdr;   /* .eh_frame_hdr, NULL when absent */
	const int32_t *table; /* pairs: initial location, FDE */
	size_t count;
};

/* Finds the search table of the object; -ENOENT when it has none usable. */
int function_bounds_init(struct function_bounds *fb, uintptr_t base,
			 const ElfW(Phdr) * phdr, int phnum);

/*
 * The code region containing addr: [*start, *end) is one FDE's range when
 * an FDE covers addr (returns 1), else the gap between the neighbouring
 * FDEs, clipped to [lo, hi) (returns 0). *next is where the following FDE
 * starts (or hi): the bytes in [*end, *next) may be padding.
 */
int function_bounds_find(const struct function_bounds *fb, uintptr_t addr,
			 uintptr_t lo, uintptr_t hi, uintptr_t *start,
			 uintptr_t *end, uintptr_t *next);

#endif

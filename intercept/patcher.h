/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * patcher.h -- finding the syscall instructions of a loaded object and
 * replacing each with a jump to its trampoline.
 */
#ifndef INTERCEPT_PATCHER_H
#define INTERCEPT_PATCHER_H

#include <link.h>
#include <stdint.h>

struct trampoline_area;

struct patch_object {
	const char *name; /* full path, for the log; kept while patched */
	uintptr_t base;
	const ElfW(Phdr) * phdr;
	int phnum;
	int vector_save; /* enum vector_save: which entry the sites call */
	const char *cache_dir; /* of plan_cache.c, NULL for none */
	int how;	       /* enum site_how, given to each site */
	/* where the trampolines are handed over, or NULL: kept for good */
	struct trampoline_area *area_out;
	/*
	 * A syscall instruction the caller is stopped at (the net's), or 0:
	 * *net_resume is then where its trampoline makes the call.
	 */
	uintptr_t net_site;
	uintptr_t *net_resume;
};

struct patch_stats {
	unsigned patched;	/* with a window of whole instructions */
	unsigned padding_jumps; /* through a jump placed in padding */
	unsigned left;		/* not patched (each one logged) */
	unsigned from_cache;	/* the plans came from the cache */
};

/* Patches every syscall instruction of obj; -errno if none could be. */
int patch_object(const struct patch_object *obj, struct patch_stats *stats);

#endif

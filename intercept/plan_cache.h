/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * plan_cache.h -- the plans of an object, kept on disk per build-id, so that
 * a process start does not decode the same libc again.
 */
#ifndef INTERCEPT_PLAN_CACHE_H
#define INTERCEPT_PLAN_CACHE_H

#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "trampoline.h"

struct segment {
	uintptr_t lo, hi;
	int prot;
};

enum left_reason {
	LEFT_RT_SIGRETURN,
	LEFT_NO_ROOM,
	LEFT_NOT_RELOCATABLE, /* found when emitting: never in a plan file */
	LEFT_REASONS
};

/* A syscall left alone, and why. */
struct left_site {
	uintptr_t addr;
	enum left_reason why;
};

/* What planning an object produces. */
struct plan_set {
	struct site_plan *plans;
	size_t nplans;
	struct left_site *left;
	size_t nleft;
};

struct plan_cache {
	char path[512]; /* empty: no cache for this object */
	uintptr_t base;
	const struct segment *segs;
	int nsegs;
};

/*
 * Names the cache file of the object, dir/<its build-id>.<salt>, where the
 * salt is a digest of the interceptor's sources (plan_salt.h, made by
 * intercept/module.mk): another version of the planning plans afresh, while
 * the library and every library the archive is linked into share one
 * file. Leaves the path empty when dir is NULL or the object has no
 * build-id.
 */
void plan_cache_init(struct plan_cache *c, const char *dir, uintptr_t base,
		     const ElfW(Phdr) * phdr, int phnum,
		     const struct segment *segs, int nsegs);

/*
 * Fills set (malloc'ed arrays) from the cache: 0, or -ENOENT when there is
 * no valid entry. Every plan read is checked against the loaded code.
 */
int plan_cache_load(const struct plan_cache *c, struct plan_set *set);

/* Writes set for the next process: best effort, with raw system calls. */
void plan_cache_store(const struct plan_cache *c, const struct plan_set *set);

/*
 * Writes a cache file: the parts, one after the other, to path.<pid> in
 * mode 0600 (the folders made 0700), then renamed to path, so that no one
 * ever sees half a file. 0 or -errno; raw system calls.
 */
int plan_cache_write(const char *path, const struct iovec *parts, int nparts);

/*
 * The hash the cache files carry: of size bytes, the 8-byte word at offset
 * field taken as 0 (where the hash itself is kept).
 */
uint64_t plan_cache_checksum(const void *data, size_t size, size_t field);

#endif

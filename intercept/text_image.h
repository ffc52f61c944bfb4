/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * text_image.h -- an object's patched text and its trampolines, kept on
 * disk beside its plans, mapped by the next processes instead of patched.
 */
#ifndef INTERCEPT_TEXT_IMAGE_H
#define INTERCEPT_TEXT_IMAGE_H

#include <link.h>
#include <stddef.h>
#include <stdint.h>

#include "patcher.h"
#include "plan_cache.h"
#include "trampoline.h"

struct text_image {
	char path[512 + 8]; /* empty: the object cannot have an image */
	const char *object; /* the object's file: its identity is checked */
	uintptr_t base;
	uintptr_t text_lo, text_hi; /* the pages of its executable segment */
	int prot;
};

/*
 * Names the image of an object patched at start-up: the path of its plan
 * file with ".text". Leaves the path empty when the object cannot have one
 * (no plan file, more than one executable segment, more than 16 MB of
 * text, a page of its text shared with another segment, text relocations,
 * loaded too low for its trampolines to sit at their distance below it).
 */
void text_image_init(struct text_image *t, const struct plan_cache *c,
		     const char *object, uintptr_t base,
		     const ElfW(Phdr) * phdr, int phnum,
		     const struct segment *segs, int nsegs);

/*
 * Where the object's trampolines go so that an image can be made of them
 * (the same distance below the object in every process), or 0.
 */
uintptr_t text_image_area_at(const struct text_image *t);

/*
 * Maps the image over the object's text, its trampolines in *area, when
 * the image is there and passes every check (see plan_cache.c): 0, with
 * the counts in *stats and, when left is not NULL, the sites left alone in
 * *left (malloc'ed, *nleft of them); -errno and nothing changed otherwise:
 * -ENOENT when there is none, -ESTALE when it failed a check (a new image
 * would do), another when it could not be mapped (the place of its
 * trampolines is taken, the cache is on a file system mounted noexec):
 * writing it again would not help.
 */
int text_image_use(const struct text_image *t, enum vector_save vectors,
		   int how, struct trampoline_area *area,
		   struct patch_stats *stats, struct left_site **left,
		   size_t *nleft);

/*
 * Writes the image of the object as this process patched it, for the
 * next ones: best effort. area must be fixed (text_image_area_at).
 */
void text_image_store(const struct text_image *t,
		      const struct trampoline_area *area,
		      const struct patch_stats *stats,
		      const struct left_site *left, size_t nleft);

#endif

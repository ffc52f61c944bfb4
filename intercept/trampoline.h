/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trampoline.h -- the per-site code a patched syscall jumps to, kept within
 * reach of a rel32 jump of the patched object.
 */
#ifndef INTERCEPT_TRAMPOLINE_H
#define INTERCEPT_TRAMPOLINE_H

#include <stddef.h>
#include <stdint.h>

#include "disasm.h"
#include "intercept.h"

/* Instructions of a window: the syscall and the ones moved with it. */
#define WINDOW_MAX_INSNS 8

struct site_plan {
	uintptr_t syscall_addr;
	uintptr_t start, end; /* the bytes replaced by the jump */
	uintptr_t pad_slot;   /* a 5-byte jump in padding, or 0 */
	int count;
	struct insn insns[WINDOW_MAX_INSNS];
	uintptr_t trampoline; /* set by trampoline_emit */
	uintptr_t call_at;    /* where its call starts, set with it */
};

/*
 * An area: a page with the struct site_head of its sites (written in each
 * process), the descriptors (struct patch_site, relative: the same in every
 * process that has the area at the same distance from its object), then
 * the code. The head and the descriptors are data, never executable.
 */
#define AREA_HEAD_SIZE 4096UL

struct trampoline_area {
	uint8_t *base;
	size_t size;
	size_t data_size; /* the head's page and the descriptors */
	uint8_t *code_next;
	struct site_head *head;
	struct patch_site *sites;
	size_t nsites, used_sites;
	void **entry_slot; /* the head's */
	/*
	 * The area sits where it was asked to be: its code reaches the entry
	 * only through entry_slot, so it is the same in every process that
	 * has the object and the area at the same distance (text_image.c).
	 */
	int fixed;
	int code_mapped; /* the code is a file's, executable from the start */
};

/*
 * Maps an area for nsites trampolines, reachable by rel32 from every byte
 * of [lo, hi): at the address at when it is free there (a->fixed set),
 * else wherever there is room; at 0: wherever there is room.
 */
int trampoline_area_create(struct trampoline_area *a, uintptr_t lo,
			   uintptr_t hi, size_t nsites,
			   enum vector_save vectors, uintptr_t at);

/*
 * Maps an area at at from a text image file (text_image.c): a fresh page
 * for the head, then data_size - AREA_HEAD_SIZE bytes of descriptors and
 * code_size bytes of code, both of fd from offset, in one mapping that is
 * read-only and executable.
 * The caller fills the head (trampoline_area_head) and seals the area.
 */
int trampoline_area_map(struct trampoline_area *a, uintptr_t at,
			size_t data_size, size_t nsites, long fd,
			uint64_t offset, size_t code_size,
			enum vector_save vectors);

/* The object and the how (enum site_how) of the area's sites. */
void trampoline_area_head(struct trampoline_area *a, const char *object,
			  int how);

/*
 * Fills descriptor i of an area: its site's syscall at syscall_addr of the
 * object at base, its raw stubs at the offsets given from the area's
 * start.
 */
void trampoline_site_set(struct trampoline_area *a, size_t i, uintptr_t base,
			 uintptr_t syscall_addr, const uint32_t raw[3]);

/* Writes the trampoline of p; fills p->trampoline. how: enum site_how */
int trampoline_emit(struct trampoline_area *a, struct site_plan *p,
		    const char *object, uintptr_t base, int how);

/* Makes the code executable and everything read-only. */
int trampoline_area_seal(struct trampoline_area *a);

/* The size of the code written so far, in whole pages. */
size_t trampoline_area_code_used(const struct trampoline_area *a);

void trampoline_area_destroy(struct trampoline_area *a);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * function_bounds.c -- function ranges from .eh_frame_hdr.
 *
 * Decoding only the functions that contain a syscall instruction, from
 * their first byte, gives exact instruction boundaries and their internal
 * branch targets at a fraction of the cost of disassembling all the text.
 */
#include <errno.h>
#include <string.h>

#include "function_bounds.h"

/* DWARF pointer encodings used by the search table of every toolchain. */
#define DW_EH_PE_udata4 0x03
#define DW_EH_PE_sdata4 0x0b
#define DW_EH_PE_datarel 0x30

int function_bounds_init(struct function_bounds *fb, uintptr_t base,
			 const ElfW(Phdr) * phdr, int phnum)
{
	const uint8_t *hdr = NULL;
	uint32_t count;

	memset(fb, 0, sizeof(*fb));
	for (int i = 0; i < phnum; i++) {
		if (phdr[i].p_type == PT_GNU_EH_FRAME)
			hdr = (const uint8_t *)(base + phdr[i].p_vaddr);
	}
	if (hdr == NULL || hdr[0] != 1)
		return -ENOENT;
	/* version, eh_frame_ptr_enc, fde_count_enc, table_enc */
	if (hdr[2] != DW_EH_PE_udata4 ||
	    hdr[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
		return -ENOENT;
	/* eh_frame_ptr is 4 bytes in every encoding seen in practice */
	if ((hdr[1] & 0x0f) != DW_EH_PE_sdata4 &&
	    (hdr[1] & 0x0f) != DW_EH_PE_udata4)
		return -ENOENT;
	memcpy(&count, hdr + 8, sizeof(count));
	fb->hdr = hdr;
	fb->table = (const int32_t *)(hdr + 12);
	fb->count = count;
	return 0;
}

static uintptr_t entry_start(const struct function_bounds *fb, size_t i)
{
	return (uintptr_t)fb->hdr + (uintptr_t)(intptr_t)fb->table[2 * i];
}

/*
 * The pc_range of FDE i. The FDE's own pc_begin is checked against the
 * table to make sure the 4-byte encoding assumed here is the one used.
 */
static uintptr_t entry_end(const struct function_bounds *fb, size_t i,
			   uintptr_t next)
{
	const uint8_t *fde = fb->hdr + fb->table[2 * i + 1];
	uintptr_t start = entry_start(fb, i);
	uint32_t length;
	int32_t pc_begin;
	uint32_t pc_range;

	memcpy(&length, fde, sizeof(length));
	if (length == 0xffffffff)
		return next;
	memcpy(&pc_begin, fde + 8, sizeof(pc_begin));
	if ((uintptr_t)(fde + 8) + (uintptr_t)(intptr_t)pc_begin != start)
		return next;
	memcpy(&pc_range, fde + 12, sizeof(pc_range));
	if (start + pc_range > next)
		return next;
	return start + pc_range;
}

/*
 * A signal frame's FDE ('S' in its CIE augmentation, glibc's __restore_rt)
 * starts one byte before the code, so that the unwinder's pc - 1 lookup
 * finds it: the code starts one byte later.
 */
static int is_signal_frame(const struct function_bounds *fb, size_t i)
{
	const uint8_t *fde = fb->hdr + fb->table[2 * i + 1];
	const uint8_t *cie;
	uint32_t length, cie_offset;

	memcpy(&length, fde, sizeof(length));
	if (length == 0xffffffff)
		return 0;
	memcpy(&cie_offset, fde + 4, sizeof(cie_offset));
	cie = fde + 4 - cie_offset;
	/* length, CIE id, version, then the augmentation string */
	for (const uint8_t *a = cie + 9; *a != '\0'; a++) {
		if (*a == 'S')
			return 1;
	}
	return 0;
}

int function_bounds_find(const struct function_bounds *fb, uintptr_t addr,
			 uintptr_t lo, uintptr_t hi, uintptr_t *start,
			 uintptr_t *end, uintptr_t *next)
{
	size_t left = 0;
	size_t right = fb->hdr ? fb->count : 0;
	uintptr_t following;

	/* The last entry starting at or before addr is left - 1. */
	while (left < right) {
		size_t mid = left + (right - left) / 2;

		if (entry_start(fb, mid) <= addr)
			left = mid + 1;
		else
			right = mid;
	}
	following =
	    left < (fb->hdr ? fb->count : 0) ? entry_start(fb, left) : hi;
	if (following > hi)
		following = hi;
	if (left > 0) {
		size_t i = left - 1;
		uintptr_t s = entry_start(fb, i);
		uintptr_t e = entry_end(fb, i, following);

		if (addr < e && s >= lo) {
			*start = is_signal_frame(fb, i) ? s + 1 : s;
			*end = e;
			*next = following;
			return 1;
		}
		*start = e > lo ? e : lo;
	} else {
		*start = lo;
	}
	*end = following;
	*next = following;
	return 0;
}

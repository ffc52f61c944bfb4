/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trampoline.c -- per-site trampolines.
 *
 * The code of one site, T:
 *
 *	<the window's instructions before the syscall, relocated>
 *	lea -128(%rsp), %rsp		keep the red zone of the patched code
 *	lea site(%rip), %r11		%r11 is the kernel's to clobber
 *	lea 1f(%rip), %rcx		so is %rcx: where to come back
 *	jmp intercept_entry		(or jmp *entry_slot(%rip))
 * 1:	lea 128(%rsp), %rsp		lea leaves the flags alone
 * post:
 *	<the window's instructions after the syscall, relocated>
 *	jmp <end of the window>
 * raw_clone:				the real call, at the site's stack
 *	syscall
 *	mov $SYS_clone, %ecx		%rcx is the kernel's to clobber
 *	jmp after
 * raw_vfork:
 *	syscall
 *	mov $SYS_vfork, %ecx
 *	jmp after
 * raw_clone3:
 *	syscall
 *	mov $SYS_clone3, %ecx
 * after:
 *	lea -128(%rsp), %rsp
 *	lea site(%rip), %r11
 *	call *clone_entry_slot(%rip)	intercept_clone_entry: the clone hooks
 *	lea 128(%rsp), %rsp
 *	jmp post
 *
 * A child with a new stack, or a vfork child on its parent's stack, returns
 * from the raw stub straight into the patched code: no frame of ours is
 * left for it to unwind.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "trampoline.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Generous: the largest window plus the fixed parts. */
#define SITE_CODE_MAX 320
#define REACH 0x7ff00000L

#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>

/*
 * The widest vector state the processor and the kernel keep, as glibc
 * found it at start-up (active: the kernel enables its state). Asking
 * cpuid again would cost a trap to the hypervisor in a virtual machine,
 * tens of microseconds of every process's start.
 */
static enum vector_save widest_vector_state(void)
{
	if (!CPU_FEATURE_ACTIVE(AVX))
		return VECTOR_SAVE_XMM;
	if (!CPU_FEATURE_ACTIVE(AVX512F) || !CPU_FEATURE_ACTIVE(AVX512BW))
		return VECTOR_SAVE_YMM;
	return VECTOR_SAVE_ZMM;
}
#else
static enum vector_save ask_vector_state(void)
{
	unsigned int eax, ebx, ecx, edx, xcr0, xcr0_hi;

	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
		return VECTOR_SAVE_XMM;
	/* AVX, and OSXSAVE: the kernel manages the state XCR0 enables */
	if (!(ecx & (1u << 28)) || !(ecx & (1u << 27)))
		return VECTOR_SAVE_XMM;
	__asm__("xgetbv" : "=a"(xcr0), "=d"(xcr0_hi) : "c"(0));
	if ((xcr0 & 0x6) != 0x6)
		return VECTOR_SAVE_XMM;
	/* AVX512F and AVX512BW (64-bit masks), opmask and ZMM state on */
	if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) ||
	    !(ebx & (1u << 16)) || !(ebx & (1u << 30)) || (xcr0 & 0xe0) != 0xe0)
		return VECTOR_SAVE_YMM;
	return VECTOR_SAVE_ZMM;
}

/* cpuid traps to the hypervisor in a virtual machine: asked once. */
static enum vector_save widest_vector_state(void)
{
	static int asked;
	static enum vector_save known;

	if (!asked) {
		known = ask_vector_state();
		asked = 1;
	}
	return known;
}
#endif

enum vector_save intercept_vector_save(const char *asked, int libc)
{
	enum vector_save widest = widest_vector_state();
	enum vector_save want = VECTOR_SAVE_ZMM;

	if (asked != NULL && strcmp(asked, "xmm") == 0)
		want = VECTOR_SAVE_XMM;
	else if (asked != NULL && strcmp(asked, "ymm") == 0)
		want = VECTOR_SAVE_YMM;
	else if ((asked == NULL || strcmp(asked, "zmm") != 0) && libc)
		want = VECTOR_SAVE_YMM;
	return want < widest ? want : widest;
}

/* Every byte of the area within rel32 reach of every byte of [lo, hi). */
static int reachable(uintptr_t area, size_t size, uintptr_t lo, uintptr_t hi)
{
	uintptr_t top = area + size > hi ? area + size : hi;
	uintptr_t bottom = area < lo ? area : lo;

	return top - bottom < (uintptr_t)REACH;
}

static void *map_at(uintptr_t hint, size_t size)
{
	long r = syscall_no_intercept(
	    SYS_mmap, hint, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | (hint ? MAP_FIXED_NOREPLACE : 0), -1,
	    0);

	if (r < 0 && r > -4096)
		return NULL;
	return (void *)r;
}

/*
 * Looks for a free gap near [lo, hi) in /proc/self/maps, closest first
 * below the object, then above it.
 */
static uintptr_t find_gap(uintptr_t lo, uintptr_t hi, size_t size)
{
	static char buf[1 << 17];
	uintptr_t prev_end = 0x10000, best = 0;
	size_t len = 0;
	long fd = syscall_no_intercept(SYS_open, "/proc/self/maps",
				       O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	for (;;) {
		long r = syscall_no_intercept(SYS_read, fd, buf + len,
					      sizeof(buf) - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	syscall_no_intercept(SYS_close, fd);
	buf[len] = '\0';

	for (char *p = buf; *p != '\0';) {
		uintptr_t start = strtoul(p, &p, 16);
		uintptr_t end = strtoul(p + 1, &p, 16);
		uintptr_t cand;

		/* the gap [prev_end, start): its top part, or its bottom */
		if (start > prev_end && start - prev_end >= size) {
			cand = start - size;
			if (cand < hi && reachable(cand, size, lo, hi))
				best = cand;
			cand = prev_end;
			if (cand >= hi && best == 0 &&
			    reachable(cand, size, lo, hi))
				best = cand;
		}
		prev_end = end;
		while (*p != '\0' && *p != '\n')
			p++;
		if (*p == '\n')
			p++;
	}
	return best & ~(uintptr_t)0xfff;
}

/* The entries the sites of an area call, by the vector state they save. */
static void set_entries(struct trampoline_area *a, enum vector_save vectors)
{
	switch (vectors) {
	case VECTOR_SAVE_ZMM:
		a->entry_slot[0] = (void *)intercept_entry_zmm;
		a->entry_slot[1] = (void *)intercept_clone_entry_zmm;
		break;
	case VECTOR_SAVE_YMM:
		a->entry_slot[0] = (void *)intercept_entry_ymm;
		a->entry_slot[1] = (void *)intercept_clone_entry_ymm;
		break;
	default:
		a->entry_slot[0] = (void *)intercept_entry_xmm;
		a->entry_slot[1] = (void *)intercept_clone_entry_xmm;
		break;
	}
}

/* The data part: the head's page, then the descriptors. */
static size_t data_size_for(size_t nsites)
{
	size_t sites = nsites * sizeof(struct patch_site);

	return AREA_HEAD_SIZE + ((sites + 4095) & ~(size_t)4095);
}

static void area_parts(struct trampoline_area *a, enum vector_save vectors)
{
	a->head = (struct site_head *)a->base;
	a->entry_slot = a->head->entry_slot;
	set_entries(a, vectors);
	a->sites = (struct patch_site *)(a->base + AREA_HEAD_SIZE);
}

static void *map_reachable(uintptr_t at, size_t size, uintptr_t lo,
			   uintptr_t hi)
{
	void *p = map_at(at, size);

	if (p != NULL && (!reachable((uintptr_t)p, size, lo, hi) ||
			  (at != 0 && (uintptr_t)p != at))) {
		syscall_no_intercept(SYS_munmap, p, size);
		p = NULL;
	}
	return p;
}

int trampoline_area_create(struct trampoline_area *a, uintptr_t lo,
			   uintptr_t hi, size_t nsites,
			   enum vector_save vectors, uintptr_t at)
{
	size_t data = data_size_for(nsites);
	size_t size = data + ((nsites * SITE_CODE_MAX + 4095) & ~(size_t)4095);
	void *p = NULL;

	memset(a, 0, sizeof(*a));
	if (at != 0) {
		p = map_reachable(at, size, lo, hi);
		a->fixed = p != NULL;
	}
	if (p == NULL)
		p = map_reachable(0, size, lo, hi);
	if (p == NULL) {
		uintptr_t gap = find_gap(lo, hi, size);

		if (gap != 0)
			p = map_reachable(gap, size, lo, hi);
	}
	if (p == NULL)
		return -ENOMEM;

	a->base = p;
	a->size = size;
	a->data_size = data;
	area_parts(a, vectors);
	a->nsites = nsites;
	a->code_next = a->base + data;
	return 0;
}

int trampoline_area_map(struct trampoline_area *a, uintptr_t at,
			size_t data_size, size_t nsites, long fd,
			uint64_t offset, size_t code_size,
			enum vector_save vectors)
{
	size_t sites = data_size - AREA_HEAD_SIZE;
	void *p;
	long r;

	memset(a, 0, sizeof(*a));
	if (data_size != data_size_for(nsites) || code_size % 4096 != 0)
		return -EINVAL;
	p = map_at(at, AREA_HEAD_SIZE);
	if (p == NULL)
		return -ENOMEM;
	/*
	 * The descriptors and the code, one run of the file: one mapping,
	 * read-only and executable (nothing of it is writable).
	 */
	r = syscall_no_intercept(SYS_mmap, at + AREA_HEAD_SIZE,
				 sites + code_size, PROT_READ | PROT_EXEC,
				 MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, offset);
	/* a kernel before 4.17 takes MAP_FIXED_NOREPLACE as a hint */
	if (p != (void *)at || r != (long)(at + AREA_HEAD_SIZE)) {
		syscall_no_intercept(SYS_munmap, p, AREA_HEAD_SIZE);
		if (r > 0)
			syscall_no_intercept(SYS_munmap, r, sites + code_size);
		return -ENOMEM;
	}
	a->base = (uint8_t *)at;
	a->size = data_size + code_size;
	a->data_size = data_size;
	area_parts(a, vectors);
	a->nsites = nsites;
	a->used_sites = nsites;
	a->code_next = a->base + a->size;
	a->fixed = 1;
	a->code_mapped = 1;
	return 0;
}

void trampoline_area_head(struct trampoline_area *a, const char *object,
			  int how)
{
	a->head->object = object;
	a->head->how = how;
}

void trampoline_site_set(struct trampoline_area *a, size_t i, uintptr_t base,
			 uintptr_t syscall_addr, const uint32_t raw[3])
{
	struct patch_site *site = &a->sites[i];

	site->head = (int64_t)((uintptr_t)a->head - (uintptr_t)site);
	site->offset = syscall_addr - base;
	memcpy(site->raw, raw, sizeof(site->raw));
	site->return_to = (int64_t)(syscall_addr + 2 - (uintptr_t)site);
}

size_t trampoline_area_code_used(const struct trampoline_area *a)
{
	size_t used = (size_t)(a->code_next - (a->base + a->data_size));

	return (used + 4095) & ~(size_t)4095;
}

struct emitter {
	uint8_t *p;
};

static void emit(struct emitter *e, const void *bytes, size_t n)
{
	memcpy(e->p, bytes, n);
	e->p += n;
}

static void emit_rel32(struct emitter *e, uintptr_t target)
{
	int32_t rel = (int32_t)(target - ((uintptr_t)e->p + 4));

	emit(e, &rel, 4);
}

static void emit_jmp(struct emitter *e, uintptr_t target)
{
	emit(e, "\xe9", 1);
	emit_rel32(e, target);
}

/*
 * lea -128(%rsp),%rsp; lea site(%rip),%r11; then, to the entry:
 *   lea 1f(%rip),%rcx; jmp entry (jmp *slot(%rip) when out of reach or
 *   in a fixed area); 1:
 * and to the clone entry: call entry (call *slot(%rip))
 * then lea 128(%rsp),%rsp
 */
static void emit_call(struct emitter *e, const struct patch_site *site,
		      void **slot, int jump, int fixed)
{
	size_t lea_rcx = jump ? 7 : 0;
	intptr_t rel = (intptr_t)*slot - (intptr_t)(e->p + 5 + 7 + lea_rcx + 5);
	int near = !fixed && rel == (int32_t)rel;

	emit(e, "\x48\x8d\x64\x24\x80", 5);
	emit(e, "\x4c\x8d\x1d", 3);
	emit_rel32(e, (uintptr_t)site);
	if (jump) {
		emit(e, "\x48\x8d\x0d", 3);
		emit_rel32(e, (uintptr_t)e->p + 4 + (near ? 5 : 6));
		emit(e, near ? "\xe9" : "\xff\x25", near ? 1 : 2);
	} else {
		emit(e, near ? "\xe8" : "\xff\x15", near ? 1 : 2);
	}
	emit_rel32(e, near ? (uintptr_t)*slot : (uintptr_t)slot);
	emit(e, "\x48\x8d\xa4\x24\x80\x00\x00\x00", 8);
}

static void emit_raw_stub(struct emitter *e, uint32_t nr)
{
	emit(e, "\x0f\x05\xb9", 3);
	emit(e, &nr, 4);
}

/* A copy of in, its RIP-relative displacement adjusted to its new place. */
static int emit_copy(struct emitter *e, const struct insn *in)
{
	int64_t disp;
	int32_t d32;

	memcpy(e->p, (const void *)in->addr, in->size);
	if (in->rip_disp != 0) {
		memcpy(&d32, e->p + in->rip_disp, 4);
		disp =
		    (int64_t)d32 + (int64_t)in->addr - (int64_t)(uintptr_t)e->p;
		if (disp != (int32_t)disp)
			return -ERANGE;
		d32 = (int32_t)disp;
		memcpy(e->p + in->rip_disp, &d32, 4);
	}
	e->p += in->size;
	return 0;
}

/* A direct branch, as its rel32 form aimed at the same destination. */
static void emit_branch(struct emitter *e, const struct insn *in)
{
	const uint8_t *code = (const uint8_t *)in->addr;
	struct insn_info info = {.length = in->size,
				 .rel_offset = in->rel_offset,
				 .rel_size = in->rel_size};
	uintptr_t target = insn_branch_target(code, &info, in->addr);
	uint8_t cc = code[in->rel_offset - 1] & 0x0f;
	uint8_t jcc[2] = {0x0f, (uint8_t)(0x80 | cc)};

	switch (in->kind) {
	case INSN_JCC:
		emit(e, jcc, 2);
		emit_rel32(e, target);
		break;
	case INSN_JMP:
		emit_jmp(e, target);
		break;
	default:
		/*
		 * A call, the last instruction of its window: push the return
		 * address of the original call, then jump, so that the callee
		 * returns to the patched code and sees the return address it
		 * always saw. lea, mov, push and pop leave the flags alone.
		 *   lea -8(%rsp),%rsp; push %rax; lea ret(%rip),%rax;
		 *   mov %rax,8(%rsp); pop %rax; jmp target
		 */
		emit(e, "\x48\x8d\x64\x24\xf8\x50\x48\x8d\x05", 9);
		emit_rel32(e, in->addr + in->size);
		emit(e, "\x48\x89\x44\x24\x08\x58", 6);
		emit_jmp(e, target);
		break;
	}
}

static int emit_moved(struct emitter *e, const struct site_plan *p, int from,
		      int to)
{
	for (int i = from; i < to; i++) {
		const struct insn *in = &p->insns[i];
		int r = 0;

		if (in->kind == INSN_JCC || in->kind == INSN_JMP ||
		    in->kind == INSN_CALL)
			emit_branch(e, in);
		else
			r = emit_copy(e, in);
		if (r != 0)
			return r;
	}
	return 0;
}

int trampoline_emit(struct trampoline_area *a, struct site_plan *p,
		    const char *object, uintptr_t base, int how)
{
	struct patch_site *site;
	struct emitter e;
	uint8_t *post, *after, *jmp_after_clone, *jmp_after_vfork;
	uint8_t *raw_clone, *raw_vfork, *raw_clone3;
	uint32_t raw[3];
	int k = 0;
	int r;

	if (a->used_sites == a->nsites ||
	    a->code_next + SITE_CODE_MAX > a->base + a->size)
		return -ENOSPC;
	site = &a->sites[a->used_sites];
	e.p = a->code_next;

	while (p->insns[k].addr != p->syscall_addr)
		k++;
	r = emit_moved(&e, p, 0, k);
	if (r != 0)
		return r;
	p->call_at = (uintptr_t)e.p;
	emit_call(&e, site, &a->entry_slot[0], 1, a->fixed);
	post = e.p;
	r = emit_moved(&e, p, k + 1, p->count);
	if (r != 0)
		return r;
	emit_jmp(&e, p->end);

	raw_clone = e.p;
	emit_raw_stub(&e, SYS_clone);
	jmp_after_clone = e.p;
	emit(&e, "\xeb\x00", 2);
	raw_vfork = e.p;
	emit_raw_stub(&e, SYS_vfork);
	jmp_after_vfork = e.p;
	emit(&e, "\xeb\x00", 2);
	raw_clone3 = e.p;
	emit_raw_stub(&e, 435 /* SYS_clone3 */);
	after = e.p;
	jmp_after_clone[1] = (uint8_t)(after - (jmp_after_clone + 2));
	jmp_after_vfork[1] = (uint8_t)(after - (jmp_after_vfork + 2));
	emit_call(&e, site, &a->entry_slot[1], 0, a->fixed);
	emit_jmp(&e, (uintptr_t)post);

	raw[0] = (uint32_t)(raw_clone - a->base);
	raw[1] = (uint32_t)(raw_vfork - a->base);
	raw[2] = (uint32_t)(raw_clone3 - a->base);
	trampoline_area_head(a, object, how);
	trampoline_site_set(a, a->used_sites, base, p->syscall_addr, raw);
	p->trampoline = (uintptr_t)a->code_next;
	a->used_sites++;
	a->code_next = (uint8_t *)(((uintptr_t)e.p + 15) & ~(uintptr_t)15);
	return 0;
}

int trampoline_area_seal(struct trampoline_area *a)
{
	/* the descriptors of a mapped area are the file's, read-only */
	long r = syscall_no_intercept(
	    SYS_mprotect, a->base,
	    a->code_mapped ? AREA_HEAD_SIZE : a->data_size, PROT_READ);

	if (r == 0 && !a->code_mapped)
		r = syscall_no_intercept(SYS_mprotect, a->base + a->data_size,
					 a->size - a->data_size,
					 PROT_READ | PROT_EXEC);
	return (int)r;
}

void trampoline_area_destroy(struct trampoline_area *a)
{
	if (a->base != NULL)
		syscall_no_intercept(SYS_munmap, a->base, a->size);
	a->base = NULL;
}

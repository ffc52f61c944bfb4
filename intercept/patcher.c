/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * patcher.c -- from the syscall instructions of an object to patched code.
 *
 * 1. Candidates: every 0f 05 byte pair in the executable segments.
 * 2. Each candidate's function (function_bounds.c) is decoded from its first
 *    byte; a candidate that is not an instruction boundary is no syscall.
 * 3. A window of whole instructions around the syscall, at least 5 bytes,
 *    none of them a branch target but the first, is chosen for a jmp rel32
 *    (window.c). Where none exists, a 2-byte jmp goes to a 5-byte jmp in the
 *    padding next to the function.
 * 4. Direct rel32 branches anywhere in the object that land inside a chosen
 *    window make that window be chosen again without the landing point.
 * 5. The trampolines are written, then the text is made writable, patched
 *    and made executable again, with no code of the object running meanwhile.
 * An object patched at start-up that has an image of its text as patched
 * (text_image.c) gets that mapped instead of all of this; one that has
 * none gets its trampolines where an image can be made of them, and the
 * image written.
 */
#include <emmintrin.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "function_bounds.h"
#include "log.h"
#include "patcher.h"
#include "trampoline.h"
#include "plan_cache.h"
#include "text_image.h"
#include "window.h"

#define MAX_SEGMENTS 8

struct patcher {
	const struct patch_object *obj;
	struct disasm dis;
	struct function_bounds fb;
	struct segment segs[MAX_SEGMENTS];
	int nsegs;
	struct code_region region;
	uintptr_t region_next; /* where the next function starts */
	struct site_plan *plans;
	size_t nplans, cap;
	struct window_rules rules;
	struct patch_stats *stats;
	uintptr_t plans_lo, plans_hi; /* windows and pads lie in between */
	uint64_t *covered;	      /* see map_covered */
	/* sites of the last round left alone, and why: logged at the end */
	struct left_site *left;
	size_t nleft, left_cap;
};

static int leave_site(struct patcher *pt, uintptr_t addr, enum left_reason why)
{
	if (pt->nleft == pt->left_cap) {
		size_t cap = pt->left_cap ? 2 * pt->left_cap : 16;
		struct left_site *n = realloc(pt->left, cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		pt->left = n;
		pt->left_cap = cap;
	}
	pt->left[pt->nleft++] = (struct left_site){addr, why};
	return 0;
}

static void log_site(const struct patcher *pt, uintptr_t addr, const char *why)
{
	struct log_line l = {0};

	if (intercept_log_fd < 0)
		return;
	log_str(&l, log_basename(pt->obj->name));
	log_char(&l, ' ');
	log_hex(&l, addr - pt->obj->base);
	log_str(&l, " -- syscall not patched: ");
	log_str(&l, why);
	log_write(&l);
}

static int find_segments(struct patcher *pt)
{
	const struct patch_object *o = pt->obj;

	for (int i = 0; i < o->phnum && pt->nsegs < MAX_SEGMENTS; i++) {
		const ElfW(Phdr) *ph = &o->phdr[i];
		struct segment *s;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		s = &pt->segs[pt->nsegs++];
		s->lo = o->base + ph->p_vaddr;
		s->hi = s->lo + ph->p_filesz;
		s->prot = PROT_EXEC | ((ph->p_flags & PF_R) ? PROT_READ : 0) |
			  ((ph->p_flags & PF_W) ? PROT_WRITE : 0);
	}
	return pt->nsegs > 0 ? 0 : -ENOENT;
}

static struct site_plan *new_plan(struct patcher *pt)
{
	if (pt->nplans == pt->cap) {
		size_t cap = pt->cap ? 2 * pt->cap : 64;
		struct site_plan *n = realloc(pt->plans, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		pt->plans = n;
		pt->cap = cap;
	}
	memset(&pt->plans[pt->nplans], 0, sizeof(pt->plans[0]));
	return &pt->plans[pt->nplans];
}

/* Decodes the function (or gap) holding addr, unless it is decoded already */
static int load_region(struct patcher *pt, const struct segment *s,
		       uintptr_t addr)
{
	struct code_region *r = &pt->region;
	uintptr_t start, end, next;

	if (r->count > 0 && addr >= r->start && addr < r->end)
		return 0;
	function_bounds_find(&pt->fb, addr, s->lo, s->hi, &start, &end, &next);
	r->start = start;
	r->end = end;
	pt->region_next = next;
	return disasm_region(&pt->dis, r);
}

/*
 * glibc's __restore_rt: mov $15, %eax or %rax right before the syscall.
 * The bytes are read directly, whatever the decoding said.
 */
static int is_rt_sigreturn(const struct segment *s, uintptr_t addr)
{
	const uint8_t *at = (const uint8_t *)addr;

	if (addr >= s->lo + 5 && memcmp(at - 5, "\xb8\x0f\x00\x00\x00", 5) == 0)
		return 1;
	return addr >= s->lo + 7 &&
	       memcmp(at - 7, "\x48\xc7\xc0\x0f\x00\x00\x00", 7) == 0;
}

static int plan_site(struct patcher *pt, const struct segment *s,
		     uintptr_t addr)
{
	const struct code_region *r = &pt->region;
	struct site_plan *p;
	long k;
	int ret;

	ret = load_region(pt, s, addr);
	if (ret != 0)
		return ret;
	k = disasm_find(r, addr);
	if (k < 0 || r->insns[k].kind != INSN_SYSCALL)
		return 0; /* the bytes belong to another instruction */
	if (is_rt_sigreturn(s, addr))
		return leave_site(pt, addr, LEFT_RT_SIGRETURN);
	p = new_plan(pt);
	if (p == NULL)
		return -ENOMEM;
	p->syscall_addr = addr;
	pt->rules.not_before =
	    pt->nplans > 0 ? pt->plans[pt->nplans - 1].end : 0;
	ret = window_choose(&pt->rules, &pt->dis, r, k, p);
	if (ret != 0)
		ret = window_padding(&pt->rules, &pt->dis, &pt->fb, r,
				     pt->region_next, s->lo, s->hi, k, p);
	if (ret != 0) {
		pt->stats->left++;
		return leave_site(pt, addr, LEFT_NO_ROOM);
	}
	pt->nplans++;
	return 0;
}

/* Bit i set when c[i], c[i + 1] is 0f 05. */
static uint32_t syscall_bytes(const uint8_t *c)
{
	__m128i v0 = _mm_loadu_si128((const __m128i *)c);
	__m128i v1 = _mm_loadu_si128((const __m128i *)(c + 1));

	return (uint32_t)_mm_movemask_epi8(
	    _mm_and_si128(_mm_cmpeq_epi8(v0, _mm_set1_epi8(0x0f)),
			  _mm_cmpeq_epi8(v1, _mm_set1_epi8(0x05))));
}

static int plan_segment(struct patcher *pt, const struct segment *s)
{
	const uint8_t *c = (const uint8_t *)s->lo;
	size_t n = s->hi - s->lo;
	size_t at;
	int ret;

	for (at = 0; at + 17 <= n; at += 16) {
		uint32_t mask = syscall_bytes(c + at);

		while (mask != 0) {
			ret =
			    plan_site(pt, s, s->lo + at + __builtin_ctz(mask));
			if (ret != 0)
				return ret;
			mask &= mask - 1;
		}
	}
	for (; at + 1 < n; at++) {
		if (c[at] == 0x0f && c[at + 1] == 0x05) {
			ret = plan_site(pt, s, s->lo + at);
			if (ret != 0)
				return ret;
		}
	}
	return 0;
}

/*
 * The offsets i of [c, c + n - 6) where a rel32 branch may start (e8, e9,
 * 0f 80-8f), 16 at a time: the whole text is scanned at every start.
 */
static uint32_t branch_bytes(const uint8_t *c)
{
	__m128i v0 = _mm_loadu_si128((const __m128i *)c);
	__m128i v1 = _mm_loadu_si128((const __m128i *)(c + 1));
	__m128i e8 = _mm_cmpeq_epi8(_mm_or_si128(v0, _mm_set1_epi8(1)),
				    _mm_set1_epi8((char)0xe9));
	__m128i jcc = _mm_and_si128(
	    _mm_cmpeq_epi8(v0, _mm_set1_epi8(0x0f)),
	    _mm_cmpeq_epi8(_mm_and_si128(v1, _mm_set1_epi8((char)0xf0)),
			   _mm_set1_epi8((char)0x80)));

	return (uint32_t)_mm_movemask_epi8(_mm_or_si128(e8, jcc));
}

static uintptr_t rel32_target(const uint8_t *at)
{
	int32_t rel;

	if (at[0] == 0x0f) {
		memcpy(&rel, at + 2, 4);
		return (uintptr_t)at + 6 + (uintptr_t)(intptr_t)rel;
	}
	memcpy(&rel, at + 1, 4);
	return (uintptr_t)at + 5 + (uintptr_t)(intptr_t)rel;
}

/* Does a branch to t land inside a window or on a padding jump? */
static int breaks_a_plan(const struct patcher *pt, uintptr_t t)
{
	uintptr_t bit;

	if (t < pt->plans_lo || t >= pt->plans_hi)
		return 0;
	bit = t - pt->plans_lo;
	return (pt->covered[bit / 64] >> (bit % 64)) & 1;
}

static void cover(struct patcher *pt, uintptr_t from, uintptr_t to)
{
	for (uintptr_t a = from; a < to; a++) {
		uintptr_t bit = a - pt->plans_lo;

		pt->covered[bit / 64] |= 1ULL << (bit % 64);
	}
}

/*
 * One bit per byte from the first to the last planned byte: set where no
 * branch may land (inside a window, anywhere in a padding jump).
 */
static int map_covered(struct patcher *pt)
{
	size_t words;

	pt->plans_lo = (uintptr_t)-1;
	pt->plans_hi = 0;
	for (size_t i = 0; i < pt->nplans; i++) {
		const struct site_plan *p = &pt->plans[i];
		uintptr_t lo = p->start, hi = p->end;

		if (p->pad_slot != 0 && p->pad_slot < lo)
			lo = p->pad_slot;
		if (p->pad_slot != 0 && p->pad_slot + 5 > hi)
			hi = p->pad_slot + 5;
		pt->plans_lo = lo < pt->plans_lo ? lo : pt->plans_lo;
		pt->plans_hi = hi > pt->plans_hi ? hi : pt->plans_hi;
	}
	if (pt->nplans == 0)
		return 0;
	words = (pt->plans_hi - pt->plans_lo) / 64 + 1;
	free(pt->covered);
	pt->covered = calloc(words, sizeof(uint64_t));
	if (pt->covered == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < pt->nplans; i++) {
		const struct site_plan *p = &pt->plans[i];

		if (p->pad_slot != 0)
			cover(pt, p->pad_slot, p->pad_slot + 5);
		else
			cover(pt, p->start + 1, p->end);
	}
	return 0;
}

/*
 * Step 4: a rel32 jump or call from anywhere in the object (another
 * function, a .cold part) into the middle of a window. The byte scan sees
 * more "branches" than there are, which only costs a window now and then.
 */
static int note_far_target(struct patcher *pt, const uint8_t *at,
			   int *replanned)
{
	uintptr_t t = rel32_target(at);

	if (!breaks_a_plan(pt, t))
		return 0;
	*replanned = 1;
	return window_forbid(&pt->rules, t);
}

static int check_far_targets(struct patcher *pt, int *replanned)
{
	*replanned = 0;
	for (int i = 0; i < pt->nsegs; i++) {
		const uint8_t *c = (const uint8_t *)pt->segs[i].lo;
		size_t n = pt->segs[i].hi - pt->segs[i].lo;
		size_t at;
		int ret;

		for (at = 0; at + 32 <= n; at += 16) {
			uint32_t mask = branch_bytes(c + at);

			while (mask != 0) {
				ret = note_far_target(
				    pt, c + at + __builtin_ctz(mask),
				    replanned);
				if (ret != 0)
					return ret;
				mask &= mask - 1;
			}
		}
		for (; at + 6 <= n; at++) {
			if (c[at] != 0xe8 && c[at] != 0xe9 &&
			    !(c[at] == 0x0f && (c[at + 1] & 0xf0) == 0x80))
				continue;
			ret = note_far_target(pt, c + at, replanned);
			if (ret != 0)
				return ret;
		}
	}
	return 0;
}

static int plan_object(struct patcher *pt)
{
	int replanned;
	int ret;

	for (int round = 0; round < 4; round++) {
		pt->nplans = 0;
		pt->nleft = 0;
		pt->region.count = 0;
		pt->stats->left = 0;
		window_rules_reset_padding(&pt->rules);
		for (int i = 0; i < pt->nsegs; i++) {
			ret = plan_segment(pt, &pt->segs[i]);
			if (ret != 0)
				return ret;
		}
		ret = map_covered(pt);
		if (ret == 0)
			ret = check_far_targets(pt, &replanned);
		if (ret != 0 || !replanned)
			return ret;
	}
	return -ELOOP;
}

/* Raw byte stores: no libc call may run while its text is not executable. */
/*
 * A jmp (e9 rel32, or eb rel8) at at, then int3 up to len bytes: what
 * follows the jump in a window is never reached. Raw byte stores: no libc
 * call may run while its text is not executable.
 */
static void write_jump(uintptr_t at, uint8_t opcode, uintptr_t target,
		       size_t len)
{
	volatile uint8_t *dst = (volatile uint8_t *)at;
	size_t rel_size = opcode == 0xe9 ? 4 : 1;
	uint32_t rel = (uint32_t)(target - (at + 1 + rel_size));

	dst[0] = opcode;
	for (size_t i = 0; i < rel_size; i++)
		dst[1 + i] = (uint8_t)(rel >> (8 * i));
	for (size_t i = 1 + rel_size; i < len; i++)
		dst[i] = 0xcc;
}

/* Gives segments [0, n) their own protection back. */
static void restore_segments(struct patcher *pt, int n)
{
	for (int i = 0; i < n; i++) {
		const struct segment *s = &pt->segs[i];
		uintptr_t lo = s->lo & ~(uintptr_t)4095;

		syscall_no_intercept(SYS_mprotect, lo, s->hi - lo, s->prot);
	}
}

static int apply_plans(struct patcher *pt)
{
	for (int i = 0; i < pt->nsegs; i++) {
		const struct segment *s = &pt->segs[i];
		uintptr_t lo = s->lo & ~(uintptr_t)4095;
		long r = syscall_no_intercept(SYS_mprotect, lo, s->hi - lo,
					      PROT_READ | PROT_WRITE);
		/* nothing written yet: the code runs on, unpatched */
		if (r != 0) {
			restore_segments(pt, i);
			return (int)r;
		}
	}
	for (size_t i = 0; i < pt->nplans; i++) {
		const struct site_plan *p = &pt->plans[i];

		if (p->trampoline == 0)
			continue;
		if (p->pad_slot != 0) {
			write_jump(p->pad_slot, 0xe9, p->trampoline, 5);
			write_jump(p->start, 0xeb, p->pad_slot, 2);
		} else {
			write_jump(p->start, 0xe9, p->trampoline,
				   p->end - p->start);
		}
	}
	restore_segments(pt, pt->nsegs);
	return 0;
}

static const char left_reasons[LEFT_REASONS][48] = {
    [LEFT_RT_SIGRETURN] = "rt_sigreturn stays native",
    [LEFT_NO_ROOM] = "no room for a jump",
    [LEFT_NOT_RELOCATABLE] = "a moved instruction cannot be relocated",
};

static int emit_trampolines(struct patcher *pt, struct trampoline_area *a,
			    uintptr_t at)
{
	uintptr_t lo = pt->segs[0].lo, hi = pt->segs[0].hi;
	int ret;

	for (int i = 1; i < pt->nsegs; i++) {
		if (pt->segs[i].lo < lo)
			lo = pt->segs[i].lo;
		if (pt->segs[i].hi > hi)
			hi = pt->segs[i].hi;
	}
	ret = trampoline_area_create(
	    a, lo, hi, pt->nplans, (enum vector_save)pt->obj->vector_save, at);
	if (ret != 0)
		return ret;
	for (size_t i = 0; i < pt->nplans; i++) {
		struct site_plan *p = &pt->plans[i];

		if (trampoline_emit(a, p, pt->obj->name, pt->obj->base,
				    pt->obj->how) != 0) {
			pt->stats->left++;
			log_site(pt, p->syscall_addr,
				 left_reasons[LEFT_NOT_RELOCATABLE]);
			ret = leave_site(pt, p->syscall_addr,
					 LEFT_NOT_RELOCATABLE);
			if (ret != 0)
				return ret;
			continue;
		}
		if (p->pad_slot != 0)
			pt->stats->padding_jumps++;
		else
			pt->stats->patched++;
		if (pt->obj->net_site != 0 &&
		    p->syscall_addr == pt->obj->net_site)
			*pt->obj->net_resume = p->call_at;
	}
	return trampoline_area_seal(a);
}

/* The plans from the cache, or made here (and then cached). */
static int plan_or_load(struct patcher *pt, const struct plan_cache *cache)
{
	struct plan_set set;
	int ret;

	if (plan_cache_load(cache, &set) == 0) {
		pt->plans = set.plans;
		pt->nplans = set.nplans;
		pt->left = set.left;
		pt->nleft = set.nleft;
		pt->left_cap = set.nleft + 1;
		for (size_t i = 0; i < set.nleft; i++)
			pt->stats->left += set.left[i].why == LEFT_NO_ROOM;
		pt->stats->from_cache = 1;
		return 0;
	}
	/*
	 * The function table (.eh_frame_hdr) is read only to plan: an object
	 * patched from its image or its cached plans leaves those pages alone
	 * (two page faults of every process's start).
	 */
	function_bounds_init(&pt->fb, pt->obj->base, pt->obj->phdr,
			     pt->obj->phnum);
	ret = plan_object(pt);
	/* a plan made without capstone may leave sites it would patch */
	if (ret == 0 && !pt->dis.withheld) {
		set = (struct plan_set){.plans = pt->plans,
					.nplans = pt->nplans,
					.left = pt->left,
					.nleft = pt->nleft};
		plan_cache_store(cache, &set);
	}
	return ret;
}

/*
 * The object's text and trampolines from its image, if it has a good one;
 * the sites it leaves alone listed only for the log.
 */
static int patch_from_image(struct patcher *pt, const struct text_image *img,
			    struct trampoline_area *area)
{
	int ret = text_image_use(
	    img, (enum vector_save)pt->obj->vector_save, pt->obj->how, area,
	    pt->stats, intercept_log_fd >= 0 ? &pt->left : NULL, &pt->nleft);

	if (ret != 0)
		return ret;
	pt->stats->from_cache = 1;
	for (size_t i = 0; i < pt->nleft; i++)
		log_site(pt, pt->left[i].addr, left_reasons[pt->left[i].why]);
	return 0;
}

/*
 * Plans (from the cache or made), trampolines, patched text; then an image
 * of it when one is wanted (img NULL: none).
 */
static int patch_from_plans(struct patcher *pt, const struct plan_cache *cache,
			    const struct text_image *img,
			    struct trampoline_area *area)
{
	int ret;

	disasm_open(&pt->dis);
	/* no dlopen from the loader's calls, nor from a signal handler */
	pt->dis.no_load = pt->obj->how == SITE_PATCHED_AT_LOAD ||
			  pt->obj->how == SITE_PATCHED_AFTER_NET;
	ret = plan_or_load(pt, cache);
	disasm_close(&pt->dis);
	for (size_t i = 0; ret == 0 && i < pt->nleft; i++)
		log_site(pt, pt->left[i].addr, left_reasons[pt->left[i].why]);
	if (ret != 0 || pt->nplans == 0)
		return ret;
	ret = emit_trampolines(pt, area, img ? text_image_area_at(img) : 0);
	if (ret == 0)
		ret = apply_plans(pt);
	if (ret != 0) {
		trampoline_area_destroy(area);
		return ret;
	}
	/* an image of the plans only: a withheld capstone planned less */
	if (img != NULL && area->fixed && !pt->dis.withheld)
		text_image_store(img, area, pt->stats, pt->left, pt->nleft);
	return 0;
}

int patch_object(const struct patch_object *obj, struct patch_stats *stats)
{
	struct patcher pt = {.obj = obj, .stats = stats};
	struct trampoline_area area = {0};
	struct plan_cache cache;
	struct text_image img;
	int ret;

	memset(stats, 0, sizeof(*stats));
	ret = find_segments(&pt);
	if (ret != 0)
		return ret;
	plan_cache_init(&cache, obj->cache_dir, obj->base, obj->phdr,
			obj->phnum, pt.segs, pt.nsegs);
	memset(&img, 0, sizeof(img));
	if (obj->how == SITE_PATCHED_AT_START)
		text_image_init(&img, &cache, obj->name, obj->base, obj->phdr,
				obj->phnum, pt.segs, pt.nsegs);
	ret = patch_from_image(&pt, &img, &area);
	if (ret != 0) {
		memset(stats, 0, sizeof(*stats));
		ret = patch_from_plans(
		    &pt, &cache, ret == -ENOENT || ret == -ESTALE ? &img : NULL,
		    &area);
	}
	if (ret == 0 && area.base != NULL && obj->area_out != NULL)
		*obj->area_out = area;
	free(pt.region.insns);
	free(pt.plans);
	free(pt.left);
	free(pt.covered);
	window_rules_free(&pt.rules);
	return ret;
}

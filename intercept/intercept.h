/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * intercept.h -- what the parts of libsyscall_intercept share.
 */
#ifndef INTERCEPT_H
#define INTERCEPT_H

#include <stddef.h>
#include <stdint.h>

/*
 * What the sites of one trampoline area share, at the area's start: the
 * entries their code jumps through, and what the log tells of them.
 */
struct site_head {
	void *entry_slot[2]; /* &intercept_entry, &intercept_clone_entry */
	const char *object;  /* full path of the patched object */
	int how;	     /* enum site_how: when the sites were patched */
};

/*
 * A patched system call instruction. The trampoline of the site loads the
 * address of its descriptor into %r11 before calling intercept_entry.
 * Every address in it is relative, so that a descriptor reads the same in
 * every process that has the object and its trampolines at the same
 * distance: a text image (text_image.c) maps them from its file.
 */
struct patch_site {
	int64_t head;	 /* the area's struct site_head, from here */
	uint64_t offset; /* of the syscall instruction in the object */
	/* raw stubs, from the head, 0 for none: the real call, then
	 * after_clone */
	uint32_t raw[3]; /* of clone (and rt_sigreturn), vfork, clone3 */
	uint32_t unused;
	/* syscall + 2 in the patched code, from here: for the unwinder
	 * (entry.S) */
	int64_t return_to;
};

/* How a site came to be patched, for the log. */
enum site_how {
	SITE_PATCHED_AT_START,	/* in the constructor, before main */
	SITE_PATCHED_AT_LOAD,	/* when the loader mapped its object later */
	SITE_CAUGHT_BY_NET,	/* not patched: its calls come through SIGSYS */
	SITE_PATCHED_AFTER_NET, /* its object patched once the net caught it */
};

enum site_raw { RAW_CLONE, RAW_VFORK, RAW_CLONE3 };

_Static_assert(offsetof(struct patch_site, return_to) == 32,
	       "entry.S knows this offset");

static inline const struct site_head *site_head(const struct patch_site *s)
{
	return (const struct site_head *)((uintptr_t)s + (uintptr_t)s->head);
}

static inline const char *site_object(const struct patch_site *s)
{
	return site_head(s)->object;
}

static inline int site_how(const struct patch_site *s)
{
	return site_head(s)->how;
}

static inline void *site_raw(const struct patch_site *s, enum site_raw k)
{
	return s->raw[k] ? (void *)((uintptr_t)site_head(s) + s->raw[k]) : NULL;
}

static inline uintptr_t site_return_to(const struct patch_site *s)
{
	return (uintptr_t)s + (uintptr_t)s->return_to;
}

/* Saved by entry.S, lowest address first. */
struct intercept_regs {
	long rcx;
	const struct patch_site *site;
	long args[6]; /* rdi, rsi, rdx, r10, r8, r9: the arguments */
	long rax;
	unsigned long rflags;
	void *return_address;
};

struct intercept_action {
	long value;
	/*
	 * 0: value is the result; 1: value is a raw stub to run the call
	 * at the site; 2: entry.S makes the call, value is unused
	 */
	long raw;
};

struct intercept_action intercept_dispatch(struct intercept_regs *regs);
void intercept_after_clone(struct intercept_regs *regs);

/* The clone hooks of a clone, clone3, fork or vfork, with its result. */
void intercept_clone_hooks(long nr, const long args[6], long result);

/* entry.S: the vector registers saved around the hook differ */
void intercept_entry_xmm(void);
void intercept_entry_ymm(void);
void intercept_entry_zmm(void);
void intercept_clone_entry_xmm(void);
void intercept_clone_entry_ymm(void);
void intercept_clone_entry_zmm(void);

enum vector_save { VECTOR_SAVE_XMM, VECTOR_SAVE_YMM, VECTOR_SAVE_ZMM };

/*
 * The vector state saved around the hook at the sites of an object: what
 * INTERCEPT_VECTOR_SAVE=xmm|ymm|zmm asks (asked: NULL when unset), within
 * what the CPU and the kernel have. By default, everything for the objects
 * of INTERCEPT_ALL_OBJS=1, and for libc (libc != 0) ymm0-15: code of libc
 * holds nothing in the AVX-512 registers across a system call (no libc is
 * built for AVX-512; its AVX-512 string functions make no system call, and
 * the ABI lets no vector register live across a call into libc), so only
 * what a libc built for AVX2 could hold needs keeping.
 */
enum vector_save intercept_vector_save(const char *asked, int libc);

/* Set when this process is intercepted (see syscall_hook_in_process_allowed) */
extern int intercept_active;

/*
 * The name the sites of the dynamic loader carry (their patch_site.object),
 * NULL when it is not patched: dispatch.c watches the loader's calls
 * (late_load.c).
 */
extern const char *intercept_loader_name;

/*
 * Patches an object the loader mapped after start-up (late_load.c), by the
 * rule the objects of start-up follow: 1 when it was patched, its
 * trampolines in *area (released when the object is unmapped), 0 when it
 * is not to be patched, -errno. Its sites point to name, which the caller
 * keeps as long as they are in use.
 */
struct trampoline_area;
int intercept_patch_loaded(const char *name, uintptr_t base, const void *phdr,
			   int phnum, struct trampoline_area *area);

/*
 * Patches the object holding the syscall instruction at addr, which the net
 * caught (net.c), if it is an object that was left unpatched by choice and
 * the process has one thread: 1 when it was patched, *resume then the code
 * of its trampoline that makes the call (with the registers of the site);
 * 0 when it is not to be patched.
 */
int intercept_patch_after_net(uintptr_t addr, uintptr_t *resume);

/*
 * The object holding addr: its name (copied into name, "[anonymous]" for
 * code of no object) and its base, 0 when there is none.
 */
uintptr_t intercept_object_at(uintptr_t addr, char *name, size_t size);

/* The syscall instruction of syscall_no_intercept, never patched. */
long syscall_no_intercept(long nr, ...);

#endif

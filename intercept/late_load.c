/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * late_load.c -- objects the dynamic loader maps after start-up (dlopen,
 * and the dependencies it brings) are patched before any of their code
 * runs.
 *
 * The loader's own syscall sites are patched at start-up, or at its first
 * call, which the net catches (intercept.c), so its calls pass through
 * dispatch.c, which hands the ones that load and unload objects to this
 * file (its first call aside, made by the net in a process of several
 * threads, where the loader stays with the net: the object then loaded is
 * left to the net too):
 *
 *	openat(path) = fd		the file of the object: its name
 *	mmap(fd, offset 0) = start	the first segment: the ELF header
 *	mmap(fd, PROT_EXEC)		it has code
 *	close(fd)			every segment is mapped
 *	munmap(start, len)		dlclose, or a load that failed
 *
 * The loader closes the file once it has mapped every segment and before
 * it relocates the object or runs any of its code (not even an IFUNC
 * resolver): the object is patched then, from the program headers in its
 * first page. The loader makes these calls holding its own lock, so one
 * object is loaded at a time; the lock below only keeps the tables whole.
 * A dlclose unmaps the object with one munmap of its whole span, which
 * releases its trampolines too; loaded again, at the same address or
 * another, it is patched again (from the plan cache).
 */
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "intercept.h"
#include "late_load.h"
#include "log.h"
#include "trampoline.h"

#define LATE_FILES 8
#define LATE_PATH_MAX 4096
#define PAGE 4096UL

/* A file the loader opened, until it closes it. */
struct late_file {
	int used;
	int exec; /* mapped with PROT_EXEC */
	long fd;
	uintptr_t start; /* its mapping at offset 0, or 0 */
	size_t len;
	char path[LATE_PATH_MAX];
};

/* An object patched at load, until it is unmapped. */
struct late_object {
	struct late_object *next;
	uintptr_t lo, hi;
	char *name; /* the sites' object */
	struct trampoline_area area;
};

static struct late_file files[LATE_FILES];
static struct late_object *objects;
static int lock;
/* set while an object is patched: the loads that causes are not watched */
static int patching;

static void lock_take(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE) != 0)
		__builtin_ia32_pause();
}

static void lock_give(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

static struct late_file *file_of(long fd)
{
	for (int i = 0; i < LATE_FILES; i++)
		if (files[i].used && files[i].fd == fd)
			return &files[i];
	return NULL;
}

static void note_open(const char *path, long fd)
{
	struct late_file *f = file_of(fd);
	size_t n = path != NULL ? strlen(path) : 0;

	for (int i = 0; f == NULL && i < LATE_FILES; i++)
		if (!files[i].used)
			f = &files[i];
	if (f == NULL)
		f = &files[0]; /* a file never closed: forget it */
	/* a name too long is not this file's: no patching without one */
	if (n == 0 || n >= LATE_PATH_MAX) {
		f->used = 0;
		return;
	}
	memcpy(f->path, path, n + 1);
	f->used = 1;
	f->exec = 0;
	f->fd = fd;
	f->start = 0;
	f->len = 0;
}

static void note_mmap(const long args[6], long result)
{
	struct late_file *f = file_of(args[4]);

	if (f == NULL)
		return;
	if (args[5] == 0) {
		f->start = (uintptr_t)result;
		f->len = (size_t)args[1];
	}
	if (args[2] & PROT_EXEC)
		f->exec = 1;
}

static int overlaps(uintptr_t lo, uintptr_t hi, uintptr_t a, uintptr_t b)
{
	return lo < b && a < hi;
}

/*
 * What was mapped in [a, b) is gone: the objects there are returned, to be
 * released once the lock is given back.
 */
static struct late_object *note_munmap(uintptr_t a, uintptr_t b)
{
	struct late_object **pp = &objects;
	struct late_object *gone = NULL;

	for (int i = 0; i < LATE_FILES; i++) {
		struct late_file *f = &files[i];

		if (f->used && f->start != 0 &&
		    overlaps(f->start, f->start + f->len, a, b))
			f->start = 0;
	}
	while (*pp != NULL) {
		struct late_object *o = *pp;

		if (overlaps(o->lo, o->hi, a, b)) {
			*pp = o->next;
			o->next = gone;
			gone = o;
		} else {
			pp = &o->next;
		}
	}
	return gone;
}

/*
 * Whether the object at start, a copy of the file's first page, is one to
 * patch, and where its program headers and base are. Text relocations
 * would write into the code after the patching: such an object is left
 * alone.
 */
static int read_headers(uintptr_t start, size_t len, uintptr_t *base,
			const ElfW(Phdr) * *phdr, int *phnum)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)start;
	const ElfW(Phdr) * ph;
	const ElfW(Dyn) *dyn = NULL;
	uintptr_t b = 0;
	int first = 1;

	if (len < PAGE || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_type != ET_DYN ||
	    eh->e_phentsize != sizeof(ElfW(Phdr)) ||
	    eh->e_phoff + (size_t)eh->e_phnum * sizeof(ElfW(Phdr)) > PAGE)
		return -ENOEXEC;
	ph = (const ElfW(Phdr) *)(start + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && first) {
			if ((ph[i].p_offset & ~(PAGE - 1)) != 0)
				return -ENOEXEC;
			b = start - (ph[i].p_vaddr & ~(PAGE - 1));
			first = 0;
		}
	}
	if (first)
		return -ENOEXEC;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(b + ph[i].p_vaddr);
	for (; dyn != NULL && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_TEXTREL ||
		    (dyn->d_tag == DT_FLAGS && (dyn->d_un.d_val & DF_TEXTREL)))
			return -EPERM;
	}
	*base = b;
	*phdr = ph;
	*phnum = eh->e_phnum;
	return 0;
}

/* The loader is done mapping f: patch it (the lock is not held). */
static void patch_file(const struct late_file *f)
{
	const ElfW(Phdr) * phdr;
	struct late_object *o;
	uintptr_t base;
	int phnum;
	int ret;

	ret = read_headers(f->start, f->len, &base, &phdr, &phnum);
	if (ret == -EPERM)
		intercept_log_msg(f->path, ": text relocations, not patched");
	if (ret != 0)
		return;
	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return;
	o->name = strdup(f->path);
	ret = o->name == NULL ? -ENOMEM
			      : intercept_patch_loaded(o->name, base, phdr,
						       phnum, &o->area);
	if (ret <= 0) {
		free(o->name);
		free(o);
		return;
	}
	o->lo = f->start;
	o->hi = f->start + ((f->len + PAGE - 1) & ~(PAGE - 1));
	lock_take();
	o->next = objects;
	objects = o;
	lock_give();
}

int late_load_watched(long nr)
{
	return nr == SYS_openat || nr == SYS_open || nr == SYS_mmap ||
	       nr == SYS_munmap || nr == SYS_close;
}

void late_load_before(long nr, const long args[6])
{
	struct late_file f;
	struct late_file *found;

	if (nr != SYS_close || __atomic_load_n(&patching, __ATOMIC_ACQUIRE))
		return;
	lock_take();
	found = file_of(args[0]);
	if (found == NULL) {
		lock_give();
		return;
	}
	found->used = 0;
	if (!found->exec || found->start == 0) {
		lock_give();
		return;
	}
	f = *found;
	lock_give();
	__atomic_store_n(&patching, 1, __ATOMIC_RELEASE);
	patch_file(&f);
	__atomic_store_n(&patching, 0, __ATOMIC_RELEASE);
}

void late_load_after(long nr, const long args[6], long result)
{
	struct late_object *gone = NULL;

	if (result < 0 && result > -4096)
		return;
	if (__atomic_load_n(&patching, __ATOMIC_ACQUIRE))
		return;
	lock_take();
	switch (nr) {
	case SYS_openat:
		note_open((const char *)args[1], result);
		break;
	case SYS_open:
		note_open((const char *)args[0], result);
		break;
	case SYS_mmap:
		if (!(args[3] & MAP_ANONYMOUS))
			note_mmap(args, result);
		break;
	case SYS_munmap:
		gone = note_munmap(
		    (uintptr_t)args[0],
		    (uintptr_t)args[0] +
			(((uintptr_t)args[1] + PAGE - 1) & ~(PAGE - 1)));
		break;
	default:
		break;
	}
	lock_give();
	while (gone != NULL) {
		struct late_object *next = gone->next;

		trampoline_area_destroy(&gone->area);
		free(gone->name);
		free(gone);
		gone = next;
	}
}

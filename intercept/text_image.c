/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * text_image.c -- an object's text as patched, and its trampolines, in one
 * file that the next processes map instead of patching.
 *
 * Patching from the plans still costs every process the trampolines'
 * code, a copy of each page of text it writes a jump into, and the
 * page-table work of making the text writable and executable again. When
 * the trampolines sit at a fixed distance below the object (TEXT_IMAGE_
 * DISTANCE) and reach the entry only through the slot in front of them
 * (trampoline.c), the patched text and the trampolines' code are the same
 * bytes in every process: the first process writes them to
 * <plan file>.text, the next ones map that file over the object's text
 * and below it, privately, the pages shared through the page cache. What
 * differs per process, the entry slots and the descriptors (addresses of
 * the object, the entry and its name), is in the head of the area (a fresh
 * page in front of it); the descriptors of the sites hold only addresses
 * relative to themselves (struct patch_site), which are the same in every
 * process, and are mapped from the file too, read-only: a process writes
 * one page, not one descriptor for each site (525 for a libc: 8 pages).
 *
 * The file:
 *	struct image_header
 *	struct image_left[nleft]	the sites left alone, for the log
 *	(zeros to a page)		all of it under the checksum
 *	the text pages, as patched	at text_offset
 *	the descriptors			at sites_offset
 *	the trampolines' code		at code_offset, right after them
 *
 * What makes it trusted is said in plan_cache.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "text_image.h"

/*
 * Below the object's base: past the objects the loader maps after it and
 * what a process maps before its constructors, within rel32 reach.
 */
#define TEXT_IMAGE_DISTANCE (1UL << 30)
#define TEXT_IMAGE_VERSION 2
#define IMAGE_MAGIC "SITEXT2"
#define PAGE 4096UL
/*
 * An object of more text gets no image: the image holds all of it, a copy
 * on disk per version of this code (a libc has 1.4 MB, the loader 0.2 MB).
 */
#define TEXT_IMAGE_MAX_TEXT (16UL << 20)
/* More would not be the header of an object's image. */
#define META_MAX (1UL << 20)

struct image_header {
	char magic[8];
	uint32_t version;
	uint32_t nsites; /* trampolines, in the order of the area */
	uint32_t nleft;
	uint32_t patched, padding_jumps, left; /* struct patch_stats */
	uint64_t checksum; /* of the header, the table and the zeros after */
	/* the object's file when the image was made */
	uint64_t dev, ino, size, mtime_sec, mtime_nsec;
	/* the pages replaced, from the object's base */
	uint64_t text_start, text_size;
	uint64_t distance; /* of the area below the object's base */
	/* of the area: its head and descriptors, then its code */
	uint64_t data_size, code_size;
	uint64_t text_offset, sites_offset, code_offset; /* in this file */
};

_Static_assert(offsetof(struct image_header, checksum) % 8 == 0,
	       "the checksum field is one word of the hash");

struct image_left {
	uint64_t offset;
	uint32_t why, unused;
};

static size_t meta_size(uint32_t nleft)
{
	return sizeof(struct image_header) + nleft * sizeof(struct image_left);
}

static size_t page_up(size_t n)
{
	return (n + PAGE - 1) & ~(PAGE - 1);
}

/* The object's text may not be written to by the loader (DT_TEXTREL). */
static int has_text_relocations(uintptr_t base, const ElfW(Phdr) * phdr,
				int phnum)
{
	for (int i = 0; i < phnum; i++) {
		const ElfW(Dyn) * d;

		if (phdr[i].p_type != PT_DYNAMIC)
			continue;
		for (d = (const ElfW(Dyn) *)(base + phdr[i].p_vaddr);
		     d->d_tag != DT_NULL; d++) {
			if (d->d_tag == DT_TEXTREL ||
			    (d->d_tag == DT_FLAGS &&
			     (d->d_un.d_val & DF_TEXTREL)))
				return 1;
		}
	}
	return 0;
}

/* Does a page of [lo, hi) belong to a loadable segment but the text's? */
static int shares_a_page(uintptr_t base, const ElfW(Phdr) * phdr, int phnum,
			 uintptr_t lo, uintptr_t hi)
{
	for (int i = 0; i < phnum; i++) {
		uintptr_t s, e;

		if (phdr[i].p_type != PT_LOAD || (phdr[i].p_flags & PF_X))
			continue;
		s = (base + phdr[i].p_vaddr) & ~(PAGE - 1);
		e = page_up(base + phdr[i].p_vaddr + phdr[i].p_memsz);
		if (s < hi && e > lo)
			return 1;
	}
	return 0;
}

void text_image_init(struct text_image *t, const struct plan_cache *c,
		     const char *object, uintptr_t base,
		     const ElfW(Phdr) * phdr, int phnum,
		     const struct segment *segs, int nsegs)
{
	size_t len = strlen(c->path);

	memset(t, 0, sizeof(*t));
	if (len == 0 || len + sizeof(".text") > sizeof(t->path) || nsegs != 1 ||
	    object == NULL || object[0] != '/')
		return;
	t->object = object;
	t->base = base;
	t->text_lo = segs[0].lo & ~(PAGE - 1);
	t->text_hi = page_up(segs[0].hi);
	t->prot = segs[0].prot;
	if (base < TEXT_IMAGE_DISTANCE + (1UL << 20) ||
	    t->text_hi - t->text_lo > TEXT_IMAGE_MAX_TEXT ||
	    shares_a_page(base, phdr, phnum, t->text_lo, t->text_hi) ||
	    has_text_relocations(base, phdr, phnum))
		return;
	memcpy(t->path, c->path, len);
	memcpy(t->path + len, ".text", sizeof(".text"));
}

uintptr_t text_image_area_at(const struct text_image *t)
{
	return t->path[0] != '\0' ? t->base - TEXT_IMAGE_DISTANCE : 0;
}

/*
 * Images are used and written only at start-up, by one thread: the folder
 * found private by the first object serves the next one (a stat fewer for
 * each object after the first).
 */
static size_t known_folder_len;
static uint64_t known_folder_sum;

/*
 * The user whose images these are: the effective user the process was
 * started as (AT_EUID, no system call). Were the process to change it
 * before this runs, an image it trusts is still one made by the user it
 * was started as, never by one it changed to.
 */
static long my_uid(void)
{
	int saved_errno = errno;
	unsigned long uid;

	errno = 0;
	uid = getauxval(AT_EUID);
	if (uid == 0 && errno == ENOENT)
		uid = (unsigned long)syscall_no_intercept(SYS_geteuid);
	errno = saved_errno;
	return (long)uid;
}

/* The user's own, and no one else's to write or read. */
static int private_to_user(const struct stat *st, long uid)
{
	return st->st_uid == (uid_t)uid && (st->st_mode & 077) == 0;
}

/*
 * The folder of the image: the user's own, mode 0700 or stricter. A folder
 * found so is known by its name's length and hash for the next object.
 */
static int folder_private(const char *path, long uid)
{
	char dir[sizeof(((struct text_image *)0)->path)];
	const char *slash = strrchr(path, '/');
	uint64_t sum = 0xcbf29ce484222325ULL;
	struct stat st;
	size_t len;

	if (slash == NULL || slash == path)
		return 0;
	len = (size_t)(slash - path);
	memcpy(dir, path, len);
	dir[len] = '\0';
	for (size_t i = 0; i < len; i++)
		sum = (sum ^ (uint8_t)dir[i]) * 0x100000001b3ULL;
	if (len == known_folder_len && sum == known_folder_sum)
		return 1;
	if (syscall_no_intercept(SYS_stat, dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode) || !private_to_user(&st, uid))
		return 0;
	known_folder_len = len;
	known_folder_sum = sum;
	return 1;
}

static int same_file(const struct image_header *h, const struct stat *st)
{
	return h->dev == (uint64_t)st->st_dev &&
	       h->ino == (uint64_t)st->st_ino &&
	       h->size == (uint64_t)st->st_size &&
	       h->mtime_sec == (uint64_t)st->st_mtim.tv_sec &&
	       h->mtime_nsec == (uint64_t)st->st_mtim.tv_nsec;
}

/*
 * Header and table of the file at fd, if they are whole and describe t: in
 * first (a page) when they fit there, as they do but for an object with
 * hundreds of sites left alone, else in memory of malloc's.
 */
static char *read_meta(const struct text_image *t, long fd,
		       const struct stat *file, char *first)
{
	struct image_header h;
	struct stat obj;
	size_t meta, whole;
	char *buf = first;
	long got;

	got = syscall_no_intercept(SYS_pread64, fd, first, PAGE, 0L);
	if (got < (long)sizeof(h))
		return NULL;
	memcpy(&h, first, sizeof(h));
	if (memcmp(h.magic, IMAGE_MAGIC, 8) != 0 ||
	    h.version != TEXT_IMAGE_VERSION || h.nsites == 0 ||
	    h.nleft > META_MAX / sizeof(struct image_left))
		return NULL;
	meta = meta_size(h.nleft);
	whole = page_up(meta);
	if (h.text_start != t->text_lo - t->base ||
	    h.text_size != t->text_hi - t->text_lo ||
	    h.distance != TEXT_IMAGE_DISTANCE || h.text_offset != whole ||
	    h.data_size < AREA_HEAD_SIZE ||
	    h.sites_offset != h.text_offset + h.text_size ||
	    h.code_offset != h.sites_offset + h.data_size - AREA_HEAD_SIZE ||
	    h.code_size % PAGE != 0 || h.data_size % PAGE != 0 ||
	    h.data_size + h.code_size > TEXT_IMAGE_DISTANCE ||
	    h.nsites >
		(h.data_size - AREA_HEAD_SIZE) / sizeof(struct patch_site) ||
	    (uint64_t)file->st_size != h.code_offset + h.code_size)
		return NULL;
	if (syscall_no_intercept(SYS_stat, t->object, &obj) != 0 ||
	    !same_file(&h, &obj))
		return NULL;
	if (whole > (size_t)got) {
		buf = malloc(whole);
		if (buf == NULL ||
		    syscall_no_intercept(SYS_pread64, fd, buf, whole, 0L) !=
			(long)whole) {
			free(buf);
			return NULL;
		}
	}
	if (plan_cache_checksum(buf, whole,
				offsetof(struct image_header, checksum)) ==
	    h.checksum)
		return buf;
	if (buf != first)
		free(buf);
	return NULL;
}

/* The table makes sense for the object: no address escapes. */
static int left_valid(const struct text_image *t, const struct image_header *h)
{
	const struct image_left *l = (const void *)(h + 1);

	for (uint32_t i = 0; i < h->nleft; i++)
		if (l[i].why >= LEFT_REASONS ||
		    t->base + l[i].offset < t->text_lo ||
		    t->base + l[i].offset >= t->text_hi)
			return 0;
	return 1;
}

/*
 * The descriptors mapped from the file make sense for the object and the
 * area: each one's syscall in the text, its head the area's, its raw stubs
 * in the code.
 */
static int sites_valid(const struct text_image *t, const struct image_header *h,
		       const struct trampoline_area *area)
{
	for (uint32_t i = 0; i < h->nsites; i++) {
		const struct patch_site *s = &area->sites[i];
		uintptr_t syscall = site_return_to(s) - 2;

		if (site_head(s) != area->head ||
		    syscall != t->base + s->offset || syscall < t->text_lo ||
		    syscall + 2 > t->text_hi)
			return 0;
		/* a raw stub is 9 bytes: the call, mov $nr, a jump */
		for (int k = 0; k < 3; k++)
			if (s->raw[k] < h->data_size ||
			    s->raw[k] + 9 > h->data_size + h->code_size)
				return 0;
	}
	return 1;
}

static int map_image(const struct text_image *t, long fd,
		     const struct image_header *h, enum vector_save vectors,
		     int how, struct trampoline_area *area)
{
	long r;
	int ret;

	ret = trampoline_area_map(area, t->base - TEXT_IMAGE_DISTANCE,
				  h->data_size, h->nsites, fd, h->sites_offset,
				  h->code_size, vectors);
	if (ret != 0)
		return ret;
	trampoline_area_head(area, t->object, how);
	ret = sites_valid(t, h, area) ? trampoline_area_seal(area) : -ESTALE;
	if (ret != 0) {
		trampoline_area_destroy(area);
		return ret;
	}
	/* one step: the old text or the new, never none, for any code */
	r = syscall_no_intercept(SYS_mmap, t->text_lo, h->text_size, t->prot,
				 MAP_PRIVATE | MAP_FIXED, fd, h->text_offset);
	if (r != (long)t->text_lo) {
		trampoline_area_destroy(area);
		return -ENOMEM;
	}
	return 0;
}

/* The sites left alone, as the image says. */
static int read_left(const struct text_image *t, const struct image_header *h,
		     struct left_site **left, size_t *nleft)
{
	const struct image_left *l = (const void *)(h + 1);

	*left = calloc(h->nleft + 1, sizeof(**left));
	if (*left == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < h->nleft; i++)
		(*left)[i] = (struct left_site){t->base + l[i].offset,
						(enum left_reason)l[i].why};
	*nleft = h->nleft;
	return 0;
}

int text_image_use(const struct text_image *t, enum vector_save vectors,
		   int how, struct trampoline_area *area,
		   struct patch_stats *stats, struct left_site **left,
		   size_t *nleft)
{
	const struct image_header *h;
	char first[PAGE];
	struct stat st;
	long uid, fd;
	char *meta = NULL;
	int ret;

	if (left != NULL)
		*left = NULL;
	*nleft = 0;
	if (t->path[0] == '\0')
		return -ENOENT;
	fd = syscall_no_intercept(SYS_open, t->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	uid = my_uid();
	if (syscall_no_intercept(SYS_fstat, fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && private_to_user(&st, uid) &&
	    folder_private(t->path, uid))
		meta = read_meta(t, fd, &st, first);
	h = (const struct image_header *)meta;
	ret = h != NULL && left_valid(t, h)
		  ? map_image(t, fd, h, vectors, how, area)
		  : -ESTALE;
	if (ret == 0) {
		stats->patched = h->patched;
		stats->padding_jumps = h->padding_jumps;
		stats->left = h->left;
	}
	/*
	 * The list, made only for a caller that logs it (a malloc a
	 * process may never make otherwise), once the object's text is the
	 * image's: the calloc runs in the pages the program will use, not
	 * in pages mapped over right after.
	 */
	if (ret == 0 && left != NULL && read_left(t, h, left, nleft) != 0) {
		*left = NULL;
		*nleft = 0;
	}
	if (meta != first)
		free(meta);
	syscall_no_intercept(SYS_close, fd);
	return ret;
}

void text_image_store(const struct text_image *t,
		      const struct trampoline_area *area,
		      const struct patch_stats *stats,
		      const struct left_site *left, size_t nleft)
{
	struct image_header h = {.version = TEXT_IMAGE_VERSION,
				 .nsites = (uint32_t)area->used_sites,
				 .nleft = (uint32_t)nleft,
				 .patched = stats->patched,
				 .padding_jumps = stats->padding_jumps,
				 .left = stats->left,
				 .text_start = t->text_lo - t->base,
				 .text_size = t->text_hi - t->text_lo,
				 .distance = TEXT_IMAGE_DISTANCE,
				 .data_size = area->data_size,
				 .code_size = trampoline_area_code_used(area)};
	size_t meta = meta_size(h.nleft);
	struct image_left *l;
	struct iovec parts[3];
	struct stat obj;
	char *buf;

	if (t->path[0] == '\0' || !area->fixed || area->used_sites == 0 ||
	    !folder_private(t->path, my_uid()) ||
	    syscall_no_intercept(SYS_stat, t->object, &obj) != 0)
		return;
	buf = calloc(1, page_up(meta));
	if (buf == NULL)
		return;
	memcpy(h.magic, IMAGE_MAGIC, 8);
	h.dev = (uint64_t)obj.st_dev;
	h.ino = (uint64_t)obj.st_ino;
	h.size = (uint64_t)obj.st_size;
	h.mtime_sec = (uint64_t)obj.st_mtim.tv_sec;
	h.mtime_nsec = (uint64_t)obj.st_mtim.tv_nsec;
	h.text_offset = page_up(meta);
	h.sites_offset = h.text_offset + h.text_size;
	h.code_offset = h.sites_offset + h.data_size - AREA_HEAD_SIZE;
	l = (struct image_left *)(buf + sizeof(h));
	for (size_t i = 0; i < nleft; i++)
		l[i] = (struct image_left){.offset = left[i].addr - t->base,
					   .why = left[i].why};
	memcpy(buf, &h, sizeof(h));
	h.checksum = plan_cache_checksum(
	    buf, page_up(meta), offsetof(struct image_header, checksum));
	memcpy(buf, &h, sizeof(h));
	parts[0] = (struct iovec){buf, page_up(meta)};
	parts[1] = (struct iovec){(void *)t->text_lo, h.text_size};
	/* the descriptors, relative, then the code */
	parts[2] = (struct iovec){area->base + AREA_HEAD_SIZE,
				  h.data_size - AREA_HEAD_SIZE + h.code_size};
	plan_cache_write(t->path, parts, 3);
	free(buf);
}

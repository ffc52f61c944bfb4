/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * plan_cache.c -- plans on disk, one file per object build-id:
 * $XDG_CACHE_HOME/libsyscall_intercept/<build-id>.<version>.
 *
 * $XDG_CACHE_HOME/libsyscall_intercept/<build-id>.<salt> (see
 * plan_cache_init).
 *
 * A file holds offsets from the object's base, so it serves whatever
 * address the object is loaded at. It is trusted no more than the code it
 * describes: its checksum must match, and each plan is checked against the
 * bytes in memory (a syscall where it says, whole windows inside the
 * executable segments, each instruction of a window decoded again and
 * found as recorded, padding jumps within reach); one failed check makes
 * the whole file a miss, planned afresh and written again.
 * Files are written to a temporary name and renamed, so a reader never sees
 * half of one. Only raw system calls touch the file: the constructor may
 * run after another library set a hook.
 *
 * The text image beside a plan file (<file>.text, text_image.c) is code
 * the process runs without looking at it: checking it byte by byte would
 * cost what it saves. It is used only when all of these hold, else the
 * object is patched from its plans as above (and the image written again
 * when it was missing or failed a check, not when it could not be mapped):
 *  - the image and its folder are the user's own (the effective user id),
 *    the file mode 0600 and the folder 0700 or stricter, so that no one
 *    else can have written it (as no one else can write the user's
 *    LD_PRELOAD libraries); set-user-ID programs have no cache at all;
 *  - the object's file, as stat finds it at the object's path, is the one
 *    the image was made from: same device, inode, size and modification
 *    time (the name of the image carries the build-id of the object as
 *    loaded, and the version of this code);
 *  - the header and the tables match their checksum, the file has exactly
 *    the size they say, and their offsets stay within the object's text
 *    and the trampoline area;
 *  - the area's place, at a fixed distance below the object, is free.
 * Images are replaced by rename, never written in place.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libsyscall_intercept_hook_point.h"
#include "plan_cache.h"
#include "plan_salt.h"

/* Changes whenever planning changes what it decides. */
#define PLAN_CACHE_VERSION 3
#define MAGIC "SIPLANS"

struct file_header {
	char magic[8];
	uint32_t version;
	uint32_t nplans;
	uint32_t nleft;
	uint32_t insn_size; /* sizeof(struct insn), a layout check */
	uint64_t text_size; /* of the executable segments */
	uint64_t checksum;  /* of the whole file, with this field 0 */
};

_Static_assert(offsetof(struct file_header, checksum) % 8 == 0,
	       "the checksum field is one word of the hash");

struct file_plan {
	uint64_t syscall, start, end, pad_slot;
	uint32_t count, unused;
	struct insn insns[WINDOW_MAX_INSNS]; /* addr as an offset */
};

struct file_left {
	uint64_t offset;
	uint32_t why, unused;
};

static size_t text_size(const struct plan_cache *c)
{
	size_t n = 0;

	for (int i = 0; i < c->nsegs; i++)
		n += c->segs[i].hi - c->segs[i].lo;
	return n;
}

static void append(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	while (*s != '\0' && len + 1 < size)
		buf[len++] = *s++;
	buf[len] = '\0';
}

static const uint8_t *find_build_id(uintptr_t base, const ElfW(Phdr) * phdr,
				    int phnum, size_t *len)
{
	for (int i = 0; i < phnum; i++) {
		const uint8_t *p = (const uint8_t *)(base + phdr[i].p_vaddr);
		const uint8_t *end = p + phdr[i].p_filesz;

		if (phdr[i].p_type != PT_NOTE)
			continue;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
			const uint8_t *name = p + sizeof(*n);
			const uint8_t *desc = name + ((n->n_namesz + 3) & ~3u);

			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    memcmp(name, "GNU", 4) == 0 && n->n_descsz > 0 &&
			    n->n_descsz <= 64 && desc + n->n_descsz <= end) {
				*len = n->n_descsz;
				return desc;
			}
			p = desc + ((n->n_descsz + 3) & ~3u);
		}
	}
	return NULL;
}

/* The hex of an object's GNU build-id (at most size - 1 digits), or "". */
static void build_id_hex(char *hex, size_t size, uintptr_t base,
			 const ElfW(Phdr) * phdr, int phnum)
{
	size_t len = 0, at = 0;
	const uint8_t *id = find_build_id(base, phdr, phnum, &len);

	for (size_t i = 0; id != NULL && i < len && at + 2 < size; i++) {
		hex[at++] = "0123456789abcdef"[id[i] >> 4];
		hex[at++] = "0123456789abcdef"[id[i] & 15];
	}
	if (size > 0)
		hex[at] = '\0';
}

void plan_cache_init(struct plan_cache *c, const char *dir, uintptr_t base,
		     const ElfW(Phdr) * phdr, int phnum,
		     const struct segment *segs, int nsegs)
{
	char id[2 * 64 + 1];

	memset(c, 0, sizeof(*c));
	c->base = base;
	c->segs = segs;
	c->nsegs = nsegs;
	build_id_hex(id, sizeof(id), base, phdr, phnum);
	if (dir == NULL || id[0] == '\0')
		return;
	append(c->path, sizeof(c->path), dir);
	append(c->path, sizeof(c->path), "/");
	append(c->path, sizeof(c->path), id);
	append(c->path, sizeof(c->path), ".");
	append(c->path, sizeof(c->path), PLAN_CACHE_SALT);
	/* a path cut short names nothing */
	if (strlen(c->path) + 32 >= sizeof(c->path))
		c->path[0] = '\0';
}

static int in_text(const struct plan_cache *c, uintptr_t lo, uintptr_t hi)
{
	for (int i = 0; i < c->nsegs; i++) {
		if (lo >= c->segs[i].lo && hi <= c->segs[i].hi && lo < hi)
			return 1;
	}
	return 0;
}

/*
 * Four lanes of 8-byte words, so that a process checks a file of a few
 * hundred plans in microseconds (a byte at a time took a tenth of a
 * millisecond, paid by every process at start-up).
 */
uint64_t plan_cache_checksum(const void *bytes, size_t size, size_t field)
{
	const char *data = bytes;
	const uint64_t prime = 0x9e3779b97f4a7c15ULL;
	uint64_t lane[4] = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL,
			    0xa4093822299f31d0ULL, 0x082efa98ec4e6c89ULL};
	uint64_t h = size;
	size_t i = 0;

	for (; i + 8 <= size; i += 8) {
		uint64_t w = 0;

		if (i != field)
			memcpy(&w, data + i, 8);
		lane[(i / 8) % 4] = (lane[(i / 8) % 4] ^ w) * prime;
		lane[(i / 8) % 4] ^= lane[(i / 8) % 4] >> 29;
	}
	for (; i < size; i++)
		h = (h ^ (uint8_t)data[i]) * prime;
	for (int k = 0; k < 4; k++) {
		h = (h ^ lane[k]) * prime;
		h ^= h >> 32;
	}
	return h;
}

static uint64_t image_checksum(const char *data, size_t size)
{
	return plan_cache_checksum(data, size,
				   offsetof(struct file_header, checksum));
}

/* The end of the executable segment holding at, or 0. */
static uintptr_t text_end(const struct plan_cache *c, uintptr_t at)
{
	for (int i = 0; i < c->nsegs; i++) {
		if (at >= c->segs[i].lo && at < c->segs[i].hi)
			return c->segs[i].hi;
	}
	return 0;
}

/* Whether the bytes at in->addr decode to the instruction recorded. */
static int insn_matches(const struct plan_cache *c, const struct insn *in)
{
	struct insn_info info;
	uintptr_t end = text_end(c, in->addr);

	return end != 0 &&
	       insn_decode((const uint8_t *)in->addr, end - in->addr, &info) ==
		   0 &&
	       info.length == in->size && info.kind == in->kind &&
	       info.falls_through == in->falls_through &&
	       info.rip_disp == in->rip_disp &&
	       info.rel_offset == in->rel_offset &&
	       info.rel_size == in->rel_size && info.simple == in->simple;
}

static int is_syscall_at(const struct plan_cache *c, uintptr_t at)
{
	return in_text(c, at, at + 2) && ((const uint8_t *)at)[0] == 0x0f &&
	       ((const uint8_t *)at)[1] == 0x05;
}

/* A plan read from a file, in addresses, if it makes sense here. */
static int plan_from_file(const struct plan_cache *c, const struct file_plan *f,
			  struct site_plan *p)
{
	uintptr_t at;
	int syscalls = 0;

	if (f->count == 0 || f->count > WINDOW_MAX_INSNS)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	p->syscall_addr = c->base + f->syscall;
	p->start = c->base + f->start;
	p->end = c->base + f->end;
	p->pad_slot = f->pad_slot ? c->base + f->pad_slot : 0;
	p->count = (int)f->count;
	if (!in_text(c, p->start, p->end) || !is_syscall_at(c, p->syscall_addr))
		return -EINVAL;
	at = p->start;
	for (int i = 0; i < p->count; i++) {
		p->insns[i] = f->insns[i];
		p->insns[i].addr = c->base + f->insns[i].addr;
		if (p->insns[i].addr != at || p->insns[i].size == 0 ||
		    p->insns[i].kind > INSN_FLOW ||
		    p->insns[i].rip_disp >= p->insns[i].size ||
		    p->insns[i].rel_offset + p->insns[i].rel_size >
			p->insns[i].size ||
		    !insn_matches(c, &p->insns[i]))
			return -EINVAL;
		if (at == p->syscall_addr)
			syscalls += p->insns[i].kind == INSN_SYSCALL &&
				    p->insns[i].size == 2;
		at += p->insns[i].size;
	}
	if (at != p->end || syscalls != 1)
		return -EINVAL;
	if (p->pad_slot != 0) {
		intptr_t rel = (intptr_t)(p->pad_slot - (p->syscall_addr + 2));

		if (p->count != 1 ||
		    !in_text(c, p->pad_slot, p->pad_slot + 5) || rel < -128 ||
		    rel > 127)
			return -EINVAL;
	} else if (p->end - p->start < 5) {
		return -EINVAL;
	}
	return 0;
}

/*
 * The file, mapped (its pages are the page cache's: no copy, no fresh
 * memory). Files are replaced by rename, never rewritten in place, so the
 * mapping keeps the file it found.
 */
static long map_file(const char *path, void **data)
{
	struct stat st;
	long fd = syscall_no_intercept(SYS_open, path, O_RDONLY | O_CLOEXEC);
	long r = -ENOENT;

	if (fd < 0)
		return -ENOENT;
	if (syscall_no_intercept(SYS_fstat, fd, &st) == 0 &&
	    st.st_size >= (long)sizeof(struct file_header) &&
	    st.st_size <= (64L << 20)) {
		r = syscall_no_intercept(SYS_mmap, 0L, st.st_size, PROT_READ,
					 MAP_PRIVATE, fd, 0);
		if (r < 0 && r > -4096) {
			r = -ENOENT;
		} else {
			*data = (void *)r;
			r = st.st_size;
		}
	}
	syscall_no_intercept(SYS_close, fd);
	return r;
}

static int parse(const struct plan_cache *c, const char *data, size_t size,
		 struct plan_set *set)
{
	struct file_header h;
	const struct file_plan *fp;
	const struct file_left *fl;

	memcpy(&h, data, sizeof(h));
	if (memcmp(h.magic, MAGIC, 8) != 0 || h.version != PLAN_CACHE_VERSION ||
	    h.insn_size != sizeof(struct insn) || h.text_size != text_size(c) ||
	    size !=
		sizeof(h) + h.nplans * sizeof(*fp) + h.nleft * sizeof(*fl) ||
	    h.checksum != image_checksum(data, size))
		return -EINVAL;
	fp = (const struct file_plan *)(data + sizeof(h));
	fl = (const struct file_left *)(fp + h.nplans);
	set->plans = calloc(h.nplans + 1, sizeof(*set->plans));
	set->left = calloc(h.nleft + 1, sizeof(*set->left));
	if (set->plans == NULL || set->left == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < h.nplans; i++) {
		struct site_plan *p = &set->plans[i];

		if (plan_from_file(c, &fp[i], p) != 0)
			return -EINVAL;
		/* ascending, no overlap */
		if (i > 0 && p->start < set->plans[i - 1].end)
			return -EINVAL;
	}
	for (uint32_t i = 0; i < h.nleft; i++) {
		set->left[i].addr = c->base + fl[i].offset;
		set->left[i].why = (enum left_reason)fl[i].why;
		if (fl[i].why > LEFT_NO_ROOM ||
		    !is_syscall_at(c, set->left[i].addr))
			return -EINVAL;
	}
	set->nplans = h.nplans;
	set->nleft = h.nleft;
	return 0;
}

int plan_cache_load(const struct plan_cache *c, struct plan_set *set)
{
	void *data = NULL;
	long size;
	int ret;

	memset(set, 0, sizeof(*set));
	if (c->path[0] == '\0')
		return -ENOENT;
	size = map_file(c->path, &data);
	if (size < 0)
		return -ENOENT;
	ret = parse(c, data, (size_t)size, set);
	syscall_no_intercept(SYS_munmap, data, size);
	if (ret != 0) {
		free(set->plans);
		free(set->left);
		memset(set, 0, sizeof(*set));
		return -ENOENT;
	}
	return 0;
}

/* mkdir -p of the folder holding path, with raw system calls. */
static void make_dirs(const char *path)
{
	char dir[512];
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return;
	memcpy(dir, path, len + 1);
	for (size_t i = 1; i < len; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		syscall_no_intercept(SYS_mkdir, dir, 0700);
		dir[i] = '/';
	}
}

static int write_all(long fd, const void *data, size_t size)
{
	size_t done = 0;

	while (done < size) {
		long r = syscall_no_intercept(
		    SYS_write, fd, (const char *)data + done, size - done);
		if (r <= 0)
			return -EIO;
		done += (size_t)r;
	}
	return 0;
}

static size_t file_image(const struct plan_cache *c, const struct plan_set *set,
			 char *out)
{
	struct file_header h = {.version = PLAN_CACHE_VERSION,
				.nplans = (uint32_t)set->nplans,
				.nleft = (uint32_t)set->nleft,
				.insn_size = sizeof(struct insn),
				.text_size = text_size(c)};
	size_t at = sizeof(h);

	memcpy(h.magic, MAGIC, 8);
	memcpy(out, &h, sizeof(h));
	for (size_t i = 0; i < set->nplans; i++) {
		const struct site_plan *p = &set->plans[i];
		struct file_plan f = {
		    .syscall = p->syscall_addr - c->base,
		    .start = p->start - c->base,
		    .end = p->end - c->base,
		    .pad_slot = p->pad_slot ? p->pad_slot - c->base : 0,
		    .count = (uint32_t)p->count,
		};

		for (int k = 0; k < p->count; k++) {
			f.insns[k] = p->insns[k];
			f.insns[k].addr = p->insns[k].addr - c->base;
		}
		memcpy(out + at, &f, sizeof(f));
		at += sizeof(f);
	}
	for (size_t i = 0; i < set->nleft; i++) {
		struct file_left f = {.offset = set->left[i].addr - c->base,
				      .why = set->left[i].why};

		memcpy(out + at, &f, sizeof(f));
		at += sizeof(f);
	}
	h.checksum = image_checksum(out, at);
	memcpy(out, &h, sizeof(h));
	return at;
}

/* path.<pid>: the temporary name of this process's copy */
static void append_pid(char *buf, size_t size)
{
	char digits[24];
	long pid = syscall_no_intercept(SYS_getpid);
	int n = 0;

	do {
		digits[n++] = (char)('0' + pid % 10);
		pid /= 10;
	} while (pid > 0);
	append(buf, size, ".");
	while (n > 0) {
		char one[2] = {digits[--n], '\0'};

		append(buf, size, one);
	}
}

/*
 * The versions of the interceptor whose files of an object are kept beside
 * this version's: programs that carry different copies of the archive (a
 * library of the system, a preload shim built apart) each keep their
 * files instead of removing the other's at every start, while the cache
 * does not grow with every change of the code.
 */
#define OTHER_BUILDS_KEPT 3
#define OTHER_BUILDS_MAX 32
/* A temporary copy this old is one its writer left when it died. */
#define TEMP_LEFT_SECONDS 60

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct build_files {
	const char *own; /* "<build-id>.<salt>": this version's name */
	size_t id_len;	 /* of "<build-id>." */
	char salts[OTHER_BUILDS_MAX][24];
	int64_t newest[OTHER_BUILDS_MAX]; /* mtime of a file of each salt */
	int nsalts;
	int64_t now;
};

/* The salt of name, "<build-id>.<salt>[.<more>]", or -1 when too long. */
static int salt_of(const struct build_files *b, const char *name, char salt[24])
{
	const char *s = name + b->id_len;
	size_t len = 0;

	while (s[len] != '\0' && s[len] != '.')
		len++;
	if (len == 0 || len >= 24)
		return -1;
	memcpy(salt, s, len);
	salt[len] = '\0';
	return 0;
}

static int salt_index(const struct build_files *b, const char *salt)
{
	for (int i = 0; i < b->nsalts; i++)
		if (strcmp(b->salts[i], salt) == 0)
			return i;
	return -1;
}

/* Is salt among the OTHER_BUILDS_KEPT most recently written? */
static int salt_kept(const struct build_files *b, const char *salt)
{
	int i = salt_index(b, salt), newer = 0;

	if (i < 0)
		return 0;
	for (int k = 0; k < b->nsalts; k++)
		newer += b->newest[k] > b->newest[i];
	return newer < OTHER_BUILDS_KEPT;
}

/*
 * One file of the object: noted (pass 0), or removed if it belongs to a
 * version not kept or is a temporary copy of this one left behind (pass 1).
 */
static void look_at(struct build_files *b, long dirfd, const char *name,
		    int pass)
{
	size_t own_len = strlen(b->own);
	char salt[24];
	struct stat st;
	int i;

	if (strncmp(name, b->own, b->id_len) != 0 ||
	    syscall_no_intercept(SYS_newfstatat, dirfd, name, &st,
				 AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(st.st_mode))
		return;
	if (strncmp(name, b->own, own_len) == 0) {
		/* this version's: a temporary copy "<own>.<pid>" only */
		if (pass == 1 && name[own_len] == '.' &&
		    strcmp(name + own_len, ".text") != 0 &&
		    b->now - st.st_mtim.tv_sec > TEMP_LEFT_SECONDS)
			syscall_no_intercept(SYS_unlinkat, dirfd, name, 0);
		return;
	}
	if (salt_of(b, name, salt) != 0)
		return;
	i = salt_index(b, salt);
	if (pass == 1) {
		if (!salt_kept(b, salt))
			syscall_no_intercept(SYS_unlinkat, dirfd, name, 0);
		return;
	}
	if (i < 0 && b->nsalts < OTHER_BUILDS_MAX) {
		i = b->nsalts++;
		memcpy(b->salts[i], salt, sizeof(salt));
		b->newest[i] = st.st_mtim.tv_sec;
	}
	if (i >= 0 && st.st_mtim.tv_sec > b->newest[i])
		b->newest[i] = st.st_mtim.tv_sec;
}

/*
 * Prunes the files of the object at path left by other versions of the
 * interceptor (same "<build-id>." prefix, another salt): those of the
 * OTHER_BUILDS_KEPT versions that wrote last stay.
 */
static void remove_other_builds(const char *path)
{
	struct build_files b = {0};
	char dir[512];
	char buf[4096];
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	struct stat st;
	long fd, n;

	if (slash == NULL || dot == NULL || dot < slash ||
	    (size_t)(slash - path) >= sizeof(dir))
		return;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	b.own = slash + 1;
	b.id_len = (size_t)(dot - slash); /* "<build-id>." */
	if (syscall_no_intercept(SYS_stat, path, &st) != 0)
		return;
	b.now = st.st_mtim.tv_sec; /* just written */
	fd = syscall_no_intercept(SYS_open, dir,
				  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (int pass = 0; pass < 2; pass++) {
		syscall_no_intercept(SYS_lseek, fd, 0L, SEEK_SET);
		while ((n = syscall_no_intercept(SYS_getdents64, fd, buf,
						 sizeof(buf))) > 0) {
			for (long at = 0; at < n;) {
				const struct linux_dirent64 *e =
				    (const void *)(buf + at);

				at += e->d_reclen;
				look_at(&b, fd, e->d_name, pass);
			}
		}
	}
	syscall_no_intercept(SYS_close, fd);
}

int plan_cache_write(const char *path, const struct iovec *parts, int nparts)
{
	char tmp[512 + 32];
	long fd;
	int ret = 0;

	tmp[0] = '\0';
	append(tmp, sizeof(tmp), path);
	append_pid(tmp, sizeof(tmp));
	make_dirs(path);
	fd = syscall_no_intercept(
	    SYS_open, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return (int)fd;
	for (int i = 0; ret == 0 && i < nparts; i++)
		ret = write_all(fd, parts[i].iov_base, parts[i].iov_len);
	syscall_no_intercept(SYS_close, fd);
	if (ret == 0)
		ret = (int)syscall_no_intercept(SYS_rename, tmp, path);
	if (ret != 0)
		syscall_no_intercept(SYS_unlink, tmp);
	return ret;
}

void plan_cache_store(const struct plan_cache *c, const struct plan_set *set)
{
	struct iovec part;
	char *image;

	if (c->path[0] == '\0')
		return;
	image = malloc(sizeof(struct file_header) +
		       set->nplans * sizeof(struct file_plan) +
		       set->nleft * sizeof(struct file_left));
	if (image == NULL)
		return;
	part.iov_base = image;
	part.iov_len = file_image(c, set, image);
	if (plan_cache_write(c->path, &part, 1) == 0)
		remove_other_builds(c->path);
	free(image);
}

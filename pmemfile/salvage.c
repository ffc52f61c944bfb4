// SPDX-License-Identifier: BSD-3-Clause
/*
 * salvage.c -- the files of a pool that libpmemobj refuses, copied into a
 * new pool.
 *
 * When libpmemobj's own metadata (its heap, zone and chunk headers, its
 * lanes) is damaged, the pool cannot be opened, and no repair through
 * libpmemobj can run. pmemfile's structures may still be intact: they are
 * addressed by offsets from the start of the pool file, so the file,
 * mapped privately and read-only, is walked as pf_ptr would walk it, from
 * the superblock (the root object, whose offset libpmemobj's pool
 * descriptor keeps). Nothing read is trusted: every offset is bounded by
 * the file and aligned as layout.h says, every count by what the file can
 * hold, every checksum (layout 5) verified, and each directory is entered
 * once, so that a cycle ends. What is readable is made again in a new pool
 * through the library's API, with the modes, owners and times it had; a
 * file reached by several names is made once and linked. Intact inodes
 * that no readable directory names go to /lost+found as #INODE.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "csum.h"
#include "internal.h"
#include "check_found.h"
#include "objcheck.h"
#include "jmode.h"

/* libpmemobj's pool descriptor (objcheck.c): the root object's offset. */
#define SALVAGE_ROOT_OFF (4096ULL + 2048ULL)
/* Nothing of pmemfile's lies before libpmemobj's lanes. */
#define SALVAGE_MIN_OFF (4096ULL + 4096ULL)

/* One inode met: its offset and where the new pool has it. */
struct salvage_ino {
	uint64_t off;  /* 0: a free entry of the table */
	unsigned root; /* the root directory its path starts from */
	char *path;    /* relative to that root; NULL: not made */
	bool dir;
};

struct salvage {
	const char *base; /* the old pool file, mapped */
	uint64_t size;
	const struct pmemfile_super *super;
	bool csums;
	/* the size and time words have their checks (layout 6, or a
	 * superblock too damaged to say) */
	bool words;
	FILE *out;
	PMEMfilepool *pfp;
	PMEMfile *roots[1 + PMEMFILE_EXTRA_ROOTS];
	struct salvage_ino *inos; /* open addressing, cap a power of two */
	size_t ninos, cap;
	struct pmemfile_salvage_counts n;
};

__attribute__((format(printf, 2, 3))) static void say(struct salvage *s,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_line(s->out, fmt, ap);
	va_end(ap);
}

/* Whether len bytes at off lie in the part of the file pmemfile uses. */
static bool in_pool(const struct salvage *s, uint64_t off, uint64_t len)
{
	return off >= SALVAGE_MIN_OFF && len <= s->size && off <= s->size - len;
}

static const void *at(const struct salvage *s, uint64_t off)
{
	return s->base + off;
}

static struct salvage_ino *ino_slot(struct salvage *s, uint64_t off)
{
	size_t mask = s->cap - 1;
	size_t i = (size_t)((off >> 8) * 0x9E3779B97F4A7C15ULL) & mask;
	while (s->inos[i].off && s->inos[i].off != off)
		i = (i + 1) & mask;
	return &s->inos[i];
}

/* Whether inode off was met already. */
static bool ino_known(struct salvage *s, uint64_t off)
{
	return s->cap && ino_slot(s, off)->off == off;
}

/* The entry of inode off, made if new: NULL only when out of memory. */
static struct salvage_ino *ino_get(struct salvage *s, uint64_t off)
{
	if ((s->ninos + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		struct salvage_ino *old = s->inos;
		size_t ocap = s->cap;
		s->inos = calloc(ncap, sizeof(*s->inos));
		if (!s->inos) {
			s->inos = old;
			return NULL;
		}
		s->cap = ncap;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].off)
				*ino_slot(s, old[i].off) = old[i];
		free(old);
	}
	struct salvage_ino *e = ino_slot(s, off);
	if (!e->off) {
		e->off = off;
		s->ninos++;
	}
	return e;
}

/*
 * The inode at off if it may be read: 256-byte aligned as the slots of
 * inode arrays are (4 KiB-aligned arrays, 256-byte slots after a 256-byte
 * header), in use, of a known type, its checksum right (an array's header
 * fails it: the checksum starts from the offset).
 */
static const struct pmemfile_inode *inode_read(struct salvage *s, uint64_t off)
{
	if (off % sizeof(struct pmemfile_inode) ||
	    !in_pool(s, off, sizeof(struct pmemfile_inode)))
		return NULL;
	const struct pmemfile_inode *in = at(s, off);
	switch (in->mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		break;
	default:
		return NULL;
	}
	if (s->csums && in->csum != csum_inode(off, in))
		return NULL;
	return in;
}

static int salvage_dir(struct salvage *s, uint64_t ino, unsigned root,
		       const char *path);

static uint64_t ino_of(const struct salvage *s, const struct pmemfile_inode *in)
{
	return (uint64_t)((const char *)in - s->base);
}

/*
 * The inode's access and modification times, as read (a time that fails
 * its check is no structure that leads astray: it is kept; nanoseconds
 * out of range are taken as 0).
 */
static void times_of(const struct salvage *s, const struct pmemfile_inode *in,
		     pmemfile_timespec_t t[2])
{
	uint64_t v = s->words ? 6 : 5, ino = ino_of(s, in);
	struct pmemfile_time a = inode_time_any(
	    ino + offsetof(struct pmemfile_inode, atime), &in->atime, v);
	struct pmemfile_time m = inode_time_any(
	    ino + offsetof(struct pmemfile_inode, mtime), &in->mtime, v);
	t[0] = (pmemfile_timespec_t){.tv_sec = a.sec, .tv_nsec = a.nsec};
	t[1] = (pmemfile_timespec_t){.tv_sec = m.sec, .tv_nsec = m.nsec};
	for (int i = 0; i < 2; i++)
		if (t[i].tv_nsec < 0 || t[i].tv_nsec > 999999999)
			t[i].tv_nsec = 0;
}

/* mode, owner and times of the inode given to what path names */
static void attrs_set(struct salvage *s, const struct pmemfile_inode *in,
		      unsigned root, const char *path)
{
	PMEMfile *r = s->roots[root];
	int nofollow = PMEMFILE_AT_SYMLINK_NOFOLLOW;
	pmemfile_timespec_t t[2];
	times_of(s, in, t);
	/* the owner first: a change of owner clears set-id bits */
	if (pmemfile_fchownat(s->pfp, r, path, in->uid, in->gid, nofollow) ||
	    (!S_ISLNK(in->mode) &&
	     pmemfile_fchmodat(s->pfp, r, path, in->mode & 07777, 0)) ||
	    pmemfile_utimensat(s->pfp, r, path, t, nofollow))
		say(s, "/%s: owner, mode or times not kept: %s", path,
		    strerror(errno));
}

/* The extent at slot i of a file, or NULL if its block cannot be read. */
static const struct pmemfile_extent *extent_at(struct salvage *s,
					       const struct pmemfile_inode *in,
					       uint64_t i, uint64_t *block,
					       uint64_t *block_index)
{
	if (i < PMEMFILE_INLINE_EXTENTS)
		return &in->file.e[i];
	uint64_t want =
	    (i - PMEMFILE_INLINE_EXTENTS) / PMEMFILE_EXTENTS_PER_BLOCK;
	/* the chain is followed forward only: a cycle ends at want */
	while (*block && *block_index < want) {
		const struct pmemfile_extent_block *b = at(s, *block);
		*block = b->next;
		(*block_index)++;
		if (*block &&
		    (*block % 4096 || !in_pool(s, *block, sizeof(*b)) ||
		     (s->csums &&
		      b->csum != csum_eblock(*block, at(s, *block)))))
			*block = 0;
	}
	if (!*block)
		return NULL;
	const struct pmemfile_extent_block *b = at(s, *block);
	return &b->e[(i - PMEMFILE_INLINE_EXTENTS) %
		     PMEMFILE_EXTENTS_PER_BLOCK];
}

/*
 * The size of the inode, or UINT64_MAX when its word fails its check (the
 * caller takes it from what the inode holds).
 */
static uint64_t size_read(const struct salvage *s,
			  const struct pmemfile_inode *in)
{
	uint64_t ino = ino_of(s, in);
	if (!s->words)
		return inode_size_any(ino, in, 5);
	if (!size_word_valid(ino + offsetof(struct pmemfile_inode, size_word),
			     in->size_word))
		return UINT64_MAX;
	return inode_size(in);
}

/*
 * The file's data through its extents; a damaged extent is left a hole. A
 * size that fails its check is taken as the end of the last extent.
 */
static void file_copy(struct salvage *s, const struct pmemfile_inode *in,
		      PMEMfile *f, const char *path)
{
	uint64_t size = size_read(s, in), data_end = 0;
	uint64_t block = in->file.blocks, block_index = 0,
		 n = in->file.nextents;
	unsigned holes = 0;
	if (block % 4096 ||
	    (block &&
	     !in_pool(s, block, sizeof(struct pmemfile_extent_block))) ||
	    (block && s->csums &&
	     ((const struct pmemfile_extent_block *)at(s, block))->csum !=
		 csum_eblock(block, at(s, block))))
		block = 0;
	/* more extents than the file's bytes or the pool's pages need */
	if (n > s->size / 4096 + PMEMFILE_INLINE_EXTENTS) {
		say(s, "/%s: extent count %lu damaged", path, (unsigned long)n);
		n = PMEMFILE_INLINE_EXTENTS;
		holes++;
	}
	for (uint64_t i = 0; i < n; i++) {
		const struct pmemfile_extent *e =
		    extent_at(s, in, i, &block, &block_index);
		if (!e) {
			say(s,
			    "/%s: extents %lu to %lu unreadable (their block "
			    "is damaged): left as holes",
			    path, (unsigned long)i, (unsigned long)n - 1);
			holes++;
			break;
		}
		if (e->off % 4096 || e->len % 4096 || e->data % 4096 ||
		    e->len == 0 || e->off + e->len < e->off ||
		    !in_pool(s, e->data, e->len)) {
			say(s, "/%s: extent %lu damaged: left as a hole", path,
			    (unsigned long)i);
			holes++;
			continue;
		}
		if (size == UINT64_MAX && e->off + e->len > data_end)
			data_end = e->off + e->len;
		if (e->off >= size)
			continue;
		uint64_t len = size - e->off < e->len ? size - e->off : e->len;
		if (pmemfile_pwrite(s->pfp, f, at(s, e->data), len,
				    (pmemfile_off_t)e->off) != (ssize_t)len) {
			say(s, "/%s: bytes %lu to %lu not written: %s", path,
			    (unsigned long)e->off,
			    (unsigned long)(e->off + len - 1), strerror(errno));
			holes++;
		}
	}
	if (size == UINT64_MAX) {
		size = data_end;
		say(s, "/%s: size damaged: taken as the end of its data, %lu",
		    path, (unsigned long)size);
		holes++;
	}
	if (pmemfile_ftruncate(s->pfp, f, (pmemfile_off_t)size))
		say(s, "/%s: size %lu not set: %s", path, (unsigned long)size,
		    strerror(errno));
	if (holes)
		s->n.damaged++;
}

/*
 * The target of a symlink whose length fails its check: a long one if
 * its first bytes lead to a string that passes the checksum the inode
 * keeps for it, else the inline one (the inode passed its checksum,
 * which covers it).
 */
static const char *target_guess(struct salvage *s,
				const struct pmemfile_inode *in)
{
	uint64_t off;
	memcpy(&off, in->target, sizeof(off));
	if (s->csums && in_pool(s, off, 1)) {
		const char *t = at(s, off);
		size_t max = s->size - off < PMEMFILE_PATH_MAX
				 ? s->size - off
				 : PMEMFILE_PATH_MAX;
		size_t len = strnlen(t, max);
		if (len >= PMEMFILE_SYMLINK_INLINE && len < max &&
		    csum_symlink(off, t, len + 1) == csum_symlink_get(in))
			return t;
	}
	size_t len = strnlen(in->target, PMEMFILE_SYMLINK_INLINE);
	return len && len < PMEMFILE_SYMLINK_INLINE ? in->target : NULL;
}

/* A symlink's target, NUL-terminated, or NULL if it cannot be read. */
static const char *target_read(struct salvage *s,
			       const struct pmemfile_inode *in)
{
	uint64_t size = size_read(s, in);
	if (size == UINT64_MAX)
		return target_guess(s, in);
	if (size == 0 || size >= PMEMFILE_PATH_MAX)
		return NULL;
	if (size < PMEMFILE_SYMLINK_INLINE)
		return in->target[size] == 0 && strlen(in->target) == size
			   ? in->target
			   : NULL;
	uint64_t off;
	memcpy(&off, in->target, sizeof(off));
	if (!in_pool(s, off, size + 1))
		return NULL;
	const char *t = at(s, off);
	if (t[size] != 0 || strlen(t) != size)
		return NULL;
	if (s->csums && csum_symlink(off, t, size + 1) != csum_symlink_get(in))
		return NULL;
	return t;
}

/*
 * Makes inode ino under path (relative to root): a new file, or a link to
 * the one made for an earlier name of it. 0, or -1 when it was not made.
 */
static int salvage_inode(struct salvage *s, uint64_t ino, unsigned root,
			 const char *path)
{
	const struct pmemfile_inode *in = inode_read(s, ino);
	if (!in) {
		say(s, "/%s: inode %lu damaged: not copied", path,
		    (unsigned long)ino);
		s->n.lost++;
		return -1;
	}
	struct salvage_ino *e = ino_get(s, ino);
	if (!e)
		return -1;
	PMEMfile *r = s->roots[root];
	if (e->path) {
		if (e->dir) {
			say(s,
			    "/%s: directory %lu named twice: second name "
			    "dropped",
			    path, (unsigned long)ino);
			return -1;
		}
		if (pmemfile_linkat(s->pfp, s->roots[e->root], e->path, r, path,
				    0)) {
			say(s, "/%s: link to /%s not made: %s", path, e->path,
			    strerror(errno));
			return -1;
		}
		s->n.links++;
		return 0;
	}
	e->path = strdup(path);
	e->root = root;
	e->dir = S_ISDIR(in->mode);
	if (!e->path)
		return -1;
	int ret = 0;
	if (S_ISDIR(in->mode)) {
		if (pmemfile_mkdirat(s->pfp, r, path, 0700))
			ret = -1;
		else {
			s->n.dirs++;
			salvage_dir(s, ino, root, path);
		}
	} else if (S_ISREG(in->mode)) {
		PMEMfile *f = pmemfile_openat(
		    s->pfp, r, path,
		    PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY,
		    0600);
		if (!f)
			ret = -1;
		else {
			s->n.files++;
			file_copy(s, in, f, path);
			pmemfile_close(s->pfp, f);
		}
	} else if (S_ISLNK(in->mode)) {
		const char *t = target_read(s, in);
		if (!t) {
			say(s, "/%s: symlink target damaged: not copied", path);
			s->n.lost++;
			free(e->path);
			e->path = NULL;
			return -1;
		}
		ret = pmemfile_symlinkat(s->pfp, t, r, path);
		s->n.symlinks += ret == 0;
	} else {
		ret = pmemfile_mknodat(s->pfp, r, path, in->mode,
				       (pmemfile_dev_t)in->rdev);
		s->n.specials += ret == 0;
	}
	if (ret) {
		say(s, "/%s: not made: %s", path, strerror(errno));
		free(e->path);
		e->path = NULL;
		s->n.lost++;
		return -1;
	}
	attrs_set(s, in, root, path);
	return 0;
}

/* Whether the record at slot may be read, and its name is one to make. */
static bool record_ok(struct salvage *s, uint64_t block, unsigned slot)
{
	const struct pmemfile_dirent *r =
	    at(s, block + (uint64_t)slot * PMEMFILE_DIR_SLOT);
	if (r->namelen == 0 ||
	    r->nslots !=
		(16 + r->namelen + PMEMFILE_DIR_SLOT - 1) / PMEMFILE_DIR_SLOT ||
	    slot + r->nslots > PMEMFILE_DIR_SLOTS)
		return false;
	if (s->csums &&
	    r->csum !=
		csum_dirent(block + (uint64_t)slot * PMEMFILE_DIR_SLOT, r))
		return false;
	if (memchr(r->name, '/', r->namelen) || memchr(r->name, 0, r->namelen))
		return false;
	return !(r->namelen == 1 && r->name[0] == '.') &&
	       !(r->namelen == 2 && r->name[0] == '.' && r->name[1] == '.');
}

/* The records of directory ino, each made under path. */
static int salvage_dir(struct salvage *s, uint64_t ino, unsigned root,
		       const char *path)
{
	const struct pmemfile_dir_info *d =
	    &((const struct pmemfile_inode *)at(s, ino))->dir;
	uint64_t nblocks = d->nblocks;
	if (nblocks && (nblocks > d->btab_cap || nblocks > s->size / 4096 ||
			!in_pool(s, d->btab, nblocks * 8) || d->btab % 8)) {
		say(s, "/%s: block table damaged: directory left empty", path);
		s->n.damaged++;
		return -1;
	}
	size_t plen = strlen(path);
	char *child = malloc(plen + PMEMFILE_NAME_MAX + 2);
	if (!child)
		return -1;
	unsigned bad = 0;
	for (uint64_t b = 0; b < nblocks; b++) {
		uint64_t blk = ((const uint64_t *)at(s, d->btab))[b];
		if (blk % 4096 || !in_pool(s, blk, PMEMFILE_DIR_BLOCK_SIZE)) {
			say(s, "/%s: block %lu damaged: its names lost", path,
			    (unsigned long)b);
			bad++;
			continue;
		}
		for (unsigned slot = 0; slot < PMEMFILE_DIR_SLOTS;) {
			const struct pmemfile_dirent *r =
			    at(s, blk + (uint64_t)slot * PMEMFILE_DIR_SLOT);
			if (r->ino == 0) {
				slot++;
				continue;
			}
			if (!record_ok(s, blk, slot)) {
				bad++;
				slot++;
				continue;
			}
			int n = plen ? sprintf(child, "%s/", path) : 0;
			memcpy(child + n, r->name, r->namelen);
			child[n + r->namelen] = 0;
			if (plen + r->namelen + 2 > PMEMFILE_PATH_MAX)
				say(s, "/%s: path too long: not copied", child);
			else
				salvage_inode(s, r->ino, root, child);
			slot += r->nslots;
		}
	}
	if (bad) {
		say(s, "/%s: %u damaged records or blocks: their names lost",
		    path, bad);
		s->n.damaged++;
	}
	free(child);
	return 0;
}

/* The directory's own mode, owner and times, given to the root made. */
static void root_attrs(struct salvage *s, const struct pmemfile_inode *in,
		       unsigned root)
{
	pmemfile_timespec_t t[2];
	times_of(s, in, t);
	PMEMfile *r = s->roots[root];
	if (pmemfile_fchown(s->pfp, r, in->uid, in->gid) ||
	    pmemfile_fchmod(s->pfp, r, in->mode & 07777) ||
	    pmemfile_futimens(s->pfp, r, t))
		say(s, "root %u: owner, mode or times not kept: %s", root,
		    strerror(errno));
}

static bool array_ok(struct salvage *s, uint64_t off)
{
	return off % 4096 == 0 && in_pool(s, off, PMEMFILE_INODE_ARRAY_SIZE);
}

static int push(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		uint64_t *q = realloc(*v, nc * sizeof(*q));
		if (!q)
			return -ENOMEM;
		*v = q;
		*cap = nc;
	}
	(*v)[(*n)++] = x;
	return 0;
}

/*
 * The inodes in use that no name reached: in a pool of layout 5, every
 * 256-byte aligned place of the file that holds an inode passing its
 * checksum (which starts from the inode's offset, so that nothing else
 * passes it by chance), whatever the array chain and the superblock say;
 * in an older pool, the slots of the array chain, if it can be followed
 * (its length bounded by the file). Returns how many, in *list.
 */
static size_t lost_inodes(struct salvage *s, uint64_t **list, bool *broken)
{
	size_t n = 0, cap = 0;
	*list = NULL;
	*broken = false;
	if (s->csums) {
		for (uint64_t off = SALVAGE_MIN_OFF;
		     off + sizeof(struct pmemfile_inode) <= s->size;
		     off += sizeof(struct pmemfile_inode)) {
			const struct pmemfile_inode *in = inode_read(s, off);
			if (in && in->nlink && !ino_known(s, off) &&
			    push(list, &n, &cap, off))
				break;
		}
		return n;
	}
	uint64_t a = s->super->inode_arrays;
	uint64_t max = s->size / PMEMFILE_INODE_ARRAY_SIZE;
	for (uint64_t k = 0; a && k < max; k++) {
		if (!array_ok(s, a)) {
			*broken = true;
			return n;
		}
		for (size_t i = 0; i < PMEMFILE_INODES_PER_ARRAY; i++) {
			uint64_t ino = a + offsetof(struct pmemfile_inode_array,
						    inodes[i]);
			const struct pmemfile_inode *in = inode_read(s, ino);
			if (in && in->nlink && !ino_known(s, ino) &&
			    push(list, &n, &cap, ino))
				return n;
		}
		a = ((const struct pmemfile_inode_array *)at(s, a))->next;
	}
	*broken = a != 0;
	return n;
}

/*
 * Each inode no name reached linked into /lost+found as #INODE. A
 * directory is taken before what it holds, so that its tree keeps its
 * names: first the directories whose parent is no lost directory, then
 * the other directories, then the rest.
 */
static void salvage_lost(struct salvage *s)
{
	uint64_t *list;
	bool broken, made = false;
	size_t n = lost_inodes(s, &list, &broken);
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < n; i++) {
			uint64_t ino = list[i];
			if (ino_known(s, ino))
				continue; /* reached since */
			const struct pmemfile_inode *in = at(s, ino);
			bool dir = S_ISDIR(in->mode);
			if (dir != (pass < 2))
				continue;
			if (pass == 0) {
				const struct pmemfile_inode *p =
				    inode_read(s, in->dir.parent);
				if (p && S_ISDIR(p->mode) &&
				    in->dir.parent != ino &&
				    !ino_known(s, in->dir.parent))
					continue;
			}
			if (!made) {
				if (pmemfile_mkdirat(s->pfp, s->roots[0],
						     "lost+found", 0700) &&
				    errno != EEXIST) {
					say(s, "/lost+found not made: %s",
					    strerror(errno));
					free(list);
					return;
				}
				made = true;
			}
			char name[64];
			snprintf(name, sizeof(name), "lost+found/#%lu",
				 (unsigned long)ino);
			if (salvage_inode(s, ino, 0, name) == 0) {
				say(s,
				    "/%s: an inode no name reached, linked "
				    "here",
				    name);
				s->n.found++;
			}
		}
	}
	free(list);
	if (broken)
		say(s, "inode array chain damaged: inodes no name reaches "
		       "past it are lost");
}

/*
 * No superblock to start from (layout 5 taken: nothing else is read
 * safely without it): every intact inode goes to /lost+found.
 */
static int salvage_without_super(struct salvage *s, const char *why,
				 uint64_t soff)
{
	s->csums = true;
	s->words = true;
	s->super = NULL;
	say(s,
	    "superblock %s 0x%lx damaged: the intact inodes go to "
	    "/lost+found",
	    why, (unsigned long)soff);
	salvage_lost(s);
	if (s->n.found)
		return 0;
	say(s, "no intact inode found: nothing to salvage");
	return -EIO;
}

static int salvage_copy(struct salvage *s)
{
	uint64_t soff;
	memcpy(&soff, s->base + SALVAGE_ROOT_OFF, sizeof(soff));
	if (!in_pool(s, soff, sizeof(struct pmemfile_super)))
		return salvage_without_super(s, "offset", soff);
	s->super = at(s, soff);
	if (memcmp(s->super->magic, PMEMFILE_SUPER_MAGIC,
		   sizeof(PMEMFILE_SUPER_MAGIC)) ||
	    s->super->version == 0 ||
	    s->super->version > PMEMFILE_LAYOUT_VERSION) {
		/*
		 * Its root is still followed if it leads to an inode that
		 * passes its checksum (a pool of layout 5) and is a
		 * directory that is its own parent, as a root is.
		 */
		s->csums = true;
		s->words = true;
		const struct pmemfile_inode *in = inode_read(s, s->super->root);
		if (!in || !S_ISDIR(in->mode) ||
		    in->dir.parent != s->super->root)
			return salvage_without_super(s, "at", soff);
		say(s,
		    "superblock at 0x%lx damaged: its root directory, "
		    "intact, is followed",
		    (unsigned long)soff);
	} else {
		s->csums = s->super->version >= 5;
		s->words = s->super->version >= 6;
		if (s->csums && s->super->csum != csum_super(s->super))
			say(s, "superblock checksum mismatch: its roots are "
			       "tried");
	}
	uint64_t roots[1 + PMEMFILE_EXTRA_ROOTS] = {s->super->root};
	memcpy(roots + 1, s->super->roots, sizeof(s->super->roots));
	unsigned nroots = pmemfile_pool_root_count(s->pfp);
	for (unsigned i = 0; i < nroots && i <= PMEMFILE_EXTRA_ROOTS; i++) {
		if (i > 0 && roots[i] == 0)
			continue;
		const struct pmemfile_inode *in = inode_read(s, roots[i]);
		if (!in || !S_ISDIR(in->mode)) {
			say(s,
			    "root directory %u (inode %lu) damaged: its "
			    "tree is lost",
			    i, (unsigned long)roots[i]);
			s->n.damaged++;
			continue;
		}
		struct salvage_ino *e = ino_get(s, roots[i]);
		if (!e)
			return -ENOMEM;
		e->path = strdup(".");
		e->dir = true;
		e->root = i;
		salvage_dir(s, roots[i], i, "");
		root_attrs(s, in, i);
	}
	salvage_lost(s);
	return 0;
}

static int map_file(const char *path, const char **base, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) || st.st_size < (off_t)SALVAGE_MIN_OFF) {
		close(fd);
		return -EINVAL;
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	int e = errno;
	close(fd);
	if (m == MAP_FAILED)
		return -e;
	*base = m;
	*size = (uint64_t)st.st_size;
	return 0;
}

/*
 * The new pool's file, its size taken now (a pool file whose blocks are
 * missing when a page of it is first written kills the writer).
 */
static int pool_file_make(const char *path, uint64_t size, mode_t mode)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	int r = posix_fallocate(fd, 0, (off_t)size);
	close(fd);
	return -r;
}

int pmemfile_salvage_pool(const char *path, const char *newpath, FILE *report,
			  struct pmemfile_salvage_counts *counts)
{
	struct salvage s = {.out = report};
	struct stat st;
	memset(counts, 0, sizeof(*counts));
	if (stat(path, &st))
		return -errno;
	/*
	 * A pool in journal mode: what its journal committed, first; a
	 * journal that cannot be read leaves the pool file as it is to
	 * salvage.
	 */
	int r = jmode_replay(path);
	if (r == -EWOULDBLOCK)
		return r;
	if (r)
		say(&s,
		    "its journal cannot be replayed (%s): the pool file "
		    "as it is",
		    strerror(-r));
	r = map_file(path, &s.base, &s.size);
	if (r)
		return r;
	r = pool_file_make(newpath, s.size, st.st_mode & 0777);
	if (r) {
		if (r != -EEXIST)
			unlink(newpath);
		munmap((void *)s.base, s.size);
		return r;
	}
	s.pfp = pmemfile_pool_create(newpath, 0, st.st_mode & 0777);
	if (!s.pfp) {
		r = errno ? -errno : -EIO;
		unlink(newpath);
		munmap((void *)s.base, s.size);
		return r;
	}
	/* as root: the owners, modes and times are set as they were */
	pmemfile_setcap(s.pfp, PMEMFILE_CAP_CHOWN);
	pmemfile_setcap(s.pfp, PMEMFILE_CAP_FOWNER);
	pmemfile_setcap(s.pfp, PMEMFILE_CAP_DAC_OVERRIDE);
	pmemfile_setcap(s.pfp, PMEMFILE_CAP_FSETID);
	unsigned nroots = pmemfile_pool_root_count(s.pfp);
	for (unsigned i = 0; i < nroots && i <= PMEMFILE_EXTRA_ROOTS; i++)
		s.roots[i] = pmemfile_open_root(s.pfp, i, 0);
	r = s.roots[0] ? salvage_copy(&s) : -EIO;
	for (unsigned i = 0; i <= PMEMFILE_EXTRA_ROOTS; i++)
		if (s.roots[i])
			pmemfile_close(s.pfp, s.roots[i]);
	pmemfile_pool_close(s.pfp);
	munmap((void *)s.base, s.size);
	for (size_t i = 0; i < s.cap; i++)
		free(s.inos[i].path);
	free(s.inos);
	*counts = s.n;
	if (r)
		unlink(newpath);
	return r;
}

/* Whether the pool descriptor of the file at path leads to a superblock. */
static bool super_found(const char *path)
{
	struct salvage s = {.base = NULL};
	if (map_file(path, &s.base, &s.size))
		return false;
	uint64_t soff;
	memcpy(&soff, s.base + SALVAGE_ROOT_OFF, sizeof(soff));
	bool found =
	    in_pool(&s, soff, sizeof(struct pmemfile_super)) &&
	    memcmp(((const struct pmemfile_super *)at(&s, soff))->magic,
		   PMEMFILE_SUPER_MAGIC, sizeof(PMEMFILE_SUPER_MAGIC)) == 0;
	munmap((void *)s.base, s.size);
	return found;
}

int pmemfile_pool_refused(const char *path)
{
	if (pool_file_check(path, NULL, NULL))
		return 0;
	PMEMobjpool *pop;
	uint64_t size;
	int r = check_pool_open(path, NULL, &pop, &size);
	if (r == 0)
		pmemobj_close(pop);
	/*
	 * pmemobj_open says EINVAL of a damaged pool header as of a pool of
	 * another layout: the superblock tells them apart.
	 */
	return r == -EIO || (r == -EINVAL && super_found(path));
}

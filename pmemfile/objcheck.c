// SPDX-License-Identifier: BSD-3-Clause
/*
 * objcheck.c -- libpmemobj's metadata checked before libpmemobj trusts it.
 *
 * pmemobj_open verifies the checksums of the pool header, the pool
 * descriptor and the heap header, and walks the chunk headers of each
 * zone; it trusts the rest. A flipped bit in a lane's log (the offset of a
 * log extension, an entry's type or size, a log's capacity) or in a chunk
 * header (a size of 0, a zone bigger than its array) makes it read outside
 * the pool, loop for ever or write where the entry says. The checks below
 * follow the same structures the way pmemobj_open (objcheck_file) and the
 * allocator afterwards (objcheck_open) do, with every offset and size
 * bounded, and refuse the pool where libpmemobj would go astray.
 *
 * The layout is libpmemobj's (PMDK 1.12, heap major version 1), which is
 * not in its public headers: the sizes and offsets below are that
 * format's. A pool of another format is left to pmemobj_open.
 *
 * Cost: the headers of the 3 * 1024 lane logs and their first entries,
 * which pmemobj_open reads in any case, and one chunk header per block of
 * the heap (the file is mapped, not read: a sparse pool's holes are not
 * touched).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "objcheck.h"

/* The pool descriptor, after the 4 KiB pool header. */
#define DSC_OFF 4096ULL
#define DSC_SIZE 2048ULL /* checksummed, layout name first */
#define DSC_LANES (DSC_OFF + 1024)
#define DSC_NLANES (DSC_OFF + 1032)
#define DSC_HEAP (DSC_OFF + 1040)
#define DSC_CSUM (DSC_OFF + DSC_SIZE - 8)
/* Not checksummed: changed as the pool is used. */
#define DSC_ROOT_OFF (DSC_OFF + DSC_SIZE)
#define DSC_ROOT_SIZE (DSC_OFF + DSC_SIZE + 16)
#define DSC_HEAP_SIZE (DSC_OFF + DSC_SIZE + 32)

/* A lane: three logs (internal redo, external redo, undo), 3 KiB. */
#define LANE_SIZE 3072ULL
#define LANE_MAX 65536ULL
#define ULOG_HDR 64ULL /* checksum, next, capacity, gen_num, flags */
#define ULOG_NEXT 8
#define ULOG_CAPACITY 16
#define ULOG_GEN 24
static const struct {
	uint64_t off, base; /* in the lane; capacity of the first log */
	bool undo;
} lane_logs[] = {{0, 192, false}, {256, 640, false}, {960, 2048, true}};

/* Log entries: an 8-byte offset whose top 3 bits are the operation. */
#define ENTRY_OP_SHIFT 61
#define ENTRY_OFF_MASK ((1ULL << ENTRY_OP_SHIFT) - 1)
#define ENTRY_SET 0
#define ENTRY_AND 1
#define ENTRY_OR 2
#define ENTRY_BUF_SET 5
#define ENTRY_BUF_CPY 6
#define ENTRY_BUF_HDR 24 /* offset, checksum, size */

/* The heap: a 1 KiB header, then zones of chunk headers and chunks. */
#define HEAP_HDR 1024ULL
#define CHUNK 262144ULL
#define MAX_CHUNK 65528ULL
#define ZONE_HDR 64ULL
#define ZONE_META (ZONE_HDR + 8 * MAX_CHUNK)
#define ZONE_MAX (ZONE_META + CHUNK * MAX_CHUNK)
#define ZONE_MIN (ZONE_META + CHUNK)
#define ZONE_MAGIC 0xC3F0A2D2U
#define RUN_HDR 16ULL /* block_size, alignment */

enum chunk_type {
	CT_FOOTER = 1,
	CT_FREE = 2,
	CT_USED = 3,
	CT_RUN = 4,
	CT_RUN_DATA = 5,
	CT_MAX = 6,
};
#define CF_COMPACT 1
#define CF_NONE 2
#define CF_ALIGNED 4
#define CF_ALL 15

struct oc {
	const char *base;
	uint64_t size;
	uint64_t lanes, nlanes, heap, heap_size;
	unsigned nzones;
	const char *path;
};

static uint64_t rd64(const struct oc *c, uint64_t off)
{
	uint64_t v;
	memcpy(&v, c->base + off, 8);
	return v;
}

static uint32_t rd32(const struct oc *c, uint64_t off)
{
	uint32_t v;
	memcpy(&v, c->base + off, 4);
	return v;
}

static bool inside(const struct oc *c, uint64_t off, uint64_t len)
{
	return len <= c->size && off <= c->size - len;
}

static int damaged(const struct oc *c, const char *what, uint64_t off)
{
	pf_set_errormsg("%s: damaged pool: libpmemobj %s at offset 0x%llx",
			c->path, what, (unsigned long long)off);
	return -EIO;
}

/*
 * libpmemobj's checksum: Fletcher-64 over 32-bit little-endian words, the
 * 8 bytes at csum_off counted as zero; seq continues it over more words.
 */
static uint64_t fletcher(const struct oc *c, uint64_t off, uint64_t len,
			 uint64_t csum_off, uint64_t seq)
{
	uint32_t lo = (uint32_t)seq, hi = (uint32_t)(seq >> 32);
	for (uint64_t p = off; p < off + len; p += 4) {
		if (p - csum_off >= 8)
			lo += rd32(c, p);
		hi += lo;
	}
	return (uint64_t)hi << 32 | lo;
}

/* What the entry at off of a log whose first log has generation gen is. */
enum entry_kind { E_END, E_VALUE, E_BUFFER, E_BAD };

static enum entry_kind entry_read(const struct oc *c, uint64_t off,
				  uint64_t gen, uint64_t *len, uint64_t *target,
				  uint64_t *tlen)
{
	if (!inside(c, off, 16))
		return E_BAD;
	uint64_t head = rd64(c, off);
	if (head == 0)
		return E_END;
	unsigned op = (unsigned)(head >> ENTRY_OP_SHIFT);
	*target = head & ENTRY_OFF_MASK;
	if (op == ENTRY_SET || op == ENTRY_AND || op == ENTRY_OR) {
		*len = 16;
		*tlen = 8;
		return E_VALUE;
	}
	if (op != ENTRY_BUF_SET && op != ENTRY_BUF_CPY)
		return E_BAD; /* libpmemobj's walk would not advance */
	if (!inside(c, off, ENTRY_BUF_HDR))
		return E_BAD;
	uint64_t size = rd64(c, off + 16);
	if (size > c->size)
		return E_BAD;
	*len = (ENTRY_BUF_HDR + size + 63) & ~63ULL;
	*tlen = size;
	if (!inside(c, off, *len))
		return E_BAD;
	/* the checksum of the entry, then of the log's generation */
	uint64_t sum = fletcher(c, off, *len, off + 8, 0);
	uint32_t g[2] = {(uint32_t)gen, (uint32_t)(gen >> 32)};
	uint32_t lo = (uint32_t)sum, hi = (uint32_t)(sum >> 32);
	for (int i = 0; i < 2; i++) {
		lo += g[i];
		hi += lo;
	}
	sum = (uint64_t)hi << 32 | lo;
	return sum == rd64(c, off + 8) ? E_BUFFER : E_END;
}

/* The log that a log's next field names (offsets round up to 64), or 0. */
static uint64_t log_next(const struct oc *c, uint64_t log)
{
	uint64_t n = rd64(c, log + ULOG_NEXT);
	return n ? (n + 63) & ~63ULL : 0;
}

/*
 * Whether off is where an allocated block of the heap starts, as
 * libpmemobj's free of a log extension will take it: in a used chunk, or
 * in a run.
 */
static bool heap_block(const struct oc *c, uint64_t off)
{
	if (off < c->heap + HEAP_HDR)
		return false;
	uint64_t rel = off - c->heap - HEAP_HDR;
	uint64_t zone = rel / ZONE_MAX, in = rel % ZONE_MAX;
	if (zone >= c->nzones || in < ZONE_META)
		return false;
	uint64_t chunk = (in - ZONE_META) / CHUNK;
	uint64_t zoff = c->heap + HEAP_HDR + zone * ZONE_MAX;
	uint64_t h = zoff + ZONE_HDR + 8 * chunk;
	unsigned type = rd64(c, h) & 0xffff;
	uint32_t back = (uint32_t)(rd64(c, h) >> 32);
	if (type == CT_RUN_DATA) {
		if (back > chunk)
			return false;
		chunk -= back;
		type = rd64(c, zoff + ZONE_HDR + 8 * chunk) & 0xffff;
		return type == CT_RUN;
	}
	return type == CT_RUN || type == CT_USED;
}

/*
 * A log's capacity and its chain of extensions: each inside the heap, an
 * allocated block, its capacity inside the pool; a cycle (which libpmemobj
 * would follow for ever) is found by Brent's method.
 */
static int log_chain(const struct oc *c, uint64_t log, uint64_t base, bool undo)
{
	/*
	 * An undo log is written up to its capacity; a redo log's is
	 * rewritten with each use, and covered by its checksum when read.
	 */
	if (undo && rd64(c, log + ULOG_CAPACITY) > base)
		return damaged(c, "undo log capacity", log);
	uint64_t seen = log, power = 1, steps = 0;
	for (uint64_t u = log_next(c, log); u; u = log_next(c, u)) {
		uint64_t next = rd64(c, log + ULOG_NEXT);
		if (u < c->heap || !inside(c, u, ULOG_HDR) ||
		    !heap_block(c, next))
			return damaged(c, "log extension", log);
		if (!inside(c, u + ULOG_HDR, rd64(c, u + ULOG_CAPACITY)))
			return damaged(c, "log extension capacity", u);
		if (u == seen)
			return damaged(c, "log extension cycle", u);
		if (++steps == power) {
			seen = u;
			power *= 2;
			steps = 0;
		}
		log = u;
	}
	return 0;
}

/* Where a log's entries may write: the heap, the root fields, lanes. */
static bool target_ok(const struct oc *c, uint64_t t, uint64_t len)
{
	if (t >= c->heap)
		return inside(c, t, len);
	if ((t == DSC_ROOT_OFF || t == DSC_ROOT_SIZE) && len <= 8)
		return true;
	return t >= c->lanes && t + len <= c->lanes + c->nlanes * LANE_SIZE;
}

/*
 * libpmemobj's walk of a log's entries: those of the first log only
 * (!chain) or of the whole chain, up to the first invalid one; with apply,
 * each is written where it says (undo: only buffer entries are logged).
 * *nbytes: the length of the entries of the first log.
 */
static int log_walk(const struct oc *c, uint64_t log, bool chain, bool apply,
		    bool undo, uint64_t *nbytes)
{
	uint64_t gen = rd64(c, log + ULOG_GEN);
	*nbytes = 0;
	for (uint64_t u = log; u; u = chain ? log_next(c, u) : 0) {
		uint64_t cap = rd64(c, u + ULOG_CAPACITY);
		for (uint64_t o = 0; o < cap;) {
			uint64_t len, t, tlen;
			uint64_t e = u + ULOG_HDR + o;
			switch (entry_read(c, e, gen, &len, &t, &tlen)) {
			case E_END:
				return 0;
			case E_BAD:
				return damaged(c, "log entry", e);
			case E_VALUE:
				if (apply && undo)
					return damaged(c, "undo log entry", e);
				break;
			case E_BUFFER:
				break;
			}
			if (apply && !target_ok(c, t, tlen))
				return damaged(c, "log entry target", e);
			o += len;
			if (u == log)
				*nbytes = o < cap ? o : cap;
		}
	}
	return 0;
}

/* One lane's three logs, as pmemobj_open boots and recovers them. */
static int lane_check(const struct oc *c, uint64_t lane)
{
	for (size_t i = 0; i < sizeof(lane_logs) / sizeof(lane_logs[0]); i++) {
		uint64_t log = lane + lane_logs[i].off, n;
		int r = log_chain(c, log, lane_logs[i].base, lane_logs[i].undo);
		if (!r)
			r = log_walk(c, log, i == 0, false, false, &n);
		if (r)
			return r;
		if (!lane_logs[i].undo) {
			/* a redo log is applied if its checksum is right */
			if (n == 0 || fletcher(c, log, ULOG_HDR + n, log, 0) !=
					  rd64(c, log))
				continue;
		} else if (n == 0) {
			continue;
		}
		r = log_walk(c, log, true, true, lane_logs[i].undo, &n);
		if (r)
			return r;
	}
	return 0;
}

/* libpmemobj's count of zones in a heap of size bytes. */
static unsigned zones_of(uint64_t size)
{
	unsigned n = 0;
	size -= HEAP_HDR;
	while (size >= ZONE_MIN) {
		n++;
		size -= size <= ZONE_MAX ? size : ZONE_MAX;
	}
	return n;
}

/* The chunks zone z must have: all but the last are full. */
static uint64_t zone_chunks(const struct oc *c, unsigned z)
{
	if (z + 1 < c->nzones)
		return MAX_CHUNK;
	return (c->heap_size - z * ZONE_MAX - ZONE_META - HEAP_HDR) / CHUNK;
}

/*
 * The zone headers and the walk over each zone's chunk headers, as
 * pmemobj_open's check does (and what it leaves out: a chunk of size 0,
 * on which it loops, or a zone bigger than its header array). With deep,
 * also what the allocator follows afterwards: the chunk types where a
 * block starts, the chunks continuing a run, the run headers.
 */
static int heap_walk(const struct oc *c, bool deep, bool runs)
{
	for (unsigned z = 0; z < c->nzones; z++) {
		uint64_t zoff = c->heap + HEAP_HDR + z * ZONE_MAX;
		if (!inside(c, zoff, ZONE_META))
			return damaged(c, "zone", zoff);
		uint32_t magic = rd32(c, zoff);
		if (magic == 0)
			continue;
		uint64_t nchunks = rd32(c, zoff + 4);
		if (magic != ZONE_MAGIC || nchunks != zone_chunks(c, z))
			return damaged(c, "zone header", zoff);
		for (uint64_t i = 0; i < nchunks;) {
			uint64_t h = zoff + ZONE_HDR + 8 * i;
			uint64_t v = rd64(c, h);
			unsigned type = v & 0xffff, flags = (v >> 16) & 0xffff;
			uint64_t n = v >> 32;
			if (type == 0 || type >= CT_MAX || (flags & ~CF_ALL) ||
			    n == 0 || n > nchunks - i)
				return damaged(c, "chunk header", h);
			/*
			 * a block's header is compact or none, never both:
			 * libpmemobj would take it as compact and read a
			 * size of 0 from an object's bytes, on which its walk
			 * of the objects (pmemobj_next) loops
			 */
			if (deep && ((type != CT_FREE && type != CT_USED &&
				      type != CT_RUN) ||
				     (flags & (CF_COMPACT | CF_NONE)) ==
					 (CF_COMPACT | CF_NONE)))
				return damaged(c, "chunk header", h);
			if (deep && type == CT_RUN) {
				for (uint64_t k = 1; k < n; k++)
					if (rd64(c, h + 8 * k) !=
					    ((uint64_t)k << 32 | CT_RUN_DATA))
						return damaged(c, "run chunk",
							       h + 8 * k);
			}
			if (runs && type == CT_RUN) {
				uint64_t run = zoff + ZONE_META + i * CHUNK;
				uint64_t bs = rd64(c, run);
				uint64_t al = rd64(c, run + 8);
				if (!inside(c, run, n * CHUNK) || bs == 0 ||
				    bs > n * CHUNK - RUN_HDR ||
				    ((flags & CF_ALIGNED) &&
				     (al == 0 || (al & (al - 1)) ||
				      al > CHUNK)))
					return damaged(c, "run header", run);
			}
			i += n;
		}
	}
	return 0;
}

static int check_mapped(struct oc *c)
{
	if (fletcher(c, DSC_OFF, DSC_SIZE, DSC_CSUM, 0) != rd64(c, DSC_CSUM))
		return 0; /* pmemobj_open says "invalid checksum" */
	c->lanes = rd64(c, DSC_LANES);
	c->nlanes = rd64(c, DSC_NLANES);
	c->heap = rd64(c, DSC_HEAP);
	if (c->lanes < DSC_OFF + DSC_SIZE || c->lanes % 64 ||
	    c->nlanes > LANE_MAX || c->heap % 64 ||
	    c->heap < c->lanes + c->nlanes * LANE_SIZE || c->heap > c->size ||
	    c->size - c->heap < HEAP_HDR + ZONE_MIN)
		return damaged(c, "pool descriptor", DSC_OFF);
	c->heap_size = c->size - c->heap;
	uint64_t hs = rd64(c, DSC_HEAP_SIZE);
	if (hs != 0 && hs != c->heap_size)
		return damaged(c, "heap size", DSC_HEAP_SIZE);
	c->nzones = zones_of(c->heap_size);
	int r = heap_walk(c, false, false);
	for (uint64_t i = 0; r == 0 && i < c->nlanes; i++)
		r = lane_check(c, c->lanes + i * LANE_SIZE);
	return r;
}

int objcheck_file(const char *path, uint64_t *size)
{
	*size = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* pmemobj_open says why */
	struct stat st;
	char sig[8];
	int r = 0;
	/*
	 * A pool open elsewhere (libpmemobj holds an exclusive lock) may be
	 * changing: it is not checked, and pmemobj_open refuses it.
	 */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)(DSC_OFF + DSC_SIZE + 64) ||
	    pread(fd, sig, sizeof(sig), 0) != sizeof(sig) ||
	    memcmp(sig, "PMEMOBJ", 8) != 0 || flock(fd, LOCK_SH | LOCK_NB)) {
		close(fd);
		return 0;
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (m != MAP_FAILED) {
		struct oc c = {
		    .base = m, .size = (uint64_t)st.st_size, .path = path};
		r = check_mapped(&c);
		if (r == 0 && c.heap)
			*size = c.size;
		munmap(m, (size_t)st.st_size);
	}
	close(fd);
	return r;
}

/* The check of an open pool, its layout read from its descriptor. */
static struct oc oc_of_pool(PMEMobjpool *pop, uint64_t size, const char *path)
{
	struct oc c = {.base = (const char *)pop, .size = size, .path = path};
	c.lanes = rd64(&c, DSC_LANES);
	c.nlanes = rd64(&c, DSC_NLANES);
	c.heap = rd64(&c, DSC_HEAP);
	c.heap_size = size - c.heap;
	c.nzones = zones_of(c.heap_size);
	return c;
}

int objcheck_open(PMEMobjpool *pop, uint64_t size, const char *path)
{
	struct oc c = oc_of_pool(pop, size, path);
	int r = heap_walk(&c, true, false);
	if (r)
		return r;
	uint64_t root = rd64(&c, DSC_ROOT_OFF);
	uint64_t root_size = rd64(&c, DSC_ROOT_SIZE);
	if (root && (root < c.heap || !inside(&c, root, root_size)))
		return damaged(&c, "root object", DSC_ROOT_OFF);
	return 0;
}

int objcheck_runs(PMEMobjpool *pop, uint64_t size, const char *path)
{
	struct oc c = oc_of_pool(pop, size, path);
	return heap_walk(&c, true, true);
}

bool objcheck_block(PMEMobjpool *pop, uint64_t size, uint64_t off)
{
	if (size == 0)
		return true; /* not checked at open: nothing known */
	struct oc c = oc_of_pool(pop, size, NULL);
	if (off < c.heap + HEAP_HDR)
		return false;
	uint64_t rel = off - c.heap - HEAP_HDR;
	uint64_t zone = rel / ZONE_MAX, in = rel % ZONE_MAX;
	if (zone >= c.nzones || in < ZONE_META)
		return false;
	uint64_t chunk = (in - ZONE_META) / CHUNK;
	if (chunk >= zone_chunks(&c, (unsigned)zone))
		return false;
	uint64_t zoff = c.heap + HEAP_HDR + zone * ZONE_MAX;
	uint64_t v = rd64(&c, zoff + ZONE_HDR + 8 * chunk);
	if ((v & 0xffff) == CT_RUN_DATA) {
		if ((v >> 32) > chunk)
			return false;
		chunk -= v >> 32;
		v = rd64(&c, zoff + ZONE_HDR + 8 * chunk);
	}
	unsigned type = v & 0xffff, flags = (v >> 16) & 0xffff;
	uint64_t n = v >> 32;
	uint64_t start = zoff + ZONE_META + chunk * CHUNK;
	/* the block's header, as libpmemobj picks its kind */
	uint64_t hdr = flags & CF_COMPACT ? 16 : flags & CF_NONE ? 0 : 64;
	if (type == CT_USED)
		return off == start + hdr;
	if (type != CT_RUN || n == 0 || !inside(&c, start, n * CHUNK))
		return false;
	uint64_t bs = rd64(&c, start);
	return bs != 0 && bs <= n * CHUNK - RUN_HDR &&
	       off >= start + RUN_HDR + hdr && off < start + n * CHUNK;
}

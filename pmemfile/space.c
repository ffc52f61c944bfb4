// SPDX-License-Identifier: BSD-3-Clause
/*
 * space.c -- how many bytes of files a pool can still take.
 *
 * libpmemobj tells nothing of its free space, so its heap is read as it
 * lies in the pool (the heap layout of libpmemobj 1.x, heap_layout.h in
 * its sources): the pool descriptor holds the heap's offset; the heap is
 * a 1 KiB header and zones of up to 65528 chunks of 256 KiB, each zone a
 * 64-byte header and an 8-byte header per chunk before its chunks. A chunk
 * is free, used by one big object, or part of a run: units of one size
 * behind a header and a bitmap (a set bit is a unit taken).
 *
 * Files can take the free units of the runs of the extent classes (a
 * write takes a unit of another class when its own has none, extent.c)
 * and the free chunks: a run of the 4 KiB class is one of them and holds
 * 62 units, and every other class's run holds as much per chunk or a
 * little more (pool.c), so free chunks are worth about the same whichever
 * class takes them (a file of 1 or 4 MiB extents can take 1.2 % more).
 * A run with no unit taken is free chunks too (libpmemobj makes it so
 * when it needs them). What libpmemobj's own classes hold (small
 * directory tables, long symlinks, the superblock, transaction logs)
 * serves no file.
 *
 * The heap changes under the allocator's locks while it is read here:
 * the figures are of some moment during the call, and every header read
 * is bounded, so that a torn or damaged one ends a zone's walk early.
 */
#include <string.h>

#include "space.h"

#define CHUNK (256ULL << 10)
/* offset of the heap's offset in the pool: pool header, layout name,
 * lanes_offset, nlanes */
#define DESC_HEAP_OFFSET (4096 + 1024 + 16)
#define HEAP_HEADER 1024ULL
#define ZONE_CHUNKS_MAX 65528ULL
#define ZONE_META (64ULL + 8ULL * ZONE_CHUNKS_MAX)
#define ZONE_BYTES (ZONE_META + ZONE_CHUNKS_MAX * CHUNK)
#define ZONE_MAGIC 0xC3F0A2D2U

enum { CHUNK_FREE = 2, CHUNK_USED = 3, CHUNK_RUN = 4 };
enum {
	FLAG_HEADER_NONE = 0x2,
	FLAG_ALIGNED = 0x4,
	FLAG_FLEX_BITMAP = 0x8,
};

struct chunk_hdr {
	uint16_t type;
	uint16_t flags;
	uint32_t size_idx;
};

struct zone_hdr {
	uint32_t magic;
	uint32_t size_idx;
	uint8_t reserved[56];
};

/* The number of zones of a heap of size bytes and the chunks of zone z. */
static uint64_t heap_zones(uint64_t size)
{
	uint64_t n = 0;
	if (size < HEAP_HEADER)
		return 0;
	size -= HEAP_HEADER;
	while (size >= ZONE_META + CHUNK) {
		n++;
		size -= size < ZONE_BYTES ? size : ZONE_BYTES;
	}
	return n;
}

static uint64_t zone_chunks(uint64_t z, uint64_t nzones, uint64_t heap_size)
{
	if (z + 1 < nzones)
		return ZONE_CHUNKS_MAX;
	return (heap_size - z * ZONE_BYTES - ZONE_META - HEAP_HEADER) / CHUNK;
}

/* Units of a run of size_idx chunks of unit-byte units, as libpmemobj's
 * flexible bitmap counts them; *words: the bitmap's 64-bit words. */
static uint64_t run_units(uint64_t size_idx, uint64_t unit, bool aligned,
			  uint64_t *words)
{
	uint64_t content = size_idx * CHUNK - 16;
	uint64_t n = content / unit;
	uint64_t w = (n + 63) / 64;
	w = (w + 2 + 7) / 8 * 8 - 2; /* the units start on a cache line */
	if (content < w * 8 + unit)
		return 0;
	n = (content - w * 8) / unit - (aligned ? 1 : 0);
	*words = (n + 63) / 64;
	return n;
}

/* Free units of the run at chunk, n units of its bitmap (bounded by the
 * run's own bytes). */
static uint64_t run_free(const char *chunk, uint64_t n, uint64_t words)
{
	const uint64_t *bits = (const uint64_t *)(chunk + 16);
	uint64_t taken = 0;
	for (uint64_t i = 0; i < words; i++) {
		uint64_t v = __atomic_load_n(&bits[i], __ATOMIC_RELAXED);
		if (i == words - 1 && n % 64)
			v &= (1ULL << (n % 64)) - 1;
		taken += (uint64_t)__builtin_popcountll(v);
	}
	return taken < n ? n - taken : 0;
}

/* The chunks of a run of a class of 4 KiB-aligned units asked for n units
 * a run, as libpmemobj makes it (its pmalloc.c). */
static uint64_t run_chunks(uint64_t n, uint64_t unit)
{
	uint64_t bytes = n * unit + 16;
	return ((bytes + CHUNK - 1) / CHUNK * CHUNK + 4096) / CHUNK;
}

/* The chunks and units of a run of the inode arrays' class. */
static void array_run(uint64_t *chunks, uint64_t *units)
{
	uint64_t unit = PMEMFILE_INODE_ARRAY_SIZE, words;
	*chunks = run_chunks(ARRAY_RUN_UNITS, unit);
	*units = run_units(*chunks, unit, true, &words);
}

/*
 * The extent class of a run of these chunk-header flags, unit and length,
 * or -1: a run made by other classes (or other run sizes) serves none.
 * *arrays: whether inode arrays can take its units.
 */
static int run_class(PMEMfilepool *pfp, uint16_t flags, uint64_t unit,
		     uint64_t size_idx, bool *arrays)
{
	*arrays = false;
	if ((flags & (FLAG_HEADER_NONE | FLAG_ALIGNED)) !=
	    (FLAG_HEADER_NONE | FLAG_ALIGNED))
		return -1;
	if (unit == PMEMFILE_INODE_ARRAY_SIZE) {
		uint64_t chunks, units;
		array_run(&chunks, &units);
		*arrays = size_idx == chunks;
	}
	for (int c = 0; c < pfp->nclasses; c++)
		if (unit == EXTENT_MIN << (2 * c))
			return size_idx == run_chunks(RUN_UNITS - 1, unit) ? c
									   : -1;
	return -1;
}

/* Bytes of files that span free chunks can take. */
static uint64_t span_bytes(uint64_t span)
{
	uint64_t per = RUN_UNITS * EXTENT_MIN / CHUNK;
	return span / per * (RUN_UNITS - 2) * EXTENT_MIN;
}

/* Inode arrays that span free chunks can take. */
static uint64_t span_arrays(uint64_t span)
{
	uint64_t chunks, units;
	array_run(&chunks, &units);
	return chunks ? span / chunks * units : 0;
}

/* Counts a span of free chunks into sp. */
static void span_add(uint64_t span, struct space *sp)
{
	sp->free += span_bytes(span);
	sp->arrays += span_arrays(span);
}

/* Walks one zone; chunks: its chunks; counts into sp. */
static void zone_walk(PMEMfilepool *pfp, const char *zone, uint64_t chunks,
		      struct space *sp)
{
	const struct zone_hdr *zh = (const void *)zone;
	const struct chunk_hdr *hdr = (const void *)(zone + 64);
	const char *data = zone + ZONE_META;
	sp->capacity += span_bytes(chunks);
	if (__atomic_load_n(&zh->magic, __ATOMIC_RELAXED) != ZONE_MAGIC) {
		/* made by libpmemobj on first need: all of it free */
		span_add(chunks, sp);
		return;
	}
	uint64_t span = 0;
	for (uint64_t i = 0; i < chunks;) {
		struct chunk_hdr h;
		__atomic_load(&hdr[i], &h, __ATOMIC_RELAXED);
		if (h.size_idx == 0 || h.size_idx > chunks - i)
			break; /* torn by a concurrent change, or damaged */
		bool free_chunks = h.type == CHUNK_FREE;
		if (h.type == CHUNK_RUN && (h.flags & FLAG_FLEX_BITMAP)) {
			const char *run = data + i * CHUNK;
			uint64_t unit = __atomic_load_n((const uint64_t *)run,
							__ATOMIC_RELAXED);
			uint64_t words = 0;
			uint64_t n =
			    unit ? run_units(h.size_idx, unit,
					     h.flags & FLAG_ALIGNED, &words)
				 : 0;
			uint64_t nfree = n ? run_free(run, n, words) : 0;
			bool arrays;
			int c =
			    run_class(pfp, h.flags, unit, h.size_idx, &arrays);
			if (n && nfree == n) {
				free_chunks = true;
			} else {
				if (c >= 0)
					sp->free += nfree * unit;
				if (arrays)
					sp->arrays += nfree;
			}
		}
		if (free_chunks) {
			span += h.size_idx;
		} else {
			span_add(span, sp);
			span = 0;
		}
		i += h.size_idx;
	}
	span_add(span, sp);
}

void space_measure(PMEMfilepool *pfp, struct space *sp)
{
	memset(sp, 0, sizeof(*sp));
	uint64_t heap_off = *(const uint64_t *)(pfp->base + DESC_HEAP_OFFSET);
	if (heap_off % 4096 || heap_off >= pfp->pool_size)
		return;
	uint64_t heap_size = pfp->pool_size - heap_off;
	uint64_t nzones = heap_zones(heap_size);
	const char *zone0 = pfp->base + heap_off + HEAP_HEADER;
	for (uint64_t z = 0; z < nzones; z++)
		zone_walk(pfp, zone0 + z * ZONE_BYTES,
			  zone_chunks(z, nzones, heap_size), sp);
}

int space_free_chunks(const char *base, uint64_t pool_size,
		      int (*fn)(void *arg, uint64_t start, uint64_t end),
		      void *arg)
{
	uint64_t heap_off = *(const uint64_t *)(base + DESC_HEAP_OFFSET);
	if (heap_off % 4096 || heap_off >= pool_size)
		return 0;
	uint64_t heap_size = pool_size - heap_off;
	uint64_t nzones = heap_zones(heap_size);
	for (uint64_t z = 0; z < nzones; z++) {
		uint64_t zoff = heap_off + HEAP_HEADER + z * ZONE_BYTES;
		uint64_t chunks = zone_chunks(z, nzones, heap_size);
		uint64_t data = zoff + ZONE_META;
		const struct zone_hdr *zh = (const void *)(base + zoff);
		const struct chunk_hdr *hdr = (const void *)(base + zoff + 64);
		int r = 0;
		if (zh->magic != ZONE_MAGIC) {
			/* made by libpmemobj on first need: all of it free */
			r = fn(arg, data, data + chunks * CHUNK);
			if (r)
				return r;
			continue;
		}
		for (uint64_t i = 0; r == 0 && i < chunks;) {
			struct chunk_hdr h = hdr[i];
			if (h.size_idx == 0 || h.size_idx > chunks - i)
				break; /* damaged: the rest is not known */
			if (h.type == CHUNK_FREE)
				r = fn(arg, data + i * CHUNK,
				       data + (i + h.size_idx) * CHUNK);
			i += h.size_idx;
		}
		if (r)
			return r;
	}
	return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * data.c -- reading and writing file contents.
 *
 * A write inside storage the file already has needs no transaction: the
 * data is copied and made persistent, then the size (if it grew) and the
 * times are published by one flush of the inode's first cache line, each
 * word with its check (words.h).
 */
#include <libpmem.h>
#include <string.h>

#include "cred.h"
#include "data.h"
#include "direct.h"
#include "extent.h"
#include "jmode.h"

int64_t data_read(PMEMfilepool *pfp, struct vinode *v, void *buf, size_t count,
		  uint64_t off)
{
	uint64_t size = inode_size(v->inode);
	if (off >= size || count == 0)
		return 0;
	if (count > size - off)
		count = size - off;
	int r = extent_index_load(pfp, v);
	if (r)
		return r;
	char *dst = buf;
	uint64_t pos = off, end = off + count;
	size_t i = extent_find(v, pos);
	while (pos < end) {
		const struct vext *e = i < v->next ? &v->ext[i] : NULL;
		if (!e || e->off > pos) {
			uint64_t hole_end = e && e->off < end ? e->off : end;
			memset(dst, 0, hole_end - pos);
			dst += hole_end - pos;
			pos = hole_end;
			continue;
		}
		uint64_t n = e->off + e->len - pos;
		if (n > end - pos)
			n = end - pos;
		if (!direct_read(pfp, dst, e->data + (pos - e->off), n))
			memcpy(dst, e->data + (pos - e->off), n);
		dst += n;
		pos += n;
		i++;
	}
	return (int64_t)count;
}

/* Copies into the extents from v->ext[i], the one holding off. */
static void copy_in(PMEMfilepool *pfp, struct vinode *v, size_t i,
		    const char *src, uint64_t off, uint64_t count)
{
	uint64_t pos = off, end = off + count;
	while (pos < end) {
		const struct vext *e = &v->ext[i++];
		uint64_t n = e->off + e->len - pos;
		if (n > end - pos)
			n = end - pos;
		char *dst = e->data + (pos - e->off);
		if (!jmode_copy(pfp, dst, src, n)) {
			direct_map_for_write(pfp, dst, n);
			jmode_write_ahead(pfp, dst, n);
			pmemobj_memcpy(pfp->pop, dst, src, n,
				       PMEMOBJ_F_MEM_NODRAIN);
		}
		src += n;
		pos += n;
	}
}

/*
 * A size to or from a large one: its word is under the inode's checksum
 * (layout.h), stored with the times in a transaction.
 */
static int publish_tx(PMEMfilepool *pfp, struct pmemfile_inode *in,
		      uint64_t size, const struct pmemfile_time *now)
{
	volatile int err = 0;
	PF_TX_BEGIN(pfp)
	{
		tx_add(pfp, &in->size_word,
		       offsetof(struct pmemfile_inode, dir) -
			   offsetof(struct pmemfile_inode, size_word));
		inode_size_store(pfp, in, size);
		if (now) {
			inode_time_store(pfp, &in->mtime, *now);
			inode_time_store(pfp, &in->ctime, *now);
		}
	}
	TX_ONABORT
	{
		err = tx_error();
	}
	TX_END
	return -err;
}

int data_publish(PMEMfilepool *pfp, struct pmemfile_inode *in, uint64_t size,
		 const struct pmemfile_time *now)
{
	bool resize = size != inode_size(in);
	if (resize) {
		pmemobj_drain(pfp->pop);
		if (size > PMEMFILE_SIZE_SMALL_MAX ||
		    size_word_large(in->size_word))
			return publish_tx(pfp, in, size, now);
		inode_size_store(pfp, in, size);
	}
	if (now) {
		inode_time_store(pfp, &in->mtime, *now);
		inode_time_store(pfp, &in->ctime, *now);
	}
	if (resize || now)
		pmemobj_flush(pfp->pop, &in->size_word,
			      offsetof(struct pmemfile_inode, dir) -
				  offsetof(struct pmemfile_inode, size_word));
	pmemobj_drain(pfp->pop);
	return 0;
}

/*
 * After the data is copied (not yet drained): makes it persistent, then
 * publishes a new size and the times. The times are stored only when the
 * (coarse) clock moved.
 */
static int publish(PMEMfilepool *pfp, struct vinode *v, uint64_t size)
{
	struct pmemfile_inode *in = v->inode;
	struct pmemfile_time now;
	pf_time_now(&now);
	struct pmemfile_time m = itime_value(&in->mtime);
	struct pmemfile_time c = itime_value(&in->ctime);
	bool touch = now.sec != m.sec || now.nsec != m.nsec ||
		     now.sec != c.sec || now.nsec != c.nsec;
	uint64_t old = inode_size(in);
	return data_publish(pfp, in, size > old ? size : old,
			    touch ? &now : NULL);
}

int64_t data_write(PMEMfilepool *pfp, struct vinode *v, const void *buf,
		   size_t count, uint64_t off)
{
	if (off > DATA_MAX_SIZE || count > DATA_MAX_SIZE - off)
		return -EFBIG;
	int r = extent_index_load(pfp, v);
	if (r)
		return r;
	if (count == 0)
		return 0;
	r = cred_kill_setid(pfp, v->inode);
	if (r)
		return r;
	/* most writes land inside one extent: one lookup then */
	size_t i = extent_find(v, off);
	if (i == v->next || v->ext[i].off > off ||
	    v->ext[i].off + v->ext[i].len - off < count) {
		int64_t got = extent_cover(pfp, v, off, count);
		if (got < 0)
			return got;
		count = (size_t)got;
		i = extent_find(v, off);
	}
	uint64_t size = inode_size(v->inode);
	if (off > size)
		extent_zero(pfp, v, size, off);
	copy_in(pfp, v, i, buf, off, count);
	r = publish(pfp, v, off + count);
	return r ? r : (int64_t)count;
}

int data_truncate(PMEMfilepool *pfp, struct vinode *v, uint64_t len)
{
	if (len > DATA_MAX_SIZE)
		return -EFBIG;
	/* pinned pages are mapped: their storage must stay where it is */
	if (v->pins && len < inode_size(v->inode))
		return -EBUSY;
	int r = extent_index_load(pfp, v);
	if (r)
		return r;
	r = cred_kill_setid(pfp, v->inode);
	if (r)
		return r;
	struct pmemfile_inode *in = v->inode;
	uint64_t size = inode_size(in);
	if (len > size)
		extent_zero(pfp, v, size, len);
	/*
	 * The size store is atomic (but to or from a large size): no
	 * transaction needed. A shrinking truncate publishes the size before
	 * it frees the storage past it: a crash in between leaves the new
	 * size over storage it does not use (bytes past the size have no
	 * meaning), never the old size over freed extents.
	 */
	struct pmemfile_time now;
	pf_time_now(&now);
	r = data_publish(pfp, in, len, &now);
	if (r)
		return r;
	/* on failure the storage stays the file's, freed when it shrinks or
	 * goes */
	if (len < size)
		(void)extent_punch(pfp, v,
				   (len + EXTENT_MIN - 1) & ~(EXTENT_MIN - 1),
				   UINT64_MAX);
	return 0;
}

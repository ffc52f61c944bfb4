// SPDX-License-Identifier: BSD-3-Clause
/*
 * map.c -- pins: a file's pages held where they are in the pool file, so
 * that a program can map them in place (a shared mapping of a pool file).
 */
#include <stdlib.h>

#include "extent.h"
#include "file.h"
#include "remote.h"
#include "share.h"

#define PAGE 4096u

struct pmemfile_pin {
	struct vinode *v;
};

/* Under a lock: the pool offset of each page of [off, off + n pages). */
static void pin_offsets(PMEMfilepool *pfp, struct vinode *v, uint64_t off,
			size_t npages, uint64_t limit, uint64_t *out)
{
	size_t i = extent_find(v, off);

	for (size_t p = 0; p < npages; p++) {
		uint64_t pos = off + p * PAGE;
		while (i < v->next && v->ext[i].off + v->ext[i].len <= pos)
			i++;
		out[p] = 0;
		if (pos < limit && i < v->next && v->ext[i].off <= pos)
			out[p] =
			    pf_off(pfp, v->ext[i].data + (pos - v->ext[i].off));
	}
}

static int pin_args(PMEMfile *file, pmemfile_off_t offset, size_t length)
{
	int r = file_check(file);
	if (r)
		return r;
	if (file->ofd->flags & O_PATH)
		return -EBADF;
	if (!file_readable(file))
		return -EACCES;
	if (!vinode_is_reg(file->vinode))
		return -ENODEV;
	if (offset < 0 || (offset & (PAGE - 1)) || length == 0 ||
	    (length & (PAGE - 1)))
		return -EINVAL;
	if ((uint64_t)offset + length < (uint64_t)offset)
		return -EOVERFLOW;
	return 0;
}

static int pin_locked(PMEMfilepool *pfp, struct vinode *v, uint64_t off,
		      size_t length, uint64_t *pool_offsets)
{
	int r = extent_index_load(pfp, v);
	if (r)
		return r;
	uint64_t size = v->inode->size;
	uint64_t limit = (size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	uint64_t end = off + length;
	r = extent_cover_all(pfp, v, off, end < size ? end : size);
	if (r)
		return r;
	/* what a mapping shows past the end of the file: zeros */
	if (size < limit && off < limit && end > size)
		extent_zero(pfp, v, size, limit);
	pin_offsets(pfp, v, off, length / PAGE, limit, pool_offsets);
	v->pins++;
	return 0;
}

PMEMfilepin *pmemfile_pin_pages(PMEMfilepool *pfp, PMEMfile *file,
				pmemfile_off_t offset, size_t length,
				uint64_t *pool_offsets)
{
	if (pf_route(pfp, file))
		return remote_pin(pfp, file, offset, length, pool_offsets);
	int r = pool_check(pfp);
	if (r == 0)
		r = pin_args(file, offset, length);
	if (r == 0 && !pool_offsets)
		r = -EFAULT;
	if (r) {
		pf_ret(r);
		return NULL;
	}
	PMEMfilepin *pin = malloc(sizeof(*pin));
	if (!pin) {
		pf_ret(-ENOMEM);
		return NULL;
	}
	struct vinode *v = file->vinode;
	vinode_wrlock(v);
	r = pin_locked(pfp, v, (uint64_t)offset, length, pool_offsets);
	vinode_unlock(v);
	if (r) {
		free(pin);
		pf_ret(r);
		return NULL;
	}
	pin->v = vinode_ref(pfp, v);
	return pin;
}

void pmemfile_unpin_pages(PMEMfilepool *pfp, PMEMfilepin *pin)
{
	if (pf_remote(pfp)) {
		remote_unpin(pfp, pin);
		return;
	}
	if (!pfp || !pin)
		return;
	struct vinode *v = pin->v;
	vinode_wrlock(v);
	v->pins--;
	vinode_unlock(v);
	vinode_put(pfp, v);
	free(pin);
}

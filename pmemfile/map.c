// SPDX-License-Identifier: BSD-3-Clause
/*
 * map.c -- pins: a file's pages held where they are in the pool file, so
 * that a program can map them in place (a shared mapping of a pool file).
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "jmode.h"
#include "gate.h"
#include "extent.h"
#include "file.h"
#include "remote.h"
#include "share.h"

#define PAGE 4096u

/*
 * A pin of this process's era as holder. With a segment every pin has its
 * entry there (share_pin): a client's handle is REMOTE_TAG and the index,
 * and a pin made here stays valid as that index after the pool moved on.
 */
struct pmemfile_pin {
	struct vinode *v;
	uint32_t id; /* in the segment's table, 0 if there is none */
};

static bool pin_tagged(const PMEMfilepin *pin)
{
	return ((uintptr_t)pin & REMOTE_TAG) == REMOTE_TAG;
}

/* The holder's part of an unpin. */
static void pin_drop(PMEMfilepool *pfp, struct pmemfile_pin *pin)
{
	struct vinode *v = pin->v;
	vinode_wrlock(v);
	if (--v->pins == 0)
		jmode_pinned(pfp, v, false);
	vinode_unlock(v);
	vinode_put(pfp, v);
	free(pin);
}

/* An entry of the segment for pin, owned by this process; 0 if full. */
static uint32_t pin_register(PMEMfilepool *pfp, struct pmemfile_pin *pin)
{
	struct share_seg *s = pfp->share;
	int me = share_proc(pfp);
	if (me < 0)
		return 0;
	for (uint32_t i = 1; i < SHARE_PINS; ++i) {
		int32_t none = 0;
		if (atomic_load(&s->pin[i].proc) != 0 ||
		    !atomic_compare_exchange_strong(&s->pin[i].proc, &none,
						    me + 1))
			continue;
		s->pin[i].ino = pin->v->off;
		atomic_store(&s->pin[i].pin, (uint64_t)(uintptr_t)pin);
		return i;
	}
	return 0;
}

int pin_release_id(PMEMfilepool *pfp, int proc, uint32_t id)
{
	struct share_seg *s = pfp->share;
	if (!s || id == 0 || id >= SHARE_PINS || proc < 0 ||
	    atomic_load(&s->pin[id].proc) != proc + 1)
		return -EINVAL;
	struct pmemfile_pin *pin =
	    (void *)(uintptr_t)atomic_exchange(&s->pin[id].pin, 0);
	if (pin)
		pin_drop(pfp, pin);
	atomic_store(&s->pin[id].proc, 0);
	return 0;
}

void pins_release_proc(PMEMfilepool *pfp, int proc)
{
	for (uint32_t i = 1; pfp->share && i < SHARE_PINS; ++i)
		if (atomic_load(&pfp->share->pin[i].proc) == proc + 1)
			(void)pin_release_id(pfp, proc, i);
}

int64_t pin_give(PMEMfilepool *pfp, PMEMfilepin *pin, int proc)
{
	if (!pin->id) {
		pin_drop(pfp, pin);
		return -ENOMEM;
	}
	atomic_store(&pfp->share->pin[pin->id].proc, proc + 1);
	return pin->id;
}

void pins_leave(PMEMfilepool *pfp)
{
	for (uint32_t i = 1; pfp->share && i < SHARE_PINS; ++i)
		atomic_store(&pfp->share->pin[i].pin, 0);
}

void pins_remake(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	for (uint32_t i = 1; s && i < SHARE_PINS; ++i) {
		if (!atomic_load(&s->pin[i].proc))
			continue;
		/* a dead process's pin (its maps are gone) goes */
		if (!share_pin_alive(s, i)) {
			atomic_store(&s->pin[i].pin, 0);
			atomic_store(&s->pin[i].proc, 0);
			continue;
		}
		struct pmemfile_pin *pin = malloc(sizeof(*pin));
		struct vinode *v = pin ? vinode_get(pfp, s->pin[i].ino) : NULL;
		if (!v) {
			/* its owner's unpin frees the entry */
			free(pin);
			atomic_store(&s->pin[i].pin, 0);
			continue;
		}
		vinode_wrlock(v);
		if (v->pins++ == 0)
			jmode_pinned(pfp, v, true);
		vinode_unlock(v);
		pin->v = v;
		pin->id = i;
		atomic_store(&s->pin[i].pin, (uint64_t)(uintptr_t)pin);
	}
}

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
	uint64_t size = inode_size(v->inode);
	uint64_t limit = (size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	uint64_t end = off + length;
	r = extent_cover_all(pfp, v, off, end < size ? end : size);
	if (r)
		return r;
	/* what a mapping shows past the end of the file: zeros */
	if (size < limit && off < limit && end > size)
		extent_zero(pfp, v, size, limit);
	pin_offsets(pfp, v, off, length / PAGE, limit, pool_offsets);
	if (v->pins++ == 0)
		jmode_pinned(pfp, v, true);
	return 0;
}

PMEMfilepin *pmemfile_pin_pages(PMEMfilepool *pfp, PMEMfile *file,
				pmemfile_off_t offset, size_t length,
				uint64_t *pool_offsets)
{
	GATE_PASS();
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
	pin->id = 0;
	if (pfp->share) {
		pin->id = pin_register(pfp, pin);
		if (!pin->id) {
			pin_drop(pfp, pin);
			pf_ret(-ENOMEM);
			return NULL;
		}
	}
	return pin;
}

void pmemfile_unpin_pages(PMEMfilepool *pfp, PMEMfilepin *pin)
{
	GATE_PASS();
	if (!pfp || !pin)
		return;
	uint32_t id = pin_tagged(pin) ? (uint32_t)(uintptr_t)pin : 0;
	if (!pin_tagged(pin)) {
		id = pin->id;
		bool mine = !pf_remote(pfp) &&
			    (!id || atomic_load(&pfp->share->pin[id].pin) ==
					(uint64_t)(uintptr_t)pin);
		if (mine && !id) {
			pin_drop(pfp, pin);
			return;
		}
		/* made while this process held the pool before: its entry */
		if (!mine)
			free(pin);
	}
	if (pf_remote(pfp))
		remote_unpin(pfp, id);
	else
		(void)pin_release_id(pfp, share_proc(pfp), id);
}

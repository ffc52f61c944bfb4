// SPDX-License-Identifier: BSD-3-Clause
/*
 * lease.c -- a client's direct access to the data of a file (lease.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "data.h"
#include "direct.h"
#include "extent.h"
#include "flush.h"
#include "gate.h"
#include "inode.h"
#include "kcall.h"
#include "lease.h"
#include "share.h"
#include "vinode.h"

/* One extent of a lease, as the holder sends it (file and pool offsets). */
struct lease_extent {
	uint64_t off;
	uint64_t len;
	uint64_t pool;
};

#define LEASE_MAX_EXTENTS (SHARE_WINDOW / sizeof(struct lease_extent))
/*
 * A lease is worth its call when this much can be read, or written
 * without new storage, from where the description stands.
 */
#define LEASE_MIN_READ (64u << 10)
/*
 * What a writer's lease reserves past the end at least: a file written
 * in 10 KiB records (tar) gets its lease before it is big. What the
 * writer did not fill is freed when the lease ends. The lease that comes
 * with an open reserves LEASE_MIN_WRITE: most files written after their
 * open are small, and a file that goes on gets the next lease with its
 * write (LEASE_SHORT); reserved and freed, the rest of a MiB cost the
 * open some 70 us (tar x of 100 MB: 167 opens took 27 ms, 14 ms with it).
 */
#define LEASE_RESERVE (1u << 20)
#define LEASE_DOUBLE_MAX (8u << 20)
/* Leases a client holds at once; the least recent one goes first. */
#define LEASE_HELD 8

/* The holder's side. */

/* share_lease.busy: the grant's tag, and the owner's calls running. */
#define BUSY_TAG(gen) (((gen)&0xffffffu) << 8)
#define BUSY_COUNT(b) ((b)&0xffu)

/*
 * The owner counts a call of its own in, if the entry is still of the
 * grant gen it holds (its holder may have ended it and granted it again).
 */
static bool busy_enter(struct share_lease *l, uint32_t gen)
{
	uint32_t b = atomic_load(&l->busy);
	do {
		if ((b & ~0xffu) != BUSY_TAG(gen) || BUSY_COUNT(b) == 0xff)
			return false;
	} while (!atomic_compare_exchange_weak(&l->busy, &b, b + 1));
	return true;
}

/* ... and out: nothing where the entry has been granted again since. */
static void busy_leave(struct share_lease *l, uint32_t gen)
{
	uint32_t b = atomic_load(&l->busy);
	do {
		if ((b & ~0xffu) != BUSY_TAG(gen) || BUSY_COUNT(b) == 0)
			return;
	} while (!atomic_compare_exchange_weak(&l->busy, &b, b - 1));
}

/* Grants and ends, in the holder: one at a time. */
static pthread_mutex_t lease_lock = PTHREAD_MUTEX_INITIALIZER;

/* The segment an entry is in: the entries are its array. */
static struct share_seg *seg_of(struct share_lease *l)
{
	uintptr_t first = (uintptr_t)(l - l->index);
	return (struct share_seg *)(first - offsetof(struct share_seg, lease));
}

/* Storage a lease reserved and its writer did not fill (lease_trim). */
struct lease_trim {
	struct vinode *v;
	uint64_t from;
	bool unbacked; /* left to its writer's writes by descriptor */
	/* the lease's entry, kept (LEASE_TRIM) until the trim is made */
	struct share_lease *entry;
};

/* How a lease ends: in a holder that goes on, or one that leaves. */
enum lease_ending {
	END_HERE, /* the offset back; the reservation to trim */
	/*
	 * As END_HERE, the trim left for later: the entry stays, as
	 * END_LEAVING's, until it is made (lease_trim_done), so that the
	 * next holder makes it if this one is killed first.
	 */
	END_LATER,
	END_LEAVING, /* the offset back; the trim left to the next holder */
	END_FOREIGN, /* a holder before this one granted it: nothing back */
};

/*
 * Marks l revoked and waits until no copy of its owner runs; then, when
 * this holder granted it, gives the description its offset back, and
 * says what to trim. Under lease_lock.
 */
static struct lease_trim lease_end(struct share_seg *s, struct share_lease *l,
				   enum lease_ending how)
{
	struct lease_trim t = {.v = NULL, .from = UINT64_MAX};
	uint32_t state = atomic_load(&l->state);
	if (state == LEASE_FREE || (state == LEASE_TRIM && how != END_FOREIGN))
		return t;
	atomic_store(&l->state, LEASE_REVOKED);
	/* a copy of a few pages runs: wait for it, unless its owner died */
	for (unsigned n = 1; BUSY_COUNT(atomic_load(&l->busy)); ++n) {
		if (n % 1024 == 0 && !share_same_alive(l->pid, l->start))
			break;
		sched_yield();
	}
	uint32_t id = l->desc;
	if (how != END_FOREIGN) {
		struct vinode *v = (struct vinode *)(uintptr_t)l->vinode;
		struct ofd *o =
		    (struct ofd *)(uintptr_t)atomic_load(&s->desc[id].ofd);
		/* nobody else uses a leased description (lease_grant) */
		if (o)
			o->offset = atomic_load(&l->offset);
		if (v)
			atomic_store(&v->lease, NULL);
		t.v = v;
		t.from = l->reserved;
		t.unbacked = l->unbacked != 0;
	}
	if (id < SHARE_DESCS)
		atomic_store(&s->desc[id].lease, 0);
	l->vinode = 0;
	/*
	 * A holder that leaves may be past libpmemobj's end (exit): no
	 * transaction. The next holder frees the storage (lease_drop_all).
	 */
	if (how == END_LEAVING && l->reserved != UINT64_MAX) {
		atomic_store(&l->state, LEASE_TRIM);
		return (struct lease_trim){.v = NULL, .from = UINT64_MAX};
	}
	if (how == END_LATER && l->reserved != UINT64_MAX) {
		/* no description's any more: the id may be leased again */
		l->desc = SHARE_DESCS;
		t.entry = l;
		atomic_store(&l->state, LEASE_TRIM);
		return t;
	}
	atomic_store(&l->state, LEASE_FREE);
	return t;
}

/* The trim an entry was kept for (END_LATER) is made: the entry goes. */
static void lease_trim_done(struct lease_trim t)
{
	if (!t.entry)
		return;
	pthread_mutex_lock(&lease_lock);
	t.entry->reserved = UINT64_MAX;
	atomic_store(&t.entry->state, LEASE_FREE);
	pthread_mutex_unlock(&lease_lock);
}

/*
 * Under v's exclusive lock: the storage of the reservation past the
 * file's end goes (the extent the end falls in is cut there); what the
 * library keeps past the end of a growing file, from before the lease,
 * stays.
 */
static void lease_trim_locked(PMEMfilepool *pfp, struct lease_trim t)
{
	if (!t.v || t.from == UINT64_MAX)
		return;
	uint64_t end =
	    (inode_size(t.v->inode) + EXTENT_MIN - 1) & ~(EXTENT_MIN - 1);
	(void)extent_punch_hole(pfp, t.v, end > t.from ? end : t.from,
				UINT64_MAX);
}

static void lease_trim_now(PMEMfilepool *pfp, struct lease_trim t)
{
	vinode_wrlock(t.v);
	lease_trim_locked(pfp, t);
	vinode_unlock(t.v);
	lease_trim_done(t);
}

/*
 * Trims left for later (lease_trims_defer), each with a reference to its
 * vinode. The end of a writer's lease frees what it reserved past the end
 * of the file, cutting the last extent and copying its kept part (30-45
 * us): tar x made three posts on each file it wrote (fchown, fchmod,
 * futimens: the first ends the lease) and its next open waited for them;
 * a cp -r of small files, for the release of each file before the next
 * one's open. What the trim frees is past the end of the file, where
 * nothing reads, and is written to only under a lease granted later or by
 * a call that is not left for later: each such call makes the trims
 * first, as does a stat (the blocks) or a statfs (the free space). The
 * keeper makes them as soon as nothing else is to be done, so that they
 * run beside the client's own work rather than before its next call:
 * tar c | tar x in a mount, tar x's calls waited 30-38 ms a run before,
 * 25-33 ms so (its opens 15-22 ms, 12-18 ms so); cp -r of 2,000 files of
 * 10 KiB by a client, 113-146 ms, 69-97 ms so (medians 122-129, 81-85).
 * A call left for later that finds the pool full makes them and runs
 * again (kserve). Each keeps its lease's entry in the segment until it is
 * made (END_LATER): a holder killed before it made them leaves them to the
 * next holder (lease_drop_all), as one that leaves does. At most half the
 * entries wait so, the others are for leases.
 */
#define TRIMS_LATER (SHARE_LEASES / 2)
__thread bool lease_trims_defer;
_Atomic int lease_trims_later;
static pthread_mutex_t later_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	PMEMfilepool *pfp;
	struct lease_trim t;
} later[TRIMS_LATER];

void lease_trims_flush(void)
{
	if (atomic_load(&lease_trims_later) == 0)
		return;
	/* they change the pool, as a call does */
	GATE_PASS();
	while (atomic_load(&lease_trims_later) > 0) {
		pthread_mutex_lock(&later_lock);
		int n = atomic_load(&lease_trims_later);
		if (n == 0) {
			pthread_mutex_unlock(&later_lock);
			return;
		}
		PMEMfilepool *pfp = later[n - 1].pfp;
		struct lease_trim t = later[n - 1].t;
		atomic_store(&lease_trims_later, n - 1);
		pthread_mutex_unlock(&later_lock);
		lease_trim_now(pfp, t);
		vinode_put(pfp, t.v);
	}
}

void lease_trims_leave(PMEMfilepool *pfp)
{
	pthread_mutex_lock(&later_lock);
	int n = atomic_load(&lease_trims_later), kept = 0;
	/*
	 * Each one's entry stays for the next holder (END_LATER); its vinode
	 * reference goes with the process's memory.
	 */
	for (int i = 0; i < n; ++i)
		if (later[i].pfp != pfp)
			later[kept++] = later[i];
	atomic_store(&lease_trims_later, kept);
	pthread_mutex_unlock(&later_lock);
}

void lease_trims_forget(void)
{
	pthread_mutex_init(&later_lock, NULL);
	atomic_store(&lease_trims_later, 0);
}

static void lease_trim(PMEMfilepool *pfp, struct lease_trim t)
{
	if (!t.v || t.from == UINT64_MAX) {
		lease_trim_done(t);
		return;
	}
	if (lease_trims_defer) {
		pthread_mutex_lock(&later_lock);
		int n = atomic_load(&lease_trims_later);
		if (n < TRIMS_LATER) {
			later[n].pfp = pfp;
			later[n].t = t;
			later[n].t.v = vinode_ref(pfp, t.v);
			atomic_store(&lease_trims_later, n + 1);
			pthread_mutex_unlock(&later_lock);
			return;
		}
		pthread_mutex_unlock(&later_lock);
	}
	lease_trim_now(pfp, t);
}

void lease_end_vinode(struct vinode *v)
{
	pthread_mutex_lock(&lease_lock);
	struct share_lease *l = atomic_load(&v->lease);
	struct lease_trim t = {.v = NULL, .from = UINT64_MAX};
	PMEMfilepool *pfp = l ? (PMEMfilepool *)(uintptr_t)l->pool : NULL;
	if (l)
		t = lease_end(seg_of(l), l, END_HERE);
	pthread_mutex_unlock(&lease_lock);
	if (pfp)
		lease_trim_locked(pfp, t);
}

/* Ends the lease on description id, if any, as how says: what to trim. */
static struct lease_trim lease_end_id(PMEMfilepool *pfp, uint32_t id,
				      enum lease_ending how)
{
	struct share_seg *s = pfp->share;
	struct lease_trim t = {.v = NULL, .from = UINT64_MAX};
	if (!s || id == 0 || id >= SHARE_DESCS ||
	    atomic_load(&s->desc[id].lease) == 0)
		return t;
	pthread_mutex_lock(&lease_lock);
	uint32_t e = atomic_load(&s->desc[id].lease);
	if (e && e <= SHARE_LEASES)
		t = lease_end(s, &s->lease[e - 1], how);
	pthread_mutex_unlock(&lease_lock);
	return t;
}

void lease_end_desc(PMEMfilepool *pfp, uint32_t id)
{
	lease_trim(pfp, lease_end_id(pfp, id,
				     lease_trims_defer ? END_LATER : END_HERE));
}

void lease_end_all(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	if (!s)
		return;
	pthread_mutex_lock(&lease_lock);
	for (int i = 0; i < SHARE_LEASES; ++i)
		(void)lease_end(s, &s->lease[i], END_LEAVING);
	pthread_mutex_unlock(&lease_lock);
}

/* The trim of a lease of a holder before this one, by the inode. */
static void lease_trim_ino(PMEMfilepool *pfp, uint64_t ino, uint64_t from)
{
	if (from == UINT64_MAX)
		return;
	struct vinode *v = vinode_get(pfp, ino);
	if (!v)
		return;
	vinode_wrlock(v);
	/* bytes past the size mean nothing, whichever file it is now */
	if (vinode_is_reg(v) && !v->pins && extent_index_load(pfp, v) == 0)
		lease_trim_locked(pfp,
				  (struct lease_trim){.v = v, .from = from});
	vinode_unlock(v);
	vinode_put(pfp, v);
}

void lease_drop_all(PMEMfilepool *pfp)
{
	struct share_seg *s = pfp->share;
	for (int i = 0; i < SHARE_LEASES; ++i) {
		struct share_lease *l = &s->lease[i];
		pthread_mutex_lock(&lease_lock);
		uint64_t ino = l->ino, from = l->reserved;
		bool any = atomic_load(&l->state) != LEASE_FREE;
		(void)lease_end(s, l, END_FOREIGN);
		pthread_mutex_unlock(&lease_lock);
		if (any)
			lease_trim_ino(pfp, ino, from);
	}
}

/*
 * Storage past the end of a file a writer may fill without asking: what
 * the next append would allocate anyway (a file grows by an eighth of
 * its storage, extent_cover), allocated now; the size stays.
 */
/* Where the storage that holds pos without a gap ends (pos if none). */
static uint64_t backed_end(struct vinode *v, uint64_t pos)
{
	for (size_t i = extent_find(v, pos);
	     i < v->next && v->ext[i].off <= pos; ++i)
		pos = v->ext[i].off + v->ext[i].len;
	return pos;
}

/*
 * Where the reserved storage starts, UINT64_MAX if nothing was added; least
 * is what is reserved at least. A file its writer goes on writing at its
 * end past the open (growing) doubles its storage, up to
 * LEASE_DOUBLE_MAX at once (a 4 MiB file written by tar x takes three
 * leases after its open's, not four); otherwise, and beyond, it grows by
 * an eighth.
 */
static uint64_t lease_reserve(PMEMfilepool *pfp, struct vinode *v,
			      uint64_t least, bool growing)
{
	uint64_t size = inode_size(v->inode);
	uint64_t allocated = extent_allocated(v);
	uint64_t want = allocated / 8;
	uint64_t twice =
	    allocated < LEASE_DOUBLE_MAX ? allocated : LEASE_DOUBLE_MAX;
	if (growing && twice > want)
		want = twice;
	want &= ~(EXTENT_MIN - 1);
	if (want < least)
		want = least;
	uint64_t have = backed_end(v, size);
	if (size > DATA_MAX_SIZE - want || have - size >= want / 2)
		return UINT64_MAX;
	/*
	 * In extents of 256 KiB, or an eighth of the file's storage: what
	 * the writer leaves empty is freed when the lease ends, the extent
	 * the end falls in cut there (lease_trim_locked).
	 */
	uint64_t chunk = 256u << 10;
	while (chunk < EXTENT_MAX && chunk * 4 <= extent_allocated(v) / 8)
		chunk *= 4;
	/* a pool without room gives a lease on what the file has */
	for (uint64_t pos = have; pos < size + want;) {
		if (extent_cover(pfp, v, pos, chunk) <= 0)
			break;
		uint64_t next = backed_end(v, pos);
		if (next <= pos)
			break;
		pos = next;
	}
	return backed_end(v, size) > have ? have : UINT64_MAX;
}

/* The extents of v into the window; how many, 0 if they do not fit. */
static size_t lease_extents(PMEMfilepool *pfp, struct vinode *v,
			    struct share_chan *c, uint64_t *end)
{
	struct lease_extent *out = (struct lease_extent *)(void *)c->data;
	if (v->next > LEASE_MAX_EXTENTS)
		return 0;
	*end = 0;
	for (size_t i = 0; i < v->next; ++i) {
		out[i].off = v->ext[i].off;
		out[i].len = v->ext[i].len;
		out[i].pool = (uint64_t)(v->ext[i].data - pfp->base);
		if (out[i].off + out[i].len > *end)
			*end = out[i].off + out[i].len;
	}
	return v->next;
}

/*
 * Under v's exclusive lock. kept: where storage a lease before this one
 * reserved starts (UINT64_MAX if none), freed with this lease's.
 */
static int64_t lease_grant_locked(PMEMfilepool *pfp, struct share_chan *c,
				  struct ofd *o, uint32_t id, bool write,
				  struct lease_trim kept_trim)
{
	uint64_t kept = kept_trim.from;
	struct share_seg *s = pfp->share;
	struct vinode *v = o->vinode;
	/* a write that must clear set-user-ID bits is the holder's */
	if (write && (v->inode->mode & (S_ISUID | S_ISGID)))
		return -EPERM;
	/* shared maps of the file follow its growth through the holder */
	if (v->pins)
		return -EBUSY;
	int r = extent_index_load(pfp, v);
	if (r)
		return r;
	uint64_t size = inode_size(v->inode);
	uint64_t from = write && (o->flags & O_APPEND) ? size : o->offset;
	bool at_open = (c->arg[0] & LEASE_AT_OPEN) != 0;
	/*
	 * A writer's lease with its open, to a client that has not mapped
	 * the pool file yet: not. Its storage is reserved and freed again at
	 * the close, and the mapping made, for a file most often written in
	 * one or two calls; a writer that goes on (tar x, an appender) gets
	 * its lease with its second write (lease_due). A reader's lease with
	 * its open stays, mapping and all: without it a small file read whole
	 * by a new process (cat in a shell loop) made three more calls to
	 * the holder (fstat, the read, the read at the end), each a context
	 * switch where the keeper has no processor of its own. 200 x (echo >
	 * f; cat f) on this 2-core VM without that lease: 1-3 % faster idle,
	 * 3-9 % slower with another program busy.
	 */
	if (at_open && write && !(c->arg[0] & LEASE_MAPPED)) {
		lease_trim_locked(pfp,
				  (struct lease_trim){.v = v, .from = kept});
		return -ENOSPC;
	}
	/*
	 * Storage a client writes through its descriptor of the pool file
	 * only: left to its writes to allocate (direct_unbacked), which run
	 * beside the holder's work where the holder's fallocate made the
	 * client wait. tar c | tar x in a mount (tar x a client writing 10
	 * KiB records by descriptor): its 73 leases took the keeper 7 ms of
	 * 110-150 in a pool whose pages existed (mincore of the holes), 37
	 * ms in a new one (fallocate), and the leases of its 166 opens 13 ms
	 * there (2.9 so). The client's writes never leave a gap
	 * (a write past the end is the holder's), so the storage below the
	 * file's end is allocated, and the rest is freed when the lease ends
	 * (lease_trim_locked): no unbacked page is left for a write through
	 * a mapping (a SIGBUS where the file system is full).
	 */
	bool unbacked =
	    write && (c->arg[0] & LEASE_UNBACKED) && direct_room_for_other(pfp);
	/* storage kept from such a lease does not go on with one that is
	 * not */
	if (kept_trim.unbacked && !unbacked) {
		lease_trim_locked(pfp, kept_trim);
		kept = UINT64_MAX;
	}
	uint64_t reserved = UINT64_MAX;
	if (write && from <= size) {
		/*
		 * Storage the client writes by descriptor, or that comes with
		 * an open (mostly unused: the rest is freed at the close): not
		 * cleared and mapped here. tar c | tar x in a mount: the
		 * holder's madvise of what opens reserved was 15 % of its
		 * keeper's time; the pipeline's processor time 204-257 ->
		 * 194-211 ms, a client's 4 KiB and 1 KiB writes as before.
		 */
		direct_for_other =
		    (c->arg[0] & (LEASE_BY_FD | LEASE_AT_OPEN)) != 0;
		direct_unbacked = unbacked;
		reserved = lease_reserve(
		    pfp, v, at_open ? LEASE_MIN_WRITE : LEASE_RESERVE,
		    !at_open && from == size);
		direct_for_other = false;
		direct_unbacked = false;
	}
	if (kept < reserved)
		reserved = kept;
	unbacked = unbacked && reserved != UINT64_MAX;
	/*
	 * Too little to gain: the client asks again later, less often. A
	 * reader's lease that comes with its open costs no call of its own:
	 * its fstat, lseek and reads are the client's from the start.
	 */
	if (write
		? from > size || backed_end(v, from) - from < LEASE_MIN_WRITE
		: !at_open && (from >= size || size - from < LEASE_MIN_READ)) {
		lease_trim_locked(
		    pfp, (struct lease_trim){.v = v, .from = reserved});
		return -ENOSPC;
	}
	uint64_t end;
	size_t n = lease_extents(pfp, v, c, &end);
	if (n == 0 && inode_size(v->inode) > 0) {
		lease_trim_locked(
		    pfp, (struct lease_trim){.v = v, .from = reserved});
		return -E2BIG;
	}
	/* a hole at the end reads as zeros */
	if (end < inode_size(v->inode))
		end = inode_size(v->inode);
	pthread_mutex_lock(&lease_lock);
	int slot = -1;
	for (int i = 0; i < SHARE_LEASES && slot < 0; ++i)
		if (atomic_load(&s->lease[i].state) == LEASE_FREE)
			slot = i;
	if (slot < 0) {
		pthread_mutex_unlock(&lease_lock);
		lease_trim_locked(
		    pfp, (struct lease_trim){.v = v, .from = reserved});
		return -EAGAIN;
	}
	struct share_lease *l = &s->lease[slot];
	l->index = (uint32_t)slot;
	l->desc = id;
	l->pid = c->pid;
	l->start = c->start;
	l->vinode = (uint64_t)(uintptr_t)v;
	l->ino = v->off;
	l->pool = (uint64_t)(uintptr_t)pfp;
	l->reserved = reserved;
	l->unbacked = unbacked;
	atomic_store(&l->offset, o->offset);
	uint32_t gen = atomic_fetch_add(&l->gen, 1) + 1;
	/* what an owner that died in a call left counted goes */
	atomic_store(&l->busy, BUSY_TAG(gen));
	atomic_store(&s->desc[id].lease, (uint32_t)slot + 1);
	atomic_store(&v->lease, l);
	atomic_store(&l->state, LEASE_GRANTED);
	pthread_mutex_unlock(&lease_lock);
	c->out_len = (uint32_t)(n * sizeof(struct lease_extent));
	c->arg[3] = o->flags;
	c->arg[4] = (int64_t)end;
	c->arg[5] = gen;
	c->arg[2] = (int64_t)v->off;
	c->arg[1] = (pfp->populated != NULL ? LEASE_IS_PMEM : 0) |
		    (unbacked ? LEASE_FD_ONLY : 0);
	return slot;
}

/* Whether the caller's description o (id) may have a lease: 0 or -errno. */
static int lease_allowed(PMEMfilepool *pfp, struct share_chan *c, struct ofd *o,
			 uint32_t id, bool write)
{
	struct share_seg *s = pfp->share;
	struct vinode *v = o->vinode;
	int acc = o->flags & O_ACCMODE;
	if (!vinode_is_reg(v) || (o->flags & O_PATH) ||
	    acc == (write ? O_RDONLY : O_WRONLY))
		return -EINVAL;
	/*
	 * In journal mode the holder must see every page written (jmode.c):
	 * a client writes through its calls.
	 */
	if (write && pfp->jmode)
		return -EBUSY;
	/*
	 * Only a description no one else uses: its offset is the client's
	 * while the lease lasts. A process that gets it later (fork,
	 * SCM_RIGHTS) sends its calls on it, which end the lease (kfile).
	 */
	if (id == 0 || id >= SHARE_DESCS || o->ref != 0 ||
	    atomic_load(&s->desc[id].procs) != 1)
		return -EBUSY;
	/*
	 * An open does not take the lease another description of the file
	 * has (a reader's open would end an appender's each time): the
	 * client asks again if it goes on reading or writing.
	 */
	if ((c->arg[0] & LEASE_AT_OPEN) && atomic_load(&v->lease) != NULL)
		return -EBUSY;
	return 0;
}

int64_t lease_grant(PMEMfilepool *pfp, struct share_chan *c, PMEMfile *f)
{
	uint32_t id = c->file[0];
	bool write = (c->arg[0] & LEASE_WRITE) != 0;
	struct ofd *o = f->ofd;
	struct vinode *v = o->vinode;
	/*
	 * A lease asked for again (kfile leaves it to this): the storage it
	 * reserved and its writer has not filled yet goes on to the next
	 * one, and is freed with it, or now if none is granted. Trimmed at
	 * each renewal, the extent the end falls in would be cut, its data
	 * copied, and new storage reserved after it again.
	 */
	struct lease_trim kept = lease_end_id(pfp, id, END_HERE);
	int64_t r = lease_allowed(pfp, c, o, id, write);
	vinode_wrlock(v);
	if (r == 0)
		r = lease_grant_locked(pfp, c, o, id, write, kept);
	else
		lease_trim_locked(pfp, kept);
	vinode_unlock(v);
	return r;
}

/* The client's side. */

struct lease_held {
	uint32_t id; /* the description, 0: none */
	uint32_t slot;
	uint32_t gen;
	int flags;	/* the description's status flags */
	uint64_t bytes; /* the storage of the extents (st_blocks) */
	uint64_t ino;	/* the inode's pool offset */
	uint64_t end;	/* the extents say where the data is below this */
	bool fd_only;	/* its new storage is written by descriptor only */
	uint64_t used;	/* when it was last used, for replacement */
	size_t n;	/* extents, sorted by offset */
	struct lease_extent *ext;
};

struct lease_client {
	pid_t pid; /* the process the records are of */
	char *base;
	size_t size;
	bool is_pmem;
	bool map_tried;
	bool writable;
	/* the pool file, numbered high (direct_open); -1: none */
	int fd;
	dev_t fd_dev;
	ino_t fd_ino;
	uint64_t fd_checked; /* fd_is_kept */
	/* one thread at a time: another one sends its call to the holder */
	atomic_flag busy;
	uint64_t clock;
	uint64_t fsize_max; /* RLIMIT_FSIZE when the lease came */
	/*
	 * The calls on each description id made without a lease (lease_due),
	 * SHARE_DESCS counters made at the first such call: a process whose
	 * leases come with its opens makes none, and the 8 KiB zeroed with
	 * the records cost each joining process two page faults.
	 */
	_Atomic(uint8_t *) hits;
	struct lease_held held[LEASE_HELD];
};

static struct lease_client *client_of(PMEMfilepool *pfp)
{
	struct lease_client *lc = pfp->leases;
	if (!lc) {
		lc = calloc(1, sizeof(*lc));
		if (!lc)
			return NULL;
		atomic_flag_clear(&lc->busy);
		lc->fd = -1;
		pfp->leases = lc;
	}
	if (lc->pid != pf_self_pid) {
		/* a fork child: the parent's leases are not its own */
		for (int i = 0; i < LEASE_HELD; ++i) {
			free(lc->held[i].ext);
			memset(&lc->held[i], 0, sizeof(lc->held[i]));
		}
		uint8_t *hits = atomic_load(&lc->hits);
		if (hits)
			memset(hits, 0, SHARE_DESCS);
		lc->pid = pf_self_pid;
	}
	return lc;
}

/* The pool file, mapped here once: where a lease's copies go. */
static bool client_map(PMEMfilepool *pfp, struct lease_client *lc)
{
	if (lc->map_tried)
		return lc->base != NULL;
	lc->map_tried = true;
	int fd = direct_open(pool_map_path(pfp), &lc->writable);
	if (fd < 0)
		return false;
	struct stat st;
	void *p = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		p = mmap(NULL, (size_t)st.st_size,
			 PROT_READ | (lc->writable ? PROT_WRITE : 0),
			 MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return false;
	}
	lc->base = p;
	lc->size = (size_t)st.st_size;
	lc->fd = fd;
	lc->fd_dev = st.st_dev;
	lc->fd_ino = st.st_ino;
	lc->fd_checked = 0;
	return true;
}

/* Whether the descriptor still names the pool file (the shim refuses
 * its close, not a dup2 onto it). */
static bool client_fd_valid(struct lease_client *lc)
{
	return fd_is_kept(lc->fd, lc->fd_dev, lc->fd_ino, &lc->fd_checked);
}

/*
 * Whether the client's writes may go through the descriptor: the pool is
 * memory, the descriptor writable and still the pool file's, and it may
 * be written anywhere in the pool file (a file size limit, RLIMIT_FSIZE,
 * below the pool file's size would make a write past it fail with
 * SIGXFSZ sent to the program).
 */
static bool client_fd_ok(struct lease_client *lc)
{
	return lc->is_pmem && lc->writable && lc->fsize_max >= lc->size &&
	       client_fd_valid(lc);
}

bool lease_client_mapped(PMEMfilepool *pfp)
{
	struct lease_client *lc = pfp->leases;
	return lc && lc->base != NULL;
}

int lease_client_fd(PMEMfilepool *pfp)
{
	struct lease_client *lc = pfp->leases;
	return lc && lc->pid == pf_self_pid && client_fd_valid(lc) ? lc->fd
								   : -1;
}

void lease_client_free(PMEMfilepool *pfp)
{
	struct lease_client *lc = pfp->leases;
	if (!lc)
		return;
	if (lc->base)
		munmap(lc->base, lc->size);
	if (client_fd_valid(lc))
		close(lc->fd);
	for (int i = 0; i < LEASE_HELD; ++i)
		free(lc->held[i].ext);
	free(atomic_load(&lc->hits));
	free(lc);
	pfp->leases = NULL;
}

/* The inode of the file of lease h, in this process's mapping. */
static struct pmemfile_inode *held_inode(const struct lease_client *lc,
					 const struct lease_held *h)
{
	return (struct pmemfile_inode *)(lc->base + h->ino);
}

static struct lease_held *held_of(struct lease_client *lc, uint32_t id)
{
	for (int i = 0; i < LEASE_HELD; ++i)
		if (lc->held[i].id == id)
			return &lc->held[i];
	return NULL;
}

static void held_drop(struct lease_held *h)
{
	free(h->ext);
	memset(h, 0, sizeof(*h));
}

bool lease_forget(PMEMfilepool *pfp, uint32_t id)
{
	struct lease_client *lc = pfp->leases;
	if (!lc || lc->pid != pf_self_pid || id == 0 || id >= SHARE_DESCS)
		return false;
	if (atomic_flag_test_and_set(&lc->busy))
		return true; /* the thread in it finds the lease ended */
	struct lease_held *h = held_of(lc, id);
	bool writer = h && (h->flags & O_ACCMODE) != O_RDONLY;
	if (h)
		held_drop(h);
	atomic_flag_clear(&lc->busy);
	return writer;
}

/* lc->hits, made by the first thread that needs it. */
static uint8_t *client_hits(struct lease_client *lc)
{
	uint8_t *hits = atomic_load(&lc->hits);
	if (hits)
		return hits;
	uint8_t *made = calloc(SHARE_DESCS, 1);
	if (!made)
		return NULL;
	if (!atomic_compare_exchange_strong(&lc->hits, &hits, made)) {
		free(made);
		return hits;
	}
	return made;
}

bool lease_due(PMEMfilepool *pfp, uint32_t id)
{
	if (pf_vfork_pid || id == 0 || id >= SHARE_DESCS)
		return false;
	struct lease_client *lc = client_of(pfp);
	uint8_t *hits = lc ? client_hits(lc) : NULL;
	if (!hits)
		return false;
	/* the second call, then less and less often if it is refused */
	uint8_t n = ++hits[id];
	return n >= 2 && (n & (n - 1)) == 0;
}

/* The index of the first extent that ends past pos (or h->n). */
static size_t held_find(const struct lease_held *h, uint64_t pos)
{
	size_t lo = 0, hi = h->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (h->ext[mid].off + h->ext[mid].len <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* What a new lease maps at once in this process, at most. */
#define LEASE_POPULATE (8u << 20)

/*
 * A reader's lease: the page tables of its first extents made at once.
 * Not a writer's: its big writes go through the descriptor (client_by_fd)
 * and its small ones map 16 pages at a time by read faults (client_copy),
 * where the pages its lease reserved were made by the holder; the first
 * extents of a file it appends to are the ones it does not write (two
 * appenders of 4 KiB blocks: 5.1-5.3 GB/s with the lease's extents mapped
 * by madvise as the writes reached them, 7.5-7.7 so). On memory only: a
 * file cached from a disk would have its pages read.
 */
static void client_populate(struct lease_client *lc, const struct lease_held *h)
{
	if (!lc->is_pmem ||
	    ((h->flags & O_ACCMODE) != O_RDONLY && lc->writable))
		return;
	size_t left = LEASE_POPULATE;
	for (size_t i = 0; i < h->n && left > 0; ++i) {
		uintptr_t from = (uintptr_t)lc->base + h->ext[i].pool;
		uintptr_t page = from & ~(uintptr_t)4095;
		size_t len = h->ext[i].len < left ? h->ext[i].len : left;
		left -= len;
		/* a kernel without it (before 5.14) faults as before */
		(void)madvise((void *)page, from + len - page,
			      MADV_POPULATE_READ);
	}
}

void lease_accept(PMEMfilepool *pfp, uint32_t id, int64_t slot,
		  const struct share_chan *c)
{
	struct lease_client *lc = client_of(pfp);
	if (!lc || slot < 0 || slot >= SHARE_LEASES || !client_map(pfp, lc))
		return;
	lc->is_pmem = (c->arg[1] & LEASE_IS_PMEM) != 0;
	size_t n = c->out_len / sizeof(struct lease_extent);
	struct lease_extent *ext = malloc((n ? n : 1) * sizeof(*ext));
	if (!ext)
		return;
	memcpy(ext, c->data, n * sizeof(*ext));
	uint64_t ino = (uint64_t)c->arg[2];
	uint64_t end = (uint64_t)c->arg[4];
	/* nothing outside the mapping, and the extents sorted */
	bool sane = ino + sizeof(struct pmemfile_inode) <= lc->size;
	for (size_t i = 0; i < n && sane; ++i)
		sane =
		    ext[i].pool + ext[i].len <= lc->size &&
		    ext[i].pool + ext[i].len >= ext[i].pool &&
		    (i == 0 || ext[i].off >= ext[i - 1].off + ext[i - 1].len);
	if (!sane || atomic_flag_test_and_set(&lc->busy)) {
		free(ext);
		return;
	}
	struct lease_held *h = held_of(lc, id);
	if (!h) {
		h = &lc->held[0];
		for (int i = 0; i < LEASE_HELD; ++i) {
			if (lc->held[i].id == 0) {
				h = &lc->held[i];
				break;
			}
			if (lc->held[i].used < h->used)
				h = &lc->held[i];
		}
	}
	held_drop(h);
	h->id = id;
	h->slot = (uint32_t)slot;
	h->gen = (uint32_t)c->arg[5];
	h->flags = (int)c->arg[3];
	h->ino = ino;
	h->bytes = 0;
	for (size_t i = 0; i < n; ++i)
		h->bytes += ext[i].len;
	h->end = end;
	h->fd_only = (c->arg[1] & LEASE_FD_ONLY) != 0;
	h->n = n;
	h->ext = ext;
	h->used = ++lc->clock;
	uint8_t *hits = atomic_load(&lc->hits);
	if (hits)
		hits[id] = 0;
	/* the limit of the writes the lease lets this process make */
	if ((h->flags & O_ACCMODE) != O_RDONLY) {
		pfp->client_reserved = true;
		struct rlimit rl;
		lc->fsize_max = getrlimit(RLIMIT_FSIZE, &rl) == 0 &&
					rl.rlim_cur != RLIM_INFINITY
				    ? rl.rlim_cur
				    : UINT64_MAX;
	}
	client_populate(lc, h);
	atomic_flag_clear(&lc->busy);
}

/* Whether every byte of [pos, end) has storage. */
static bool held_backed(const struct lease_held *h, uint64_t pos, uint64_t end)
{
	for (size_t i = held_find(h, pos); pos < end; ++i) {
		if (i == h->n || h->ext[i].off > pos)
			return false;
		pos = h->ext[i].off + h->ext[i].len;
	}
	return true;
}

/*
 * Persistence of the client's stores. A client has not loaded libpmem
 * (the holder has, with libpmemobj): on a pool the holder found to be
 * memory, the cache lines are written back (clwb, clflushopt or clflush,
 * as the processor has) and fenced; on a file cached from a disk, its
 * pages are synced.
 */
static void client_drain(struct lease_client *lc)
{
	if (lc->is_pmem)
		flush_fence();
}

/* Stores of [p, p + n) on their way (client_drain waits for them). */
static void client_flush(struct lease_client *lc, const void *p, size_t n)
{
	if (lc->is_pmem) {
		flush_lines(p, n);
		return;
	}
	uintptr_t page = (uintptr_t)p & ~(uintptr_t)4095;
	/* not msync(), a cancellation point: busy must be given back */
	(void)syscall(SYS_msync, page, (uintptr_t)p + n - page, MS_SYNC);
}

static void client_persist(struct lease_client *lc, const void *p, size_t n)
{
	client_flush(lc, p, n);
	client_drain(lc);
}

/* The pool offset of p, a place in the client's map of the pool. */
static uint64_t client_off(const struct lease_client *lc, const void *p)
{
	return (uint64_t)((const char *)p - lc->base);
}

/*
 * Whether a write of n bytes goes through the pool file's descriptor: on
 * memory (pmem, or a file taken for it), a write of LEASE_WRITE_BY_FD or
 * more. The kernel copies into the pool file's pages as into a file of
 * its own (on a DAX file, writing the cache lines back as it goes), where
 * a copy through this process's mapping first fills a page table entry
 * for each page, in a fault or a populate, and tears them down at the
 * exit. A client's writes are its own data: no other process maps those
 * pages for writing while the lease lasts. The storage of a lease asked
 * for by such a write (LEASE_BY_FD) is allocated by the holder but not
 * cleared and mapped there (direct_for_other): the kernel clears each
 * page as the write reaches it. 100 MB by dd in 10 KiB writes as a
 * client: 110 ms of processor time (both processes) and 6,800 faults
 * through the mapping, 90 ms and 2,000 so; in 4 KiB writes the mapping
 * was the faster (103 against 110 ms), and under 4 KiB clearly (1 KiB:
 * 165 against 188 ms, a fault a page on storage not cleared).
 */
static bool client_by_fd(struct lease_client *lc, uint64_t n)
{
	return n >= LEASE_WRITE_BY_FD && client_fd_ok(lc);
}

bool lease_client_fd_only_ok(PMEMfilepool *pfp)
{
	struct lease_client *lc = pfp->leases;
	return lc && lc->pid == pf_self_pid && lc->base && client_fd_ok(lc);
}

/*
 * Copies between the buffers and the file at [pos, pos + n): into it
 * (write, made persistent before the return but not drained), or out of
 * it with holes as zeros; n. A write by descriptor that fails goes
 * through the mapping instead, unless the lease's storage may have no
 * pages yet (fd_only): then the bytes written before it, or -errno.
 */
static int64_t client_copy(struct lease_client *lc, const struct lease_held *h,
			   const struct iovec *iov, uint64_t pos, uint64_t n,
			   bool write, bool by_fd)
{
	uint64_t start = pos;
	int vi = 0;
	size_t vo = 0;
	size_t i = held_find(h, pos);
	uint64_t end = pos + n;
	while (pos < end) {
		const struct lease_extent *e = i < h->n ? &h->ext[i] : NULL;
		uint64_t stop = end;
		char *file = NULL;
		if (e && e->off <= pos) {
			if (e->off + e->len < stop)
				stop = e->off + e->len;
			file = lc->base + e->pool + (pos - e->off);
		} else if (e && e->off < stop) {
			stop = e->off; /* a hole (only a read gets here) */
		}
		while (pos < stop) {
			size_t k = iov[vi].iov_len - vo;
			if (k > stop - pos)
				k = stop - pos;
			char *buf = (char *)iov[vi].iov_base + vo;
			if (!file)
				memset(buf, 0, k);
			else if (!write)
				memcpy(buf, file, k);
			else if (!by_fd ||
				 direct_pwrite_all(lc->fd, buf, k,
						   client_off(lc, file)) != k) {
				if (h->fd_only)
					return pos > start
						   ? (int64_t)(pos - start)
						   : -errno;
				/*
				 * A read fault first: it maps the 16 pages
				 * around (the holder made them), a write fault
				 * one (see direct.c).
				 */
				(void)*(volatile char *)file;
				if (lc->is_pmem) {
					flush_copy(file, buf, k);
				} else {
					memcpy(file, buf, k);
					client_flush(lc, file, k);
				}
			}
			if (file)
				file += k;
			pos += k;
			vo += k;
			if (vo == iov[vi].iov_len) {
				vi++;
				vo = 0;
			}
		}
		if (e && e->off + e->len <= pos)
			i++;
	}
	return (int64_t)n;
}

static bool time_before(const struct pmemfile_itime *a,
			const struct pmemfile_itime *b)
{
	struct pmemfile_time x = itime_value(a), y = itime_value(b);
	return x.sec < y.sec || (x.sec == y.sec && x.nsec < y.nsec);
}

/*
 * The write's end published as data.c's publish does: the data is
 * persistent first, then the size and the times (when the clock moved)
 * in one flush, each word with its check (words.h). A large size is the
 * holder's (held_rw).
 */
static void client_publish(struct lease_client *lc, struct pmemfile_inode *in,
			   uint64_t end)
{
	struct pmemfile_time now;
	pf_time_now(&now);
	struct pmemfile_time m = itime_value(&in->mtime);
	struct pmemfile_time c = itime_value(&in->ctime);
	bool grow = end > inode_size(in);
	bool touch = now.sec != m.sec || now.nsec != m.nsec ||
		     now.sec != c.sec || now.nsec != c.nsec;
	client_drain(lc);
	if (grow)
		in->size_word =
		    size_word_make(client_off(lc, &in->size_word), end);
	if (touch) {
		in->mtime = itime_make(client_off(lc, &in->mtime), now);
		in->ctime = itime_make(client_off(lc, &in->ctime), now);
	}
	if (grow || touch)
		client_persist(lc, &in->size_word,
			       offsetof(struct pmemfile_inode, dir) -
				   offsetof(struct pmemfile_inode, size_word));
}

/* Linux's relatime, as rw.c's touch_atime. */
static void client_atime(struct lease_client *lc, const struct lease_held *h,
			 struct pmemfile_inode *in)
{
	if ((h->flags & O_NOATIME) || (!time_before(&in->atime, &in->mtime) &&
				       !time_before(&in->atime, &in->ctime)))
		return;
	if (!lc->writable)
		return;
	struct pmemfile_time now;
	pf_time_now(&now);
	in->atime = itime_make(client_off(lc, &in->atime), now);
	client_persist(lc, &in->atime, sizeof(in->atime));
}

/* The call under lease h (its entry l is granted, and busy counts us). */
static int64_t held_rw(struct lease_client *lc, struct lease_held *h,
		       struct share_lease *l, const struct iovec *iov,
		       size_t total, bool write, bool positional,
		       int64_t offset)
{
	struct pmemfile_inode *in = held_inode(lc, h);
	int acc = h->flags & O_ACCMODE;
	/* the description's errors are the holder's to give (EBADF) */
	if (acc == (write ? O_RDONLY : O_WRONLY))
		return LEASE_NONE;
	uint64_t size = inode_size(in);
	uint64_t pos = positional ? (uint64_t)offset : atomic_load(&l->offset);
	if (write && (h->flags & O_APPEND))
		pos = size;
	if (pos > (uint64_t)INT64_MAX || total > (uint64_t)INT64_MAX - pos)
		return LEASE_NONE;
	uint64_t n = total;
	if (write) {
		/* a gap to zero, a limit, or a large size (a transaction,
		 * layout.h): the holder's */
		if (!lc->writable || pos > size || pos + n > lc->fsize_max ||
		    pos + n > PMEMFILE_SIZE_SMALL_MAX)
			return LEASE_NONE;
		/* new storage: a longer lease would do */
		if (pos + n > h->end || !held_backed(h, pos, pos + n))
			return LEASE_SHORT;
		/* the descriptor went (dup2 onto it): a lease backed by the
		 * holder takes over */
		if (h->fd_only && !client_fd_ok(lc))
			return LEASE_SHORT;
		int64_t w = client_copy(lc, h, iov, pos, n, true,
					h->fd_only || client_by_fd(lc, n));
		if (w < 0)
			return w;
		n = (uint64_t)w;
		client_publish(lc, in, pos + n);
	} else {
		n = pos >= size ? 0 : size - pos < n ? size - pos : n;
		if (pos + n > h->end)
			return LEASE_NONE;
		(void)client_copy(lc, h, iov, pos, n, false, false);
		if (n)
			client_atime(lc, h, in);
	}
	if (!positional)
		atomic_store(&l->offset, pos + n);
	return (int64_t)n;
}

/*
 * The lease of description id, if this process holds one that is still
 * granted: its entry counts this thread as busy (the holder waits for it
 * before it ends the lease) until held_leave. NULL: none (dropped).
 */
static struct lease_held *held_enter(PMEMfilepool *pfp, uint32_t id,
				     struct share_lease **lp)
{
	struct lease_client *lc = pfp->leases;
	if (!lc || pf_vfork_pid || lc->pid != pf_self_pid || id == 0 ||
	    id >= SHARE_DESCS || atomic_flag_test_and_set(&lc->busy))
		return NULL;
	struct lease_held *h = held_of(lc, id);
	if (h) {
		struct share_lease *l = &pfp->share->lease[h->slot];
		bool in = busy_enter(l, h->gen);
		if (in && atomic_load(&l->state) == LEASE_GRANTED &&
		    atomic_load(&l->gen) == h->gen && l->desc == id &&
		    l->pid == pf_self_pid) {
			h->used = ++lc->clock;
			*lp = l;
			return h;
		}
		if (in)
			busy_leave(l, h->gen);
		held_drop(h);
	}
	atomic_flag_clear(&lc->busy);
	return NULL;
}

static void held_leave(PMEMfilepool *pfp, struct share_lease *l,
		       const struct lease_held *h)
{
	busy_leave(l, h->gen);
	atomic_flag_clear(&pfp->leases->busy);
}

int64_t lease_rw(PMEMfilepool *pfp, uint32_t id, const struct iovec *iov,
		 int iovcnt, size_t total, bool write, bool positional,
		 int64_t offset)
{
	if (total == 0 || iovcnt <= 0 || (positional && offset < 0))
		return LEASE_NONE;
	for (int i = 0; i < iovcnt; ++i)
		if (iov[i].iov_len && !iov[i].iov_base)
			return LEASE_NONE; /* EFAULT as the holder says it */
	struct share_lease *l;
	struct lease_held *h = held_enter(pfp, id, &l);
	if (!h)
		return LEASE_NONE;
	int64_t r =
	    held_rw(pfp->leases, h, l, iov, total, write, positional, offset);
	held_leave(pfp, l, h);
	return r;
}

int lease_fstat(PMEMfilepool *pfp, uint32_t id, struct stat *st)
{
	struct share_lease *l;
	struct lease_held *h = held_enter(pfp, id, &l);
	if (!h)
		return 1;
	/* a lease is of a regular file: its storage is its extents' */
	/* st_dev this process's, as rc_stat_out gives it */
	stat_fill(held_inode(pfp->leases, h), h->ino, pfp->dev, h->bytes, st);
	held_leave(pfp, l, h);
	return 0;
}

int64_t lease_lseek(PMEMfilepool *pfp, uint32_t id, int64_t offset, int whence)
{
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return LEASE_NONE; /* holes and data: the holder's */
	struct share_lease *l;
	struct lease_held *h = held_enter(pfp, id, &l);
	if (!h)
		return LEASE_NONE;
	const struct pmemfile_inode *in = held_inode(pfp->leases, h);
	int64_t base = whence == SEEK_SET   ? 0
		       : whence == SEEK_CUR ? (int64_t)atomic_load(&l->offset)
					    : (int64_t)inode_size(in);
	int64_t r;
	if (base < 0 || __builtin_add_overflow(base, offset, &r))
		r = -EOVERFLOW;
	else if (r < 0)
		r = -EINVAL;
	else
		atomic_store(&l->offset, (uint64_t)r);
	held_leave(pfp, l, h);
	return r;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * jmode.h -- the journal durability of a pool kept on an ordinary file of
 * a disk (jmode.c): libpmemobj runs the pool on an image of the file in
 * memory (/dev/shm), and at each sync point the pages of the image
 * changed since the last one are committed to the page journal beside
 * the pool file (journal.c), which a checkpoint writes in place.
 */
#ifndef PMEMFILE_JMODE_H
#define PMEMFILE_JMODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* as libpmemfile-posix.h has it (not included: visibility, internal.h) */
typedef struct pmemfilepool PMEMfilepool;

struct jmode;
struct share_seg;

/* The extended attribute of a pool file that chooses its durability. */
#define JMODE_XATTR "user.pmemfile.durability"

/*
 * Whether the pool file at path is to run in journal mode: an ordinary
 * file of a disk file system whose attribute says "journal", or says
 * nothing and the file is no pmem, nor forced to be taken for it, and the
 * kernel and /dev/shm allow the mode (jmode.c).
 */
bool jmode_wanted(const char *path);

/*
 * Before the pool file at path is opened by itself (pmemfile check and
 * its repair, salvage): the batches its journal committed written into
 * it, and an image a dead holder left dropped. 0 (also with no journal),
 * -EWOULDBLOCK if a process holds the pool, or -errno.
 */
int jmode_replay(const char *path);

/* The image of the pool file at path: /dev/shm/pmemfile.DEV.INO.image. */
int jmode_image_path(const char *path, char *buf, size_t size);

/*
 * Before libpmemobj opens the pool at path in journal mode: the journal
 * opened and replayed into the pool file, and the image made from it
 * unless seg (the pool's segment, if any) says the image in /dev/shm is
 * the pool's latest state (another process held it). Puts the image's
 * path in image. 0, or -errno with a message.
 */
int jmode_prepare(const char *path, struct share_seg *seg, char *image,
		  size_t size, struct jmode **out);

/*
 * Once libpmemobj opened the image (at base, size bytes): what differs
 * from the pool file (libpmemobj's own changes at open, a dead holder's
 * last ones) is committed, and the changes are tracked from now on. 0 or
 * -errno; on failure the caller closes the pool and jmode_free(jm).
 */
int jmode_start(PMEMfilepool *pfp, struct jmode *jm);

/*
 * A sync point: the pages changed since the last one, committed to the
 * journal in one batch with the pool's calls held at the gate, so that
 * after a power cut the pool is as it was at a sync point. 0 or -errno.
 */
int jmode_sync(PMEMfilepool *pfp);

/*
 * A big copy of n bytes from src into the pool's pages at dst (inside the
 * gate), in journal mode: its whole pages written through the image's
 * descriptor (direct_write) and listed as written for the next sync
 * point, its ends copied. False where it did not (another mode, a small
 * copy, the descriptor gone): the caller copies.
 */
bool jmode_copy(PMEMfilepool *pfp, char *dst, const void *src, size_t n);

/*
 * In journal mode: the image's pages of [off, off + len) backed by a
 * thread (direct_back_ahead), soon, while the caller goes on; a request
 * not taken yet is replaced. Nothing in another mode.
 */
void jmode_back_ahead(PMEMfilepool *pfp, uint64_t off, uint64_t len);

/*
 * Pages backed ahead (direct_back_ahead): jmode_zero_gen before it looks
 * for holes, then jmode_zero_add of [start, end), pages that were holes
 * then, which the next sync point leaves out where they are still zeros,
 * unless a sync point came between (gen).
 */
uint64_t jmode_zero_gen(PMEMfilepool *pfp);
void jmode_zero_add(PMEMfilepool *pfp, uint64_t gen, uint64_t start,
		    uint64_t end);

/*
 * Before a big copy into the pool's pages at p (inside the gate): the
 * pages counted as written ahead (dirty_unprotect), so that the copy
 * takes no fault for each. Nothing in another mode or for a small one.
 */
void jmode_write_ahead(PMEMfilepool *pfp, const void *p, size_t len);

/* The journal written into the pool file; and whether the keeper should. */
/*
 * The journal written into the pool file. Of default visibility, as
 * gate.h's calls: global in the static library (the shared library's
 * version script keeps it local), so that a test reaches it.
 */
__attribute__((visibility("default"))) void jmode_checkpoint(PMEMfilepool *pfp);
bool jmode_checkpoint_due(PMEMfilepool *pfp);

/*
 * The last sync point, the journal written into the pool file, freed; the
 * image removed if remove_image (no segment: no other process uses it).
 */
void jmode_close(PMEMfilepool *pfp, bool remove_image);
void jmode_free(struct jmode *jm);

/*
 * Says in seg that this process, which held the pool in journal mode,
 * closed it (jmode_close) and wrote nothing into the image since but
 * through libpmemobj's close: the next holder compares less of it.
 */
void jmode_left_clean(struct share_seg *seg);

/*
 * In a fork child of the holder: its copy of the pool file's descriptor,
 * which keeps the holder's lock of the file (a lock of the open file
 * description), closed, so that the next holder can open the pool once
 * the parent is gone; the child never uses the state (it reaches the pool
 * through the holder, and unmaps the image: no longer listed for
 * pmem_msync). The rest is left: its descriptors are the parent's
 * objects (the userfaultfd's context is the parent's memory).
 */
void jmode_forked(PMEMfilepool *pfp);

/*
 * A holder that leaves the pool to a copy of itself (keeper.c): first its
 * threads of the mode stop (they start again when needed), then it makes
 * a sync point, the copy is made, and the copy starts its own tracking of
 * written pages (jmode_copied: the parent's is its own process's) with
 * every page clean, which it is: nothing writes the image between the
 * sync point and the copy's start (a client has no writer's lease in
 * this mode). jmode_copied: 0 or -errno (the copy must not serve then).
 * jmode_left_to_copy, in the parent once the copy holds the pool: the
 * mode's state goes, nothing written (the copy writes the journal).
 */
void jmode_stop_threads(PMEMfilepool *pfp);
int jmode_copied(PMEMfilepool *pfp);
void jmode_left_to_copy(PMEMfilepool *pfp);

/*
 * The descriptors the mode keeps open for pfp (the pool file's, which
 * holds its lock; the journal's; the tracking of written pages): up to n
 * into fds; returns how many there are (0 when not in journal mode).
 */
int jmode_own_fds(PMEMfilepool *pfp, int *fds, int n);

/* Says in seg that the image is the pool's latest state (after start). */
void jmode_publish(struct jmode *jm, struct share_seg *seg);

/* A vinode of pfp pinned (shared maps) or no longer: its pages synced. */
struct vinode;
void jmode_pinned(PMEMfilepool *pfp, struct vinode *v, bool pinned);

#endif

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lease.h -- a client's direct access to the data of a file (share.h).
 *
 * A client that reads or writes through one description again and again
 * asks the holder for a lease on it: the file's extents as pool offsets,
 * and for a writer storage reserved past the end of the file. While the
 * lease lasts the client copies between its buffers and its own mapping
 * of the pool file (a big write: through its descriptor of the pool file,
 * lease.c), and publishes a new size and the times itself in the
 * order the holder's data path does (data.c): the call goes to no other
 * process. The holder ends the lease before anything else changes the
 * file's storage or size (vinode_wrlock), before the description is used
 * in any other call (kfile), and before the pool changes hands; the
 * client's next call then goes to the holder as before.
 *
 * The hand-shake, in the segment's lease entry: the client counts itself
 * in busy, then checks that the lease is still granted; the holder marks
 * it revoked, then waits until busy is 0 (or the client is dead). So no
 * copy of the client runs while the holder changes the file, and the
 * holder takes the description's offset back from the entry once none
 * runs.
 */
#ifndef PMEMFILE_LEASE_H
#define PMEMFILE_LEASE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "internal.h"

struct share_chan;
struct share_seg;
struct vinode;

/* lease_rw's answer when the call has to go to the holder. */
#define LEASE_NONE INT64_MIN
/*
 * lease_rw's answer for a write the lease has no storage for (past the
 * storage it reserved): a new lease, asked for at once, may have it.
 */
#define LEASE_SHORT (INT64_MIN + 1)
/*
 * A writer's lease is granted with this much storage at least from where
 * the description stands: a write of at most this much that was
 * LEASE_SHORT fits the next lease.
 */
#define LEASE_MIN_WRITE (256u << 10)

/* What a request for a lease asks (share_chan.arg[0]). */
#define LEASE_WRITE 1	/* to write */
#define LEASE_AT_OPEN 2 /* with the open of the description */
#define LEASE_BY_FD 4	/* for writes that go through the descriptor */
#define LEASE_MAPPED 8	/* the client has the pool file mapped already */
/*
 * The client writes through its descriptor of the pool file only, and can:
 * the storage reserved for the lease may be left to its writes to
 * allocate (lease.c, lease_grant_locked).
 */
#define LEASE_UNBACKED 16

/* What a lease's answer says of the pool (share_chan.arg[1]). */
#define LEASE_IS_PMEM 1 /* memory: copies are flushed, not synced */
#define LEASE_FD_ONLY 2 /* its new storage is written through the fd only */

/*
 * A client's writes from this size on go through its descriptor of the
 * pool file (lease.c); a lease asked for by one is LEASE_BY_FD.
 */
#define LEASE_WRITE_BY_FD (8u << 10)

/* The holder's side. */

/*
 * A lease on the caller's description of f (OP_LEASE, or with its open);
 * its entry. A lease the description has ends here.
 */
int64_t lease_grant(PMEMfilepool *pfp, struct share_chan *c, PMEMfile *f);
/* Ends the lease on description id, if any, before it is used. */
void lease_end_desc(PMEMfilepool *pfp, uint32_t id);
/*
 * The keeper's calls that cannot see what a lease's end frees (fchmod,
 * fchown, futimens, a release, the creation of a new file) leave it for
 * later: lease_trims_later counts what is left, made by
 * lease_trims_flush, which the keeper runs when it has nothing else to
 * do and before any other call, and the holder before its own calls
 * (pool_check).
 */
extern __thread bool lease_trims_defer;
extern _Atomic int lease_trims_later;
void lease_trims_flush(void);
/* A fork child: the trims left are its parent's to make. */
void lease_trims_forget(void);
/*
 * A holder that leaves, maybe past libpmemobj's end (exit): the trims of
 * pool pfp left for later are left to the next holder as leases' storage
 * is (lease_end_all), in free lease entries.
 */
void lease_trims_leave(PMEMfilepool *pfp);
/* Ends the lease on v (from vinode_wrlock, under the exclusive lock). */
void lease_end_vinode(struct vinode *v);
/* Ends every lease of this holder, before the pool changes hands. */
void lease_end_all(PMEMfilepool *pfp);
/*
 * A new holder (the pool open): the entries a holder before it left are
 * void; the storage reserved for them and not filled is freed.
 */
void lease_drop_all(PMEMfilepool *pfp);

/* The client's side. */

/*
 * A read or write through description id, made here under a lease: its
 * result (bytes, or -errno), or LEASE_NONE when it must go to the holder,
 * or LEASE_SHORT.
 */
int64_t lease_rw(PMEMfilepool *pfp, uint32_t id, const struct iovec *iov,
		 int iovcnt, size_t total, bool write, bool positional,
		 int64_t offset);
/* A read or write through id went to the holder: time to ask for a lease? */
/*
 * fstat and lseek (SEEK_SET, SEEK_CUR, SEEK_END) of description id under
 * its lease: 0 (fstat) or the offset or -errno (lseek); 1 and LEASE_NONE
 * when there is no lease: the holder answers.
 */
struct stat;
int lease_fstat(PMEMfilepool *pfp, uint32_t id, struct stat *st);
int64_t lease_lseek(PMEMfilepool *pfp, uint32_t id, int64_t offset, int whence);
bool lease_due(PMEMfilepool *pfp, uint32_t id);
/* The holder's answer to OP_LEASE for id (entry slot, in c). */
void lease_accept(PMEMfilepool *pfp, uint32_t id, int64_t slot,
		  const struct share_chan *c);
/*
 * Another call through id goes to the holder, which ends its lease.
 * Whether the lease forgotten was a writer's (or may have been: another
 * thread was in it).
 */
bool lease_forget(PMEMfilepool *pfp, uint32_t id);
/* The pool handle goes: the client's mapping and records. */
void lease_client_free(PMEMfilepool *pfp);
/* The client's descriptor of the pool file (lease.c), -1 if none. */
int lease_client_fd(PMEMfilepool *pfp);
/* Whether this process has the pool file mapped for its leases. */
bool lease_client_mapped(PMEMfilepool *pfp);
/*
 * Whether this process can write a lease's storage through its descriptor
 * of the pool file alone (LEASE_UNBACKED).
 */
bool lease_client_fd_only_ok(PMEMfilepool *pfp);

#endif

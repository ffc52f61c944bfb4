/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * share.h -- several processes on one pool.
 *
 * libpmemobj lets one process open a pool at a time, so one process, the
 * holder, has it open; the others (clients) send each call to the holder's
 * keeper, which runs it under the caller's identity. What they share lives
 * in a segment beside the pool: a shared-memory file named from the pool
 * file's device and inode, with the pool file's owner and mode, so that
 * only those who may open the pool may join.
 *
 * The segment holds:
 *  - the holder's pid, chosen under a robust process-shared mutex;
 *  - channels: a request, its response and a data window each, claimed by
 *    one client thread for one call; futexes wake either side;
 *  - open file descriptions seen by more than one process (exported): an
 *    entry names the holder's description, and counts the processes that
 *    refer to it;
 *  - a slot per process with a bit per description it refers to, so that
 *    the references of a process that died can be dropped;
 *  - a counter bumped when a lock is released, that blocked lockers in
 *    other processes wait on;
 *  - the locks a holder that left kept for the others;
 *  - the pins of every process (pmemfile_pin_pages): a client refers to
 *    one by its index, never by an address in the holder, and a pin
 *    outlives the holder that made it (the next one makes it again), so
 *    that pages another process maps stay where they are.
 *
 * A holder that exits or execs while other processes refer to its
 * descriptions leaves them in the segment (inode, offset, flags) and lets
 * the pool go; the next holder opens the pool and makes each again at its
 * take-over. A holder that died is replaced by the next process that
 * needs the pool: libpmemobj's recovery runs, and the descriptions the
 * dead holder kept are lost (EIO).
 */
#ifndef PMEMFILE_SHARE_H
#define PMEMFILE_SHARE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "file.h"
#include "internal.h"

#define SHARE_MAGIC 0x31524853464d4550ULL /* "PEMFSHR1" */
#define SHARE_VERSION 15
#define SHARE_CHANNELS 32
#define SHARE_WINDOW (256u << 10)
#define SHARE_DESCS 8192
#define SHARE_PROCS 1024
#define SHARE_GROUPS 64
#define SHARE_PINS 1024
#define SHARE_LOCKS 1024
#define SHARE_LEASES 64

/* The identity a call runs under (the caller's, not the keeper's). */
struct share_cred {
	uint32_t ruid, euid, fsuid, rgid, egid, fsgid;
	uint64_t caps;
	uint32_t umask;
	uint32_t ngroups;
	uint32_t groups[SHARE_GROUPS];
};

/* The calls a client sends (remote.c) and the keeper runs (keeper.c). */
enum share_op {
	OP_NONE,
	OP_OPENAT,    /* file0 dir; arg flags, mode; data path */
	OP_OPEN_ROOT, /* arg index, flags */
	OP_RELEASE,   /* file0: the caller no longer refers to it */
	OP_READ,      /* file0; arg count, offset, positional */
	OP_WRITE,     /* file0; arg offset, positional; data bytes */
	OP_LSEEK,     /* file0; arg offset, whence */
	OP_FSTATAT,   /* file0 dir; arg flags; data path; out stat */
	OP_FSTAT,     /* file0 */
	OP_FCNTL,     /* file0; arg cmd, int arg; data struct flock */
	OP_FLOCK,     /* file0; arg operation */
	OP_GETDENTS,  /* file0; arg count, 64 */
	OP_MKDIRAT,   /* file0 dir; arg mode; data path */
	OP_MKNODAT,   /* file0 dir; arg mode, dev; data path */
	OP_UNLINKAT,  /* file0 dir; arg flags; data path */
	OP_LINKAT,    /* file0, file1 dirs; arg flags, offset of 2nd path */
	OP_RENAMEAT2, /* file0, file1 dirs; arg flags, offset of 2nd path */
	OP_SYMLINKAT, /* file0 dir; arg offset of 2nd path; data target, path */
	OP_READLINKAT, /* file0 dir; arg size; data path */
	OP_FACCESSAT,  /* file0 dir; arg mode, flags; data path */
	OP_FCHMODAT,   /* file0 dir; arg mode, flags; data path */
	OP_FCHMOD,     /* file0; arg mode */
	OP_FCHOWNAT,   /* file0 dir; arg owner, group, flags; data path */
	OP_FCHOWN,     /* file0; arg owner, group */
	OP_UTIMENSAT,  /* file0 dir; arg flags, has times; data times, path */
	OP_FUTIMENS,   /* file0; arg has times; data times */
	OP_TRUNCATE,   /* arg length; data path */
	OP_FTRUNCATE,  /* file0; arg length */
	OP_FALLOCATE,  /* file0; arg mode, offset, length */
	OP_COPY_RANGE, /* file0, file1; arg len, flags, off_in, off_out, has */
	OP_STATFS,
	OP_STATS,
	OP_DIR_PATH,	/* file0 dir; arg size */
	OP_PIN,		/* file0; arg offset, length */
	OP_UNPIN,	/* arg the pin */
	OP_DUP,		/* file0 (the caller refers to it once more) */
	OP_RELEASE_ALL, /* the caller is leaving */
	OP_ROOT_COUNT,
	OP_LEASE, /* file0; arg write; out extents, flags, end, gen */
	/* file0 dir; arg 1: data path (else file0 itself); out its path */
	OP_CHDIR,
	OP_SYNC,  /* a sync point of the pool (jmode.c) */
	OP_ORDER, /* nothing: the ordered posts before it are made */
};

/* A handle argument meaning "the caller's cwd" (its path is sent). */
#define SHARE_AT_CWD UINT32_MAX

enum share_chan_state {
	CHAN_FREE,
	CHAN_CLAIMED, /* a client is writing its request */
	CHAN_POSTED,  /* waiting for the keeper */
	CHAN_TAKEN,   /* the keeper runs it */
	CHAN_DONE,    /* the response is there */
};

struct share_chan {
	_Atomic uint32_t state;
	_Atomic uint32_t client_waits; /* the client sleeps on wake */
	/*
	 * Bumped after the state changed for the client (its answer) and
	 * when the holder leaves: a client reads it before it looks, and
	 * sleeps only while it is unchanged, so that no wake-up is lost.
	 */
	_Atomic uint32_t wake;
	/* the client went on without the answer: the keeper frees it */
	_Atomic uint32_t no_answer;
	int32_t pid;	/* the client's */
	uint32_t proc;	/* its process slot */
	uint64_t start; /* the client's start time */
	uint32_t op;
	uint32_t in_len;	/* request bytes in data */
	uint32_t out_len;	/* response bytes in data */
	uint32_t file[2];	/* description ids of handle arguments */
	uint32_t file_epoch[2]; /* the epochs the caller's handles are of */
	int64_t arg[6];
	int64_t ret; /* result; -errno on failure */
	/* an ordered post's place (struct share_order), 0 for other calls */
	uint64_t seq;
	struct share_cred cred;
	/*
	 * The file system has given data its pages (share_window_alloc):
	 * a store to a page it cannot give would kill the process (SIGBUS).
	 */
	_Atomic uint32_t window_ready;
	char pad[60];
	char data[SHARE_WINDOW];
};

struct share_desc {
	_Atomic uint64_t ofd;	/* the holder's struct ofd *, 0 if none */
	_Atomic uint32_t procs; /* processes referring to it */
	_Atomic uint32_t epoch; /* share_seg.epoch it belongs to */
	/*
	 * Set by a holder that left while processes referred to it: the
	 * description as the next holder makes it again at its take-over
	 * (keeper_take_over; ofd is 0 meanwhile); the inode is kept from
	 * orphan reclaim.
	 */
	_Atomic uint32_t detached;
	int32_t flags; /* the description's, from its export */
	uint64_t ino;  /* the inode's offset */
	uint64_t pos;
	_Atomic uint32_t lease; /* its lease's entry + 1, 0 if none */
	uint32_t pad;
};

/* A client's direct access to a file's data (lease.h). */
enum share_lease_state {
	LEASE_FREE,
	LEASE_GRANTED,
	LEASE_REVOKED,
	LEASE_TRIM, /* ended by a holder that left: the next frees storage */
};

struct share_lease {
	_Atomic uint32_t state;
	/*
	 * The owner's direct calls running (the low 8 bits), tagged with the
	 * grant they run under (the low 24 bits of gen, above them): a
	 * process whose lease on the entry ended, which counted itself in
	 * and out as it found that, made the count of the next grant's owner
	 * wrap when the grant cleared it in between (the holder then waited
	 * for it for ever). BUSY_* in lease.c.
	 */
	_Atomic uint32_t busy;
	_Atomic uint32_t gen; /* bumped at each grant */
	uint32_t desc;	      /* the description it is on */
	int32_t pid;	      /* the owner */
	uint32_t index;	      /* of this entry in the segment's array */
	uint64_t start;	      /* the owner's start time */
	/* the description's offset while granted: the owner moves it */
	_Atomic uint64_t offset;
	uint64_t vinode; /* the holder's struct vinode * */
	/* where the storage reserved for it starts, UINT64_MAX if none */
	uint64_t reserved;
	/* that storage is left to the owner's writes by descriptor */
	uint64_t unbacked;
	uint64_t pool; /* the holder's PMEMfilepool * */
	uint64_t ino;  /* the file's inode offset */
};

/*
 * A slot being taken: its start is written before its pid, so that no
 * sweep sees the new pid with the start of the slot's last process (it
 * took the process for dead and released what it referred to: EIO in
 * one run of ten of 1,500 subshells). A process killed between the two
 * stores leaves the slot taken (one of SHARE_PROCS) while the segment
 * lasts: no sweep can tell it from a taking in progress.
 */
#define SHARE_PID_CLAIMING INT32_MIN

struct share_proc {
	_Atomic int32_t pid; /* 0: free; SHARE_PID_CLAIMING */
	uint32_t pad;
	_Atomic uint64_t start; /* the process's start time (pids are reused) */
};

/* The descriptions process slot i refers to: a bit each. */
struct share_refs {
	_Atomic uint64_t bits[SHARE_DESCS / 64];
};

struct share_pin {
	_Atomic int32_t proc; /* the owner's process slot + 1; 0: free */
	uint32_t pad;
	_Atomic uint64_t pin; /* the holder's struct pmemfile_pin *, or 0 */
	uint64_t ino;	      /* the pinned inode's offset */
};

/*
 * A lock a holder that left kept for the others (keeper_handover): the
 * next holder makes it again at the take-over (keeper_take_over).
 */
enum share_lock_kind { LOCK_POSIX = 1, LOCK_OFD, LOCK_FLOCK };

struct share_lock {
	uint16_t kind; /* enum share_lock_kind */
	int16_t type;  /* F_RDLCK or F_WRLCK; LOCK_SH or LOCK_EX */
	int32_t pid;   /* a POSIX lock's owner */
	uint32_t desc; /* an OFD lock's or a flock's description */
	uint32_t pad;
	uint64_t ino;	/* the locked inode's offset */
	uint64_t start; /* of a record lock, end inclusive */
	uint64_t end;
};

struct share_seg {
	uint64_t magic;
	uint32_t version;
	uint32_t size;
	_Atomic uint32_t elect_pid; /* the election's lock (share.c) */
	_Atomic uint32_t elect_waits;
	_Atomic int32_t holder;	       /* pid of the holder, 0 if none */
	_Atomic uint64_t holder_start; /* its start time (pids are reused) */
	_Atomic uint32_t holder_word;  /* bumped when the holder changes */
	_Atomic uint32_t epoch;	       /* bumped when a holder died */
	_Atomic uint32_t keeper_word;  /* bumped by every post */
	_Atomic uint32_t keeper_waits; /* the keeper sleeps on keeper_word */
	_Atomic uint32_t lock_word;    /* bumped when a lock is released */
	_Atomic uint32_t lock_waits;
	_Atomic uint32_t spawning; /* pid starting a keeper process */
	/* a process found the process table full: the keeper sweeps now */
	_Atomic uint32_t sweep_wanted;
	/*
	 * The identities (share_self_start) of the processes in elect_pid
	 * and spawning, 0 while not told yet: a pid reused by another
	 * process does not keep them.
	 */
	_Atomic uint64_t elect_start;
	_Atomic uint64_t spawning_start;
	_Atomic uint64_t forwarded; /* calls served for other processes */
	_Atomic uint64_t handovers;
	/* the holder's pool's, enum pmemfile_durability (info.h) */
	_Atomic uint32_t durability;
	/*
	 * The image in /dev/shm is the pool's latest state (jmode.c): the
	 * image's inode and the pool's identity when it was made, for a
	 * segment left by a pool whose inode number another has now.
	 */
	_Atomic uint32_t image_valid;
	uint8_t image_id[16];
	uint64_t image_ino;
	/*
	 * The image's last holder wrote nothing into it after its last sync
	 * point but through libpmemobj's close (jmode.c).
	 */
	_Atomic uint32_t image_clean;
	/*
	 * Bumped when a holder that let the pool go has closed it (its
	 * libpmemobj lock is gone): the next holder's open waits on it.
	 */
	_Atomic uint32_t closed_word;
	/*
	 * The holder is a keeper process (or a holder's copy): it leaves
	 * once no other process uses the pool (keeper_loop).
	 */
	_Atomic uint32_t holder_lingers;
	struct share_order order;
	/*
	 * Bumped when a directory of the pool was renamed or removed, by
	 * whichever process: a directory path another process keeps (its
	 * cwd's, a directory descriptor's) may name something else now.
	 */
	_Atomic uint64_t names_gen;
	char pad[8];
	struct share_desc desc[SHARE_DESCS];
	struct share_proc proc[SHARE_PROCS]; /* compact: scanned whole */
	struct share_refs refs[SHARE_PROCS];
	struct share_pin pin[SHARE_PINS];
	uint32_t nlocks; /* left by the holder that left */
	uint32_t pad2;
	struct share_lock locks[SHARE_LOCKS];
	struct share_lease lease[SHARE_LEASES];
	struct share_chan chan[SHARE_CHANNELS];
};

/* This process's pid (in a vfork child: the child's). */
pid_t share_self(void);

/*
 * Maps (creating if needed) the segment of the pool file path; known, if
 * not NULL, is what stat found there (pool_file_check).
 */
int share_attach(PMEMfilepool *pfp, const char *path, const struct stat *known);
void share_detach(PMEMfilepool *pfp);
/*
 * This process's end on the pool (pmemfile_process_exit), and a copy's
 * (keeper.c) once it served its last: a client leaves; a holder hands the
 * pool over, or, alone, resigns and unmaps it without libpmemobj's close,
 * whose clean-up of memory the exit drops anyway.
 */
void share_exit_pool(PMEMfilepool *pfp);
/*
 * In a new process (fork, the holder's copy): a lock of its own on the
 * segment's file; whether it has one.
 */
bool share_relock(PMEMfilepool *pfp);

/* Whether pid is alive. */
bool share_alive(pid_t pid);
/* How many threads this process has, -1 if that cannot be told. */
int share_threads(void);
/* Whether a live process other than these two has a slot in s. */
bool share_others(struct share_seg *s, pid_t a, pid_t b);
/* When process pid started (clock ticks since boot), 0 if it is gone. */
uint64_t share_start_time(pid_t pid);
/*
 * This process's identity beside its pid (pids are reused), as the
 * segment keeps it: its pidfd's inode number where the kernel has pidfs
 * (share.c), else its start time.
 */
uint64_t share_self_start(void);
/* Whether the process pid whose identity is start is alive. */
bool share_same_alive(pid_t pid, uint64_t start);
/*
 * The channels of processes that died (claimed, posted, or answered and
 * never read) are free again; not an ordered post (struct share_order),
 * which the holder runs all the same.
 */
void share_sweep_channels(struct share_seg *s);
/* Whether h is the segment's holder and alive. */
bool share_holder_alive(struct share_seg *s, pid_t h);

/* This process's slot, claimed on first use (-1: the table is full). */
int share_proc(PMEMfilepool *pfp);
/* Whether process slot p refers to description d. */
bool share_has(struct share_seg *s, int p, uint32_t d);

/* The description id of o (0: the table is full), given one if needed. */
uint32_t share_export(PMEMfilepool *pfp, struct ofd *o);
/* Process slot p refers to description d from now on. */
void share_ref(struct share_seg *s, int p, uint32_t d);
/*
 * Process slot p drops its reference to d; true when no process refers
 * to d any more.
 */
bool share_unref(struct share_seg *s, int p, uint32_t d);

/* Whether pin entry i is in use by a live process. */
bool share_pin_alive(struct share_seg *s, uint32_t i);
/* Whether a detached description or a pin refers to inode off. */
bool share_inode_kept(struct share_seg *s, uint64_t off);

/*
 * Pins in the segment (map.c). Process slot proc unpins entry id (0, or
 * -EINVAL if it is not its own); all of proc's; hands pin, made for a
 * client's call, to slot proc (its index, or -ENOMEM); the holder leaves
 * (the next one makes them again: pins_remake, at the take-over).
 */
int pin_release_id(PMEMfilepool *pfp, int proc, uint32_t id);
void pins_release_proc(PMEMfilepool *pfp, int proc);
int64_t pin_give(PMEMfilepool *pfp, PMEMfilepin *pin, int proc);
void pins_leave(PMEMfilepool *pfp);
void pins_remake(PMEMfilepool *pfp);

/* The client of channel c has something to look at (share_chan.wake). */
void share_chan_wake(struct share_chan *c);

/* A lock was released: wake the blocked lockers of other processes. */
void share_locks_changed(PMEMfilepool *pfp);

/* A directory of the pool was renamed or removed (share_seg.names_gen). */
void share_names_changed(PMEMfilepool *pfp);
/*
 * A holder that leaves (its exit, exec or close) first makes what was
 * posted quietly (the releases of processes that left): whether any other
 * process uses the pool, and which descriptions go to the next holder,
 * is told by what is left (an unlinked file's storage was kept until the
 * pool's next opening).
 */
void share_order_flush(PMEMfilepool *pfp);
/*
 * Sleeps until a lock is released (or a short while passed); -1 with
 * errno EINTR if a signal handler that does not restart calls ran
 * meanwhile.
 */
int share_locks_wait(struct share_seg *s, uint32_t seen);

long share_futex_wait(_Atomic uint32_t *w, uint32_t val, long timeout_ms);
/*
 * How often the calling thread was made to give way to another while it
 * could run (its involuntary context switches): a thread that spins for
 * another process looks at it to stop when its processor is wanted.
 */
long share_displaced(void);
void share_futex_wake(_Atomic uint32_t *w);
/*
 * There is work for the keeper (a request posted, a process joining): its
 * word moves, and it is woken if it sleeps on it (the word moved before it
 * slept, or it is woken: no wake-up is lost).
 */
void share_keeper_notify(struct share_seg *s);
/*
 * Before channel c carries data: its window's pages allocated in the
 * segment's file, once (0, or -ENOSPC where the file system is full).
 */
int share_window_alloc(PMEMfilepool *pfp, struct share_chan *c);

/*
 * Election: makes sure a live process holds the pool. Returns 1 when
 * the calling process became the holder (it must open the pool, then
 * call share_elected), 0 when another holds it, 2 when nobody does and
 * the caller, which may not hold it (!may_hold), must start a keeper
 * process.
 */
int share_elect(PMEMfilepool *pfp, bool may_hold);
/* The holder took the pool open (1 from share_elect), or failed. */
void share_elected(PMEMfilepool *pfp, int err);
/* The holder gives the pool up (it closes it). */
void share_resign(PMEMfilepool *pfp);
/*
 * A copy of the holder from (keeper_leave_to_copy) holds the pool as it
 * is open: the calling process becomes the holder, if from still is.
 */
bool share_holder_take(PMEMfilepool *pfp, pid_t from);
/*
 * The holder: each description open here gets an id in the segment, and
 * slot me refers to it (a fork child, or this process as a client, uses
 * them so).
 */
void share_export_all(PMEMfilepool *pfp, int me);
/* The holder that resigned has closed the pool: the next may open it. */
void share_pool_closed(struct share_seg *s);

/* Once per process: the pid, and the fork handlers. */
void share_process_init(void);
/* The pool handles of this process (fork passes references on). */
void share_register(PMEMfilepool *pfp);
void share_unregister(PMEMfilepool *pfp);

#endif

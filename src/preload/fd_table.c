/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fd_table.c -- descriptor numbers to open file descriptions.
 *
 * The table is an array of atomic pointers indexed by descriptor number,
 * reserved once (untouched pages cost nothing) for every number the
 * process may ever get. Readers take no lock: they load the pointer, take
 * a reference if the count is not already zero, and check that the number
 * still points there. That is safe because descriptions are never given
 * back to malloc: a freed one goes to a free list and is reused only as a
 * description, so a reader that raced with the last close touches valid
 * memory, sees the count at zero (or the number pointing elsewhere), and
 * retries.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "../../pmemfile/once.h"
#include "fd_table.h"
#include "libsyscall_intercept_hook_point.h"
#include "mount.h"
#include "path.h"
#include "preload.h"

#define FD_TABLE_MAX (1 << 20)

_Atomic bool fd_table_used;

static struct preload_file *_Atomic *fd_slots;
static _Atomic int fd_slots_high; /* highest installed number + 1 */
static _Atomic int fd_slots_count;
/* fd_slots_init run once (once.h); made, or its mmap failed, after it */
static _Atomic int fd_slots_state;

static pthread_mutex_t fd_free_lock = PTHREAD_MUTEX_INITIALIZER;
static struct preload_file *fd_free_list;

/*
 * For every number the kernel can give (fs.nr_open, 2^20 by default),
 * whatever the limit says now: a program may raise it later, and the
 * pages of numbers never used are never touched.
 */
static void fd_slots_init(void)
{
	long n = FD_TABLE_MAX;
	void *p =
	    mmap(NULL, (size_t)n * sizeof(*fd_slots), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return;
	fd_slots = p;
	atomic_store_explicit(&fd_slots_count, (int)n, memory_order_release);
}

/*
 * A vfork child shares this table (its parent's memory) but not its
 * parent's descriptor numbers: the numbers it changes go to an overlay of
 * its own, on its thread (the parent's, which waits meanwhile). An entry
 * holds a reference as the table does; f NULL hides a parent's number.
 * The parent drops the overlay when it resumes (fd_vfork_done).
 */
#define FD_VFORK_MAX 64

struct fd_vfork_entry {
	int fd;
	struct preload_file *f;
};

static __thread struct fd_vfork_entry fd_vfork[FD_VFORK_MAX]
    __attribute__((tls_model("initial-exec")));
static __thread int fd_vfork_n __attribute__((tls_model("initial-exec")));

static struct fd_vfork_entry *fd_vfork_find(int fd)
{
	for (int i = 0; i < fd_vfork_n; ++i)
		if (fd_vfork[i].fd == fd)
			return &fd_vfork[i];
	return NULL;
}

void fd_vfork_done(void)
{
	int n = fd_vfork_n;
	fd_vfork_n = 0;
	for (int i = 0; i < n; ++i)
		if (fd_vfork[i].f != NULL)
			fd_put(fd_vfork[i].f);
}

int fd_table_limit(void)
{
	int high = atomic_load_explicit(&fd_slots_high, memory_order_acquire);
	if (preload_in_vfork)
		for (int i = 0; i < fd_vfork_n; ++i)
			if (fd_vfork[i].fd >= high)
				high = fd_vfork[i].fd + 1;
	return high;
}

static struct preload_file *fd_ref(struct preload_file *f)
{
	if (f != NULL)
		atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
	return f;
}

/*
 * Whether fd may have an entry: bounded by the highest number installed,
 * not the table, as the library's own descriptors sit at 900 and more, and
 * a look at their entries faulted in a page of the table in every process.
 */
static bool fd_in_table(int fd)
{
	return fd >= 0 &&
	       fd < atomic_load_explicit(&fd_slots_high, memory_order_acquire);
}

struct preload_file *fd_get(int fd)
{
	if (preload_in_vfork) {
		struct fd_vfork_entry *e = fd_vfork_find(fd);
		if (e != NULL)
			return fd_ref(e->f);
	}
	if (!fd_in_table(fd))
		return NULL;
	for (;;) {
		struct preload_file *f =
		    atomic_load_explicit(&fd_slots[fd], memory_order_acquire);
		if (f == NULL)
			return NULL;
		long refs =
		    atomic_load_explicit(&f->refs, memory_order_relaxed);
		while (refs > 0 &&
		       !atomic_compare_exchange_weak_explicit(
			   &f->refs, &refs, refs + 1, memory_order_acquire,
			   memory_order_relaxed))
			;
		if (refs <= 0)
			continue;
		if (atomic_load_explicit(&fd_slots[fd], memory_order_acquire) ==
		    f)
			return f;
		fd_put(f);
	}
}

bool fd_is_pool(int fd)
{
	if (preload_in_vfork) {
		struct fd_vfork_entry *e = fd_vfork_find(fd);
		if (e != NULL)
			return e->f != NULL;
	}
	return fd_in_table(fd) &&
	       atomic_load_explicit(&fd_slots[fd], memory_order_relaxed) !=
		   NULL;
}

static void fd_file_free(struct preload_file *f)
{
	/*
	 * One the vfork child that this thread ran opened with a handle of
	 * its own (mount.c) has nothing to close here.
	 */
	PMEMfilepool *pfp = atomic_load(&f->mnt->pfp);
	if (pfp != NULL)
		pmemfile_close(pfp, f->file);
	pthread_mutex_lock(&fd_free_lock);
	f->next_free = fd_free_list;
	fd_free_list = f;
	pthread_mutex_unlock(&fd_free_lock);
}

void fd_put(struct preload_file *f)
{
	if (atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) == 1)
		fd_file_free(f);
}

static struct preload_file *fd_file_new(struct preload_mount *m, PMEMfile *file,
					int flags, bool is_dir,
					const char *path)
{
	struct preload_file *f;

	pthread_mutex_lock(&fd_free_lock);
	f = fd_free_list;
	if (f != NULL)
		fd_free_list = f->next_free;
	pthread_mutex_unlock(&fd_free_lock);
	if (f == NULL) {
		f = malloc(sizeof(*f));
		if (f == NULL)
			return NULL;
	}
	f->mnt = m;
	f->file = file;
	f->flags = flags;
	f->is_dir = is_dir;
	f->opener = 0;
	f->opener_cred = 0;
	strncpy(f->path, path, sizeof(f->path) - 1);
	f->path[sizeof(f->path) - 1] = '\0';
	f->path_gen = path_generation();
	pthread_mutex_init(&f->path_lock, NULL);
	atomic_store_explicit(&f->refs, 1, memory_order_release);
	return f;
}

/* In a vfork child: only the old description of the child's own passes. */
static struct preload_file *fd_vfork_install(int fd, struct preload_file *f)
{
	struct fd_vfork_entry *e = fd_vfork_find(fd);
	if (e == NULL) {
		if (fd_vfork_n == FD_VFORK_MAX)
			return NULL;
		e = &fd_vfork[fd_vfork_n++];
		e->fd = fd;
		e->f = NULL;
	}
	struct preload_file *old = e->f;
	e->f = fd_ref(f);
	/* the child's execve looks for descriptions to pass by this too */
	if (f != NULL)
		atomic_store_explicit(&fd_table_used, true,
				      memory_order_relaxed);
	return old;
}

struct preload_file *fd_install(int fd, struct preload_file *f)
{
	if (preload_in_vfork)
		return fd_vfork_install(fd, f);
	pf_once(&fd_slots_state, fd_slots_init);
	if (fd < 0 || fd >= fd_slots_count)
		return NULL; /* past 2^20: fs.nr_open was raised */
	atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
	atomic_store_explicit(&fd_table_used, true, memory_order_relaxed);
	int high = atomic_load_explicit(&fd_slots_high, memory_order_relaxed);
	while (high <= fd &&
	       !atomic_compare_exchange_weak(&fd_slots_high, &high, fd + 1))
		;
	return atomic_exchange_explicit(&fd_slots[fd], f, memory_order_acq_rel);
}

int fd_attach(int fd, struct preload_mount *m, PMEMfile *file, int flags,
	      bool is_dir, const char *path)
{
	struct preload_file *f = fd_file_new(m, file, flags, is_dir, path);

	if (f == NULL)
		return -ENOMEM;
	struct preload_file *old = fd_install(fd, f);
	if (old != NULL)
		fd_put(old);
	fd_put(f);
	return 0;
}

int fd_attach_removed(int fd, struct preload_mount *m, PMEMfile *file,
		      int flags, const char *path)
{
	struct preload_file *f = fd_file_new(m, file, flags, true, path);

	if (f == NULL)
		return -ENOMEM;
	f->path_gen = 0; /* no generation: path_of_dir looks at it */
	struct preload_file *old = fd_install(fd, f);
	if (old != NULL)
		fd_put(old);
	fd_put(f);
	return 0;
}

struct preload_file *fd_remove(int fd)
{
	if (preload_in_vfork)
		return fd_is_pool(fd) ? fd_vfork_install(fd, NULL) : NULL;
	if (!fd_in_table(fd))
		return NULL;
	if (atomic_load_explicit(&fd_slots[fd], memory_order_relaxed) == NULL)
		return NULL;
	return atomic_exchange_explicit(&fd_slots[fd], NULL,
					memory_order_acq_rel);
}

void fd_table_fork_prepare(void)
{
	pthread_mutex_lock(&fd_free_lock);
}

void fd_table_fork_done(void)
{
	pthread_mutex_unlock(&fd_free_lock);
}

/*
 * Placeholders are duplicates of one eventfd, the template (close-on-exec,
 * kept at a high number): a duplicate costs the kernel a descriptor slot,
 * where a new eventfd costs it a file, an inode reference and a dentry to
 * make and to free, a third of a create through the shim. The program
 * never sees the template: close gives EBADF for it, and a close_range or
 * dup2 that takes its number makes the next placeholder start a new one.
 */
#define FD_TEMPLATE_MIN 896

static _Atomic int fd_template = -1;

static int fd_template_get(void)
{
	int t = atomic_load_explicit(&fd_template, memory_order_acquire);
	if (t >= 0)
		return t;
	long ev = syscall_no_intercept(SYS_eventfd2, 1, EFD_CLOEXEC);
	if (ev < 0)
		return (int)ev;
	long high = syscall_no_intercept(SYS_fcntl, ev, F_DUPFD_CLOEXEC,
					 FD_TEMPLATE_MIN);
	if (high >= 0) {
		syscall_no_intercept(SYS_close, ev);
		ev = high;
	}
	int none = -1;
	if (!atomic_compare_exchange_strong(&fd_template, &none, (int)ev)) {
		syscall_no_intercept(SYS_close, ev); /* another thread won */
		return none;
	}
	return (int)ev;
}

bool fd_is_template(long fd)
{
	return fd >= 0 && fd == atomic_load(&fd_template);
}

void fd_template_gone(long first, long last)
{
	/* a vfork child's descriptors are its own: the parent's template
	 * stays */
	if (preload_in_vfork)
		return;
	int t = atomic_load(&fd_template);
	if (t >= 0 && (unsigned long)t >= (unsigned long)first &&
	    (unsigned long)t <= (unsigned long)last)
		atomic_compare_exchange_strong(&fd_template, &t, -1);
}

int fd_placeholder(bool cloexec)
{
	/*
	 * The first is an eventfd of its own, in one call (a template takes
	 * three more): many a process opens one file of a mount.
	 */
	static _Atomic bool first_made;
	/*
	 * A vfork child has descriptors of its own in its parent's memory: a
	 * template it made would be a number its parent (and another
	 * thread's child) has not, and one another thread of the parent made
	 * after the vfork a number the child has not. An eventfd of its own
	 * (first_made is left as it is).
	 */
	if (preload_in_vfork || !atomic_exchange(&first_made, true))
		return (int)syscall_no_intercept(SYS_eventfd2, 1,
						 cloexec ? EFD_CLOEXEC : 0);
	int t = fd_template_get();
	if (t < 0)
		return t;
	return (int)syscall_no_intercept(
	    SYS_fcntl, t, cloexec ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * multi_posted -- fchmod, fchown and futimens of a client whose
 * capabilities grant them on any file are posted without waiting for the
 * holder (remote.c, struct share_order), and still seen as made, in the
 * order made, by whoever looks next:
 *  - the client's own fstat right after, through the description changed
 *    and through another one of the file that holds a lease;
 *  - the holder's stat by path, right after the client said so through a
 *    pipe;
 *  - the holder's stat after the client exited (waitpid) with its last
 *    posts not yet looked at by anyone.
 * And a client's reads and fstat under a lease on one file do not wait
 * for its posts of another file: with the holder stopped (SIGSTOP) and
 * an fchmod of another file posted, they are made (before, they waited
 * for the holder); its fstat of that other file waits, and sees the
 * change once the holder goes on. The close of a file written under a
 * writer's lease is posted too (the storage the lease reserved past the
 * end is freed by the holder meanwhile): with the holder stopped it
 * returns, and the stat after it, the client's and the holder's, counts
 * the blocks the kernel's would; so does the exit of a fork child of the
 * client that wrote a file under a lease and left it open (its parent's
 * waitpid returns while the holder is stopped). The client's stat is
 * made while the holder is still stopped: the keeper, woken then, finds
 * the release and the stat both waiting, and the release's trim, which
 * it leaves for later, is made before the stat.
 * fchown then fchmod 04755 keeps set-user-ID; fchmod 06755 then fchown
 * clears it (and set-group-ID, the group being executable), as the same
 * calls on a file of a kernel directory do, which is the reference. Each
 * step checks that the calls were posted (the segment's count of ordered
 * posts moved), so that the posted path is what is tested. The pool checks
 * clean at the end. The client takes the process's identity
 * (pmemfile_cred_of_process), which needs CAP_CHOWN and CAP_FOWNER (root)
 * here: skipped without.
 */
#include "check.h"
#include "procid.h"
#include "share.h"
#include "tmulti.h"

#include <fcntl.h>
#include <libpmemfile-posix.h>
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#define POOL_SIZE (64UL << 20)
#define FILES 200
#define BIG (1L << 20)

static char pool[4096];
static char refdir[4096];

/* The changes made to file i, in the order made. */
struct change {
	struct timespec times[2];
	uid_t uid;
	gid_t gid;
	mode_t mode;
	bool chmod_first;
};

static struct change change_of(int i)
{
	struct change c = {
	    .times = {{1000000 + i, 5 + i}, {2000000 + i, 7 + i}},
	    .uid = (uid_t)(1000 + i % 3),
	    .gid = (gid_t)(2000 + i % 5),
	    .mode = i % 2 ? 04755 : 06755,
	    .chmod_first = i % 2 == 0,
	};
	return c;
}

/* The changes of file i through fd (kernel) or f (pool). */
static void change_kernel(int fd, int i)
{
	struct change c = change_of(i);
	T_EQ(futimens(fd, c.times), 0);
	if (c.chmod_first)
		T_EQ(fchmod(fd, c.mode), 0);
	T_EQ(fchown(fd, c.uid, c.gid), 0);
	if (!c.chmod_first)
		T_EQ(fchmod(fd, c.mode), 0);
}

static void change_pool(PMEMfilepool *pfp, PMEMfile *f, int i)
{
	struct change c = change_of(i);
	T_EQ(pmemfile_futimens(pfp, f, c.times), 0);
	if (c.chmod_first)
		T_EQ(pmemfile_fchmod(pfp, f, c.mode), 0);
	T_EQ(pmemfile_fchown(pfp, f, c.uid, c.gid), 0);
	if (!c.chmod_first)
		T_EQ(pmemfile_fchmod(pfp, f, c.mode), 0);
}

/* What the kernel makes of file i's changes. */
static struct stat reference(int i)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/f%d", refdir, i);
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
	T_ASSERT(fd >= 0);
	change_kernel(fd, i);
	struct stat st;
	T_EQ(fstat(fd, &st), 0);
	close(fd);
	unlink(path);
	return st;
}

/* st has the owner, mode and times the kernel gave file i. */
static void expect(const struct stat *st, int i)
{
	struct stat ref = reference(i);
	T_EQ(st->st_mode, ref.st_mode);
	T_EQ(st->st_uid, ref.st_uid);
	T_EQ(st->st_gid, ref.st_gid);
	T_EQ(st->st_atim.tv_sec, ref.st_atim.tv_sec);
	T_EQ(st->st_atim.tv_nsec, ref.st_atim.tv_nsec);
	T_EQ(st->st_mtim.tv_sec, ref.st_mtim.tv_sec);
	T_EQ(st->st_mtim.tv_nsec, ref.st_mtim.tv_nsec);
}

static uint64_t posts(PMEMfilepool *pfp)
{
	return atomic_load(&pfp->share->order.seq);
}

/* Reads through r until the client holds a lease on it (from the start). */
static void read_leased(PMEMfilepool *pfp, PMEMfile *r)
{
	static char b[64 << 10];
	T_EQ(pmemfile_lseek(pfp, r, 0, PMEMFILE_SEEK_SET), 0);
	for (long at = 0; !t_holds_lease(pfp); at += (long)sizeof(b)) {
		T_ASSERT(at < BIG);
		T_EQ(pmemfile_read(pfp, r, b, sizeof(b)), (ssize_t)sizeof(b));
	}
}

/* The holder this client stopped: let go on however the client ends. */
static pid_t stopped;

static void holder_go_on(void)
{
	if (stopped > 0)
		kill(stopped, SIGCONT);
}

static void on_alarm(int sig)
{
	(void)sig;
	holder_go_on();
	static const char msg[] = "FAIL: a call waited for the stopped "
				  "holder\n";
	(void)!write(1, msg, sizeof(msg) - 1);
	_exit(1);
}

/* Stops the holder, and waits until each of its threads is stopped. */
static void holder_stop(pid_t holder)
{
	T_EQ(kill(holder, SIGSTOP), 0);
	stopped = holder;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)holder);
	for (int tries = 0;; ++tries) {
		T_ASSERT(tries < 1000);
		DIR *d = opendir(path);
		T_ASSERT(d != NULL);
		bool all = true;
		for (struct dirent *e; (e = readdir(d)) != NULL;) {
			if (e->d_name[0] == '.')
				continue;
			char stat[512], buf[512];
			snprintf(stat, sizeof(stat), "%s/%s/stat", path,
				 e->d_name);
			FILE *f = fopen(stat, "r");
			if (!f)
				continue;
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
			buf[n] = 0;
			const char *p = strrchr(buf, ')');
			all = all && p && p[1] == ' ' && p[2] == 'T';
		}
		closedir(d);
		if (all)
			return;
		usleep(1000);
	}
}

/* A file of 10 bytes written under a lease: one page, the rest freed. */
static void expect_page(PMEMfilepool *pfp, const char *path)
{
	struct stat st;
	T_EQ(pmemfile_stat(pfp, path, &st), 0);
	T_EQ(st.st_size, 10);
	T_EQ(st.st_blocks, 4096 / 512);
}

/*
 * The stopped holder goes on, woken by a child 100 ms from now while this
 * process waits for its stat of path (which then finds the release it
 * posted before made, the storage left to trim freed first); path is then
 * as expect_page says.
 */
static void go_on_expect_page(PMEMfilepool *pfp, const char *path)
{
	pid_t waker = fork();
	T_ASSERT(waker >= 0);
	if (waker == 0) {
		usleep(100000);
		_exit(kill(stopped, SIGCONT) == 0 ? 0 : 1);
	}
	expect_page(pfp, path);
	int status;
	T_EQ(waitpid(waker, &status, 0), waker);
	T_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	stopped = 0;
	alarm(0);
}

static int client(int in, int out)
{
	atexit(holder_go_on);
	signal(SIGALRM, on_alarm);
	PMEMfilepool *pfp = pmemfile_pool_open(pool);
	T_ASSERT(pfp != NULL);
	/* the process's identity, capabilities included */
	T_EQ(pmemfile_cred_of_process(pfp), 0);
	PMEMfile *r = pmemfile_open(pfp, "/big", PMEMFILE_O_RDONLY);
	T_ASSERT(r != NULL);
	for (int i = 0; i < FILES; ++i) {
		char path[32];
		snprintf(path, sizeof(path), "/f%d", i);
		PMEMfile *f = pmemfile_open(pfp, path,
					    PMEMFILE_O_CREAT | PMEMFILE_O_EXCL |
						PMEMFILE_O_WRONLY,
					    0600);
		T_ASSERT(f != NULL);
		T_EQ(pmemfile_write(pfp, f, "0123456789", 10), 10);
		uint64_t before = posts(pfp);
		change_pool(pfp, f, i);
		T_EQ(posts(pfp), before + 3);
		struct stat st;
		if (i % 3 == 0) {
			T_EQ(pmemfile_fstat(pfp, f, &st), 0);
			expect(&st, i);
		} else if (i % 3 == 1) {
			/* the holder looks by path */
			t_say(out, 'c');
			t_hear(in, 'h');
		}
		pmemfile_close(pfp, f);
	}
	/* a description of /big under a lease sees a change through another */
	PMEMfile *w = pmemfile_open(pfp, "/big", PMEMFILE_O_WRONLY);
	T_ASSERT(w != NULL);
	for (int i = 0; i < 20; ++i) {
		read_leased(pfp, r);
		uint64_t before = posts(pfp);
		T_EQ(pmemfile_fchmod(pfp, w, (mode_t)(0600 + i)), 0);
		T_EQ(posts(pfp), before + 1);
		struct stat st;
		T_EQ(pmemfile_fstat(pfp, r, &st), 0);
		T_EQ(st.st_mode, S_IFREG | (mode_t)(0600 + i));
	}
	pmemfile_close(pfp, w);
	/*
	 * with the holder stopped: a post of /other, then reads and fstat
	 * of /big under its lease (a wait would end with SIGALRM)
	 */
	read_leased(pfp, r);
	PMEMfile *o = pmemfile_open(pfp, "/other",
				    PMEMFILE_O_CREAT | PMEMFILE_O_WRONLY, 0600);
	T_ASSERT(o != NULL);
	holder_stop(atomic_load(&pfp->share->holder));
	alarm(10);
	uint64_t was = posts(pfp);
	uint64_t served = atomic_load(&pfp->share->forwarded);
	T_EQ(pmemfile_fchmod(pfp, o, 0640), 0);
	T_EQ(posts(pfp), was + 1);
	static char b[4096];
	T_EQ(pmemfile_pread(pfp, r, b, sizeof(b), 0), (ssize_t)sizeof(b));
	T_EQ(b[0], 'b');
	struct stat bs;
	T_EQ(pmemfile_fstat(pfp, r, &bs), 0);
	T_EQ(bs.st_size, BIG);
	T_EQ(atomic_load(&pfp->share->forwarded), served);
	T_EQ(kill(stopped, SIGCONT), 0);
	stopped = 0;
	struct stat os;
	T_EQ(pmemfile_fstat(pfp, o, &os), 0);
	T_EQ(os.st_mode, S_IFREG | 0640);
	alarm(0);
	pmemfile_close(pfp, o);
	pmemfile_close(pfp, r);
	/*
	 * with the holder stopped: the close of a file written under a
	 * writer's lease, whose storage past the end goes with it, is posted
	 * (a wait would end with SIGALRM); the stat after it counts the
	 * blocks of the size alone, as the kernel's does
	 */
	PMEMfile *wl = pmemfile_open(
	    pfp, "/leased",
	    PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY, 0600);
	T_ASSERT(wl != NULL);
	T_EQ(pmemfile_write(pfp, wl, "0123456789", 10), 10);
	T_ASSERT(t_holds_lease(pfp));
	T_EQ(pmemfile_fstat(pfp, wl, &os), 0);
	T_ASSERT(os.st_blocks > 4096 / 512); /* the reserved storage */
	holder_stop(atomic_load(&pfp->share->holder));
	alarm(10);
	was = posts(pfp);
	pmemfile_close(pfp, wl);
	T_EQ(posts(pfp), was + 1);
	go_on_expect_page(pfp, "/leased");
	/* and so is the release of a process that leaves: a fork child's */
	int go[2], ready[2];
	T_EQ(pipe(go), 0);
	T_EQ(pipe(ready), 0);
	pid_t child = fork();
	T_ASSERT(child >= 0);
	if (child == 0) {
		PMEMfile *cf = pmemfile_open(
		    pfp, "/left",
		    PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY,
		    0600);
		T_ASSERT(cf != NULL);
		T_EQ(pmemfile_write(pfp, cf, "0123456789", 10), 10);
		T_ASSERT(t_holds_lease(pfp));
		t_say(ready[1], 'r');
		t_hear(go[0], 'x');
		/* as the shim's exit does, the file still open */
		pmemfile_process_exit();
		_exit(0);
	}
	t_hear(ready[0], 'r');
	holder_stop(atomic_load(&pfp->share->holder));
	alarm(10);
	t_say(go[1], 'x');
	int status;
	T_EQ(waitpid(child, &status, 0), child);
	T_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	go_on_expect_page(pfp, "/left");
	/* the last changes, left for the holder to see after the exit */
	PMEMfile *f = pmemfile_open(
	    pfp, "/last",
	    PMEMFILE_O_CREAT | PMEMFILE_O_EXCL | PMEMFILE_O_WRONLY, 0600);
	T_ASSERT(f != NULL);
	uint64_t before = posts(pfp);
	change_pool(pfp, f, FILES);
	T_EQ(posts(pfp), before + 3);
	exit(0);
}

/* Whether this process may chown and chmod any file. */
static bool capable(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) != 0)
		return false;
	return (d[0].effective & (1u << CAP_CHOWN)) &&
	       (d[0].effective & (1u << CAP_FOWNER));
}

int main(int argc, char *argv[])
{
	t_force_pmem(argv);
	const char *tmp = getenv("TMPDIR");
	snprintf(refdir, sizeof(refdir), "%s/multi_posted.ref",
		 tmp && *tmp ? tmp : "/tmp");
	if (t_is_role(argc, argv, "client", pool, sizeof(pool)))
		return client(10, 11);
	if (!capable()) {
		printf("multi_posted: skipped (needs CAP_CHOWN and "
		       "CAP_FOWNER)\n");
		return 77;
	}
	(void)mkdir(refdir, 0700);
	t_pool_path(pool, sizeof(pool));
	PMEMfilepool *pfp = pmemfile_pool_create(pool, POOL_SIZE, 0600);
	T_ASSERT(pfp != NULL);
	PMEMfile *big = pmemfile_open(pfp, "/big",
				      PMEMFILE_O_CREAT | PMEMFILE_O_RDWR, 0644);
	T_ASSERT(big != NULL);
	static char b[BIG];
	memset(b, 'b', sizeof(b));
	T_EQ(pmemfile_write(pfp, big, b, sizeof(b)), (ssize_t)sizeof(b));
	pmemfile_close(pfp, big);

	int to, from;
	pid_t pid = t_start_role(argv[0], "client", pool, "", &to, &from);
	for (int i = 1; i < FILES; i += 3) {
		char path[32];
		snprintf(path, sizeof(path), "/f%d", i);
		t_hear(from, 'c');
		struct stat st;
		T_EQ(pmemfile_stat(pfp, path, &st), 0);
		expect(&st, i);
		t_say(to, 'h');
	}
	t_reap(pid);
	struct stat st;
	T_EQ(pmemfile_stat(pfp, "/last", &st), 0);
	expect(&st, FILES);
	expect_page(pfp, "/leased");
	expect_page(pfp, "/left");
	pmemfile_pool_close(pfp);
	T_EQ(pmemfile_check_pool(pool, stdout), 0);
	unlink(pool);
	rmdir(refdir);
	printf("multi_posted: ok\n");
	return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * durable_bench -- a pool on an ordinary file of a disk (issue 15) beside
 * the disk's own file system through the kernel, in one run. Everything
 * lives in a new directory under BENCH_DIR (default /var/tmp, ext4 on the
 * disk here, without a journal; the header line names the file system,
 * which must not be tmpfs for the figures to mean anything), removed at
 * the end, on failure and on SIGINT, SIGTERM, SIGHUP or SIGPIPE.
 *
 * 1. 1,000 x (create a file + write 4 KiB + close), time per file:
 *      pool, durable   a pool on a file of the disk, PMEM_IS_PMEM_FORCE
 *                      unset, its attribute set to msync (journal mode is
 *                      the default): libpmemobj msyncs each flush, so
 *                      every write is durable when it returns
 *      pool, forced    the same with PMEM_IS_PMEM_FORCE=1: memory speed but
 *                      NOT durable (the kernel writes the pages back in any
 *                      order; a power cut can leave the pool inconsistent);
 *                      no target, it shows what the journal mode can reach
 *      pool, journal   the pool in journal mode (pmemfile durability
 *                      POOL journal): memory speed, durable at each sync
 *                      point; and with a pmemfile_fsync of each file
 *      ext4            open(O_CREAT) + write + close, no fsync
 *      ext4 + fsync    the same with an fsync after each write
 *    targets: a durable pool (journal, and msync) <= 0.2x ext4; with a
 *    sync point after each file <= 1x ext4 + fsync. A write in msync
 *    mode is durable when it returns (pmemfile_fsync has only the stores
 *    through shared maps to make durable, and there are none), so its
 *    figure is also its "with fsync" one.
 * 2. 1 GiB written sequentially (1 MiB writes) into a new file, then one
 *    fsync (in msync mode none: its writes are durable already), MB/s:
 *    the pool in journal and in msync mode beside ext4 (write + fsync);
 *    target >= 1x. BENCH_SEQ_MIB sets
 *    the size in MiB (default 1024; the durable pool took ~8 s for it here).
 * 3. Physical references, a file on the same file system mapped with
 *    libpmem, PMEM_IS_PMEM_FORCE=1, so that a reader sees where the time
 *    goes:
 *      pmem_memcpy_persist + pmem_msync after each 4 KiB, as many pages as
 *      1 has files: what making one page durable costs; the durable pool's
 *      time per file beyond the forced pool's is also given in these;
 *      pmem_memcpy_persist of the size of 2 in 4 KiB pieces (cache flushes
 *      only: memory speed), then one pmem_msync of the whole (the disk's
 *      write-back: the floor of a durable sequential write).
 *
 * Each figure is measured in a new process (libpmem reads
 * PMEM_IS_PMEM_FORCE when it loads): this program started again as
 * "durable_bench -run KIND DIR ARG...", its figures read through a pipe.
 * Each is the best of BENCH_ROUNDS (default 3) runs, the sides taking
 * turns, and each run starts after a syncfs, so that the write-back of one
 * run does not fall into the next. BENCH_SCALE (a factor, default 1)
 * shrinks the count of files and the sizes for a quick run. A run still
 * going after BENCH_TIMEOUT seconds (default 60) is stopped: its round
 * counts as failed (exit status 1) and the figure is the best of the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <libpmem.h>
#include <libpmemfile-posix.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KiB 1024UL
#define MiB (1024 * KiB)
#define PAGE 4096

#define FILES 1000    /* part 1: files created, at scale 1 */
#define SEQ_MIB 1024  /* part 2: default MiB written, at scale 1 */
#define MAX_RESULTS 2 /* figures a run reports */

static char work[256];		   /* the directory of this run */
static volatile pid_t running = 0; /* the run in progress, if any */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "durable_bench: %s: %s (%s)\n", what, strerror(errno),
		pmemfile_errormsg());
	exit(1);
}

/*
 * rm -rf of path through a new process: fork, execve and waitpid may be
 * called from a signal handler.
 */
static void remove_tree(const char *path)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = {"rm", "-rf", (char *)path, NULL};
		char *envp[] = {NULL};
		execve("/bin/rm", argv, envp);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

static void cleanup(void)
{
	if (work[0])
		remove_tree(work);
}

static void on_signal(int sig)
{
	if (running > 0)
		kill(running, SIGKILL);
	cleanup();
	_exit(128 + sig);
}

/* Runs: each prints its figures (seconds) on stdout, one a line. */

static char buf[MiB];

/*
 * A new pool at path, its attribute set to the journal mode (journal) or
 * to msync (journal mode is the default on a disk), then opened again: in
 * journal mode libpmemobj runs it on its image in /dev/shm. (Forced to
 * pmem, PMEM_IS_PMEM_FORCE=1, it runs on the file without an attribute.)
 */
static PMEMfilepool *new_pool(const char *path, size_t size, int journal)
{
	PMEMfilepool *pfp = pmemfile_pool_create(path, size, 0600);
	if (!pfp)
		die(path);
	pmemfile_pool_close(pfp);
	const char *force = getenv("PMEM_IS_PMEM_FORCE");
	const char *mode = journal ? "journal" : "msync";
	if ((journal || !force || strcmp(force, "1") != 0) &&
	    setxattr(path, "user.pmemfile.durability", mode, strlen(mode), 0))
		die("setxattr");
	pfp = pmemfile_pool_open(path);
	if (!pfp)
		die(pmemfile_errormsg());
	return pfp;
}

/*
 * n x (create + 4 KiB write + close) in a new pool in dir (in journal
 * mode if journal), with a pmemfile_fsync of each file if with_fsync.
 */
static void run_pool_files(const char *dir, unsigned long n, int journal,
			   int with_fsync)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/pool", dir);
	PMEMfilepool *pfp = new_pool(path, 64 * MiB + n * 16 * KiB, journal);
	double t = now();
	for (unsigned long i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/f%lu", i);
		PMEMfile *f =
		    pmemfile_open(pfp, name, O_CREAT | O_WRONLY, 0644);
		if (!f)
			die(name);
		if (pmemfile_write(pfp, f, buf, PAGE) != PAGE)
			die("pmemfile_write");
		if (with_fsync && pmemfile_fsync(pfp, f))
			die("pmemfile_fsync");
		pmemfile_close(pfp, f);
	}
	printf("%.9f\n", now() - t);
	pmemfile_pool_close(pfp);
}

/* The same through the kernel in dir, with an fsync each if with_fsync. */
static void run_kernel_files(const char *dir, unsigned long n, int with_fsync)
{
	double t = now();
	for (unsigned long i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/f%lu", dir, i);
		int fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			die(path);
		if (write(fd, buf, PAGE) != PAGE)
			die("write");
		if (with_fsync && fsync(fd))
			die("fsync");
		close(fd);
	}
	printf("%.9f\n", now() - t);
}

/*
 * bytes in 1 MiB writes into a new file of a new pool in dir; in journal
 * mode then one pmemfile_fsync, timed (a write is durable already in
 * msync mode).
 */
static void run_pool_seq(const char *dir, size_t bytes, int journal)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/pool", dir);
	PMEMfilepool *pfp =
	    new_pool(path, bytes + bytes / 8 + 64 * MiB, journal);
	PMEMfile *f = pmemfile_open(pfp, "/seq", O_CREAT | O_WRONLY, 0644);
	if (!f)
		die("/seq");
	double t = now();
	for (size_t done = 0; done < bytes; done += MiB)
		if (pmemfile_write(pfp, f, buf, MiB) != (ssize_t)MiB)
			die("pmemfile_write");
	if (journal && pmemfile_fsync(pfp, f))
		die("pmemfile_fsync");
	printf("%.9f\n", now() - t);
	pmemfile_close(pfp, f);
	pmemfile_pool_close(pfp);
}

/* bytes in 1 MiB writes into a new file in dir, then one fsync. */
static void run_kernel_seq(const char *dir, size_t bytes)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/seq", dir);
	int fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		die(path);
	double t = now();
	for (size_t done = 0; done < bytes; done += MiB)
		if (write(fd, buf, MiB) != (ssize_t)MiB)
			die("write");
	if (fsync(fd))
		die("fsync");
	printf("%.9f\n", now() - t);
	close(fd);
}

/*
 * bytes into a new file of dir mapped with libpmem, 4 KiB at a time by
 * pmem_memcpy_persist, with a pmem_msync after each if msync_each; then
 * one pmem_msync of the whole, timed apart.
 */
static void run_raw(const char *dir, size_t bytes, int msync_each)
{
	char path[512];
	size_t len;
	int is_pmem;
	snprintf(path, sizeof(path), "%s/raw", dir);
	char *p =
	    pmem_map_file(path, bytes, PMEM_FILE_CREATE, 0600, &len, &is_pmem);
	if (!p)
		die("pmem_map_file");
	double t = now();
	for (size_t off = 0; off < bytes; off += PAGE) {
		pmem_memcpy_persist(p + off, buf + off % MiB, PAGE);
		if (msync_each && pmem_msync(p + off, PAGE))
			die("pmem_msync");
	}
	double copy = now() - t;
	t = now();
	if (pmem_msync(p, bytes))
		die("pmem_msync");
	printf("%.9f\n%.9f\n", copy, now() - t);
	pmem_unmap(p, len);
}

static int run(int argc, char *argv[])
{
	if (argc != 5)
		return 2;
	const char *kind = argv[2], *dir = argv[3];
	unsigned long arg = strtoul(argv[4], NULL, 10);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 3);
	if (strcmp(kind, "pool-files") == 0)
		run_pool_files(dir, arg, 0, 0);
	else if (strcmp(kind, "kernel-files") == 0)
		run_kernel_files(dir, arg, 0);
	else if (strcmp(kind, "kernel-files-fsync") == 0)
		run_kernel_files(dir, arg, 1);
	else if (strcmp(kind, "pool-seq") == 0)
		run_pool_seq(dir, arg, 0);
	else if (strcmp(kind, "kernel-seq") == 0)
		run_kernel_seq(dir, arg);
	else if (strcmp(kind, "journal-files") == 0)
		run_pool_files(dir, arg, 1, 0);
	else if (strcmp(kind, "journal-files-fsync") == 0)
		run_pool_files(dir, arg, 1, 1);
	else if (strcmp(kind, "journal-seq") == 0)
		run_pool_seq(dir, arg, 1);
	else if (strcmp(kind, "raw") == 0)
		run_raw(dir, arg, 0);
	else if (strcmp(kind, "raw-msync") == 0)
		run_raw(dir, arg, 1);
	else
		return 2;
	return 0;
}

/* The parent: starts the runs and prints the figures. */

struct side {
	const char *kind;
	int force;		  /* PMEM_IS_PMEM_FORCE=1 */
	unsigned long arg;	  /* files or bytes */
	double best[MAX_RESULTS]; /* the least of each figure */
	int done;		  /* rounds that gave figures */
};

static int rounds = 3;
static unsigned limit = 60; /* seconds a run may take */
static unsigned runs_made;
static int any_failed;

/*
 * The directory of run n. Its name differs from one invocation to the
 * next: ext4 starts the search for a top directory's block group at a
 * hash of its name, and the same names would send each invocation's runs
 * to the groups where the last one deleted its files.
 */
static void run_dir(char *out, size_t size, unsigned n)
{
	snprintf(out, size, "%s/%d.%u", work, (int)getpid(), n);
}

/*
 * One run of side in a new process and a new directory, removed after it
 * unless keep; the least of each of its figures kept in side->best.
 */
static void run_side(struct side *side, int keep)
{
	char dir[320], arg[32];
	run_dir(dir, sizeof(dir), runs_made++);
	snprintf(arg, sizeof(arg), "%lu", side->arg);
	if (mkdir(dir, 0700))
		die(dir);
	/* what earlier runs left dirty is written back before this one */
	int wfd = open(work, O_RDONLY | O_DIRECTORY);
	if (wfd < 0 || syncfs(wfd))
		die("syncfs");
	close(wfd);

	int fds[2];
	if (pipe(fds))
		die("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		alarm(limit); /* kept across execv */
		if (side->force)
			setenv("PMEM_IS_PMEM_FORCE", "1", 1);
		else
			unsetenv("PMEM_IS_PMEM_FORCE");
		char *argv[] = {"durable_bench",
				"-run",
				(char *)side->kind,
				dir,
				arg,
				NULL};
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	running = pid;
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	double v[MAX_RESULTS];
	int got = 0;
	while (got < MAX_RESULTS && in && fscanf(in, "%lf", &v[got]) == 1)
		got++;
	if (in)
		fclose(in);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	running = 0;
	if (!keep)
		remove_tree(dir);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		fprintf(stderr,
			"durable_bench: %s %s stopped after %u s "
			"(BENCH_TIMEOUT)\n",
			side->kind, arg, limit);
		any_failed = 1;
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) || got == 0) {
		fprintf(stderr, "durable_bench: %s %s failed\n", side->kind,
			arg);
		any_failed = 1;
		return;
	}
	for (int i = 0; i < got; i++)
		if (!side->done || v[i] < side->best[i])
			side->best[i] = v[i];
	side->done++;
}

/*
 * Runs each side rounds times, the sides taking turns. With keep, the
 * runs' directories are removed only after the last round: on ext4
 * without a journal the inodes of files deleted by a round would slow
 * the creates of the next ones (see mark_top_directory).
 */
static void measure(struct side *sides, int n, int keep)
{
	unsigned first = runs_made;
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < n; i++)
			run_side(&sides[i], keep);
	for (unsigned i = first; keep && i < runs_made; i++) {
		char dir[320];
		run_dir(dir, sizeof(dir), i);
		remove_tree(dir);
	}
}

/* A line for each side of which every run failed: its figures are left out. */
static void report_failed(const struct side *sides, int n)
{
	for (int i = 0; i < n; i++)
		if (!sides[i].done)
			printf("  %s%s: no figure, every run failed\n",
			       sides[i].kind,
			       sides[i].force ? " (forced)" : "");
}

static const char *verdict(int ok)
{
	return ok ? "met" : "MISSED";
}

/* "pool vs reference: ratio, target, verdict", a lower figure better. */
static void line_lower(const char *what, double v, const char *ref_name,
		       double ref, const char *unit, double target)
{
	char t[16];
	snprintf(t, sizeof(t), "%gx", target);
	printf("  %-28s %9.1f %-4s  %-14s %9.1f %-4s  ratio %7.2fx  "
	       "target <= %-4s  %s\n",
	       what, v, unit, ref_name, ref, unit, v / ref, t,
	       verdict(v / ref <= target));
}

/* The same for a rate, a higher figure better. */
static void line_higher(const char *what, double v, const char *ref_name,
			double ref, const char *unit, double target)
{
	char t[16];
	snprintf(t, sizeof(t), "%gx", target);
	printf("  %-28s %9.1f %-4s  %-14s %9.1f %-4s  ratio %7.2fx  "
	       "target >= %-4s  %s\n",
	       what, v, unit, ref_name, ref, unit, v / ref, t,
	       verdict(v / ref >= target));
}

/*
 * What dir is on, for the header line: the file system's type, and for
 * ext4 its device and whether it has a journal (/sys/fs/ext4/DEV).
 */
static void fs_describe(const char *dir, char *out, size_t size)
{
	struct statfs sf;
	struct stat st;
	if (statfs(dir, &sf) || stat(dir, &st)) {
		snprintf(out, size, "?");
		return;
	}
	switch ((unsigned long)sf.f_type) {
	case 0x58465342:
		snprintf(out, size, "xfs");
		return;
	case 0x9123683E:
		snprintf(out, size, "btrfs");
		return;
	case 0x01021994:
		snprintf(out, size,
			 "tmpfs, NOT a disk: these figures say nothing of one");
		return;
	case 0xEF53:
		break;
	default:
		snprintf(out, size, "not ext4, xfs, btrfs or tmpfs");
		return;
	}
	char link[256], dev[256], path[512];
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(st.st_dev),
		 minor(st.st_dev));
	ssize_t n = readlink(link, dev, sizeof(dev) - 1);
	dev[n > 0 ? n : 0] = 0;
	const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : "?";
	snprintf(path, sizeof(path), "/sys/fs/ext4/%s/journal_task", name);
	char task[64] = "";
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(task, sizeof(task), f))
			task[0] = 0;
		fclose(f);
	}
	snprintf(out, size, "ext4 on %s, %s", name,
		 !f				   ? "journal unknown"
		 : strncmp(task, "<none>", 6) == 0 ? "no journal"
						   : "with a journal");
}

/*
 * On ext4 without a journal an inode is not given again for a minute
 * after its deletion (five while its table block is dirty), and each
 * create scans past such inodes: in a block group where other programs
 * delete many files, a create took 0.6-1 ms here instead of 30 us. A top
 * directory (chattr +T) has its subdirectories spread over the block
 * groups as the root's are, so that each run's directory lands in one of
 * the emptier groups instead of /var/tmp's. Elsewhere the flag is refused
 * and nothing changes.
 */
static void mark_top_directory(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int flags;
	if (fd < 0)
		return;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
		flags |= FS_TOPDIR_FL;
		(void)ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	close(fd);
}

static unsigned long scaled(double scale, unsigned long n, unsigned long min)
{
	unsigned long s = (unsigned long)((double)n * scale + 0.5);
	return s < min ? min : s;
}

/* Part 1: the files, with the msync of a page as the reference. */
static void bench_files(unsigned long nfiles)
{
	/* durable, forced, ext4, ext4 + fsync, the msync of a page */
	struct side sides[] = {
	    {.kind = "pool-files", .force = 0, .arg = nfiles},
	    {.kind = "pool-files", .force = 1, .arg = nfiles},
	    {.kind = "kernel-files", .force = 0, .arg = nfiles},
	    {.kind = "kernel-files-fsync", .force = 0, .arg = nfiles},
	    {.kind = "raw-msync", .force = 1, .arg = nfiles * PAGE},
	    {.kind = "journal-files", .force = 0, .arg = nfiles},
	    {.kind = "journal-files-fsync", .force = 0, .arg = nfiles},
	};
	measure(sides, 7, 1);
	double us[7];
	for (int i = 0; i < 7; i++)
		us[i] = sides[i].best[0] / (double)nfiles * 1e6;

	printf("%lu x (create + write 4 KiB + close), time per file:\n",
	       nfiles);
	report_failed(sides, 7);
	if (sides[5].done && sides[2].done)
		line_lower("pool, journal", us[5], "ext4", us[2], "us", 0.2);
	if (sides[6].done && sides[3].done)
		line_lower("pool, journal + fsync each", us[6], "ext4 + fsync",
			   us[3], "us", 1);
	if (sides[0].done && sides[2].done)
		line_lower("pool, durable (msync)", us[0], "ext4", us[2], "us",
			   0.2);
	if (sides[0].done && sides[3].done)
		line_lower("pool, durable = with fsync", us[0], "ext4 + fsync",
			   us[3], "us", 1);
	if (sides[1].done && sides[2].done)
		printf("  %-28s %9.1f us    %-14s %9.1f us    ratio %7.2fx  "
		       "no target: lost at a power cut\n",
		       "pool, forced: NOT durable", us[1], "ext4", us[2],
		       us[1] / us[2]);
	if (sides[0].done && sides[1].done && sides[4].done)
		printf("  %-28s %9.1f us a file = %.1f msyncs of a 4 KiB page "
		       "(%.1f us each, below)\n",
		       "pool, durable - forced", us[0] - us[1],
		       (us[0] - us[1]) / us[4], us[4]);
	if (sides[4].done)
		printf("  reference: pmem_memcpy_persist + pmem_msync of each "
		       "4 KiB of a mapped file (forced), %lu pages: %.1f us a "
		       "page, %.1f MB/s\n",
		       nfiles, us[4], PAGE / us[4]);
}

/* Part 2: a sequential write of seq bytes and one fsync, and the copy. */
static void bench_sequential(size_t seq)
{
	struct side sides[] = {
	    {.kind = "pool-seq", .force = 0, .arg = seq},
	    {.kind = "kernel-seq", .force = 0, .arg = seq},
	    {.kind = "raw", .force = 1, .arg = seq},
	    {.kind = "journal-seq", .force = 0, .arg = seq},
	};
	measure(sides, 4, 0);
	double mb = (double)seq / 1e6;
	printf("%zu MiB written in 1 MiB writes into a new file, then one "
	       "fsync, MB/s (BENCH_SEQ_MIB sets the size):\n",
	       seq / MiB);
	report_failed(sides, 4);
	if (sides[3].done && sides[1].done)
		line_higher("pool, journal + fsync", mb / sides[3].best[0],
			    "ext4 + fsync", mb / sides[1].best[0], "MB/s", 1);
	if (sides[0].done && sides[1].done)
		line_higher("pool, durable (msync)", mb / sides[0].best[0],
			    "ext4 + fsync", mb / sides[1].best[0], "MB/s", 1);
	if (sides[2].done)
		printf("  reference: pmem_memcpy_persist of 4 KiB pieces into "
		       "a mapped file (forced): %.1f MB/s (memory speed); "
		       "then one pmem_msync of it all: %.3f s, %.1f MB/s in "
		       "all\n",
		       mb / sides[2].best[0], sides[2].best[1],
		       mb / (sides[2].best[0] + sides[2].best[1]));
}

int main(int argc, char *argv[])
{
	if (argc > 1 && strcmp(argv[1], "-run") == 0)
		return run(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	double scale = 1;
	const char *s = getenv("BENCH_SCALE");
	if (s && *s)
		scale = atof(s);
	if (scale <= 0 || scale > 1)
		scale = 1;
	s = getenv("BENCH_ROUNDS");
	if (s && atoi(s) > 0)
		rounds = atoi(s);
	s = getenv("BENCH_TIMEOUT");
	if (s && atoi(s) > 0)
		limit = (unsigned)atoi(s);
	unsigned long seq_mib = SEQ_MIB;
	s = getenv("BENCH_SEQ_MIB");
	if (s && strtoul(s, NULL, 10) > 0)
		seq_mib = strtoul(s, NULL, 10);
	const char *base = getenv("BENCH_DIR");
	snprintf(work, sizeof(work), "%s/durable-bench.XXXXXX",
		 base && *base ? base : "/var/tmp");
	if (!mkdtemp(work)) {
		work[0] = 0;
		die("mkdtemp");
	}
	atexit(cleanup);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL); /* a reader that stopped (| head) */

	mark_top_directory(work);
	char fs[128];
	fs_describe(work, fs, sizeof(fs));
	printf("durable_bench: pools and files in %s (%s), scale %g, best of "
	       "%d rounds\n",
	       work, fs, scale, rounds);
	bench_files(scaled(scale, FILES, 10));
	bench_sequential(scaled(scale, seq_mib, 1) * MiB);
	return any_failed;
}

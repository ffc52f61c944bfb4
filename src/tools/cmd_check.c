// SPDX-License-Identifier: BSD-3-Clause
/*
 * cmd_check.c -- pmemfile check: runs the library's consistency checker on
 * a pool and, with --repair, its repair. The checker follows offsets read
 * from a pool that may be damaged, so it runs in a child process with a
 * time limit: a crash or a hang there is reported as damage, never shown
 * to the user as a crash or a hang of the tool. The exit status is
 * fsck(8)'s.
 */
#include "commands.h"
#include "pool.h"
#include "progress.h"
#include "tool.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmemfile/check.h"

/* Exit statuses, as fsck(8)'s (the child's are the first three). */
#define FSCK_OK 0
#define FSCK_CORRECTED 1
#define FSCK_UNCORRECTED 4
#define FSCK_ERROR 8
#define FSCK_USAGE 16
#define FSCK_CANCELLED 32

static void check_progress(uint64_t done, uint64_t total)
{
	progress_show(done, total, "inodes");
}

static int check_in_child(const char *path, bool repair, bool preen)
{
	unsigned fixed, left;
	progress_start(repair ? "checking and repairing" : "checking");
	int ret =
	    pmemfile_repair_pool(path, stdout, repair ? PMEMFILE_REPAIR_FIX : 0,
				 check_progress, &fixed, &left);
	progress_end();
	fflush(stdout);
	if (ret == -EWOULDBLOCK) {
		tool_error("%s: the pool is in use by another process", path);
		return FSCK_ERROR;
	}
	if (ret == -EINVAL && repair && pmemfile_pool_refused(path)) {
		printf("%s: damaged pool: libpmemobj's pool header\n", path);
		fixed = 0;
		left = 1;
		ret = 0;
	}
	if (ret < 0) {
		tool_error("%s: cannot check the pool: %s", path,
			   strerror(-ret));
		return FSCK_ERROR;
	}
	/*
	 * libpmemobj refuses the pool: nothing in it can be repaired, what
	 * can be read of it is copied into a new one. Damage the repair left
	 * as it could not tell what is right (a wild extent, a superblock's
	 * magic) is salvaged the same way under -y, the damaged file kept;
	 * -p (preen) makes only the safe fixes, as fsck(8) says.
	 */
	bool refused = left && !fixed && pmemfile_pool_refused(path);
	if (repair && left && (refused || !preen)) {
		if (!refused)
			printf("%s: salvaging what the repair left\n", path);
		int r = salvage_in_place(path);
		fflush(stdout);
		return r ? FSCK_UNCORRECTED : FSCK_CORRECTED;
	}
	return (fixed ? FSCK_CORRECTED : 0) | (left ? FSCK_UNCORRECTED : 0);
}

static volatile sig_atomic_t check_expired, check_cancelled;

static void check_alarm(int sig)
{
	(void)sig;
	check_expired = 1;
}

static void check_cancel(int sig)
{
	(void)sig;
	check_cancelled = 1;
}

/*
 * The default time limit: a minute, and a minute for each GiB the pool
 * file holds (the checker reads each object once).
 */
static unsigned check_default_limit(const char *path)
{
	struct stat st;
	unsigned long long gib = 0;

	if (stat(path, &st) == 0)
		gib = (unsigned long long)st.st_blocks * 512 >> 30;
	return gib > 1000 ? 60000 : 60 + 60 * (unsigned)gib;
}

/* Stops the child: a repair stopped in a transaction leaves the pool as
 * it was before that transaction. */
static void check_stop(pid_t pid, int *status)
{
	kill(pid, SIGKILL);
	alarm(0);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	progress_clear();
}

static int check_wait(const char *path, pid_t pid, unsigned limit)
{
	struct sigaction sa = {.sa_handler = check_alarm};
	struct sigaction sc = {.sa_handler = check_cancel};
	int status;

	/* no SA_RESTART: waitpid stops */
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGINT, &sc, NULL);
	sigaction(SIGTERM, &sc, NULL);
	sigaction(SIGHUP, &sc, NULL);
	alarm(limit);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			tool_error("waitpid: %s", strerror(errno));
			return FSCK_ERROR;
		}
		if (check_cancelled) {
			check_stop(pid, &status);
			printf("%s: cancelled\n", path);
			return FSCK_CANCELLED;
		}
		if (check_expired) {
			check_stop(pid, &status);
			printf("%s: damaged: the checker did not finish "
			       "within %u s\n",
			       path, limit);
			return FSCK_UNCORRECTED;
		}
	}
	alarm(0);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		progress_clear();
		if (check_cancelled || sig == SIGINT || sig == SIGTERM ||
		    sig == SIGHUP) {
			printf("%s: cancelled\n", path);
			return FSCK_CANCELLED;
		}
		printf("%s: damaged: the checker stopped on %s while "
		       "reading it\n",
		       path, strsignal(sig));
		return FSCK_UNCORRECTED;
	}
	int code = WEXITSTATUS(status);
	if (code & FSCK_ERROR)
		return code;
	if (code & FSCK_UNCORRECTED)
		printf("%s: damaged%s\n", path,
		       code & FSCK_CORRECTED ? ", partly repaired" : "");
	else if (code & FSCK_CORRECTED)
		printf("%s: repaired\n", path);
	else
		printf("%s: consistent\n", path);
	return code;
}

static const struct option check_options[] = {
    {"repair", no_argument, NULL, 'y'},
    {0, 0, 0, 0},
};

static int check_main(const struct tool_command *cmd, int argc, char *argv[])
{
	unsigned limit = 0;
	bool limited = false, repair = false, no = false, preen = false;
	pid_t pid;
	int c;

	while ((c = tool_getopt(cmd, argc, argv, "t:nyp", check_options)) !=
	       -1) {
		char *end;
		unsigned long v;

		if (c == 'n') {
			no = true;
			continue;
		}
		if (c == 'y' || c == 'p') {
			repair = true;
			preen = preen || c == 'p';
			continue;
		}
		if (c != 't')
			continue;
		errno = 0;
		v = strtoul(optarg, &end, 10);
		if (!optarg[0] || *end || errno || v > 86400000)
			return tool_usage_error(cmd, "bad time limit '%s'",
						optarg);
		limit = (unsigned)v;
		limited = true;
	}
	if (no && repair)
		return tool_usage_error(cmd, "-n and --repair exclude each "
					     "other");
	argc -= optind;
	argv += optind;
	int r = tool_need_pool(cmd, argc, 1);
	if (r != 0)
		return r;
	if (pool_probe(argv[0]) != 0)
		return FSCK_ERROR;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		tool_error("fork: %s", strerror(errno));
		return FSCK_ERROR;
	}
	if (pid == 0)
		_exit(check_in_child(argv[0], repair, preen));
	return check_wait(argv[0], pid,
			  limited ? limit : check_default_limit(argv[0]));
}

const struct tool_command cmd_check = {
    .name = "check",
    .args = "[-n | -y | -p | --repair] [-t SECONDS] POOL",
    .summary = "Check that the pool is consistent; repair it with --repair.",
    .help = "Every problem found is printed. With --repair (or -y, -p), what "
	    "can be\n"
	    "fixed safely is fixed, each fix printed on a line, and the pool "
	    "is\n"
	    "checked again; what cannot be fixed is left as it is and "
	    "printed.\n"
	    "Each fix is one transaction: a repair stopped at any instant "
	    "leaves the\n"
	    "pool no worse. Inodes that nothing names are linked into "
	    "/lost+found\n"
	    "as #INODE. Data blocks carry no checksum: changed data is not "
	    "found.\n"
	    "When libpmemobj refuses the pool (its own metadata damaged), "
	    "the repair\n"
	    "salvages: what can be read is copied into a new pool (as "
	    "'pmemfile salvage'),\n"
	    "which is checked and put in POOL's place, the damaged file "
	    "kept as\n"
	    "POOL.damaged. With -y or --repair, so is a pool the repair "
	    "left damaged\n"
	    "(what it could not tell right from wrong); -p stops there.\n"
	    "\n"
	    "  -n             check only, change nothing (the default)\n"
	    "  -y, --repair   fix what can be fixed safely, salvage what is "
	    "left\n"
	    "  -p             fix what can be fixed safely (preen)\n"
	    "  -t SECONDS     stop the checker after SECONDS and call the "
	    "pool damaged\n"
	    "                 (0: no limit; by default a minute, and a "
	    "minute for\n"
	    "                 each GiB the pool file holds)\n" TOOL_HELP_OPTIONS
	    "\n"
	    "Exit status, as fsck(8)'s (a sum of): 0 no errors, 1 errors "
	    "corrected,\n"
	    "4 errors left uncorrected, 8 operational error (no pool, in "
	    "use),\n"
	    "16 usage error, 32 cancelled (SIGINT, SIGTERM, SIGHUP).\n",
    .run = check_main,
    .usage_status = FSCK_USAGE,
};

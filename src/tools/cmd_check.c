// SPDX-License-Identifier: BSD-3-Clause
/*
 * cmd_check.c -- pmemfile check: runs the library's consistency checker on
 * a pool. The checker follows offsets read from a pool that may be damaged,
 * so it runs in a child process with a time limit: a crash or a hang there
 * is reported as damage, never shown to the user as a crash or a hang of
 * the tool.
 */
#include "commands.h"
#include "pool.h"
#include "tool.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmemfile/check.h"

/* Exit statuses of the checking child. */
#define CHECK_CONSISTENT 0
#define CHECK_DAMAGED 1
#define CHECK_ERROR 2

static int check_in_child(const char *path)
{
	int ret = pmemfile_check_pool(path, stdout);

	fflush(stdout);
	if (ret == -EWOULDBLOCK) {
		tool_error("%s: the pool is in use by another process", path);
		return CHECK_ERROR;
	}
	if (ret == -EIO) /* refused at open: the reason is printed */
		return CHECK_DAMAGED;
	if (ret < 0) {
		tool_error("%s: cannot check the pool: %s", path,
			   strerror(-ret));
		return CHECK_ERROR;
	}
	return ret == 0 ? CHECK_CONSISTENT : CHECK_DAMAGED;
}

static volatile sig_atomic_t check_expired;

static void check_alarm(int sig)
{
	(void)sig;
	check_expired = 1;
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

static int check_wait(const char *path, pid_t pid, unsigned limit)
{
	struct sigaction sa = {.sa_handler = check_alarm};
	int status;

	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: waitpid stops */
	alarm(limit);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			tool_error("waitpid: %s", strerror(errno));
			return TOOL_FAIL;
		}
		if (check_expired) {
			kill(pid, SIGKILL);
			check_expired = 0;
			alarm(0);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			printf("%s: damaged: the checker did not finish "
			       "within %u s\n",
			       path, limit);
			return TOOL_FAIL;
		}
	}
	alarm(0);
	if (WIFSIGNALED(status)) {
		printf("%s: damaged: the checker stopped on %s while "
		       "reading it\n",
		       path, strsignal(WTERMSIG(status)));
		return TOOL_FAIL;
	}
	switch (WEXITSTATUS(status)) {
	case CHECK_CONSISTENT:
		printf("%s: consistent\n", path);
		return TOOL_OK;
	case CHECK_DAMAGED:
		printf("%s: damaged\n", path);
		return TOOL_FAIL;
	default:
		return TOOL_FAIL;
	}
}

static int check_main(const struct tool_command *cmd, int argc, char *argv[])
{
	unsigned limit = 0;
	bool limited = false;
	pid_t pid;
	int c;

	while ((c = tool_getopt(cmd, argc, argv, "t:", NULL)) != -1) {
		char *end;
		unsigned long v;

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
	argc -= optind;
	argv += optind;
	if (tool_need_pool(cmd, argc, 1) != 0)
		return TOOL_USAGE;
	if (pool_probe(argv[0]) != 0)
		return TOOL_FAIL;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		tool_error("fork: %s", strerror(errno));
		return TOOL_FAIL;
	}
	if (pid == 0)
		_exit(check_in_child(argv[0]));
	return check_wait(argv[0], pid,
			  limited ? limit : check_default_limit(argv[0]));
}

const struct tool_command cmd_check = {
    .name = "check",
    .args = "[-t SECONDS] POOL",
    .summary = "Check that the pool is consistent.",
    .help =
	"Every problem found is printed. The exit status is 0 when "
	"the pool is\n"
	"consistent, 1 when it is damaged or cannot be read as a pool.\n"
	"\n"
	"  -t SECONDS     stop the checker after SECONDS and call the "
	"pool damaged\n"
	"                 (0: no limit; by default a minute, and a "
	"minute for\n"
	"                 each GiB the pool file holds)\n" TOOL_HELP_OPTIONS,
    .run = check_main,
};

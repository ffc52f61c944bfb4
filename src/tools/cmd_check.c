// SPDX-License-Identifier: BSD-3-Clause
/*
 * cmd_check.c -- pmemfile check: runs the library's consistency checker on
 * a pool. The checker follows offsets read from a pool that may be damaged,
 * so it runs in a child process: a crash there is reported as damage, never
 * shown to the user as a crash of the tool.
 */
#include "commands.h"
#include "pool.h"
#include "tool.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	if (ret < 0) {
		tool_error("%s: cannot check the pool: %s", path,
			   strerror(-ret));
		return CHECK_ERROR;
	}
	return ret == 0 ? CHECK_CONSISTENT : CHECK_DAMAGED;
}

static int check_wait(const char *path, pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			tool_error("waitpid: %s", strerror(errno));
			return TOOL_FAIL;
		}
	}
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
	pid_t pid;

	tool_getopt_none(cmd, argc, argv);
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
	return check_wait(argv[0], pid);
}

const struct tool_command cmd_check = {
    .name = "check",
    .args = "POOL",
    .summary = "Check that the pool is consistent.",
    .help = "Every problem found is printed. The exit status is 0 when "
	    "the pool is\n"
	    "consistent, 1 when it is damaged or cannot be read as a pool.\n"
	    "\n" TOOL_HELP_OPTIONS,
    .run = check_main,
};

// SPDX-License-Identifier: BSD-3-Clause
/* cmd_stat.c -- pmemfile stat: the inode behind each path, field by field. */
#include "commands.h"
#include "fmt.h"
#include "pool.h"
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void stat_print_time(const char *label, const struct timespec *ts)
{
	char when[64];

	fmt_time(ts, true, when, sizeof(when));
	printf("%s%s\n", label, when);
}

static int stat_print(PMEMfilepool *pfp, const char *path)
{
	char mode[FMT_MODE_LEN], target[PMEMFILE_PATH_MAX];
	struct stat st;
	ssize_t n;

	if (pmemfile_lstat(pfp, path, &st) != 0) {
		tool_error("cannot stat '%s': %s", path, strerror(errno));
		return TOOL_FAIL;
	}
	fmt_mode(st.st_mode, mode);
	printf("path:   %s\n", path);
	printf("type:   %s\n", fmt_type(st.st_mode));
	if (S_ISLNK(st.st_mode)) {
		n = pmemfile_readlink(pfp, path, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			printf("target: %s\n", target);
		}
	}
	printf("mode:   %04o (%s)\n", st.st_mode & 07777, mode);
	printf("size:   %lld\n", (long long)st.st_size);
	printf("blocks: %lld\n", (long long)st.st_blocks);
	printf("links:  %llu\n", (unsigned long long)st.st_nlink);
	printf("uid:    %u\n", st.st_uid);
	printf("gid:    %u\n", st.st_gid);
	printf("inode:  %llu\n", (unsigned long long)st.st_ino);
	stat_print_time("access: ", &st.st_atim);
	stat_print_time("modify: ", &st.st_mtim);
	stat_print_time("change: ", &st.st_ctim);
	return TOOL_OK;
}

static int stat_main(const struct tool_command *cmd, int argc, char *argv[])
{
	PMEMfilepool *pfp;
	int ret = TOOL_OK;

	tool_getopt_none(cmd, argc, argv);
	argc -= optind;
	argv += optind;
	if (tool_need_pool_and_paths(cmd, argc) != 0)
		return TOOL_USAGE;
	pfp = pool_open(argv[0]);
	if (!pfp)
		return TOOL_FAIL;
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			printf("\n");
		if (stat_print(pfp, argv[i]) != TOOL_OK)
			ret = TOOL_FAIL;
	}
	pmemfile_pool_close(pfp);
	return ret;
}

const struct tool_command cmd_stat = {
    .name = "stat",
    .args = "POOL PATH...",
    .summary = "Show the type, mode, size, owner and times of files.",
    .help = "A symbolic link is shown itself, with its target, not "
	    "followed.\n"
	    "\n" TOOL_HELP_OPTIONS,
    .run = stat_main,
};

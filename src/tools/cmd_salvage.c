// SPDX-License-Identifier: BSD-3-Clause
/*
 * cmd_salvage.c -- pmemfile salvage POOL NEWPOOL: what can be read of a
 * pool that libpmemobj refuses, copied into a new pool; and the same in
 * place for `pmemfile check --repair`, which keeps the damaged pool file
 * beside the one it puts in its place.
 */
#include "commands.h"
#include "tool.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmemfile/check.h"

static void salvage_summary(const struct pmemfile_salvage_counts *n)
{
	printf("salvaged: %u directories, %u regular files, %u symbolic "
	       "links, %u special files, %u more links\n",
	       n->dirs, n->files, n->symlinks, n->specials, n->links);
	if (n->found)
		printf("salvaged: %u inodes no name reached, in /lost+found\n",
		       n->found);
	if (n->lost || n->damaged)
		printf("salvaged: %u names lost, %u files or directories "
		       "copied in part\n",
		       n->lost, n->damaged);
}

/* Copies path into newpath and checks the copy: 0, or a message printed. */
static int salvage_to(const char *path, const char *newpath)
{
	struct pmemfile_salvage_counts n;
	printf("salvage: copying what can be read of %s into %s\n", path,
	       newpath);
	fflush(stdout);
	int r = pmemfile_salvage_pool(path, newpath, stdout, &n);
	if (r) {
		printf("salvage: %s not made: %s%s\n", newpath, strerror(-r),
		       r == -ENOSPC ? " (no room for a pool of the same size "
				      "beside it)"
				    : "");
		return -1;
	}
	salvage_summary(&n);
	fflush(stdout);
	r = pmemfile_check_pool(newpath, stdout);
	if (r) {
		printf("salvage: the new pool %s is not consistent: removed\n",
		       newpath);
		unlink(newpath);
		return -1;
	}
	printf("salvage: %s is consistent\n", newpath);
	return 0;
}

/* POOL.damaged, else POOL.damaged.N: a name made as a link to path. */
static char *keep_damaged(const char *path)
{
	size_t len = strlen(path) + 32;
	char *name = malloc(len);
	if (!name)
		return NULL;
	for (unsigned i = 0; i < 1000; i++) {
		if (i == 0)
			snprintf(name, len, "%s.damaged", path);
		else
			snprintf(name, len, "%s.damaged.%u", path, i);
		if (link(path, name) == 0)
			return name;
		if (errno != EEXIST)
			break;
	}
	printf("salvage: the damaged pool cannot be kept as %s: %s\n", name,
	       strerror(errno));
	free(name);
	return NULL;
}

int salvage_in_place(const char *path)
{
	struct stat st;
	if (stat(path, &st)) {
		printf("salvage: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t len = strlen(path) + 32;
	char *tmp = malloc(len);
	if (!tmp)
		return -1;
	snprintf(tmp, len, "%s.salvage.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		printf("salvage: %s not made: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	/* the new pool file gets the old one's owner (as root) */
	if (fchown(fd, st.st_uid, st.st_gid) == 0)
		fchmod(fd, st.st_mode & 0777);
	close(fd);
	int r = salvage_to(path, tmp);
	char *kept = r == 0 ? keep_damaged(path) : NULL;
	if (r == 0 && !kept)
		r = -1;
	if (r == 0 && rename(tmp, path)) {
		printf("salvage: %s not renamed to %s: %s\n", tmp, path,
		       strerror(errno));
		unlink(kept);
		r = -1;
	}
	if (r == 0) {
		printf("salvage: damaged pool kept as %s\n", kept);
		printf("salvage: %s replaced by the salvaged pool\n", path);
	} else {
		unlink(tmp);
		printf("salvage: %s left as it was\n", path);
	}
	free(kept);
	free(tmp);
	return r;
}

static int salvage_main(const struct tool_command *cmd, int argc, char *argv[])
{
	tool_getopt_none(cmd, argc, argv);
	argc -= optind;
	argv += optind;
	if (argc < 2)
		return tool_usage_error(cmd, "missing %s",
					argc ? "NEWPOOL" : "POOL and NEWPOOL");
	if (argc > 2)
		return tool_usage_error(cmd, "too many operands");
	struct stat st;
	if (stat(argv[0], &st)) {
		tool_error("%s: %s", argv[0], strerror(errno));
		return TOOL_FAIL;
	}
	if (lstat(argv[1], &st) == 0) {
		tool_error("%s: %s", argv[1], strerror(EEXIST));
		return TOOL_FAIL;
	}
	return salvage_to(argv[0], argv[1]) ? TOOL_FAIL : TOOL_OK;
}

const struct tool_command cmd_salvage = {
    .name = "salvage",
    .args = "POOL NEWPOOL",
    .summary = "Copy what can be read of a damaged pool into a new pool.",
    .help = "Reads POOL's file directly, without libpmemobj (whose own "
	    "metadata may be\n"
	    "damaged), and makes NEWPOOL, a pool of the same size, with every "
	    "directory,\n"
	    "file, symbolic link and special file that can be read, their "
	    "modes, owners\n"
	    "and times kept, a file of several names made once with all of "
	    "them. Every\n"
	    "offset, count and checksum read is checked: what fails is left "
	    "out (a file's\n"
	    "damaged extent is left a hole) and printed. Intact inodes that "
	    "no name\n"
	    "reaches go to /lost+found as #INODE. NEWPOOL is then checked. "
	    "POOL is only\n"
	    "read. `pmemfile check --repair` does the same when libpmemobj "
	    "refuses the\n"
	    "pool, and puts the new pool in POOL's place.\n"
	    "\n" TOOL_HELP_OPTIONS "\n"
	    "Exit status: 0 NEWPOOL made and consistent, 1 it was not made "
	    "(nothing\n"
	    "is left at NEWPOOL), 2 usage error.\n",
    .run = salvage_main,
};

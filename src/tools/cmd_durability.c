// SPDX-License-Identifier: BSD-3-Clause
/*
 * cmd_durability.c -- pmemfile durability: how durable a pool is, and for
 * a pool on an ordinary file of a disk, the choice between the journal
 * (memory speed, durable at each sync point) and msync (each call durable,
 * at the disk's speed).
 */
#include "commands.h"
#include "tool.h"
#include "pmemfile/info.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static int durability_main(const struct tool_command *cmd, int argc,
			   char *argv[])
{
	tool_getopt_none(cmd, argc, argv);
	argc -= optind;
	argv += optind;
	if (tool_need_pool(cmd, argc, 2) != 0)
		return TOOL_USAGE;
	if (argc == 2) {
		int r = pmemfile_pool_set_durability(argv[0], argv[1]);
		if (r) {
			const char *m = pmemfile_errormsg();
			tool_error("%s", m && *m ? m : strerror(-r));
			return r == -EINVAL ? TOOL_USAGE : TOOL_FAIL;
		}
	}
	enum pmemfile_durability d = pmemfile_path_durability(argv[0]);
	printf("%s: %s (%s)\n", argv[0], pmemfile_durability_name(d),
	       pmemfile_durability_text(d));
	return TOOL_OK;
}

const struct tool_command cmd_durability = {
    .name = "durability",
    .args = "POOL [journal|msync]",
    .summary = "Show, or choose, how durable the pool is.",
    .help = "A pool on an ordinary file of a disk is run in one of two "
	    "ways: msync\n"
	    "(each call durable when it returns, at the disk's speed) or "
	    "journal (in\n"
	    "memory, durable at each fsync, sync, close and every "
	    "PMEMFILE_COMMIT_INTERVAL\n"
	    "seconds, 5 by default, through a journal beside the pool file, "
	    "POOL.journal).\n"
	    "The choice is kept in the pool file's extended attribute "
	    "user.pmemfile.durability;\n"
	    "no process may hold the pool while it changes.\n"
	    "\n" TOOL_HELP_OPTIONS,
    .run = durability_main,
};

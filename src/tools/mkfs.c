// SPDX-License-Identifier: BSD-3-Clause
/* mkfs.c -- mkfs.pmemfile POOL SIZE: creates a pmemfile pool. */
#include "create.h"
#include "tool.h"

#include <stdio.h>

static const struct tool_command mkfs_command = {
    .name = "mkfs.pmemfile",
    .args = CREATE_ARGS,
    .summary = "Create a pmemfile pool (an empty file system) in the file "
	       "POOL.",
    .help = CREATE_HELP,
    .run = create_main,
};

int main(int argc, char *argv[])
{
	int ret;

	tool_name = mkfs_command.name;
	tool_program = mkfs_command.name;
	ret = mkfs_command.run(&mkfs_command, argc, argv);
	if (fflush(stdout) != 0 && ret == TOOL_OK) {
		tool_error("write error on standard output");
		ret = TOOL_FAIL;
	}
	return ret;
}

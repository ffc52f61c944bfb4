// SPDX-License-Identifier: BSD-3-Clause
/*
 * main.c -- the pmemfile command: finds the subcommand named by the first
 * argument and runs it with the rest.
 */
#include "commands.h"
#include "create.h"
#include "tool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct tool_command cmd_create = {
    .name = "create",
    .args = CREATE_ARGS,
    .summary = "Create a pmemfile pool in the file POOL (as mkfs.pmemfile).",
    .help = CREATE_HELP,
    .run = create_main,
};

static int help_main(const struct tool_command *cmd, int argc, char *argv[]);

static const struct tool_command cmd_help = {
    .name = "help",
    .args = "[COMMAND]",
    .summary = "Show the commands, or the help of one command.",
    .help = TOOL_HELP_OPTIONS,
    .run = help_main,
};

static const struct tool_command *const commands[] = {
    &cmd_create, &cmd_run,	  &cmd_ls,    &cmd_stat,    &cmd_cat,
    &cmd_get,	 &cmd_put,	  &cmd_cp,    &cmd_mv,	    &cmd_ln,
    &cmd_mkdir,	 &cmd_rm,	  &cmd_chmod, &cmd_chown,   &cmd_df,
    &cmd_info,	 &cmd_durability, &cmd_check, &cmd_salvage, &cmd_help,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct tool_command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void print_overview(FILE *out)
{
	fprintf(out, "usage: pmemfile COMMAND [ARGS...]\n\n"
		     "Create, use, inspect and check pmemfile pools.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-7s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(out, "\n'pmemfile help COMMAND' or 'pmemfile COMMAND --help' "
		     "tells more.\n");
}

/* Sets the message prefix to "pmemfile NAME". */
static void name_tool(const struct tool_command *cmd)
{
	static char name[64];

	snprintf(name, sizeof(name), "pmemfile %s", cmd->name);
	tool_name = name;
}

static int help_main(const struct tool_command *cmd, int argc, char *argv[])
{
	const struct tool_command *about;

	tool_getopt_none(cmd, argc, argv);
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		print_overview(stdout);
		return TOOL_OK;
	}
	if (argc > 1)
		return tool_usage_error(cmd, "too many arguments");
	about = find_command(argv[0]);
	if (!about) {
		tool_error("'%s' is not a pmemfile command; see 'pmemfile "
			   "help'",
			   argv[0]);
		return TOOL_USAGE;
	}
	name_tool(about);
	tool_print_help(about);
	return TOOL_OK;
}

static int run_command(int argc, char *argv[])
{
	const struct tool_command *cmd;

	if (argc < 2) {
		print_overview(stderr);
		return TOOL_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_overview(stdout);
		return TOOL_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		tool_print_version();
		return TOOL_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		tool_error("'%s' is not a pmemfile command; see 'pmemfile "
			   "help'",
			   argv[1]);
		return TOOL_USAGE;
	}
	name_tool(cmd);
	return cmd->run(cmd, argc - 1, argv + 1);
}

int main(int argc, char *argv[])
{
	int ret = run_command(argc, argv);

	if (fflush(stdout) != 0 && ret == TOOL_OK) {
		tool_error("write error on standard output");
		ret = TOOL_FAIL;
	}
	return ret;
}

// SPDX-License-Identifier: BSD-3-Clause
/* tool.c -- messages, help and option parsing shared by every command. */
#include "tool.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TOOL_VERSION
#define TOOL_VERSION "unknown"
#endif

/* getopt_long's value for --version, out of the range of option letters. */
#define TOOL_OPT_VERSION 0x100

const char *tool_name = "pmemfile";
const char *tool_program = "pmemfile";

void tool_print_version(void)
{
	printf("%s %s\n", tool_program, TOOL_VERSION);
}

/* stdout first, so that the message follows what the command printed. */
static void tool_verror(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", tool_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tool_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tool_verror(fmt, ap);
	va_end(ap);
}

static void tool_print_usage(FILE *out, const struct tool_command *cmd)
{
	fprintf(out, "usage: %s %s\n", tool_name, cmd->args);
}

int tool_usage_error(const struct tool_command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tool_verror(fmt, ap);
	va_end(ap);
	tool_print_usage(stderr, cmd);
	fprintf(stderr, "Try '%s --help' for more information.\n", tool_name);
	return cmd->usage_status ? cmd->usage_status : TOOL_USAGE;
}

void tool_print_help(const struct tool_command *cmd)
{
	tool_print_usage(stdout, cmd);
	printf("\n%s\n", cmd->summary);
	if (cmd->help && cmd->help[0])
		printf("\n%s", cmd->help);
}

#define TOOL_MAX_LONGOPTS 8

int tool_getopt(const struct tool_command *cmd, int argc, char *argv[],
		const char *optstring, const struct option *longopts)
{
	struct option all[TOOL_MAX_LONGOPTS + 3] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, TOOL_OPT_VERSION},
	};
	char opts[64];
	int c;

	for (int i = 0; longopts && longopts[i].name; i++) {
		if (i == TOOL_MAX_LONGOPTS)
			abort();
		all[i + 2] = longopts[i];
	}

	/* '+': options end at the first operand, as POSIX says. */
	snprintf(opts, sizeof(opts), "+:%sh", optstring);
	c = getopt_long(argc, argv, opts, all, NULL);
	if (c == 'h') {
		tool_print_help(cmd);
		exit(fflush(stdout) == 0 ? TOOL_OK : TOOL_FAIL);
	}
	if (c == TOOL_OPT_VERSION) {
		tool_print_version();
		exit(fflush(stdout) == 0 ? TOOL_OK : TOOL_FAIL);
	}
	if (c == '?') {
		if (optopt)
			exit(tool_usage_error(cmd, "unknown option '-%c'",
					      optopt));
		exit(tool_usage_error(cmd, "unknown option '%s'",
				      argv[optind - 1]));
	}
	if (c == ':')
		exit(tool_usage_error(cmd, "option '-%c' needs a value",
				      optopt));
	return c;
}

void tool_getopt_none(const struct tool_command *cmd, int argc, char *argv[])
{
	while (tool_getopt(cmd, argc, argv, "", NULL) != -1)
		;
}

int tool_need_pool_and_paths(const struct tool_command *cmd, int operands)
{
	if (operands < 2)
		return tool_usage_error(cmd, "missing %s",
					operands ? "PATH" : "POOL and PATH");
	return 0;
}

int tool_need_pool(const struct tool_command *cmd, int operands, int max)
{
	if (operands < 1)
		return tool_usage_error(cmd, "missing POOL");
	if (operands > max)
		return tool_usage_error(cmd, "too many arguments");
	return 0;
}

static char fault_msg[2][PATH_MAX + 256];

static void tool_fault(int sig)
{
	const char *msg = fault_msg[sig == SIGBUS];
	ssize_t ret = write(STDERR_FILENO, msg, strlen(msg));

	(void)ret;
	_exit(TOOL_FAIL);
}

void tool_catch_faults(const char *path)
{
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE};
	struct sigaction sa = {.sa_handler = tool_fault};

	snprintf(fault_msg[0], sizeof(fault_msg[0]),
		 "%s: %s: the pool is damaged (a bad offset made the file "
		 "system fault); see 'pmemfile check'\n",
		 tool_name, path);
	snprintf(fault_msg[1], sizeof(fault_msg[1]),
		 "%s: %s: the pool is damaged or its file was truncated (a "
		 "read beyond its end); see 'pmemfile check'\n",
		 tool_name, path);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int tool_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

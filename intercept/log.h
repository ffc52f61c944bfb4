/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log.h -- INTERCEPT_LOG: one line per system call, made with raw system
 * calls only (no stdio, no malloc: the log runs inside the hook path).
 */
#ifndef INTERCEPT_LOG_H
#define INTERCEPT_LOG_H

#include <stddef.h>

struct patch_site;

/* -1 when INTERCEPT_LOG is not set. */
extern int intercept_log_fd;

/*
 * 1 with INTERCEPT_LOG_FORMAT=detailed: one line after each call, decoded
 * (log.c, log_decode.c); 0 for the discontinued library's lines
 * (log_classic.c).
 */
extern int intercept_log_detailed;

/* A line being built; lines longer than the buffer are cut. */
struct log_line {
	size_t len;
	char buf[1024];
};

void log_str(struct log_line *l, const char *s);
void log_char(struct log_line *l, char c);
void log_dec(struct log_line *l, long v);
void log_hex(struct log_line *l, unsigned long v);
void log_quoted(struct log_line *l, const char *s, long len, long max);
void log_write(struct log_line *l);

/* Opens the log named by INTERCEPT_LOG (envp style value), if any. */
void intercept_log_open(const char *path, int truncate);

/*
 * Around a call the hook let through: a close, dup2, dup3 or close_range
 * that would take the log's descriptor moves the log elsewhere first (or
 * opens it again after).
 */
void intercept_log_before(long nr, const long args[6]);
void intercept_log_after(long nr, const long args[6]);

/* A line of the two strings (second may be NULL). */
void intercept_log_msg(const char *first, const char *second);

void intercept_log_syscall(const struct patch_site *site, long nr,
			   const long args[6], long result, int answered);

/*
 * log_classic.c: a line of the discontinued library's form, before the call
 * (known 0) or after it, with its result.
 */
void intercept_log_classic(const struct patch_site *site, long nr,
			   const long args[6], long result, int known);

/* The last component of a path. */
const char *log_basename(const char *path);

/* log_decode.c: the arguments of nr, readable. */
void log_syscall_args(struct log_line *l, long nr, const long args[6],
		      long result);
const char *log_syscall_name(long nr);

#endif

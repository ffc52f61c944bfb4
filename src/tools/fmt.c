// SPDX-License-Identifier: BSD-3-Clause
/* fmt.c -- how file modes, types and times are shown. */
#include "fmt.h"

#include <stdio.h>
#include <sys/stat.h>

static char fmt_type_char(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	case S_IFIFO:
		return 'p';
	case S_IFSOCK:
		return 's';
	default:
		return '-';
	}
}

/* The execute column: x, or s/t when a special bit sits on it. */
static char fmt_exec(mode_t mode, mode_t x, mode_t special, char with_x)
{
	if (mode & special)
		return (mode & x) ? with_x : (char)(with_x - 'a' + 'A');
	return (mode & x) ? 'x' : '-';
}

void fmt_mode(mode_t mode, char buf[FMT_MODE_LEN])
{
	buf[0] = fmt_type_char(mode);
	buf[1] = (mode & S_IRUSR) ? 'r' : '-';
	buf[2] = (mode & S_IWUSR) ? 'w' : '-';
	buf[3] = fmt_exec(mode, S_IXUSR, S_ISUID, 's');
	buf[4] = (mode & S_IRGRP) ? 'r' : '-';
	buf[5] = (mode & S_IWGRP) ? 'w' : '-';
	buf[6] = fmt_exec(mode, S_IXGRP, S_ISGID, 's');
	buf[7] = (mode & S_IROTH) ? 'r' : '-';
	buf[8] = (mode & S_IWOTH) ? 'w' : '-';
	buf[9] = fmt_exec(mode, S_IXOTH, S_ISVTX, 't');
	buf[10] = '\0';
}

const char *fmt_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "regular file";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symbolic link";
	case S_IFCHR:
		return "character special file";
	case S_IFBLK:
		return "block special file";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	default:
		return "unknown";
	}
}

void fmt_time(const struct timespec *ts, bool precise, char *buf, size_t len)
{
	char date[32], zone[8];
	struct tm tm;

	if (!localtime_r(&ts->tv_sec, &tm)) {
		snprintf(buf, len, "%lld", (long long)ts->tv_sec);
		return;
	}
	if (!precise) {
		strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
		return;
	}
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, len, "%s.%09ld %s", date, ts->tv_nsec, zone);
}

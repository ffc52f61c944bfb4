/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log_decode.c -- system call names and readable arguments for the log.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "log.h"

/*
 * Built from <asm/unistd_64.h> by intercept/module.mk. Arrays of
 * characters, not pointers: the loader would write each pointer (and copy
 * the pages they lie in) at every start of every process.
 */
static const char syscall_names[][32] = {
#include "syscall_names.inc"
};

/*
 * How each argument of the common calls is shown:
 *   d decimal, x hex, f descriptor, s path, i buffer the call reads (its
 *   length is the next argument), o buffer the call fills (length: the
 *   result), F open flags, m mode (octal), P mmap protection, M mmap flags.
 * Calls not listed show six hex arguments.
 */
/* Characters, not pointers: see struct classic_flag (log_classic.c). */
struct arg_format {
	long nr;
	char args[8];
};

static const struct arg_format formats[] = {
    {SYS_read, "fod"},	    {SYS_write, "fid"},	      {SYS_pread64, "fodd"},
    {SYS_pwrite64, "fidd"}, {SYS_open, "sFm"},	      {SYS_openat, "fsFm"},
    {SYS_close, "f"},	    {SYS_stat, "sx"},	      {SYS_lstat, "sx"},
    {SYS_fstat, "fx"},	    {SYS_newfstatat, "fsxx"}, {SYS_statx, "fsxxx"},
    {SYS_lseek, "fdd"},	    {SYS_mmap, "xdPMfd"},     {SYS_mprotect, "xdP"},
    {SYS_munmap, "xd"},	    {SYS_brk, "x"},	      {SYS_access, "sd"},
    {SYS_faccessat, "fsd"}, {SYS_faccessat2, "fsdx"}, {SYS_dup, "f"},
    {SYS_dup2, "ff"},	    {SYS_dup3, "ffx"},	      {SYS_getpid, ""},
    {SYS_getppid, ""},	    {SYS_gettid, ""},	      {SYS_execve, "sxx"},
    {SYS_exit, "d"},	    {SYS_exit_group, "d"},    {SYS_chdir, "s"},
    {SYS_fchdir, "f"},	    {SYS_mkdir, "sm"},	      {SYS_mkdirat, "fsm"},
    {SYS_rmdir, "s"},	    {SYS_unlink, "s"},	      {SYS_unlinkat, "fsx"},
    {SYS_rename, "ss"},	    {SYS_renameat, "fsfs"},   {SYS_renameat2, "fsfsx"},
    {SYS_readlink, "sxd"},  {SYS_readlinkat, "fsxd"}, {SYS_symlink, "ss"},
    {SYS_link, "ss"},	    {SYS_chmod, "sm"},	      {SYS_fchmod, "fm"},
    {SYS_truncate, "sd"},   {SYS_ftruncate, "fd"},    {SYS_getdents64, "fxd"},
    {SYS_getdents, "fxd"},  {SYS_fcntl, "fdx"},	      {SYS_ioctl, "fxx"},
    {SYS_pipe2, "xx"},	    {SYS_wait4, "dxxx"},      {SYS_kill, "dd"},
    {SYS_fsync, "f"},	    {SYS_fdatasync, "f"},     {SYS_getcwd, "xd"},
};

/* Room for a flag bit's name ("MAP_FIXED_NOREPLACE" is the longest). */
#define BIT_NAME_SIZE 24

static const char open_flag_names[][BIT_NAME_SIZE] = {
    [6] = "O_CREAT",	  [7] = "O_EXCL",	[8] = "O_NOCTTY",
    [9] = "O_TRUNC",	  [10] = "O_APPEND",	[11] = "O_NONBLOCK",
    [12] = "O_DSYNC",	  [13] = "O_ASYNC",	[14] = "O_DIRECT",
    [15] = "O_LARGEFILE", [16] = "O_DIRECTORY", [17] = "O_NOFOLLOW",
    [18] = "O_NOATIME",	  [19] = "O_CLOEXEC",	[20] = "__O_SYNC",
    [21] = "O_PATH",	  [22] = "__O_TMPFILE",
};

static const char mmap_flag_names[][BIT_NAME_SIZE] = {
    [0] = "MAP_SHARED",
    [1] = "MAP_PRIVATE",
    [4] = "MAP_FIXED",
    [5] = "MAP_ANONYMOUS",
    [8] = "MAP_GROWSDOWN",
    [11] = "MAP_DENYWRITE",
    [12] = "MAP_EXECUTABLE",
    [13] = "MAP_LOCKED",
    [14] = "MAP_NORESERVE",
    [15] = "MAP_POPULATE",
    [16] = "MAP_NONBLOCK",
    [17] = "MAP_STACK",
    [18] = "MAP_HUGETLB",
    [19] = "MAP_SYNC",
    [20] = "MAP_FIXED_NOREPLACE",
};

static const char prot_names[][BIT_NAME_SIZE] = {"PROT_READ", "PROT_WRITE",
						 "PROT_EXEC"};

const char *log_syscall_name(long nr)
{
	long count = (long)(sizeof(syscall_names) / sizeof(syscall_names[0]));

	if (nr >= 0 && nr < count && syscall_names[nr][0] != '\0')
		return syscall_names[nr];
	return NULL;
}

/* The set bits of v named by names[bit] (none: ""), the rest in hex. */
static void log_bits(struct log_line *l, unsigned long v,
		     const char (*names)[BIT_NAME_SIZE], int count)
{
	int first = 1;

	for (int bit = 0; bit < count; bit++) {
		if (names[bit][0] == '\0' || !(v & (1UL << bit)))
			continue;
		if (!first)
			log_char(l, '|');
		log_str(l, names[bit]);
		v &= ~(1UL << bit);
		first = 0;
	}
	if (v != 0 || first) {
		if (!first)
			log_char(l, '|');
		log_hex(l, v);
	}
}

static void log_open_flags(struct log_line *l, unsigned long flags)
{
	static const char access[][10] = {"O_RDONLY", "O_WRONLY", "O_RDWR",
					  "O_ACCMODE"};

	log_str(l, access[flags & O_ACCMODE]);
	flags &= ~(unsigned long)O_ACCMODE;
	if (flags != 0) {
		log_char(l, '|');
		log_bits(l, flags, open_flag_names,
			 (int)(sizeof(open_flag_names) /
			       sizeof(open_flag_names[0])));
	}
}

static void log_octal(struct log_line *l, unsigned long v)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v != 0);
	log_char(l, '0');
	while (n > 0)
		log_char(l, digits[--n]);
}

static void log_fd(struct log_line *l, long fd)
{
	if ((int)fd == AT_FDCWD)
		log_str(l, "AT_FDCWD");
	else
		log_dec(l, (int)fd);
}

static void log_arg(struct log_line *l, char kind, const long *arg, long result)
{
	long v = arg[0];

	/* A pointer the kernel refused is not read here either. */
	if (result == -14 /* EFAULT */ && (kind == 's' || kind == 'i'))
		kind = 'x';
	switch (kind) {
	case 'd':
		log_dec(l, v);
		break;
	case 'f':
		log_fd(l, v);
		break;
	case 's':
		log_quoted(l, (const char *)v, -1, 256);
		break;
	case 'i':
		log_quoted(l, (const char *)v, arg[1], 32);
		break;
	case 'o':
		if (result >= 0)
			log_quoted(l, (const char *)v, result, 32);
		else
			log_hex(l, (unsigned long)v);
		break;
	case 'F':
		log_open_flags(l, (unsigned long)v);
		break;
	case 'm':
		log_octal(l, (unsigned long)v);
		break;
	case 'P':
		if (v == PROT_NONE)
			log_str(l, "PROT_NONE");
		else
			log_bits(l, (unsigned long)v, prot_names, 3);
		break;
	case 'M':
		log_bits(l, (unsigned long)v, mmap_flag_names,
			 (int)(sizeof(mmap_flag_names) /
			       sizeof(mmap_flag_names[0])));
		break;
	default:
		log_hex(l, (unsigned long)v);
		break;
	}
}

void log_syscall_args(struct log_line *l, long nr, const long args[6],
		      long result)
{
	const char *name = log_syscall_name(nr);
	const char *format = "xxxxxx";

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (formats[i].nr == nr) {
			format = formats[i].args;
			break;
		}
	}
	if (name != NULL) {
		log_str(l, name);
	} else {
		log_str(l, "syscall_");
		log_dec(l, nr);
	}
	log_char(l, '(');
	for (int i = 0; format[i] != '\0'; i++) {
		if (i > 0)
			log_str(l, ", ");
		log_arg(l, format[i], &args[i], result);
	}
	log_char(l, ')');
}

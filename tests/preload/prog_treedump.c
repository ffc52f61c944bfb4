/*
 * prog_treedump DIR [-m] -- prints one line per entry of the tree under DIR,
 * sorted by path, with what two equal trees on different file systems share:
 * type, permission bits, link count, owner, size (not for directories, whose
 * size is file-system specific), symlink target, a hash of the contents and,
 * for hard links, which entries share an inode. With -m it prints the
 * modification time of every non-directory too.
 *
 * The acceptance tests run it under the shim on a mount and natively on the
 * reference directory: it reads the tree with plain libc calls only
 * (opendir/readdir/lstat/open/read/readlink), so its output depends on the
 * file system and not on the program that filled it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct inode_seen {
	dev_t dev;
	ino_t ino;
	unsigned id;
};

static struct inode_seen *seen;
static unsigned nseen;
static int print_mtime;

/* Entries with more than one link get a small number, by first visit. */
static unsigned link_id(const struct stat *st)
{
	for (unsigned i = 0; i < nseen; i++) {
		if (seen[i].dev == st->st_dev && seen[i].ino == st->st_ino)
			return seen[i].id;
	}
	struct inode_seen *more = realloc(seen, (nseen + 1) * sizeof(*seen));
	if (!more) {
		perror("realloc");
		exit(2);
	}
	seen = more;
	seen[nseen] = (struct inode_seen){st->st_dev, st->st_ino, nseen + 1};
	return ++nseen;
}

/* FNV-1a over the whole file, read in odd-sized pieces on purpose. */
static int hash_file(const char *path, uint64_t *hash)
{
	char buf[12345];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	*hash = 14695981039346656037ULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			*hash ^= (unsigned char)buf[i];
			*hash *= 1099511628211ULL;
		}
	}
	int err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

static char type_char(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return 'f';
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFIFO:
		return 'p';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	case S_IFSOCK:
		return 's';
	}
	return '?';
}

static int print_entry(const char *path, const char *rel)
{
	struct stat st;
	char target[4096];
	uint64_t hash = 0;

	if (lstat(path, &st)) {
		printf("%s lstat: %s\n", rel, strerror(errno));
		return 1;
	}
	printf("%s %c %04o nlink=%lu uid=%u gid=%u", rel, type_char(st.st_mode),
	       (unsigned)(st.st_mode & 07777), (unsigned long)st.st_nlink,
	       (unsigned)st.st_uid, (unsigned)st.st_gid);
	if (!S_ISDIR(st.st_mode))
		printf(" size=%lld", (long long)st.st_size);
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1)
		printf(" inode#%u", link_id(&st));
	if (print_mtime && !S_ISDIR(st.st_mode))
		printf(" mtime=%lld.%09ld", (long long)st.st_mtim.tv_sec,
		       st.st_mtim.tv_nsec);
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n < 0) {
			printf(" readlink: %s\n", strerror(errno));
			return 1;
		}
		target[n] = '\0';
		printf(" -> %s", target);
	}
	if (S_ISREG(st.st_mode)) {
		int err = hash_file(path, &hash);
		if (err) {
			printf(" read: %s\n", strerror(-err));
			return 1;
		}
		printf(" fnv=%016llx", (unsigned long long)hash);
	}
	printf("\n");
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads every name of a directory, sorted bytewise (no locale). */
static int read_names(const char *path, char ***names, size_t *count)
{
	DIR *d = opendir(path);
	struct dirent *de;
	size_t n = 0;
	char **v = NULL;

	if (!d)
		return -errno;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char **more = realloc(v, (n + 1) * sizeof(*v));
		if (!more || !(more[n] = strdup(de->d_name))) {
			perror("malloc");
			exit(2);
		}
		v = more;
		n++;
	}
	int err = errno ? -errno : 0;
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	*count = n;
	return err;
}

static int walk(const char *path, const char *rel)
{
	struct stat st;
	char **names = NULL;
	size_t count = 0;
	int failed = print_entry(path, rel);

	if (lstat(path, &st) || !S_ISDIR(st.st_mode))
		return failed;
	int err = read_names(path, &names, &count);
	if (err) {
		printf("%s readdir: %s\n", rel, strerror(-err));
		return 1;
	}
	for (size_t i = 0; i < count; i++) {
		char *cpath, *crel;
		if (asprintf(&cpath, "%s/%s", path, names[i]) < 0 ||
		    asprintf(&crel, "%s/%s", rel, names[i]) < 0) {
			perror("asprintf");
			exit(2);
		}
		failed |= walk(cpath, crel);
		free(cpath);
		free(crel);
		free(names[i]);
	}
	free(names);
	return failed;
}

int main(int argc, char *argv[])
{
	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "-m"))) {
		fprintf(stderr, "usage: %s DIR [-m]\n", argv[0]);
		return 2;
	}
	print_mtime = argc == 3;
	return walk(argv[1], ".");
}

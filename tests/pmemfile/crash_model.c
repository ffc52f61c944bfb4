// SPDX-License-Identifier: BSD-3-Clause
/*
 * crash_model.c -- the crash test's model of the pool and its random
 * choice of operations that must succeed.
 */
#include "crash_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cm_init(struct cm_model *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < CM_SLOTS; i++)
		m->slot[i] = -1;
	for (int i = 0; i < CM_INODES; i++)
		m->ino[i].data = calloc(1, CM_MAX_SIZE);
}

void cm_copy(struct cm_model *dst, const struct cm_model *src)
{
	memcpy(dst->dir, src->dir, sizeof(dst->dir));
	memcpy(dst->slot, src->slot, sizeof(dst->slot));
	for (int i = 0; i < CM_INODES; i++) {
		dst->ino[i].nlink = src->ino[i].nlink;
		dst->ino[i].symlink = src->ino[i].symlink;
		dst->ino[i].size = src->ino[i].size;
		memcpy(dst->ino[i].data, src->ino[i].data, CM_MAX_SIZE);
	}
}

void cm_free(struct cm_model *m)
{
	for (int i = 0; i < CM_INODES; i++)
		free(m->ino[i].data);
}

void cm_data(unsigned char *buf, size_t n, uint64_t seq)
{
	uint64_t x = seq * 0x9E3779B97F4A7C15ULL + 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)(x | 1); /* never 0, unlike a hole */
	}
}

void cm_target(char *buf, size_t n, uint64_t seq)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + (seq * 7 + i) % 26);
	buf[n] = '\0';
}

int cm_slot_dir(int slot)
{
	return slot / CM_NAMES;
}

void cm_slot_path(int slot, char *buf, size_t n)
{
	int d = cm_slot_dir(slot);
	static char pad[CM_NAME_PAD + 1];
	for (int i = 0; i < CM_NAME_PAD; i++)
		pad[i] = 'x';
	if (d == CM_DIRS)
		snprintf(buf, n, "/f%d%s", slot % CM_NAMES, pad);
	else
		snprintf(buf, n, "/d%d/f%d%s", d, slot % CM_NAMES, pad);
}

int cm_name_valid(const char *name)
{
	char *end;
	if (name[0] != 'f' || name[1] < '0' || name[1] > '9')
		return 0;
	long j = strtol(name + 1, &end, 10);
	/* as snprintf writes it: no sign, no leading zero */
	if (j >= CM_NAMES || (name[1] == '0' && end != name + 2) ||
	    strlen(end) != CM_NAME_PAD)
		return 0;
	return (int)strspn(end, "x") == CM_NAME_PAD;
}

static void drop_name(struct cm_model *m, int slot)
{
	int i = m->slot[slot];
	m->slot[slot] = -1;
	if (--m->ino[i].nlink == 0) {
		m->ino[i].symlink = 0;
		m->ino[i].size = 0;
		memset(m->ino[i].data, 0, CM_MAX_SIZE);
	}
}

static void write_at(struct cm_inode *in, uint64_t off, uint32_t len,
		     uint64_t seq)
{
	cm_data(in->data + off, len, seq);
	if (off + len > in->size)
		in->size = off + len;
}

void cm_apply(struct cm_model *m, const struct cm_rec *r)
{
	int is_dir_op =
	    r->op == CM_MKDIR || r->op == CM_RMDIR || r->op == CM_RENAMEDIR;
	struct cm_inode *in = r->a >= 0 && !is_dir_op && m->slot[r->a] >= 0
				  ? &m->ino[m->slot[r->a]]
				  : NULL;
	switch (r->op) {
	case CM_CREATE:
	case CM_SYMLINK:
		for (int i = 0; i < CM_INODES; i++) {
			if (m->ino[i].nlink == 0) {
				m->ino[i].nlink = 1;
				m->ino[i].symlink = r->op == CM_SYMLINK;
				m->ino[i].size = 0;
				if (r->op == CM_SYMLINK) {
					cm_target((char *)m->ino[i].data,
						  r->len, r->seq);
					m->ino[i].size = r->len;
				}
				m->slot[r->a] = i;
				return;
			}
		}
		abort();
	case CM_PWRITE:
		write_at(in, r->off, r->len, r->seq);
		return;
	case CM_APPEND:
		write_at(in, in->size, r->len, r->seq);
		return;
	case CM_TRUNCATE:
		if (r->off < in->size)
			memset(in->data + r->off, 0, in->size - r->off);
		in->size = r->off;
		return;
	case CM_RENAME:
		if (m->slot[r->b] == m->slot[r->a])
			return; /* two links of one inode: nothing happens */
		if (m->slot[r->b] >= 0)
			drop_name(m, r->b);
		m->slot[r->b] = m->slot[r->a];
		m->slot[r->a] = -1;
		return;
	case CM_UNLINK:
	case CM_UNLINK_OPEN:
		drop_name(m, r->a);
		return;
	case CM_RENAMEDIR:
		for (int j = 0; j < CM_NAMES; j++) {
			m->slot[r->b * CM_NAMES + j] =
			    m->slot[r->a * CM_NAMES + j];
			m->slot[r->a * CM_NAMES + j] = -1;
		}
		m->dir[r->a] = 0;
		m->dir[r->b] = 1;
		return;
	case CM_LINK:
		m->slot[r->b] = m->slot[r->a];
		in->nlink++;
		return;
	case CM_MKDIR:
		m->dir[r->a] = 1;
		return;
	case CM_RMDIR:
		m->dir[r->a] = 0;
		return;
	}
	abort();
}

static int slot_usable(const struct cm_model *m, int slot)
{
	int d = cm_slot_dir(slot);
	return d == CM_DIRS || m->dir[d];
}

static int dir_empty(const struct cm_model *m, int d)
{
	for (int j = 0; j < CM_NAMES; j++)
		if (m->slot[d * CM_NAMES + j] >= 0)
			return 0;
	return 1;
}

/* A random slot that has (want 1) or lacks (want 0) a file. */
static int pick_slot(const struct cm_model *m, unsigned *seed, int want)
{
	for (int tries = 0; tries < 64; tries++) {
		int s = rand_r(seed) % CM_SLOTS;
		if (slot_usable(m, s) && (m->slot[s] >= 0) == want)
			return s;
	}
	return -1;
}

/* A random slot naming a regular file (whose data can be changed). */
static int pick_regular(const struct cm_model *m, unsigned *seed)
{
	int s = pick_slot(m, seed, 1);
	return s >= 0 && !m->ino[m->slot[s]].symlink ? s : -1;
}

static int pick_size_op(const struct cm_model *m, unsigned *seed,
			struct cm_rec *r, int a)
{
	const struct cm_inode *in = &m->ino[m->slot[a]];
	int kind = rand_r(seed) % 4;
	uint32_t len = rand_r(seed) % 3 ? 1 + rand_r(seed) % 9000
					: 1 + rand_r(seed) % 40000;
	if (len > CM_MAX_SIZE / 2)
		len = CM_MAX_SIZE / 2;
	r->a = a;
	if (kind == 0) {
		r->op = CM_TRUNCATE;
		r->off = (uint64_t)rand_r(seed) % (in->size * 2 + 4097);
		if (r->off > CM_MAX_SIZE)
			r->off = CM_MAX_SIZE / 2;
		return 0;
	}
	if (kind == 1 && in->size + len <= CM_MAX_SIZE) {
		r->op = CM_APPEND;
		r->len = len;
		return 0;
	}
	r->op = CM_PWRITE;
	r->off = (uint64_t)rand_r(seed) % (in->size + 8193);
	if (r->off + len > CM_MAX_SIZE)
		r->off = 0;
	r->len = len;
	return 0;
}

static int pick_name_op(const struct cm_model *m, unsigned *seed,
			struct cm_rec *r)
{
	int full = pick_slot(m, seed, 1);
	int empty = pick_slot(m, seed, 0);
	int any = rand_r(seed) % CM_SLOTS;
	switch (rand_r(seed) % 8) {
	case 7:
		if (empty < 0)
			return -1;
		r->op = CM_SYMLINK;
		r->a = empty;
		r->len = 1 + rand_r(seed) % CM_MAX_TARGET;
		return 0;
	case 5:
		if (full < 0 || m->ino[m->slot[full]].nlink != 1 ||
		    m->ino[m->slot[full]].symlink)
			return -1;
		r->op = CM_UNLINK_OPEN;
		r->a = full;
		r->len = 1 + rand_r(seed) % 20000;
		return 0;
	case 6: {
		int d = rand_r(seed) % CM_DIRS, e = rand_r(seed) % CM_DIRS;
		if (d == e || !m->dir[d] || (m->dir[e] && !dir_empty(m, e)))
			return -1;
		r->op = CM_RENAMEDIR;
		r->a = d;
		r->b = e;
		return 0;
	}
	case 0:
		if (full < 0 || any == full || !slot_usable(m, any))
			return -1;
		r->op = CM_RENAME;
		r->a = full;
		r->b = any;
		return 0;
	case 1:
		if (full < 0)
			return -1;
		r->op = CM_UNLINK;
		r->a = full;
		return 0;
	case 2:
		if (full < 0 || empty < 0)
			return -1;
		r->op = CM_LINK;
		r->a = full;
		r->b = empty;
		return 0;
	case 3:
		if (empty < 0)
			return -1;
		r->op = CM_CREATE;
		r->a = empty;
		return 0;
	default: {
		int d = rand_r(seed) % CM_DIRS;
		if (m->dir[d] && !dir_empty(m, d)) {
			return -1;
		}
		r->op = m->dir[d] ? CM_RMDIR : CM_MKDIR;
		r->a = d;
		return 0;
	}
	}
}

void cm_pick(const struct cm_model *m, unsigned *seed, struct cm_rec *r)
{
	for (;;) {
		memset(r, 0, sizeof(*r));
		r->magic = CM_MAGIC;
		r->a = r->b = -1;
		if (rand_r(seed) % 2) {
			int a = pick_regular(m, seed);
			if (a >= 0 && !pick_size_op(m, seed, r, a))
				return;
		} else if (!pick_name_op(m, seed, r)) {
			return;
		}
	}
}

// SPDX-License-Identifier: BSD-3-Clause
/*
 * vinode.c -- the cache of volatile inodes, keyed by inode offset.
 *
 * The cache is split in shards, each with its own mutex, so that no lock is
 * shared by every thread. A vinode lives while it has references (open
 * files, the cwd, a path walk in progress); directories stay until the
 * pool is closed or they are removed.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dir.h"
#include "extent.h"
#include "fcntl_lock.h"
#include "inode.h"
#include "validate.h"
#include "vinode.h"

static inline struct vinode_shard *shard_of(PMEMfilepool *pfp, uint64_t off)
{
	uint64_t h = (off >> 8) * 0x9E3779B97F4A7C15ULL;
	return &pfp->shards[h >> 58];
}

static inline size_t bucket_of(struct vinode_shard *s, uint64_t off)
{
	uint64_t h = (off >> 8) * 0xC2B2AE3D27D4EB4FULL;
	return (h >> 20) & (s->nbuckets - 1);
}

static inline _Atomic(uint32_t) *filter_of(PMEMfilepool *pfp, uint64_t off)
{
	uint64_t h = (off >> 8) * 0x9E3779B97F4A7C15ULL;
	return &pfp->vcached[(h >> 32) % VINODE_FILTER];
}

int vinode_cache_init(PMEMfilepool *pfp)
{
	for (int i = 0; i < VINODE_SHARDS; i++) {
		struct vinode_shard *s = &pfp->shards[i];
		pthread_mutex_init(&s->lock, NULL);
		s->nbuckets = 64;
		s->count = 0;
		s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
		if (!s->buckets)
			return -ENOMEM;
	}
	return 0;
}

static void vinode_destroy(struct vinode *v)
{
	pthread_rwlock_destroy(&v->lock);
	pthread_mutex_destroy(&v->ext_build);
	pthread_mutex_destroy(&v->lk_mutex);
	extent_index_free(v);
	dir_vfree(v);
	rlock_free_all(v);
	free(v);
}

void vinode_cache_fini(PMEMfilepool *pfp)
{
	for (int i = 0; i < VINODE_SHARDS; i++) {
		struct vinode_shard *s = &pfp->shards[i];
		for (size_t b = 0; s->buckets && b < s->nbuckets; b++) {
			struct vinode *v = s->buckets[b];
			while (v) {
				struct vinode *n = v->hnext;
				vinode_destroy(v);
				v = n;
			}
		}
		free(s->buckets);
		s->buckets = NULL;
		pthread_mutex_destroy(&s->lock);
	}
}

static void shard_grow(struct vinode_shard *s)
{
	size_t nb = s->nbuckets * 2;
	struct vinode **b = calloc(nb, sizeof(*b));
	if (!b)
		return; /* longer chains, still correct */
	struct vinode_shard ns = {.buckets = b, .nbuckets = nb};
	for (size_t i = 0; i < s->nbuckets; i++) {
		struct vinode *v = s->buckets[i];
		while (v) {
			struct vinode *n = v->hnext;
			size_t k = bucket_of(&ns, v->off);
			v->hnext = b[k];
			b[k] = v;
			v = n;
		}
	}
	free(s->buckets);
	s->buckets = b;
	s->nbuckets = nb;
}

static struct vinode *vinode_new(PMEMfilepool *pfp, uint64_t off)
{
	struct vinode *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->off = off;
	v->inode = pf_ptr(pfp, off);
	v->ref = 1;
	pthread_rwlock_init(&v->lock, NULL);
	pthread_mutex_init(&v->ext_build, NULL);
	pthread_mutex_init(&v->lk_mutex, NULL);
	return v;
}

static void shard_unlink(PMEMfilepool *pfp, struct vinode_shard *s,
			 struct vinode *v)
{
	__atomic_fetch_sub(filter_of(pfp, v->off), 1, __ATOMIC_RELAXED);
	struct vinode **p = &s->buckets[bucket_of(s, v->off)];
	while (*p != v)
		p = &(*p)->hnext;
	*p = v->hnext;
	s->count--;
}

/* fresh: the inode at off is newer than any vinode cached for off */
static struct vinode *cache_get(PMEMfilepool *pfp, uint64_t off, bool fresh)
{
	if (off == PF_INO_DAMAGED) {
		errno = EIO;
		return NULL;
	}
	struct vinode_shard *s = shard_of(pfp, off);
	pthread_mutex_lock(&s->lock);
	size_t k = bucket_of(s, off);
	struct vinode *v = s->buckets[k];
	while (v && v->off != off)
		v = v->hnext;
	if (v && fresh) {
		shard_unlink(pfp, s, v);
		v->dead = true;
		v = NULL;
	}
	int err = ENOMEM;
	/* an inode the caller has just made is not checked (fresh) */
	if (v) {
		v->ref++;
	} else if (!fresh && inode_validate(pfp, off)) {
		err = EIO;
	} else {
		v = vinode_new(pfp, off);
		if (v) {
			v->hnext = s->buckets[k];
			s->buckets[k] = v;
			__atomic_fetch_add(filter_of(pfp, off), 1,
					   __ATOMIC_RELAXED);
			if (++s->count > s->nbuckets)
				shard_grow(s);
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (!v)
		errno = err;
	return v;
}

struct vinode *vinode_get(PMEMfilepool *pfp, uint64_t off)
{
	return cache_get(pfp, off, false);
}

/*
 * A freed inode's slot can be taken again from the commit of its free, and
 * the remover takes the old vinode out of the cache (vinode_forget) only
 * after that commit: a new inode may find it still there. It is the freed
 * inode's, whose remover holds the only reference: it leaves the cache
 * here, dead, so that the new inode shares none of its volatile state and
 * vinode_forget finds nothing left to do.
 */
struct vinode *vinode_get_new(PMEMfilepool *pfp, uint64_t off)
{
	return cache_get(pfp, off, true);
}

struct vinode *vinode_peek(PMEMfilepool *pfp, uint64_t off)
{
	/* as good as the answer under the lock, which a vinode made right
	 * after it would outdate as well */
	if (!__atomic_load_n(filter_of(pfp, off), __ATOMIC_ACQUIRE))
		return NULL;
	struct vinode_shard *s = shard_of(pfp, off);
	pthread_mutex_lock(&s->lock);
	struct vinode *v = s->buckets[bucket_of(s, off)];
	while (v && v->off != off)
		v = v->hnext;
	if (v)
		v->ref++;
	pthread_mutex_unlock(&s->lock);
	return v;
}

struct vinode *vinode_ref(PMEMfilepool *pfp, struct vinode *v)
{
	/* the root lives as long as the pool: no counting */
	if (v == pfp->root)
		return v;
	struct vinode_shard *s = shard_of(pfp, v->off);
	pthread_mutex_lock(&s->lock);
	v->ref++;
	pthread_mutex_unlock(&s->lock);
	return v;
}

bool vinode_shared(PMEMfilepool *pfp, struct vinode *v)
{
	struct vinode_shard *s = shard_of(pfp, v->off);
	pthread_mutex_lock(&s->lock);
	bool r = v->ref > 1;
	pthread_mutex_unlock(&s->lock);
	return r;
}

void vinode_forget(PMEMfilepool *pfp, struct vinode *v)
{
	struct vinode_shard *s = shard_of(pfp, v->off);
	pthread_mutex_lock(&s->lock);
	/* dead already: a new inode in the slot took it out (vinode_get_new) */
	if (!v->dead)
		shard_unlink(pfp, s, v);
	v->dead = true;
	pthread_mutex_unlock(&s->lock);
}

/* The last reference to an unlinked inode: free it and leave the orphan
 * list. On failure it stays an orphan, freed at the next open. */
static void vinode_free_orphan(PMEMfilepool *pfp, struct vinode *v)
{
	/* the slot is given back in the transaction (inode_free) */
	(void)inode_free_unlinked(pfp, v->off);
}

void vinode_put(PMEMfilepool *pfp, struct vinode *v)
{
	if (!v || v == pfp->root)
		return;
	struct vinode_shard *s = shard_of(pfp, v->off);
	pthread_mutex_lock(&s->lock);
	if (--v->ref > 0) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	bool orphan = false;
	if (!v->dead && v->inode->nlink > 0 && S_ISDIR(v->inode->mode)) {
		/* directories stay cached: their free-slot maps are costly */
		pthread_mutex_unlock(&s->lock);
		return;
	}
	if (!v->dead) {
		shard_unlink(pfp, s, v);
		orphan = v->inode->nlink == 0;
	}
	pthread_mutex_unlock(&s->lock);
	if (orphan)
		vinode_free_orphan(pfp, v);
	struct vinode *parent = v->removed_from;
	vinode_destroy(v);
	vinode_put(pfp, parent);
}

void vinode_touch(PMEMfilepool *pfp, struct vinode *v, bool tx)
{
	struct pmemfile_inode *in = v->inode;
	if (tx)
		tx_add(pfp, &in->mtime, 2 * sizeof(in->mtime));
	struct pmemfile_time now;
	pf_time_now(&now);
	inode_time_store(pfp, &in->mtime, now);
	inode_time_store(pfp, &in->ctime, now);
	if (!tx)
		pmemobj_persist(pfp->pop, &in->mtime, 2 * sizeof(in->mtime));
}

void vinode_touch_ctime(PMEMfilepool *pfp, struct vinode *v)
{
	struct pmemfile_inode *in = v->inode;
	tx_add(pfp, &in->ctime, sizeof(in->ctime));
	struct pmemfile_time now;
	pf_time_now(&now);
	inode_time_store(pfp, &in->ctime, now);
}

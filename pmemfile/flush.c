// SPDX-License-Identifier: BSD-3-Clause
/*
 * flush.c -- cache-line write-back with the best instruction the processor
 * has: clwb, clflushopt, or clflush.
 */
#include <cpuid.h>
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#endif
#include <emmintrin.h>
#include <stdint.h>
#include <string.h>

#include "flush.h"

enum flush_kind { FLUSH_UNKNOWN, FLUSH_CLFLUSH, FLUSH_CLFLUSHOPT, FLUSH_CLWB };
static enum flush_kind flush_kind;

/* as glibc recorded it at start-up: cpuid traps in a virtual machine */
static enum flush_kind flush_detect(void)
{
#if __has_include(<sys/platform/x86.h>)
	if (CPU_FEATURE_ACTIVE(CLWB))
		return FLUSH_CLWB;
	if (CPU_FEATURE_ACTIVE(CLFLUSHOPT))
		return FLUSH_CLFLUSHOPT;
#else
	unsigned a, b, c, d;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		if (b & (1u << 24))
			return FLUSH_CLWB;
		if (b & (1u << 23))
			return FLUSH_CLFLUSHOPT;
	}
#endif
	return FLUSH_CLFLUSH;
}

void flush_lines(const void *p, size_t n)
{
	if (flush_kind == FLUSH_UNKNOWN)
		flush_kind = flush_detect();
	uintptr_t at = (uintptr_t)p & ~(uintptr_t)63;
	uintptr_t end = (uintptr_t)p + n;
	for (; at < end; at += 64) {
		volatile char *line = (volatile char *)at;
		if (flush_kind == FLUSH_CLWB)
			__asm__ volatile("clwb %0" : "+m"(*line));
		else if (flush_kind == FLUSH_CLFLUSHOPT)
			__asm__ volatile("clflushopt %0" : "+m"(*line));
		else
			__asm__ volatile("clflush %0" : "+m"(*line));
	}
}

void flush_copy(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;
	size_t head = (64 - ((uintptr_t)d & 63)) & 63;
	if (head > n)
		head = n;
	memcpy(d, s, head);
	flush_lines(d, head);
	d += head;
	s += head;
	n -= head;
	for (; n >= 64; n -= 64, d += 64, s += 64) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i b =
		    _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
		__m128i c =
		    _mm_loadu_si128((const __m128i *)(const void *)(s + 32));
		__m128i e =
		    _mm_loadu_si128((const __m128i *)(const void *)(s + 48));
		_mm_stream_si128((__m128i *)(void *)d, a);
		_mm_stream_si128((__m128i *)(void *)(d + 16), b);
		_mm_stream_si128((__m128i *)(void *)(d + 32), c);
		_mm_stream_si128((__m128i *)(void *)(d + 48), e);
	}
	memcpy(d, s, n);
	flush_lines(d, n);
}

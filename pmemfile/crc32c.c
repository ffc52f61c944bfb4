// SPDX-License-Identifier: BSD-3-Clause
/*
 * crc32c.c -- CRC32C (Castagnoli polynomial, reflected 0x82F63B78), as
 * iSCSI, ext4's metadata_csum and btrfs use it: the x86 crc32 instruction
 * of SSE4.2 computes it 8 bytes at a time; a byte-wise table serves CPUs
 * without it.
 */
#include <cpuid.h>
#include <pthread.h>
#include <string.h>
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#endif

#include "crc32c.h"

#define CRC32C_POLY 0x82F63B78u

static uint32_t table[256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_make(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		table[i] = c;
	}
}

uint32_t crc32c_table(uint32_t crc, const void *buf, size_t len)
{
	pthread_once(&table_once, table_make);
	const unsigned char *p = buf;
	uint32_t c = ~crc;
	while (len--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

/*
 * Bits x changed at byte k of the message change its CRC by the CRC, from 0
 * and without the inversions, of x followed by len - 1 - k zero bytes:
 * table[x] carried over those zeros. The change of each bit of byte k is
 * kept (basis), from the last byte to the first, one zero byte more at each
 * step; the 255 values of a byte are their sums, in Gray code order.
 */
int crc32c_locate_byte(uint32_t diff, size_t len, size_t *pos, uint8_t *bits)
{
	pthread_once(&table_once, table_make);
	uint32_t basis[8];
	int found = 0;
	for (unsigned b = 0; b < 8; b++)
		basis[b] = table[1u << b];
	for (size_t k = len; k-- > 0;) {
		uint32_t s = 0;
		for (unsigned g = 1; g < 256; g++) {
			s ^= basis[__builtin_ctz(g)];
			if (s != diff)
				continue;
			if (found++)
				return -1;
			*pos = k;
			*bits = (uint8_t)(g ^ (g >> 1));
		}
		for (unsigned b = 0; b < 8; b++)
			basis[b] = table[basis[b] & 0xff] ^ (basis[b] >> 8);
	}
	return found;
}

/*
 * a * b modulo the polynomial, both reflected (bit 31 is x^0): the CRC
 * register over zeros is a multiplication by a power of x.
 */
static uint32_t poly_mul(uint32_t a, uint32_t b)
{
	uint32_t p = 0;
	for (uint32_t m = 1u << 31; m && a; m >>= 1) {
		if (a & m) {
			p ^= b;
			a ^= m;
		}
		b = b & 1 ? (b >> 1) ^ CRC32C_POLY : b >> 1;
	}
	return p;
}

uint32_t crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2)
{
	/* x^(8 len2) by squares: sq is x^(2^k) */
	uint32_t shift = 1u << 31, sq = 1u << 30;
	for (uint64_t bits = len2 * 8; bits; bits >>= 1) {
		if (bits & 1)
			shift = poly_mul(sq, shift);
		sq = poly_mul(sq, sq);
	}
	return poly_mul(shift, crc1) ^ crc2;
}

#if defined(__x86_64__)
/*
 * The crc32 instruction takes 3 cycles to give its result and can start
 * one a cycle: one stream of 8-byte steps waits on itself two cycles of
 * three. So a block of 3 * CRC32C_LANE bytes is taken as three streams
 * run side by side, the second and third from 0, and joined after: the
 * CRC register (without the inversions) is linear in the register before
 * and the bytes, so the register after a, b, c of CRC32C_LANE bytes each
 * is Z(Z(R(s, a)) ^ R(0, b)) ^ R(0, c), where Z(x) is x carried over
 * CRC32C_LANE zero bytes: by the four tables of lane_zeros, a byte of x
 * each. A 4 KiB page is one block and 16 bytes.
 */
#define CRC32C_LANE 1360

static uint32_t lane_zeros[4][256];

static void lane_make(void)
{
	pthread_once(&table_once, table_make);
	/* the 32 bits carried over the zeros; a byte's value their sum */
	uint32_t bit[32];
	for (int b = 0; b < 32; b++) {
		uint32_t c = 1u << b;
		for (int k = 0; k < CRC32C_LANE; k++)
			c = table[c & 0xff] ^ (c >> 8);
		bit[b] = c;
	}
	for (int k = 0; k < 4; k++)
		for (unsigned v = 0; v < 256; v++) {
			uint32_t z = 0;
			for (int b = 0; b < 8; b++)
				if (v & (1u << b))
					z ^= bit[k * 8 + b];
			lane_zeros[k][v] = z;
		}
}

static uint32_t lane_shift(uint32_t c)
{
	return lane_zeros[0][c & 0xff] ^ lane_zeros[1][(c >> 8) & 0xff] ^
	       lane_zeros[2][(c >> 16) & 0xff] ^ lane_zeros[3][c >> 24];
}

__attribute__((target("sse4.2"))) static uint32_t
crc32c_sse42(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t c = ~crc;
	if (len >= 3 * CRC32C_LANE) {
		static pthread_once_t lane_once = PTHREAD_ONCE_INIT;
		pthread_once(&lane_once, lane_make);
	}
	for (; len >= 3 * CRC32C_LANE; len -= 3 * CRC32C_LANE) {
		uint64_t c1 = 0, c2 = 0;
		for (const unsigned char *end = p + CRC32C_LANE; p < end;
		     p += 8) {
			uint64_t w0, w1, w2;
			memcpy(&w0, p, 8);
			memcpy(&w1, p + CRC32C_LANE, 8);
			memcpy(&w2, p + 2 * CRC32C_LANE, 8);
			c = __builtin_ia32_crc32di(c, w0);
			c1 = __builtin_ia32_crc32di(c1, w1);
			c2 = __builtin_ia32_crc32di(c2, w2);
		}
		c = lane_shift(lane_shift((uint32_t)c) ^ (uint32_t)c1) ^
		    (uint32_t)c2;
		p += 2 * CRC32C_LANE;
	}
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
	}
	uint32_t c32 = (uint32_t)c;
	if (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		c32 = __builtin_ia32_crc32si(c32, w);
		p += 4;
		len -= 4;
	}
	for (; len; len--)
		c32 = __builtin_ia32_crc32qi(c32, *p++);
	return ~c32;
}

/*
 * Whether the crc32 instruction is there. glibc read cpuid once at start-up
 * and keeps the answer; asking cpuid again (or through libgcc's
 * __builtin_cpu_supports, whose constructor asks a dozen leaves in every
 * process) traps to the hypervisor in a virtual machine, about 5 us each.
 */
static int cpu_has_sse42(void)
{
#if __has_include(<sys/platform/x86.h>)
	return CPU_FEATURE_ACTIVE(SSE4_2) ? 1 : 0;
#else
	unsigned a, b, c, d;
	return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 20)) ? 1 : 0;
#endif
}

uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	static int hw = -1;
	int h = __atomic_load_n(&hw, __ATOMIC_RELAXED);
	if (h < 0) {
		h = cpu_has_sse42();
		__atomic_store_n(&hw, h, __ATOMIC_RELAXED);
	}
	return h ? crc32c_sse42(crc, buf, len) : crc32c_table(crc, buf, len);
}
#else
uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	return crc32c_table(crc, buf, len);
}
#endif

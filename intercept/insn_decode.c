/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * insn_decode.c -- a length decoder for x86-64 code: legacy prefixes, REX,
 * VEX, EVEX, the one-, two- and three-byte opcode maps, ModRM, SIB,
 * displacements and immediates. Opcodes it does not know or that CPUs
 * size differently (AMD XOP, 3DNow!, SSE4a, ud0 and ud1, a 66 prefix on a
 * near branch, EVEX rounding) make it fail, and the caller falls back to
 * capstone.
 */
#include <errno.h>
#include <string.h>

#include "insn_decode.h"

struct decoder {
	const uint8_t *code;
	size_t avail;
	size_t at;
	int rex_w;
	int opsize16; /* 66 prefix */
	int addr32;   /* 67 prefix */
	int rep;      /* f3 prefix */
	int repne;    /* f2 prefix */
	int legacy;   /* any legacy prefix */
	int memory;   /* a ModRM memory operand */
	int modrm_reg;
	uint8_t modrm_byte;
	struct insn_info *info;
};

static int next(struct decoder *d, uint8_t *byte)
{
	if (d->at >= d->avail || d->at >= 15)
		return -EINVAL;
	*byte = d->code[d->at++];
	return 0;
}

static int skip(struct decoder *d, size_t n)
{
	if (d->at + n > d->avail || d->at + n > 15)
		return -EINVAL;
	d->at += n;
	return 0;
}

static int is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26:
	case 0x2e:
	case 0x36:
	case 0x3e:
	case 0x64:
	case 0x65:
	case 0x66:
	case 0x67:
	case 0xf0:
	case 0xf2:
	case 0xf3:
		return 1;
	default:
		return 0;
	}
}

static void stays(struct decoder *d, int falls_through);

/* ModRM, then SIB and displacement as the addressing form asks. */
static int modrm(struct decoder *d)
{
	uint8_t m, sib;
	int mod, rm;

	if (next(d, &m) != 0)
		return -EINVAL;
	mod = m >> 6;
	rm = m & 7;
	d->modrm_reg = (m >> 3) & 7;
	d->modrm_byte = m;
	if (mod == 3)
		return 0;
	d->memory = 1;
	if (rm == 4) {
		if (next(d, &sib) != 0)
			return -EINVAL;
		if (mod == 0 && (sib & 7) == 5)
			return skip(d, 4);
	} else if (mod == 0 && rm == 5) {
		/* EIP-relative (67 prefix) cannot be moved: no offset given */
		if (!d->addr32)
			d->info->rip_disp = (uint8_t)d->at;
		else
			stays(d, 1);
		return skip(d, 4);
	}
	if (mod == 1)
		return skip(d, 1);
	if (mod == 2)
		return skip(d, 4);
	return 0;
}

static size_t imm_z(const struct decoder *d)
{
	return d->opsize16 && !d->rex_w ? 2 : 4;
}

static int branch(struct decoder *d, enum insn_kind kind, size_t size)
{
	/*
	 * A 66 prefix on a near branch: rel16 for capstone (and AMD), rel32
	 * for Intel. Not guessed: capstone, which the patcher follows, sizes
	 * it.
	 */
	if (size == 4 && d->opsize16)
		return -EINVAL;
	d->info->kind = (uint8_t)kind;
	d->info->rel_offset = (uint8_t)d->at;
	d->info->rel_size = (uint8_t)size;
	return skip(d, size);
}

static void stays(struct decoder *d, int falls_through)
{
	d->info->kind = INSN_FLOW;
	d->info->falls_through = (uint8_t)falls_through;
}

static int one_byte_ff_group(struct decoder *d, uint8_t op)
{
	int r = modrm(d);

	if (r != 0)
		return r;
	if (op == 0xf6 && d->modrm_reg < 2)
		return skip(d, 1);
	if (op == 0xf7 && d->modrm_reg < 2)
		return skip(d, imm_z(d));
	if (op == 0xff) {
		if (d->modrm_reg >= 2 && d->modrm_reg <= 5)
			stays(d, d->modrm_reg < 4);
		if (d->modrm_reg == 7)
			return -EINVAL;
	}
	return 0;
}

static int one_byte_low(struct decoder *d, uint8_t op)
{
	if (op < 0x40) {
		switch (op & 7) {
		case 0:
		case 1:
		case 2:
		case 3:
			return modrm(d);
		case 4:
			return skip(d, 1);
		case 5:
			return skip(d, imm_z(d));
		default:
			return -EINVAL; /* push/pop seg, daa...: not in 64-bit
					 */
		}
	}
	if (op < 0x60)
		return 0; /* push, pop */
	switch (op) {
	case 0x63:
		return modrm(d);
	case 0x68:
		return skip(d, imm_z(d));
	case 0x69:
		return modrm(d) ?: skip(d, imm_z(d));
	case 0x6a:
		return skip(d, 1);
	case 0x6b:
		return modrm(d) ?: skip(d, 1);
	case 0x6c:
	case 0x6d:
	case 0x6e:
	case 0x6f:
		return 0;
	default:
		break;
	}
	if (op >= 0x70 && op <= 0x7f)
		return branch(d, INSN_JCC, 1);
	return -EINVAL;
}

static int one_byte_mid(struct decoder *d, uint8_t op)
{
	if (op == 0x80 || op == 0x83)
		return modrm(d) ?: skip(d, 1);
	if (op == 0x81)
		return modrm(d) ?: skip(d, imm_z(d));
	if (op >= 0x84 && op <= 0x8e)
		return modrm(d);
	if (op == 0x8f) {
		int r = modrm(d);

		return r != 0 || d->modrm_reg != 0 ? -EINVAL : 0; /* XOP */
	}
	if (op == 0x90) {
		if (!d->rep)
			d->info->kind = INSN_NOP;
		return 0;
	}
	if (op == 0x82 || op == 0x9a)
		return -EINVAL;
	if (op < 0xa0)
		return 0;
	if (op <= 0xa3)
		return skip(d, d->addr32 ? 4 : 8); /* mov moffs */
	if (op == 0xa8)
		return skip(d, 1);
	if (op == 0xa9)
		return skip(d, imm_z(d));
	if (op < 0xb0)
		return 0;
	if (op < 0xb8)
		return skip(d, 1);
	return skip(d, d->rex_w ? 8 : imm_z(d));
}

static int one_byte_high(struct decoder *d, uint8_t op)
{
	int r;

	switch (op) {
	case 0xc0:
	case 0xc1:
		return modrm(d) ?: skip(d, 1);
	case 0xc2:
	case 0xca:
		stays(d, 0);
		return skip(d, 2);
	case 0xc3:
		d->info->kind = INSN_RET;
		d->info->falls_through = 0;
		return 0;
	case 0xc6:
	case 0xc7:
		r = modrm(d);
		if (r != 0)
			return r;
		if (d->modrm_byte != 0xf8)
			return skip(d, op == 0xc6 ? 1 : imm_z(d));
		stays(d, 1); /* xabort, xbegin (with its fallback address) */
		if (op == 0xc7 && imm_z(d) == 4)
			return branch(d, INSN_FLOW, 4);
		return skip(d, op == 0xc6 ? 1 : imm_z(d));
	case 0xc8:
		return skip(d, 3);
	case 0xc9:
		return 0;
	case 0xcb:
	case 0xcf:
		stays(d, 0);
		return 0;
	case 0xcc:
		d->info->kind = INSN_INT3;
		d->info->falls_through = 0;
		return 0;
	case 0xcd:
		stays(d, 1);
		return skip(d, 1);
	case 0xd0:
	case 0xd1:
	case 0xd2:
	case 0xd3:
		return modrm(d);
	case 0xd7:
		return 0;
	case 0xe0:
	case 0xe1:
	case 0xe2:
	case 0xe3: /* loop, jrcxz: never moved, but their target counts */
		r = branch(d, INSN_FLOW, 1);
		stays(d, 1);
		return r;
	case 0xe4:
	case 0xe5:
	case 0xe6:
	case 0xe7:
		return skip(d, 1);
	case 0xe8:
		return branch(d, INSN_CALL, 4);
	case 0xe9:
		d->info->falls_through = 0;
		return branch(d, INSN_JMP, 4);
	case 0xeb:
		d->info->falls_through = 0;
		return branch(d, INSN_JMP, 1);
	case 0xec:
	case 0xed:
	case 0xee:
	case 0xef:
	case 0xf5:
	case 0xf8:
	case 0xf9:
	case 0xfa:
	case 0xfb:
	case 0xfc:
	case 0xfd:
		return 0;
	case 0xf1:
		stays(d, 1);
		return 0;
	case 0xf4:
		stays(d, 0);
		return 0;
	case 0xf6:
	case 0xf7:
	case 0xfe:
	case 0xff:
		return one_byte_ff_group(d, op);
	default:
		if (op >= 0xd8 && op <= 0xdf)
			return modrm(d); /* x87 */
		return -EINVAL;
	}
}

static int two_byte_none(uint8_t op)
{
	switch (op) {
	case 0x05:
	case 0x06:
	case 0x07:
	case 0x08:
	case 0x09:
	case 0x0b:
	case 0x0e:
	case 0x30:
	case 0x31:
	case 0x32:
	case 0x33:
	case 0x34:
	case 0x35:
	case 0x37:
	case 0x77:
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa8:
	case 0xa9:
	case 0xaa:
		return 1;
	default:
		return op >= 0xc8 && op <= 0xcf; /* bswap */
	}
}

static int two_byte_invalid(uint8_t op)
{
	switch (op) {
	case 0x04:
	case 0x0a:
	case 0x0c:
	case 0x24:
	case 0x25:
	case 0x26:
	case 0x27:
	case 0x36:
	case 0x39:
	case 0x7a:
	case 0x7b:
	case 0xa6:
	case 0xa7:
		return 1;
	default:
		return op >= 0x3b && op <= 0x3f;
	}
}

static int two_byte_imm8(uint8_t op)
{
	switch (op) {
	case 0x70:
	case 0x71:
	case 0x72:
	case 0x73:
	case 0xa4:
	case 0xac:
	case 0xba:
	case 0xc2:
	case 0xc4:
	case 0xc5:
	case 0xc6:
		return 1;
	default:
		return 0;
	}
}

static int two_byte(struct decoder *d)
{
	uint8_t op;
	int r;

	if (next(d, &op) != 0 || two_byte_invalid(op))
		return -EINVAL;
	if (op == 0x38)
		return next(d, &op) ?: modrm(d);
	if (op == 0x3a)
		return next(d, &op) ?: modrm(d) ?: skip(d, 1);
	if (op >= 0x80 && op <= 0x8f)
		return branch(d, INSN_JCC, 4);
	if (two_byte_none(op)) {
		if (op == 0x05 && d->at == 2)
			d->info->kind = INSN_SYSCALL;
		else if (op == 0x05 || op == 0x07 || op == 0x34 || op == 0x35)
			stays(d, 1);
		else if (op == 0x0b)
			stays(d, 0);
		return 0;
	}
	/*
	 * Sized by capstone, not guessed: 3DNow! (0f 0f), SSE4a's extrq and
	 * insertq (66 or f2 0f 78/79: two immediates after ModRM, or none),
	 * ud1 and ud0 (0f b9, 0f ff: with ModRM on Intel, without on AMD).
	 */
	if (op == 0x0f || op == 0xb9 || op == 0xff ||
	    ((op == 0x78 || op == 0x79) && (d->opsize16 || d->repne)))
		return -EINVAL;
	/* mov to and from control and debug registers: ModRM is always a
	 * register pair, whatever its mod bits say */
	if (op >= 0x20 && op <= 0x23)
		return skip(d, 1);
	r = modrm(d);
	if (r != 0)
		return r;
	if (op == 0x1f && d->modrm_reg == 0)
		d->info->kind = INSN_NOP;
	if (op == 0x1e && d->rep && d->modrm_byte == 0xfa)
		stays(d, 1); /* endbr64 marks an indirect branch target */
	return two_byte_imm8(op) ? skip(d, 1) : 0;
}

/* VEX (c4, c5) and EVEX (62): the map decides ModRM and immediate. */
static int vector(struct decoder *d, uint8_t first)
{
	uint8_t p0 = 1, p2 = 0, op;
	int map;
	int r;

	if (first == 0xc5) {
		r = skip(d, 1);
		map = 1;
	} else if (first == 0xc4) {
		r = next(d, &p0) ?: skip(d, 1);
		map = p0 & 0x1f;
	} else {
		r = next(d, &p0) ?: skip(d, 2);
		map = p0 & 0x07;
		if (r == 0)
			p2 = d->code[d->at - 1];
	}
	if (r != 0 || next(d, &op) != 0)
		return -EINVAL;
	if (map < 1 || map == 4 || map == 7 || map > 7 ||
	    (first != 0x62 && map > 3))
		return -EINVAL;
	if (map == 1 && op == 0x77 && first != 0x62)
		return 0; /* vzeroupper, vzeroall */
	r = modrm(d);
	if (r != 0)
		return r;
	/* EVEX.b on registers (embedded rounding): capstone sizes it */
	if ((p2 & 0x10) && (d->modrm_byte >> 6) == 3)
		return -EINVAL;
	if (map == 3 || (map == 1 && two_byte_imm8(op) && op != 0xa4 &&
			 op != 0xac && op != 0xba))
		return skip(d, 1);
	return 0;
}

int insn_decode(const uint8_t *code, size_t avail, struct insn_info *info)
{
	struct decoder d = {.code = code, .avail = avail, .info = info};
	uint8_t op;
	int r;

	memset(info, 0, sizeof(*info));
	info->falls_through = 1;
	for (;;) {
		if (next(&d, &op) != 0)
			return -EINVAL;
		if (is_legacy_prefix(op)) {
			d.rex_w = 0; /* a REX before a legacy prefix is void */
			d.opsize16 |= op == 0x66;
			d.addr32 |= op == 0x67;
			d.rep |= op == 0xf3;
			d.repne |= op == 0xf2;
			d.legacy = 1;
			continue;
		}
		if ((op & 0xf0) == 0x40) {
			d.rex_w = (op & 8) != 0;
			continue;
		}
		break;
	}
	if (op == 0x0f)
		r = two_byte(&d);
	else if (op == 0xc4 || op == 0xc5 || op == 0x62)
		r = vector(&d, op);
	else if (op < 0x80)
		r = one_byte_low(&d, op);
	else if (op < 0xc0)
		r = one_byte_mid(&d, op);
	else
		r = one_byte_high(&d, op);
	if (r != 0)
		return r;
	info->length = (uint8_t)d.at;
	info->simple = !d.legacy && !d.memory && op != 0xc4 && op != 0xc5 &&
		       op != 0x62 &&
		       ((info->kind == INSN_PLAIN && op != 0x0f) ||
			info->kind == INSN_JCC || info->kind == INSN_JMP ||
			info->kind == INSN_CALL || info->kind == INSN_RET);
	return 0;
}

uintptr_t insn_branch_target(const uint8_t *code, const struct insn_info *in,
			     uintptr_t addr)
{
	int32_t rel32;

	if (in->rel_size == 1)
		return addr + in->length +
		       (uintptr_t)(intptr_t)(int8_t)code[in->rel_offset];
	memcpy(&rel32, code + in->rel_offset, 4);
	return addr + in->length + (uintptr_t)(intptr_t)rel32;
}

/* SPDX-License-Identifier: MIT */
/* Little-endian field reads from byte buffers, for on-disk formats whose fields may be unaligned. */
#pragma once

#include "include/efi/types.h"

static inline UINT16 get_le16(const UINT8 *p)
{
	return (UINT16)(p[0] | p[1] << 8);
}

static inline UINT32 get_le32(const UINT8 *p)
{
	return (UINT32)p[0] | (UINT32)p[1] << 8 | (UINT32)p[2] << 16 | (UINT32)p[3] << 24;
}

static inline UINT64 get_le64(const UINT8 *p)
{
	return get_le32(p) | (UINT64)get_le32(p + 4) << 32;
}

static inline void put_le16(UINT8 *p, UINT16 v)
{
	p[0] = (UINT8)v;
	p[1] = (UINT8)(v >> 8);
}

static inline void put_le32(UINT8 *p, UINT32 v)
{
	p[0] = (UINT8)v;
	p[1] = (UINT8)(v >> 8);
	p[2] = (UINT8)(v >> 16);
	p[3] = (UINT8)(v >> 24);
}

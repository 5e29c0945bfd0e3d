/* SPDX-License-Identifier: MIT */
/* The picture gop-pattern draws; tests/boot/test_gop.py computes the same from these numbers. */
#pragma once

/* Below the few text lines the app prints, inside the smallest mode (640x480). */
#define FILL_X 64
#define FILL_Y 160
#define FILL_W 512
#define FILL_H 256
#define FILL_R 0x20
#define FILL_G 0x40
#define FILL_B 0x80

/* A 128x64 source buffer; a 96x48 part of it, from (16, 8), is blitted with a Delta. */
#define SOURCE_W 128
#define SOURCE_H 64
#define SOURCE_R(x, y) ((x) * 2)
#define SOURCE_G(x, y) ((y) * 4)
#define SOURCE_B(x, y) (((x) ^ (y)) & 0xff)
#define BLIT_SX 16
#define BLIT_SY 8
#define BLIT_W 96
#define BLIT_H 48
#define BLIT_X 96
#define BLIT_Y 192
/* Copied on screen below and to the right, then that copy moved by (16, 8) over itself. */
#define COPY_X 240
#define COPY_Y 260
#define OVERLAP_X 256
#define OVERLAP_Y 268

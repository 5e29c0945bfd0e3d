#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Pack stage0's flash image: its C part compressed as one LZ4 block, then the start code.

    lz4pack.py OUT.rom BODY TAIL ROM_SIZE TAIL_SIZE [KEY_SLOT_OFFSET KEY_SLOT_SIZE]

BODY is the C part as linked for RAM (objcopy of .text .rodata .data .strata_symbols), TAIL the
last TAIL_SIZE bytes of the flash (.rom16 and the reset vector). The block format is LZ4's
(lz4/doc/lz4_Block_format.md): sequences of a token (literal length in the high nibble, match
length - 4 in the low one, 15 meaning "more in 255-runs"), the literals, a 16-bit little-endian
offset back into the output; the last sequence is literals only. reset.asm's decoder reads it.
The stage signing key's slot, KEY_SLOT_SIZE bytes at ROM offset KEY_SLOT_OFFSET inside the tail,
must be erased (0xff) in what is written: `mkimage rom --key` fills it in
(include/strata/stage_image.h).
The compressor is greedy with a hash of 4-byte prefixes and a short chain, which is plenty for
60 KiB; the same input always gives the same bytes.
"""
import sys

MIN_MATCH = 4
MAX_OFFSET = 0xFFFF
CHAIN = 64


def lengths(n):
    """The 255-run extension bytes of a length whose nibble was 15."""
    out = bytearray()
    while n >= 255:
        out.append(255)
        n -= 255
    out.append(n)
    return out


def sequence(literals, match_len=None, offset=None):
    lit = len(literals)
    token = min(lit, 15) << 4
    if match_len is not None:
        token |= min(match_len - MIN_MATCH, 15)
    out = bytearray([token])
    if lit >= 15:
        out += lengths(lit - 15)
    out += literals
    if match_len is not None:
        out += offset.to_bytes(2, "little")
        if match_len - MIN_MATCH >= 15:
            out += lengths(match_len - MIN_MATCH - 15)
    return out


def compress(data):
    out = bytearray()
    heads = {}
    anchor = i = 0
    n = len(data)
    while i + MIN_MATCH <= n:
        key = data[i:i + MIN_MATCH]
        best_len = best_off = 0
        for j in reversed(heads.get(key, [])[-CHAIN:]):
            if i - j > MAX_OFFSET:
                break
            k = MIN_MATCH
            while i + k < n and data[j + k] == data[i + k]:
                k += 1
            if k > best_len:
                best_len, best_off = k, i - j
        heads.setdefault(key, []).append(i)
        if best_len < MIN_MATCH:
            i += 1
            continue
        out += sequence(data[anchor:i], best_len, best_off)
        for p in range(i + 1, min(i + best_len, n - MIN_MATCH + 1)):
            heads.setdefault(data[p:p + MIN_MATCH], []).append(p)
        i += best_len
        anchor = i
    out += sequence(data[anchor:])
    return bytes(out)


def decompress(packed, size):
    """The decoder reset.asm implements, to check every image before it is written."""
    out = bytearray()
    p = 0
    while len(out) < size:
        token = packed[p]
        p += 1
        lit = token >> 4
        if lit == 15:
            while True:
                b = packed[p]
                p += 1
                lit += b
                if b != 255:
                    break
        out += packed[p:p + lit]
        p += lit
        if len(out) >= size:
            break
        offset = packed[p] | packed[p + 1] << 8
        p += 2
        m = token & 15
        if m == 15:
            while True:
                b = packed[p]
                p += 1
                m += b
                if b != 255:
                    break
        for _ in range(m + MIN_MATCH):
            out.append(out[-offset])
    return bytes(out)


def main():
    out, body_path, tail_path, rom_size, tail_size = sys.argv[1:6]
    rom_size, tail_size = int(rom_size, 0), int(tail_size, 0)
    slot = (int(sys.argv[6], 0), int(sys.argv[7], 0)) if len(sys.argv) > 7 else (0, 0)
    body = open(body_path, "rb").read()
    # stage0.ld ends the C part at a 16-byte boundary (__rom_copy_end), where the decoder stops.
    body += bytes(-len(body) % 16)
    tail = open(tail_path, "rb").read()
    if len(tail) != tail_size:
        sys.exit(f"lz4pack: {tail_path} is {len(tail)} bytes, expected {tail_size}")
    packed = compress(body)
    if decompress(packed, len(body)) != body:
        sys.exit("lz4pack: the packed C part does not decode to itself")
    room = rom_size - tail_size
    if len(packed) > room:
        sys.exit(f"lz4pack: stage0's C part packs to {len(packed)} bytes, over the {room} "
                 "bytes of flash below the start code")
    rom = packed + b"\xff" * (room - len(packed)) + tail
    if rom[slot[0]:slot[0] + slot[1]] != b"\xff" * slot[1]:
        sys.exit("lz4pack: the start code reaches into the stage key slot")
    with open(out, "wb") as f:
        f.write(rom)
    print(f"  SIZE    stage0.rom: {len(packed)} of {room} bytes used "
          f"(C code and data: {len(body)} bytes, LZ4)")


if __name__ == "__main__":
    main()

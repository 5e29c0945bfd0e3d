#!/bin/sh
# SPDX-License-Identifier: MIT
# Seed fuzz_gpt's corpus with a small valid GPT disk made by sgdisk (512-byte blocks, 128 entries).
set -e
out=$1
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
truncate -s 48K "$tmp"
sgdisk -n 1:34:+8K -t 1:ef00 -c 1:ESP -n 2:0:0 -t 2:8300 "$tmp" >/dev/null
cp "$tmp" "$out/sgdisk-two-partitions"

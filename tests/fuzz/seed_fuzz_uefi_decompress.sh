#!/bin/sh
# SPDX-License-Identifier: MIT
# Seed fuzz_uefi_decompress's corpus with real streams: small files UEFI-compressed by the encoder
# of tests/unit/test_uefi_decompress.c (its --compress mode): text, one long run, and binary
# code (the encoder's own). A missing encoder binary only skips the seeds.
set -e
out=$1
tool=${BUILD:-build}/tests/unit/test_uefi_decompress
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -x "$tool" ]; then
	head -c 3000 tests/fuzz/fuzz_uefi_decompress.c >"$tmp/text"
	"$tool" --compress "$tmp/text" "$out/text.z"
	printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab' >"$tmp/runs"
	"$tool" --compress "$tmp/runs" "$out/runs.z"
	head -c 4000 "$tool" >"$tmp/code"
	"$tool" --compress "$tmp/code" "$out/code.z"
else
	echo "seed_fuzz_uefi_decompress: $tool not built, no compressed seeds" >&2
fi

#!/bin/sh
# SPDX-License-Identifier: MIT
# Seed fuzz_auth_variable's corpus with a db write signed by a key made here, whose payload lists
# the signer's own certificate: the fuzzer trusts the payload, so the seed verifies end to end.
set -e
out=$1
fx=${SB_FIXTURES:-build/tests/secure-boot}
tools=$fx/root/usr/bin
[ -x "$tools/sign-efi-sig-list" ] || { echo "seed_fuzz_auth_variable: no efitools in $fx (make unit-tests)" >&2; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj /CN=strata-fuzz/ \
	-keyout "$work/k.key" -out "$work/k.crt" 2>/dev/null
"$tools/cert-to-efi-sig-list" -g 11111111-2222-3333-4444-555555555555 "$work/k.crt" "$work/k.esl" >/dev/null
"$tools/sign-efi-sig-list" -t '2026-01-01 00:00:00' -k "$work/k.key" -c "$work/k.crt" db \
	"$work/k.esl" "$out/db-self-signed.auth" >/dev/null

/* SPDX-License-Identifier: MIT */
/* Signed stages: `sign` and `wrap --sign` append a signature, `rom --key` fills the key slot. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/formats/stage_image.h"
#include "lib/sha256.h"
#include "mkimage/mkimage.h"

/*
 * The private key stays with openssl(1): mbedTLS's host build here is public-key only
 * (lib/crypto/rsa_public_only.c) and has no random number generator for RSA blinding.
 */
static const char sign_usage[] =
	"usage: mkimage sign --key KEY.pem IN.bin OUT.bin\n"
	"  sign a stage image (or sign it again) with an RSA-3072 private key\n";
static const char rom_usage[] =
	"usage: mkimage rom --key KEY.pem IN.rom OUT.rom\n"
	"  write the public half of KEY.pem (public or private PEM) into the\n"
	"  stage signing key slot of stage0.rom: stages must then be signed\n";

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The modulus of a PEM key (private or public), checked to be 3072 bits with e = 65537. */
static int key_modulus(const char *pem, uint8_t modulus[STAGE_SIGN_MODULUS_SIZE])
{
	const char *argv[] = { "openssl", "pkey", "-in", pem, "-noout", "-text", NULL, NULL };
	char line[1024], text[65536];
	int have_e = 0, in_modulus = 0;
	size_t n = 0, len = 0;
	uint8_t *bytes, *p;
	FILE *out;
	uint8_t *data;
	size_t size;

	if (mk_read_file(pem, 1 << 20, &data, &size) < 0)
		return -1;
	if (memmem(data, size, "PUBLIC KEY", 10))
		argv[6] = "-pubin";
	free(data);
	if (mk_run_output(argv, &out) < 0)
		return mk_error("%s: openssl cannot read this key", pem);
	/* "Modulus:" (or "modulus:") then hex lines "    00:c3:...", then "Exponent: 65537". */
	while (fgets(line, sizeof(line), out)) {
		if (strncasecmp(line, "modulus:", 8) == 0) {
			in_modulus = 1;
			continue;
		}
		if (in_modulus && line[0] == ' ') {
			for (char *c = line; *c; c++)
				if (hex_value(*c) >= 0 && len < sizeof(text))
					text[len++] = *c;
			continue;
		}
		in_modulus = 0;
		if (strncasecmp(line, "publicExponent: 65537 ", 22) == 0 ||
		    strncasecmp(line, "Exponent: 65537 ", 16) == 0)
			have_e = 1;
	}
	fclose(out);
	bytes = malloc(len / 2 + 1);
	if (!bytes)
		return mk_error("out of memory");
	for (size_t i = 0; i + 1 < len; i += 2)
		bytes[n++] = (uint8_t)(hex_value(text[i]) << 4 | hex_value(text[i + 1]));
	/* openssl prints a leading 00 when the top bit is set. */
	p = bytes;
	while (n > STAGE_SIGN_MODULUS_SIZE && *p == 0) {
		p++;
		n--;
	}
	if (n != STAGE_SIGN_MODULUS_SIZE || !(p[0] & 0x80) || !have_e) {
		free(bytes);
		return mk_error("%s: not an RSA-3072 key with exponent 65537 (make one with "
				"'openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072')",
				pem);
	}
	memcpy(modulus, p, STAGE_SIGN_MODULUS_SIZE);
	free(bytes);
	return 0;
}

int mk_sign_stage(const struct stage_image_header *header, const char *pem,
		  struct stage_image_signature *ret_sig)
{
	uint8_t modulus[STAGE_SIGN_MODULUS_SIZE];
	char *work, header_path[4096], sig_path[4096];
	uint8_t *sig;
	size_t size;
	int r = -1;

	memset(ret_sig, 0, sizeof(*ret_sig));
	if (key_modulus(pem, modulus) < 0)
		return -1;
	if (mk_temp_dir(&work) < 0)
		return -1;
	snprintf(header_path, sizeof(header_path), "%s/header", work);
	snprintf(sig_path, sizeof(sig_path), "%s/signature", work);
	if (mk_write_file_atomic(header_path, header, sizeof(*header)) < 0)
		goto out;
	{
		/* RSA keys sign with PKCS#1 v1.5 padding unless told otherwise. */
		const char *argv[] = { "openssl", "dgst",   "-sha256",	 "-sign", pem,
				       "-out",	  sig_path, header_path, NULL };

		if (mk_run_quiet(argv) < 0) {
			mk_error("%s: openssl could not sign with this key (a private key?)", pem);
			goto out;
		}
	}
	if (mk_read_file(sig_path, 4096, &sig, &size) < 0)
		goto out;
	if (size == sizeof(ret_sig->signature)) {
		memcpy(ret_sig->magic, STAGE_SIGNATURE_MAGIC, sizeof(ret_sig->magic));
		ret_sig->algorithm = STAGE_SIGN_RSA3072_SHA256;
		ret_sig->size = sizeof(*ret_sig);
		sha256(modulus, sizeof(modulus), ret_sig->key_id);
		memcpy(ret_sig->signature, sig, size);
		r = 0;
	} else {
		mk_error("%s: openssl made a %zu-byte signature, not %zu", pem, size,
			 sizeof(ret_sig->signature));
	}
	free(sig);
out:
	mk_remove_tree(work);
	free(work);
	return r;
}

const struct stage_image_signature *mk_stage_signature(const void *data, size_t size)
{
	const struct stage_image_header *h = data;
	const struct stage_image_signature *sig;

	if (size < sizeof(*h) || size - sizeof(*h) < h->body_size ||
	    size - sizeof(*h) - h->body_size < sizeof(*sig))
		return NULL;
	sig = (const void *)((const uint8_t *)data + sizeof(*h) + h->body_size);
	if (memcmp(sig->magic, STAGE_SIGNATURE_MAGIC, sizeof(sig->magic)) != 0)
		return NULL;
	return sig;
}

void mk_print_key_id(const char *what, const uint8_t id[32])
{
	printf("%s", what);
	for (int i = 0; i < 32; i++)
		printf("%02x", id[i]);
	printf("\n");
}

/* The two commands share one shape: --key KEY.pem IN OUT. */
static int parse_key_in_out(int argc, char **argv, const char *usage, const char **ret_key)
{
	static const struct option options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*ret_key = NULL;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'k':
			*ret_key = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case ':':
			return mk_error("%s: option %s needs a value", argv[0], argv[optind - 1]);
		default:
			return mk_error("%s: unknown option '%s' (see mkimage %s --help)", argv[0],
					argv[optind - 1], argv[0]);
		}
	}
	if (!*ret_key)
		return mk_error("%s: --key KEY.pem is required", argv[0]);
	if (argc - optind != 2)
		return mk_error("%s: need IN and OUT (see mkimage %s --help)", argv[0], argv[0]);
	return 0;
}

int cmd_sign(int argc, char **argv)
{
	struct stage_image_header h;
	struct stage_image_signature sig;
	const char *key, *in, *out;
	uint8_t *data;
	size_t size, keep;
	int r = 1;

	if (parse_key_in_out(argc, argv, sign_usage, &key) < 0)
		return 2;
	in = argv[optind];
	out = argv[optind + 1];
	if (mk_read_file(in, STAGE_FILE_MAX, &data, &size) < 0)
		return 1;
	memcpy(&h, data, size < sizeof(h) ? size : sizeof(h));
	/* Either kind is signed alike: check the image as the kind it says it is. */
	if (mk_check_stage_buffer(in, data, size, size < sizeof(h) ? 0 : h.kind, NULL) < 0)
		goto out;
	/* An old signature (or any trailer) is dropped: the new one follows the body. */
	keep = sizeof(h) + h.body_size;
	if (mk_sign_stage(&h, key, &sig) < 0)
		goto out;
	data = realloc(data, keep + sizeof(sig));
	if (!data) {
		mk_error("out of memory");
		return 1;
	}
	memcpy(data + keep, &sig, sizeof(sig));
	if (mk_write_file_atomic(out, data, keep + sizeof(sig)) < 0)
		goto out;
	mk_print_key_id("signed by key ", sig.key_id);
	r = 0;
out:
	free(data);
	return r;
}

int cmd_rom(int argc, char **argv)
{
	struct stage_key_slot slot;
	const char *key, *in, *out;
	uint8_t *rom;
	size_t size;
	int r = 1;

	if (parse_key_in_out(argc, argv, rom_usage, &key) < 0)
		return 2;
	in = argv[optind];
	out = argv[optind + 1];
	if (mk_read_file(in, 1 << 20, &rom, &size) < 0)
		return 1;
	if (size != 65536 || rom[size - 16] == 0xff) {
		mk_error("%s: not a Strata stage0.rom (64 KiB with a reset vector)", in);
		goto out;
	}
	for (size_t i = 0; i < STAGE_KEY_SLOT_SIZE; i++) {
		/* Erased or holding a key: a ROM from before the slot has code there. */
		if (rom[STAGE_KEY_SLOT_ROM_OFFSET + i] != 0xff &&
		    memcmp(rom + STAGE_KEY_SLOT_ROM_OFFSET, STAGE_KEY_MAGIC, 8) != 0) {
			mk_error("%s: no free stage signing key slot (a ROM built before signed "
				 "stages?)",
				 in);
			goto out;
		}
	}
	memset(&slot, 0, sizeof(slot));
	if (key_modulus(key, slot.modulus) < 0)
		goto out;
	stage_key_seal(&slot);
	if (stage_key_check(&slot) != EFI_SUCCESS) {
		mk_error("%s: the key slot does not check after sealing", key);
		goto out;
	}
	/* The slot is erased flash in a ROM as built; a key written before is replaced. */
	memset(rom + STAGE_KEY_SLOT_ROM_OFFSET, 0xff, STAGE_KEY_SLOT_SIZE);
	memcpy(rom + STAGE_KEY_SLOT_ROM_OFFSET, &slot, sizeof(slot));
	if (mk_write_file_atomic(out, rom, size) < 0)
		goto out;
	mk_print_key_id("stage signing key ", slot.key_id);
	r = 0;
out:
	free(rom);
	return r;
}

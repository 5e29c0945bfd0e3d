/* SPDX-License-Identifier: MIT */
/* Reading OVMF's variable store (an edk2 firmware volume) for its Secure Boot key lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/signature_list.h"
#include "mkimage/mkimage.h"

/* edk2's layout (MdeModulePkg VariableFormat.h): the FV header, then a variable store header
 * signed with gEfiAuthenticatedVariableGuid, then 4-byte aligned authenticated variables. */
#define FV_SIGNATURE_OFFSET 40		/* "_FVH" */
#define FV_HEADER_LENGTH_OFFSET 48	/* UINT16 */
#define STORE_HEADER_SIZE 28
#define VAR_HEADER_SIZE 60
#define VAR_START_ID 0x55aa
#define VAR_ADDED 0x3f

static const uint8_t auth_store_guid[16] = { 0x78, 0x2c, 0xf3, 0xaa, 0x7b, 0x94, 0x9a, 0x43,
					     0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92 };

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The ASCII name a UTF-16 name is, if it is one of at most 7 characters. */
static int ascii_name(const uint8_t *p, uint32_t size, char out[8])
{
	if (size < 4 || size > 16 || size % 2 || p[size - 2] || p[size - 1])
		return 0;
	for (uint32_t i = 0; i < size / 2; i++) {
		if (p[2 * i + 1] || (i + 1 < size / 2 && !p[2 * i]))
			return 0;
		out[i] = (char)p[2 * i];
	}
	return 1;
}

static int write_list(const char *dir, const char *name, const uint8_t *data, uint32_t size)
{
	char path[4096];

	if (signature_list_check(data, size) != EFI_SUCCESS)
		return mk_error("OVMF store's %s is not an EFI_SIGNATURE_LIST", name);
	snprintf(path, sizeof(path), "%s/%s.esl", dir, name);
	return mk_write_file_atomic(path, data, size);
}

int ovmf_vars_import(const char *fd, const char *dir)
{
	static const char *const keys[] = { "PK", "KEK", "db", "dbx" };
	unsigned found = 0;
	uint8_t *img;
	size_t size, off, end;
	int r = 1;

	if (mk_read_file(fd, 64u << 20, &img, &size))
		return 1;
	if (size < 64 || memcmp(img + FV_SIGNATURE_OFFSET, "_FVH", 4)) {
		mk_error("%s: not an edk2 firmware volume", fd);
		goto out;
	}
	off = img[FV_HEADER_LENGTH_OFFSET] | img[FV_HEADER_LENGTH_OFFSET + 1] << 8;
	if (off + STORE_HEADER_SIZE > size || memcmp(img + off, auth_store_guid, 16)) {
		mk_error("%s: no authenticated variable store", fd);
		goto out;
	}
	end = off + le32(img + off + 16);
	if (end > size)
		end = size;
	off += STORE_HEADER_SIZE;
	while (off + VAR_HEADER_SIZE <= end && (img[off] | img[off + 1] << 8) == VAR_START_ID) {
		uint32_t name_size = le32(img + off + 36), data_size = le32(img + off + 40);
		const uint8_t *name = img + off + VAR_HEADER_SIZE;
		char ascii[8];

		if (name_size > end - off - VAR_HEADER_SIZE ||
		    data_size > end - off - VAR_HEADER_SIZE - name_size) {
			mk_error("%s: variable at 0x%zx runs past the store", fd, off);
			goto out;
		}
		if (img[off + 2] == VAR_ADDED && ascii_name(name, name_size, ascii)) {
			for (unsigned k = 0; k < 4; k++) {
				if (strcmp(ascii, keys[k]))
					continue;
				if (write_list(dir, ascii, name + name_size, data_size))
					goto out;
				found |= 1u << k;
			}
		}
		off = (off + VAR_HEADER_SIZE + name_size + data_size + 3) & ~(size_t)3;
	}
	if ((found & 7) != 7) {
		mk_error("%s: no %s: not a Secure Boot varstore (e.g. OVMF_VARS_4M.ms.fd)", fd,
			 !(found & 1) ? "PK" : !(found & 2) ? "KEK" : "db");
		goto out;
	}
	r = 0;
out:
	free(img);
	return r;
}

int ovmf_vars_x509_list(const char *der, const char *out, const EFI_GUID *owner)
{
	static const uint8_t x509_guid[16] = { 0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
					       0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72 };
	uint8_t *cert, *list;
	size_t size;
	uint32_t total, entry;
	int r;

	if (mk_read_file(der, 64u << 10, &cert, &size))
		return 1;
	if (size < 2 || cert[0] != 0x30) {
		free(cert);
		return mk_error("%s: not a DER certificate", der);
	}
	entry = (uint32_t)(16 + size);
	total = 28 + entry;
	list = calloc(1, total);
	if (!list) {
		free(cert);
		return mk_error("out of memory");
	}
	memcpy(list, x509_guid, 16);
	memcpy(list + 16, &total, 4);	/* little-endian host: x86-64 */
	memcpy(list + 24, &entry, 4);
	memcpy(list + 28, owner, 16);
	memcpy(list + 44, cert, size);
	free(cert);
	r = mk_write_file_atomic(out, list, total);
	free(list);
	return r ? 1 : 0;
}

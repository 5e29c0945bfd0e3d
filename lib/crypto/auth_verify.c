/* SPDX-License-Identifier: MIT */
/* Verifies an authenticated write of a Secure Boot key variable: format, timestamp, signer. */
#include <mbedtls/platform.h>

#include "include/efi/runtime_services.h"
#include "lib/crypto/auth_verify.h"
#include "lib/crypto/image_verify.h"
#include "lib/crypto/pkcs7.h"
#include "lib/crypto/signature_list.h"
#include "lib/endian.h"
#include "lib/string.h"

static const EFI_GUID cert_x509 = EFI_CERT_X509_GUID;

EFI_STATUS auth_variable_verify(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
				const struct auth_variable *av, const void *trusted,
				UINTN trusted_size)
{
	UINTN size = auth_variable_message(name, guid, attributes, av, NULL);
	UINT8 *message;
	struct pkcs7 p7;
	BOOLEAN ok = FALSE;
	EFI_STATUS status;

	if (EFI_ERROR(pkcs7_parse_detached(av->pkcs7, av->pkcs7_size, &p7)))
		return EFI_SECURITY_VIOLATION;
	message = mbedtls_calloc(1, size);
	if (!message)
		return EFI_OUT_OF_RESOURCES;
	auth_variable_message(name, guid, attributes, av, message);
	p7.content = message;
	p7.content_size = size;
	status = image_verify_signed_by(&p7, trusted, trusted_size, &ok);
	mbedtls_free(message);
	if (status == EFI_OUT_OF_RESOURCES)
		return status;
	return !EFI_ERROR(status) && ok ? EFI_SUCCESS : EFI_SECURITY_VIOLATION;
}

/* PK holds one X.509 certificate: one list of that type with one entry (EDK2 refuses more). */
static BOOLEAN pk_format(const UINT8 *data, UINTN size)
{
	return size >= SIGNATURE_LIST_HEADER_SIZE && get_le32(data + 16) == size &&
	       signature_guid_equal((const EFI_GUID *)data, &cert_x509) &&
	       get_le32(data + 24) == size - SIGNATURE_LIST_HEADER_SIZE - get_le32(data + 20);
}

EFI_STATUS auth_write_check(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
			    const void *data, UINTN size, struct auth_write *w, UINT8 *merge_buf)
{
	BOOLEAN append = (attributes & EFI_VARIABLE_APPEND_WRITE) != 0;
	struct auth_variable av;
	EFI_STATUS status;

	if ((attributes & ~(UINT32)EFI_VARIABLE_APPEND_WRITE) != AUTH_WRITE_ATTRIBUTES)
		return EFI_INVALID_PARAMETER;
	if (EFI_ERROR(auth_variable_parse(data, size, &av)))
		return EFI_SECURITY_VIOLATION;
	if (w->trusted) {
		if (!append && w->stored_time &&
		    auth_variable_time_compare(av.timestamp, w->stored_time) <= 0)
			return EFI_SECURITY_VIOLATION;
		status = auth_variable_verify(name, guid, attributes, &av, w->trusted,
					      w->trusted_size);
		if (EFI_ERROR(status))
			return status;
	}
	if (EFI_ERROR(signature_list_check(av.data, av.data_size)) ||
	    (w->is_pk && av.data_size && !pk_format(av.data, av.data_size)))
		return EFI_INVALID_PARAMETER;

	memcpy(w->time, av.timestamp, AUTH_VARIABLE_TIME_SIZE);
	w->value = av.data;
	w->value_size = av.data_size;
	if (!append)
		return EFI_SUCCESS;
	/* An append never moves the timestamp back (EDK2 keeps the later one). */
	if (w->stored_time && auth_variable_time_compare(av.timestamp, w->stored_time) < 0)
		memcpy(w->time, w->stored_time, AUTH_VARIABLE_TIME_SIZE);
	status = auth_variable_append(w->stored, w->stored_size, av.data, av.data_size, merge_buf,
				      &w->value_size);
	if (EFI_ERROR(status))
		return EFI_INVALID_PARAMETER;
	if (w->is_pk && w->value_size && !pk_format(merge_buf, w->value_size))
		return EFI_INVALID_PARAMETER;
	w->value = merge_buf;
	return EFI_SUCCESS;
}

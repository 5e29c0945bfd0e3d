/* SPDX-License-Identifier: MIT */
/* The Security arch protocols (PI 1.8 Vol 2 §12.8-12.9) with UEFI image verification against db and dbx (UEFI 2.10 §32.5). */
#include "include/efi/protocol/security.h"
#include "lib/crypto/image_verify.h"
#include "lib/crypto/signature_list.h"
#include "lib/drivers/fw_cfg.h"
#include "lib/formats/device_path.h"
#include "lib/string.h"
#include "stage1/core/handles.h"
#include "stage1/core/memory.h"
#include "stage1/core/security.h"
#include "stage1/core/system_table.h"

#define LOG_PREFIX "secure boot: "
#include "lib/log.h"

static const EFI_GUID security_guid = EFI_SECURITY_ARCH_PROTOCOL_GUID;
static const EFI_GUID security2_guid = EFI_SECURITY2_ARCH_PROTOCOL_GUID;
static const EFI_GUID global_guid = EFI_GLOBAL_VARIABLE;
static const EFI_GUID image_db_guid = EFI_IMAGE_SECURITY_DATABASE_GUID;

/* The owner's db or dbx could not be set: refuse every image rather than trust a partial set. */
static BOOLEAN keys_unusable;

/* mbedTLS's allocator (lib/crypto/mbedtls_config.h): stage1's pool, zeroed as calloc must. */
void *crypto_calloc(__SIZE_TYPE__ count, __SIZE_TYPE__ size)
{
	__SIZE_TYPE__ total;

	if (__builtin_mul_overflow(count, size, &total))
		return NULL;
	return pool_zalloc(total ? total : 1);
}

void crypto_free(void *buffer)
{
	pool_free(buffer);
}

EFI_STATUS security_variable_read(const CHAR16 *name, const EFI_GUID *guid, void **ret_data,
				  UINTN *ret_size, UINT32 *ret_attributes)
{
	EFI_RUNTIME_SERVICES *rt = efi_st->RuntimeServices;
	UINTN size = 0;
	EFI_STATUS status;
	void *data;

	*ret_data = NULL;
	*ret_size = 0;
	status = rt->GetVariable((CHAR16 *)name, (EFI_GUID *)guid, ret_attributes, &size, NULL);
	if (status == EFI_NOT_FOUND)
		return EFI_SUCCESS;
	if (status != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(status) ? status : EFI_SUCCESS;
	data = pool_alloc(EfiBootServicesData, size);
	if (!data)
		return EFI_OUT_OF_RESOURCES;
	status = rt->GetVariable((CHAR16 *)name, (EFI_GUID *)guid, NULL, &size, data);
	if (EFI_ERROR(status)) {
		pool_free(data);
		return status;
	}
	*ret_data = data;
	*ret_size = size;
	return EFI_SUCCESS;
}

/* UEFI 2.10 §32.3: images are checked in user and deployed mode, SecureBoot 1 and SetupMode 0. */
BOOLEAN security_enforced(void)
{
	UINT8 secure = 0, setup = 1;
	UINTN size = 1;

	if (EFI_ERROR(efi_st->RuntimeServices->GetVariable(u"SecureBoot", (EFI_GUID *)&global_guid,
							   NULL, &size, &secure)))
		return FALSE;
	size = 1;
	if (EFI_ERROR(efi_st->RuntimeServices->GetVariable(u"SetupMode", (EFI_GUID *)&global_guid,
							   NULL, &size, &setup)))
		setup = 0;
	return secure == 1 && setup != 1;
}

static void log_refusal(const EFI_DEVICE_PATH_PROTOCOL *file, const char *reason)
{
	CHAR16 text[160];

	if (file && device_path_to_text(file, TRUE, text, sizeof(text) / sizeof(text[0])))
		log_error("refused %ls: %s", text, reason);
	else
		log_error("refused an image from memory: %s", reason);
}

static EFI_STATUS EFIAPI efi_file_authentication(const EFI_SECURITY2_ARCH_PROTOCOL *This,
						 const EFI_DEVICE_PATH_PROTOCOL *File,
						 VOID *FileBuffer, UINTN FileSize,
						 BOOLEAN BootPolicy)
{
	struct image_verify_keys keys;
	const char *reason = "";
	void *db, *dbx;
	EFI_STATUS status;

	if (!security_enforced())
		return EFI_SUCCESS;
	/* A call with a path only (no buffer) asks about the device: no policy of ours there. */
	if (!FileBuffer)
		return EFI_SUCCESS;
	if (keys_unusable) {
		log_refusal(File, "the Secure Boot keys from fw_cfg are unusable");
		return EFI_ACCESS_DENIED;
	}
	status = security_variable_read(u"db", &image_db_guid, &db, &keys.db_size, NULL);
	if (EFI_ERROR(status)) {
		log_refusal(File, "db unreadable");
		return EFI_ACCESS_DENIED;
	}
	status = security_variable_read(u"dbx", &image_db_guid, &dbx, &keys.dbx_size, NULL);
	if (EFI_ERROR(status)) {
		pool_free(db);
		log_refusal(File, "dbx unreadable");
		return EFI_ACCESS_DENIED;
	}
	keys.db = db;
	keys.dbx = dbx;
	status = image_verify(FileBuffer, FileSize, &keys, &reason);
	pool_free(db);
	pool_free(dbx);
	if (status == EFI_OUT_OF_RESOURCES)
		reason = "out of memory";
	if (EFI_ERROR(status)) {
		log_refusal(File, reason);
		return EFI_ACCESS_DENIED;
	}
	return EFI_SUCCESS;
}

/*
 * Images from firmware volumes carry an authentication status; Strata loads none, so the
 * first-generation protocol has nothing to refuse (EDK2 calls it for FV images only).
 */
static EFI_STATUS EFIAPI efi_file_authentication_state(const EFI_SECURITY_ARCH_PROTOCOL *This,
						       UINT32 AuthenticationStatus,
						       const EFI_DEVICE_PATH_PROTOCOL *File)
{
	return EFI_SUCCESS;
}

static EFI_SECURITY_ARCH_PROTOCOL security = { efi_file_authentication_state };
static EFI_SECURITY2_ARCH_PROTOCOL security2 = { efi_file_authentication };

EFI_STATUS security_init(void)
{
	EFI_HANDLE handle = NULL;
	EFI_STATUS status;

	status = handle_install(&handle, &security_guid, &security);
	if (EFI_ERROR(status))
		return status;
	return handle_install(&handle, &security2_guid, &security2);
}

EFI_STATUS security_authenticate(const EFI_DEVICE_PATH_PROTOCOL *path, void *buf, UINTN size,
				 BOOLEAN boot_policy)
{
	/* Through the table, not our function: whoever patched FileAuthentication decides. */
	return security2.FileAuthentication(&security2, path, buf, size, boot_policy);
}

unsigned security_provision_keys(EFI_RUNTIME_SERVICES *rt,
				 EFI_STATUS (*lock)(const CHAR16 *name, const EFI_GUID *guid),
				 void (*drop)(const CHAR16 *name, const EFI_GUID *guid))
{
	static const struct {
		const char *file;
		const CHAR16 *name;
		const EFI_GUID *guid;
	} keys[] = {
		{ "opt/strata/secure-boot/db", u"db", &image_db_guid },
		{ "opt/strata/secure-boot/dbx", u"dbx", &image_db_guid },
		{ "opt/strata/secure-boot/PK", u"PK", &global_guid },
		{ "opt/strata/secure-boot/KEK", u"KEK", &global_guid },
	};
	unsigned provided = 0;
	UINT16 select;
	UINT32 size;
	UINTN got;
	void *buf;
	EFI_STATUS status;

	for (UINTN i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (EFI_ERROR(fw_cfg_find(keys[i].file, &select, &size)) || !size)
			continue;
		buf = pool_alloc(EfiBootServicesData, size);
		if (!buf) {
			log_warn("%s: out of memory", keys[i].file);
			continue;
		}
		status = fw_cfg_read_file(keys[i].file, buf, size, &got);
		if (!EFI_ERROR(status) && (got != size || EFI_ERROR(signature_list_check(buf, size))))
			status = EFI_COMPROMISED_DATA;
		/*
		 * Boot-time and runtime readable, volatile, then locked: the guest cannot change
		 * them. A variable of that name the guest left in the store goes first.
		 */
		if (!EFI_ERROR(status)) {
			drop(keys[i].name, keys[i].guid);
			status = rt->SetVariable((CHAR16 *)keys[i].name, (EFI_GUID *)keys[i].guid,
						 EFI_VARIABLE_BOOTSERVICE_ACCESS |
							 EFI_VARIABLE_RUNTIME_ACCESS,
						 size, buf);
		}
		if (!EFI_ERROR(status))
			status = lock(keys[i].name, keys[i].guid);
		pool_free(buf);
		provided |= 1u << i;
		if (EFI_ERROR(status)) {
			/* The owner asked for Secure Boot: fail closed, not open. */
			keys_unusable = TRUE;
			log_error_status(status, "%s unusable (not a signature list?): every image will be refused",
					 keys[i].file);
			continue;
		}
		log_info("%ls from fw_cfg, %u bytes", keys[i].name, size);
	}
	return provided;
}

/* SPDX-License-Identifier: MIT */
/* Time-based authenticated SetVariable of PK, KEK, db and dbx, and the mode variables they drive (UEFI 2.10 §8.2.2, §32.3). */
#include "include/efi/protocol/security.h"
#include "lib/crypto/auth_verify.h"
#include "lib/crypto/signature_list.h"
#include "lib/string.h"
#include "stage1/core/auth_vars.h"
#include "stage1/core/memory.h"
#include "stage1/core/security.h"

#define LOG_PREFIX "secure boot: "
#include "lib/log.h"

static const EFI_GUID global_guid = EFI_GLOBAL_VARIABLE;
static const EFI_GUID image_db_guid = EFI_IMAGE_SECURITY_DATABASE_GUID;

enum key { KEY_PK, KEY_KEK, KEY_DB, KEY_DBX, KEY_DBT, KEY_DBR, KEY_COUNT, KEY_MODE, KEY_NONE };

static const CHAR16 *const key_names[KEY_COUNT] = { u"PK", u"KEK", u"db", u"dbx", u"dbt", u"dbr" };
/* Read-only globals (§3.3): what the firmware says, never what a caller writes. */
static const CHAR16 *const mode_names[] = { u"SecureBoot", u"SetupMode", u"AuditMode",
					     u"DeployedMode", u"SignatureSupport", u"VendorKeys" };

static struct runtime_exports *ex;
static EFI_RUNTIME_SERVICES *blob;
/* db from the owner (fw_cfg) turns image checks on even with no PK (docs/secure-boot.md). */
static BOOLEAN owner_db;

static BOOLEAN name_is(const CHAR16 *a, const CHAR16 *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static enum key classify(const CHAR16 *name, const EFI_GUID *guid)
{
	if (!name || !guid)
		return KEY_NONE;
	for (UINTN i = 0; i < KEY_COUNT; i++)
		if (name_is(name, key_names[i]))
			return signature_guid_equal(guid, i < KEY_DB ? &global_guid : &image_db_guid)
				       ? (enum key)i
				       : KEY_NONE;
	if (!signature_guid_equal(guid, &global_guid))
		return KEY_NONE;
	for (UINTN i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
		if (name_is(name, mode_names[i]))
			return KEY_MODE;
	return KEY_NONE;
}

static const EFI_GUID *key_guid(enum key k)
{
	return k < KEY_DB ? &global_guid : &image_db_guid;
}

/* A whole key variable in pool memory (*ret NULL, size 0 when absent), and its attributes. */
static EFI_STATUS read_key(enum key k, UINT8 **ret, UINTN *ret_size, UINT32 *ret_attributes)
{
	return security_variable_read(key_names[k], key_guid(k), (void **)ret, ret_size,
				      ret_attributes);
}

static BOOLEAN have_pk(void)
{
	UINTN size = 0;

	return blob->GetVariable(u"PK", (EFI_GUID *)&global_guid, NULL, &size, NULL) ==
	       EFI_BUFFER_TOO_SMALL;
}

static void set_mode(const CHAR16 *name, const void *value, UINTN size)
{
	EFI_STATUS status = EFI_SUCCESS;

	/* A second try after deleting what an older Strata let the guest store under that name. */
	for (int i = 0; i < 2; i++) {
		if (i)
			blob->SetVariable((CHAR16 *)name, (EFI_GUID *)&global_guid, 0, 0, NULL);
		status = blob->SetVariable((CHAR16 *)name, (EFI_GUID *)&global_guid,
					   EFI_VARIABLE_BOOTSERVICE_ACCESS |
						   EFI_VARIABLE_RUNTIME_ACCESS,
					   size, (VOID *)value);
		if (!EFI_ERROR(status))
			return;
	}
	log_warn_status(status, "%ls not set", name);
}

/* User mode once PK exists (§32.3), and then images are checked; setup mode without one. */
static void update_modes(void)
{
	UINT8 user = have_pk(), secure = user || owner_db, setup = !user && !owner_db;

	set_mode(u"SetupMode", &setup, 1);
	set_mode(u"SecureBoot", &secure, 1);
}

/* The owner's key replaces what the store held, authenticated or not. */
static void drop_key(const CHAR16 *name, const EFI_GUID *guid)
{
	blob->SetVariable((CHAR16 *)name, (EFI_GUID *)guid, 0, 0, NULL);
	if (ex)
		ex->set_authenticated(name, guid, AUTH_WRITE_ATTRIBUTES, NULL, 0);
}

void auth_vars_init(struct runtime_exports *exports, EFI_RUNTIME_SERVICES *services)
{
	static const EFI_GUID supported[] = { EFI_CERT_SHA1_GUID, EFI_CERT_SHA256_GUID,
					      EFI_CERT_X509_GUID };
	static const UINT8 zero;
	unsigned from_owner;
	UINT32 attributes;
	UINTN size;

	blob = services;
	if (exports->size >= __builtin_offsetof(struct runtime_exports, get_authenticated_time) +
				     sizeof(exports->get_authenticated_time))
		ex = exports;
	/* A key an older Strata let the guest store without a signature does not count. */
	for (UINTN k = 0; k < KEY_COUNT; k++) {
		size = 0;
		if (blob->GetVariable((CHAR16 *)key_names[k], (EFI_GUID *)key_guid(k), &attributes,
				      &size, NULL) == EFI_BUFFER_TOO_SMALL &&
		    !(attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS)) {
			log_warn("%ls was stored unauthenticated: deleted", key_names[k]);
			blob->SetVariable((CHAR16 *)key_names[k], (EFI_GUID *)key_guid(k), 0, 0, NULL);
		}
	}
	from_owner = security_provision_keys(blob, exports->lock_variable, drop_key);
	owner_db = (from_owner & SECURITY_KEY_DB) != 0;
	update_modes();
	set_mode(u"AuditMode", &zero, 1);
	set_mode(u"DeployedMode", &zero, 1);
	set_mode(u"VendorKeys", &zero, 1);
	set_mode(u"SignatureSupport", supported, sizeof(supported));
	if (have_pk())
		log_info("user mode: PK %s, images are checked against db and dbx",
			 from_owner & SECURITY_KEY_PK ? "from fw_cfg" : "enrolled");
	else if (owner_db)
		log_info("Secure Boot on: images are checked against db and dbx");
}

/* The lists that may sign a write of k in user mode: PK for PK and KEK, KEK or PK for the rest. */
static EFI_STATUS trusted_for(enum key k, UINT8 **ret, UINTN *ret_size)
{
	UINT8 *pk, *kek, *both;
	UINTN pk_size, kek_size;
	UINT32 attributes;
	EFI_STATUS status;

	status = read_key(KEY_PK, &pk, &pk_size, &attributes);
	if (EFI_ERROR(status) || k < KEY_DB || !pk) {
		*ret = pk;
		*ret_size = pk_size;
		return status;
	}
	status = read_key(KEY_KEK, &kek, &kek_size, &attributes);
	both = EFI_ERROR(status) ? NULL : pool_alloc(EfiBootServicesData, pk_size + kek_size);
	if (both) {
		memcpy(both, kek, kek_size);
		memcpy(both + kek_size, pk, pk_size);
	}
	pool_free(pk);
	pool_free(kek);
	*ret = both;
	*ret_size = pk_size + kek_size;
	return EFI_ERROR(status) ? status : both ? EFI_SUCCESS : EFI_OUT_OF_RESOURCES;
}

static EFI_STATUS set_key(enum key k, UINT32 attributes, UINTN size, const void *data)
{
	struct auth_write w = { .is_pk = k == KEY_PK };
	UINT8 time[AUTH_VARIABLE_TIME_SIZE], *stored = NULL, *trusted = NULL, *merge = NULL;
	UINT8 *record = NULL;
	UINTN stored_size = 0, trusted_size = 0;
	UINT32 stored_attributes = 0;
	EFI_STATUS status;

	if (!ex)
		return EFI_UNSUPPORTED;
	if (size && !data)
		return EFI_INVALID_PARAMETER;
	status = read_key(k, &stored, &stored_size, &stored_attributes);
	if (EFI_ERROR(status))
		goto out;
	/* The owner's keys from fw_cfg are the only ones stored without TIME_AUTH: read-only. */
	if (stored && !(stored_attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS)) {
		status = EFI_WRITE_PROTECTED;
		goto out;
	}
	if (stored && !EFI_ERROR(ex->get_authenticated_time(key_names[k], key_guid(k), time)))
		w.stored_time = time;
	w.stored = stored;
	w.stored_size = stored_size;
	if (have_pk()) {
		status = trusted_for(k, &trusted, &trusted_size);
		if (EFI_ERROR(status))
			goto out;
		w.trusted = trusted;
		w.trusted_size = trusted_size;
	}
	merge = pool_alloc(EfiBootServicesData, stored_size + size + 1);
	if (!merge) {
		status = EFI_OUT_OF_RESOURCES;
		goto out;
	}
	status = auth_write_check(key_names[k], key_guid(k), attributes, data, size, &w, merge);
	if (EFI_ERROR(status)) {
		log_warn_status(status, "SetVariable(%ls) refused", key_names[k]);
		goto out;
	}
	if (!w.value_size) {
		/* An empty append changes nothing; an empty value deletes. */
		if (!(attributes & EFI_VARIABLE_APPEND_WRITE))
			status = ex->set_authenticated(key_names[k], key_guid(k),
						       AUTH_WRITE_ATTRIBUTES, NULL, 0);
		goto out;
	}
	record = pool_alloc(EfiBootServicesData, AUTH_VARIABLE_TIME_SIZE + w.value_size);
	if (!record) {
		status = EFI_OUT_OF_RESOURCES;
		goto out;
	}
	memcpy(record, w.time, AUTH_VARIABLE_TIME_SIZE);
	memcpy(record + AUTH_VARIABLE_TIME_SIZE, w.value, w.value_size);
	status = ex->set_authenticated(key_names[k], key_guid(k), AUTH_WRITE_ATTRIBUTES, record,
				       AUTH_VARIABLE_TIME_SIZE + w.value_size);
out:
	if (!EFI_ERROR(status) && k == KEY_PK) {
		update_modes();
		log_info(have_pk() ? "PK enrolled: user mode" : "PK deleted: setup mode");
	}
	pool_free(stored);
	pool_free(trusted);
	pool_free(merge);
	pool_free(record);
	return status;
}

BOOLEAN auth_vars_set(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes, UINTN size,
		      const void *data, EFI_STATUS *ret_status)
{
	enum key k = classify(name, guid);

	if (k == KEY_NONE || !blob)
		return FALSE;
	*ret_status = k == KEY_MODE ? EFI_WRITE_PROTECTED : set_key(k, attributes, size, data);
	return TRUE;
}

/* SPDX-License-Identifier: MIT */
/* The variable services (UEFI 2.10 §8.2): volatile variables in memory, the others on flash. */
#include "include/efi/protocol/security.h"
#include "lib/string.h"
#include "runtime/runtime.h"

/*
 * Two stores. Volatile variables (and every variable when there is no flash store) live in the
 * blob's bss: records packed one after another in creation order, holding no pointers, so
 * neither self-relocation nor SetVirtualAddressMap has anything to convert here. NON_VOLATILE
 * ones live in flash_store.c's store on pflash (lib/storage/var_store.c) and are read from the
 * flash itself. A name lives in one store only: a variable's attributes never change.
 * GetNextVariableName lists the memory store first, then the flash one.
 */
struct variable_record {
	UINT32 record_size;	/* header + name + data, rounded up to 8 */
	UINT32 attributes;	/* as set, APPEND_WRITE stripped */
	UINT32 name_size;	/* bytes, the NUL included */
	UINT32 data_size;	/* never 0: size 0 deletes */
	EFI_GUID guid;
	UINT32 locked;		/* SetVariable answers EFI_WRITE_PROTECTED */
	UINT32 reserved;
};

#define ACCESS_ATTRIBUTES (EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)
#define AUTH_ATTRIBUTES                                                                           \
	(EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS |                                                \
	 EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS |                                     \
	 EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS)
#define KNOWN_ATTRIBUTES                                                                          \
	(EFI_VARIABLE_NON_VOLATILE | ACCESS_ATTRIBUTES | EFI_VARIABLE_HARDWARE_ERROR_RECORD |     \
	 AUTH_ATTRIBUTES | EFI_VARIABLE_APPEND_WRITE)
#define NO_RECORD ((UINTN)-1)
/* A TIME_BASED_AUTHENTICATED variable's stored data starts with its EFI_TIME. */
#define AUTH_TIME_SIZE 16u

static UINT8 store[VARIABLE_STORE_SIZE] __attribute__((aligned(8)));
static UINTN store_used;
static BOOLEAN volatile_warned;

/* Where a variable was found: a record in memory, or an entry of the flash store. */
struct found {
	BOOLEAN on_flash;
	UINTN off;			/* memory: offset of its record */
	struct var_store_entry e;	/* flash */
	UINT32 attributes;
	UINT32 name_size;
	UINT32 data_size;	/* what GetVariable returns, from data_offset on */
	UINT32 data_offset;
};

static BOOLEAN nv_on_flash(void)
{
	return runtime_nv_store.mounted;
}

/* Largest name + data of a variable with these attributes. */
static UINTN max_size_for(UINT32 attributes)
{
	if ((attributes & EFI_VARIABLE_NON_VOLATILE) && nv_on_flash())
		return VAR_STORE_MAX_VARIABLE;
	return VARIABLE_MAX_SIZE;
}

static struct variable_record *record_at(UINTN offset)
{
	return (struct variable_record *)(store + offset);
}

static UINT8 *record_name(struct variable_record *r)
{
	return (UINT8 *)(r + 1);
}

static UINT8 *record_data(struct variable_record *r)
{
	return record_name(r) + r->name_size;
}

static UINTN record_size_for(UINTN name_size, UINTN data_size)
{
	return (sizeof(struct variable_record) + name_size + data_size + 7) & ~(UINTN)7;
}

/* After ExitBootServices only RUNTIME_ACCESS variables exist for the caller (§8.2). */
static BOOLEAN record_visible(const struct variable_record *r)
{
	return !runtime_at_runtime || (r->attributes & EFI_VARIABLE_RUNTIME_ACCESS);
}

/*
 * Bytes of a caller's name with its NUL, read bytewise (the caller's buffer need not be
 * aligned), looking at no more than max bytes; 0 when there is no NUL within them.
 */
static UINTN name_size_of(const CHAR16 *name, UINTN max)
{
	const UINT8 *p = (const UINT8 *)name;
	UINTN i;

	for (i = 0; i + 1 < max; i += 2)
		if (p[i] == 0 && p[i + 1] == 0)
			return i + 2;
	return 0;
}

/* The record of (name, guid), visible or not; NO_RECORD if none. */
static UINTN find(const CHAR16 *name, UINTN name_size, const EFI_GUID *guid)
{
	for (UINTN off = 0; off < store_used; off += record_at(off)->record_size) {
		struct variable_record *r = record_at(off);

		if (r->name_size == name_size && !memcmp(&r->guid, guid, sizeof(*guid)) &&
		    !memcmp(record_name(r), name, name_size))
			return off;
	}
	return NO_RECORD;
}

/* The variable (name, guid) in either store, visible or not; FALSE if none. */
static BOOLEAN lookup(const CHAR16 *name, UINTN name_size, const EFI_GUID *guid, struct found *f)
{
	UINTN off = find(name, name_size, guid);

	if (off != NO_RECORD) {
		struct variable_record *r = record_at(off);

		*f = (struct found){ .off = off, .attributes = r->attributes,
				     .name_size = r->name_size, .data_size = r->data_size };
	} else {
		if (!nv_on_flash() ||
		    EFI_ERROR(var_store_find(&runtime_nv_store, name, (UINT32)name_size, guid, &f->e)))
			return FALSE;
		f->on_flash = TRUE;
		f->off = NO_RECORD;
		f->attributes = f->e.attributes;
		f->name_size = f->e.name_size;
		f->data_size = f->e.data_size;
		f->data_offset = 0;
	}
	if ((f->attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS) &&
	    f->data_size >= AUTH_TIME_SIZE) {
		f->data_offset = AUTH_TIME_SIZE;
		f->data_size -= AUTH_TIME_SIZE;
	}
	return TRUE;
}

static BOOLEAN attributes_visible(UINT32 attributes)
{
	return !runtime_at_runtime || (attributes & EFI_VARIABLE_RUNTIME_ACCESS);
}

/* Grow or shrink the record at off in place, moving the ones after it. */
static EFI_STATUS resize(UINTN off, UINTN new_size)
{
	UINTN old_size = record_at(off)->record_size;
	UINTN tail = off + old_size;

	if (new_size > old_size && new_size - old_size > VARIABLE_STORE_SIZE - store_used)
		return EFI_OUT_OF_RESOURCES;
	memmove(store + off + new_size, store + tail, store_used - tail);
	store_used = store_used - old_size + new_size;
	record_at(off)->record_size = (UINT32)new_size;
	return EFI_SUCCESS;
}

static void delete_record(UINTN off)
{
	UINTN size = record_at(off)->record_size;

	memmove(store + off, store + off + size, store_used - off - size);
	store_used -= size;
}

void variables_reset(void)
{
	store_used = 0;
	volatile_warned = FALSE;
}

EFI_STATUS variables_lock(const CHAR16 *name, const EFI_GUID *guid)
{
	UINTN name_size, off;

	struct found f;

	if (runtime_at_runtime)
		return EFI_UNSUPPORTED;
	name_size = name_size_of(name, VAR_STORE_MAX_VARIABLE);
	if (!name_size)
		return EFI_INVALID_PARAMETER;
	off = find(name, name_size, guid);
	if (off == NO_RECORD)
		/* Locks are for the volatile variables stage1 seeds; the flash store has none. */
		return lookup(name, name_size, guid, &f) ? EFI_UNSUPPORTED : EFI_NOT_FOUND;
	record_at(off)->locked = 1;
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_get_variable(CHAR16 *VariableName, EFI_GUID *VendorGuid, UINT32 *Attributes,
				   UINTN *DataSize, VOID *Data)
{
	struct found f;
	UINTN name_size;
	EFI_STATUS status;

	if (!VariableName || !VendorGuid || !DataSize)
		return EFI_INVALID_PARAMETER;
	name_size = name_size_of(VariableName, VAR_STORE_MAX_VARIABLE);
	/* An empty name or one longer than any stored one names no variable. */
	if (name_size <= sizeof(CHAR16))
		return EFI_NOT_FOUND;
	if (!lookup(VariableName, name_size, VendorGuid, &f) || !attributes_visible(f.attributes))
		return EFI_NOT_FOUND;

	/* UEFI 2.10 §8.2.1: Attributes is returned with EFI_BUFFER_TOO_SMALL as well. */
	if (Attributes)
		*Attributes = f.attributes;
	if (*DataSize < f.data_size) {
		*DataSize = f.data_size;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (!Data)
		return EFI_INVALID_PARAMETER;
	if (f.on_flash) {
		status = var_store_read_data(&runtime_nv_store, &f.e, f.data_offset, Data,
					     f.data_size);
		if (EFI_ERROR(status))
			return EFI_DEVICE_ERROR;
	} else {
		memcpy(Data, record_data(record_at(f.off)) + f.data_offset, f.data_size);
	}
	*DataSize = f.data_size;
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_get_next_variable_name(UINTN *VariableNameSize, CHAR16 *VariableName,
					     EFI_GUID *VendorGuid)
{
	struct var_store_entry e;
	struct variable_record *r;
	UINTN name_size, off = 0;
	UINT32 cursor = 0;
	struct found f;

	if (!VariableNameSize || !VariableName || !VendorGuid)
		return EFI_INVALID_PARAMETER;
	/* §8.2.2: the NUL must lie within the first *VariableNameSize bytes. */
	name_size = name_size_of(VariableName, *VariableNameSize);
	if (!name_size)
		return EFI_INVALID_PARAMETER;

	if (name_size != sizeof(CHAR16)) {
		/* Not the name and GUID of a variable the caller sees: nowhere to go on from. */
		if (!lookup(VariableName, name_size, VendorGuid, &f) ||
		    !attributes_visible(f.attributes))
			return EFI_INVALID_PARAMETER;
		if (f.on_flash) {
			off = store_used;
			cursor = f.e.offset;
		} else {
			off = f.off + record_at(f.off)->record_size;
		}
	}
	while (off < store_used && !record_visible(record_at(off)))
		off += record_at(off)->record_size;
	if (off < store_used) {
		r = record_at(off);
		if (*VariableNameSize < r->name_size) {
			*VariableNameSize = r->name_size;
			return EFI_BUFFER_TOO_SMALL;
		}
		memcpy(VariableName, record_name(r), r->name_size);
		memcpy(VendorGuid, &r->guid, sizeof(*VendorGuid));
		*VariableNameSize = r->name_size;
		return EFI_SUCCESS;
	}

	if (!nv_on_flash())
		return EFI_NOT_FOUND;
	do {
		if (EFI_ERROR(var_store_next(&runtime_nv_store, &cursor, &e)))
			return EFI_NOT_FOUND;
	} while (!attributes_visible(e.attributes));
	if (*VariableNameSize < e.name_size) {
		*VariableNameSize = e.name_size;
		return EFI_BUFFER_TOO_SMALL;
	}
	if (EFI_ERROR(var_store_read_name(&runtime_nv_store, &e, VariableName)))
		return EFI_DEVICE_ERROR;
	memcpy(VendorGuid, &e.guid, sizeof(*VendorGuid));
	*VariableNameSize = e.name_size;
	return EFI_SUCCESS;
}

/*
 * Attribute rules of §8.2.3, with EDK2's (OVMF's) answers where the specification leaves a
 * choice: authenticated writes without an authentication engine are EFI_INVALID_PARAMETER,
 * as is the hardware error record (there is no HwErrRec store) and NON_VOLATILE alone.
 */
static EFI_STATUS check_attributes(UINT32 attributes)
{
	if (attributes & ~(UINT32)KNOWN_ATTRIBUTES)
		return EFI_INVALID_PARAMETER;
	if ((attributes & ACCESS_ATTRIBUTES) == EFI_VARIABLE_RUNTIME_ACCESS) {
		if (attributes & EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS)
			return EFI_UNSUPPORTED;
		return EFI_INVALID_PARAMETER;
	}
	if ((attributes & ~(UINT32)EFI_VARIABLE_APPEND_WRITE) == EFI_VARIABLE_NON_VOLATILE)
		return EFI_INVALID_PARAMETER;
	if (attributes & (AUTH_ATTRIBUTES | EFI_VARIABLE_HARDWARE_ERROR_RECORD))
		return EFI_INVALID_PARAMETER;
	return EFI_SUCCESS;
}

static EFI_STATUS update(UINTN off, UINT32 attributes, UINTN data_size, const VOID *data)
{
	struct variable_record *r = record_at(off);
	BOOLEAN append = (attributes & EFI_VARIABLE_APPEND_WRITE) != 0;
	UINTN old_data = append ? r->data_size : 0;
	EFI_STATUS status;

	if (r->locked)
		return EFI_WRITE_PROTECTED;
	/* §8.2.3: after ExitBootServices volatile variables are read-only (EDK2's answer). */
	if (runtime_at_runtime && !(r->attributes & EFI_VARIABLE_NON_VOLATILE))
		return EFI_WRITE_PROTECTED;
	/* Other attributes are refused, save APPEND_WRITE and none at all (a delete). */
	if ((attributes & ~(UINT32)EFI_VARIABLE_APPEND_WRITE) != r->attributes &&
	    (attributes & ACCESS_ATTRIBUTES))
		return EFI_INVALID_PARAMETER;

	if ((!append && data_size == 0) || !(attributes & ACCESS_ATTRIBUTES)) {
		delete_record(off);
		return EFI_SUCCESS;
	}
	if (data_size == 0)
		return EFI_SUCCESS;
	if (data_size > VARIABLE_MAX_SIZE - r->name_size - old_data)
		return EFI_INVALID_PARAMETER;

	status = resize(off, record_size_for(r->name_size, old_data + data_size));
	if (EFI_ERROR(status))
		return status;
	r = record_at(off);
	memcpy(record_data(r) + old_data, data, data_size);
	r->data_size = (UINT32)(old_data + data_size);
	return EFI_SUCCESS;
}

/* A flash store error as SetVariable reports it. */
static EFI_STATUS flash_status(EFI_STATUS status)
{
	if (status == EFI_OUT_OF_RESOURCES || status == EFI_WRITE_PROTECTED ||
	    status == EFI_INVALID_PARAMETER || !EFI_ERROR(status))
		return status;
	return EFI_DEVICE_ERROR;
}

/* update() for a variable of the flash store: the same rules, one atomic store operation. */
static EFI_STATUS update_flash(const CHAR16 *name, const struct found *f, UINT32 attributes,
			       UINTN data_size, const VOID *data)
{
	BOOLEAN append = (attributes & EFI_VARIABLE_APPEND_WRITE) != 0;
	UINTN old_data = append ? f->data_size : 0;

	if ((attributes & ~(UINT32)EFI_VARIABLE_APPEND_WRITE) != f->attributes &&
	    (attributes & ACCESS_ATTRIBUTES))
		return EFI_INVALID_PARAMETER;
	if ((!append && data_size == 0) || !(attributes & ACCESS_ATTRIBUTES))
		return flash_status(var_store_delete(&runtime_nv_store, name, f->name_size,
						     &f->e.guid));
	if (data_size == 0)
		return EFI_SUCCESS;
	if (data_size > VAR_STORE_MAX_VARIABLE - f->name_size - old_data)
		return EFI_INVALID_PARAMETER;
	return flash_status(var_store_set(&runtime_nv_store, name, f->name_size, &f->e.guid,
					  f->attributes, data, (UINT32)data_size, append));
}

static EFI_STATUS create(const CHAR16 *name, UINTN name_size, const EFI_GUID *guid,
			 UINT32 attributes, UINTN data_size, const VOID *data)
{
	struct variable_record *r;
	UINTN size;

	/* Appending nothing to nothing succeeds (EDK2); deleting nothing does not. */
	if (data_size == 0 && (attributes & EFI_VARIABLE_APPEND_WRITE))
		return EFI_SUCCESS;
	if (data_size == 0 || !(attributes & ACCESS_ATTRIBUTES))
		return EFI_NOT_FOUND;
	/* §8.2.3: after ExitBootServices only NON_VOLATILE | RUNTIME_ACCESS ones can be set. */
	if (runtime_at_runtime && (!(attributes & EFI_VARIABLE_RUNTIME_ACCESS) ||
				   !(attributes & EFI_VARIABLE_NON_VOLATILE)))
		return EFI_INVALID_PARAMETER;
	if (data_size > max_size_for(attributes) - name_size)
		return EFI_INVALID_PARAMETER;

	if (attributes & EFI_VARIABLE_NON_VOLATILE) {
		if (nv_on_flash())
			return flash_status(var_store_set(
				&runtime_nv_store, name, (UINT32)name_size, guid,
				attributes & ~(UINT32)EFI_VARIABLE_APPEND_WRITE, data,
				(UINT32)data_size, FALSE));
		/* The OS unmapped the flash: better refused than silently forgotten. */
		if (runtime_nv_lost)
			return EFI_DEVICE_ERROR;
		if (!volatile_warned)
			runtime_log("variables: no usable store on pflash unit 1: non-volatile "
				    "variables will not survive a power off");
		volatile_warned = TRUE;
	}

	size = record_size_for(name_size, data_size);
	if (size > VARIABLE_STORE_SIZE - store_used)
		return EFI_OUT_OF_RESOURCES;
	r = record_at(store_used);
	memset(r, 0, size);
	r->record_size = (UINT32)size;
	r->attributes = attributes & ~(UINT32)EFI_VARIABLE_APPEND_WRITE;
	r->name_size = (UINT32)name_size;
	r->data_size = (UINT32)data_size;
	memcpy(&r->guid, guid, sizeof(*guid));
	memcpy(record_name(r), name, name_size);
	memcpy(record_data(r), data, data_size);
	store_used += size;
	return EFI_SUCCESS;
}

/*
 * The Secure Boot key variables. stage1 verifies their writes during boot services; the blob
 * holds no verifier, so after ExitBootServices they are read-only (docs/secure-boot.md).
 */
static BOOLEAN is_key_variable(const CHAR16 *name, UINTN name_size, const EFI_GUID *guid)
{
	static const EFI_GUID global = EFI_GLOBAL_VARIABLE;
	static const EFI_GUID image_db = EFI_IMAGE_SECURITY_DATABASE_GUID;
	static const CHAR16 *const names[] = { u"PK", u"KEK", u"db", u"dbx", u"dbt", u"dbr" };

	for (UINTN i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		UINTN size = name_size_of(names[i], 16);

		if (size == name_size && !memcmp(name, names[i], size))
			return !memcmp(guid, i < 2 ? &global : &image_db, sizeof(*guid));
	}
	return FALSE;
}

EFI_STATUS EFIAPI efi_set_variable(CHAR16 *VariableName, EFI_GUID *VendorGuid, UINT32 Attributes,
				   UINTN DataSize, VOID *Data)
{
	UINTN name_size;
	struct found f;
	EFI_STATUS status;

	if (!VariableName || !VendorGuid || (DataSize && !Data))
		return EFI_INVALID_PARAMETER;
	if (runtime_at_runtime &&
	    ((Attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS) ||
	     is_key_variable(VariableName, name_size_of(VariableName, VAR_STORE_MAX_VARIABLE),
			     VendorGuid)))
		return EFI_WRITE_PROTECTED;
	status = check_attributes(Attributes);
	if (EFI_ERROR(status))
		return status;
	/* §8.2.3: a name and data beyond MaximumVariableSize is EFI_INVALID_PARAMETER. */
	name_size = name_size_of(VariableName, max_size_for(Attributes));
	if (name_size <= sizeof(CHAR16) || DataSize > max_size_for(Attributes) - name_size)
		return EFI_INVALID_PARAMETER;

	status = languages_check(VariableName, VendorGuid, Attributes, DataSize, Data);
	if (EFI_ERROR(status))
		return status;

	if (!lookup(VariableName, name_size, VendorGuid, &f))
		status = create(VariableName, name_size, VendorGuid, Attributes, DataSize, Data);
	else if (f.attributes & EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS)
		/* Only stage1's verified path (variables_set_authenticated) changes those. */
		return EFI_WRITE_PROTECTED;
	else if (!attributes_visible(f.attributes))
		/* A boot-time-only variable the OS cannot see, and may not shadow with its own. */
		return DataSize == 0 || !(Attributes & ACCESS_ATTRIBUTES) ? EFI_NOT_FOUND
									   : EFI_INVALID_PARAMETER;
	else if (f.on_flash)
		status = update_flash(VariableName, &f, Attributes, DataSize, Data);
	else
		status = update(f.off, Attributes, DataSize, Data);
	if (!EFI_ERROR(status))
		languages_sync(VariableName, VendorGuid, Attributes, DataSize, Data);
	return status;
}

EFI_STATUS variables_set_authenticated(const CHAR16 *name, const EFI_GUID *guid, UINT32 attributes,
				       const void *value, UINTN size)
{
	struct variable_record *r;
	UINTN name_size;
	struct found f;
	EFI_STATUS status;

	if (runtime_at_runtime)
		return EFI_UNSUPPORTED;
	name_size = name_size_of(name, VAR_STORE_MAX_VARIABLE);
	if (name_size <= sizeof(CHAR16) || (size && size < AUTH_TIME_SIZE) ||
	    size > max_size_for(attributes) - name_size)
		return EFI_INVALID_PARAMETER;
	if (!lookup(name, name_size, guid, &f))
		return size ? create(name, name_size, guid, attributes, size, value) : EFI_NOT_FOUND;
	if (f.on_flash) {
		if (!size)
			return flash_status(var_store_delete(&runtime_nv_store, name,
							     (UINT32)name_size, guid));
		return flash_status(var_store_set(&runtime_nv_store, name, (UINT32)name_size, guid,
						  attributes, value, (UINT32)size, FALSE));
	}
	if (record_at(f.off)->locked)
		return EFI_WRITE_PROTECTED;
	if (!size) {
		delete_record(f.off);
		return EFI_SUCCESS;
	}
	status = resize(f.off, record_size_for(name_size, size));
	if (EFI_ERROR(status))
		return status;
	r = record_at(f.off);
	r->attributes = attributes;
	r->data_size = (UINT32)size;
	memcpy(record_data(r), value, size);
	return EFI_SUCCESS;
}

EFI_STATUS variables_get_authenticated_time(const CHAR16 *name, const EFI_GUID *guid, UINT8 *time)
{
	struct found f;
	UINTN name_size = name_size_of(name, VAR_STORE_MAX_VARIABLE);

	if (name_size <= sizeof(CHAR16) || !lookup(name, name_size, guid, &f) ||
	    f.data_offset != AUTH_TIME_SIZE)
		return EFI_NOT_FOUND;
	if (f.on_flash)
		return var_store_read_data(&runtime_nv_store, &f.e, 0, time, AUTH_TIME_SIZE);
	memcpy(time, record_data(record_at(f.off)), AUTH_TIME_SIZE);
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_query_variable_info(UINT32 Attributes, UINT64 *MaximumVariableStorageSize,
					  UINT64 *RemainingVariableStorageSize,
					  UINT64 *MaximumVariableSize)
{
	if (!MaximumVariableStorageSize || !RemainingVariableStorageSize || !MaximumVariableSize)
		return EFI_INVALID_PARAMETER;
	/* §8.2.4 with EDK2's choices: unknown or unsupported kinds are EFI_UNSUPPORTED. */
	if (Attributes & ~(UINT32)KNOWN_ATTRIBUTES)
		return EFI_UNSUPPORTED;
	if (Attributes & EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS)
		return EFI_UNSUPPORTED;
	/* EDK2 (and so OVMF) calls a request naming no kind of storage at all invalid. */
	if (!(Attributes & (EFI_VARIABLE_NON_VOLATILE | ACCESS_ATTRIBUTES |
			    EFI_VARIABLE_HARDWARE_ERROR_RECORD)))
		return EFI_INVALID_PARAMETER;
	if ((Attributes & (EFI_VARIABLE_NON_VOLATILE | ACCESS_ATTRIBUTES)) ==
	    EFI_VARIABLE_NON_VOLATILE)
		return EFI_INVALID_PARAMETER;
	if ((Attributes & ACCESS_ATTRIBUTES) == EFI_VARIABLE_RUNTIME_ACCESS)
		return EFI_INVALID_PARAMETER;
	if (runtime_at_runtime && !(Attributes & EFI_VARIABLE_RUNTIME_ACCESS))
		return EFI_INVALID_PARAMETER;
	if ((Attributes & (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_HARDWARE_ERROR_RECORD)) ==
	    EFI_VARIABLE_HARDWARE_ERROR_RECORD)
		return EFI_INVALID_PARAMETER;
	if (Attributes & (AUTH_ATTRIBUTES | EFI_VARIABLE_HARDWARE_ERROR_RECORD))
		return EFI_UNSUPPORTED;

	/* The flash store's own figures for non-volatile variables, when there is one. */
	if ((Attributes & EFI_VARIABLE_NON_VOLATILE) && nv_on_flash()) {
		var_store_usage(&runtime_nv_store, MaximumVariableStorageSize,
				RemainingVariableStorageSize, MaximumVariableSize);
		return EFI_SUCCESS;
	}
	/* Otherwise one store in memory holds them all. */
	*MaximumVariableStorageSize = VARIABLE_STORE_SIZE;
	*RemainingVariableStorageSize = VARIABLE_STORE_SIZE - store_used;
	*MaximumVariableSize = VARIABLE_MAX_SIZE;
	return EFI_SUCCESS;
}

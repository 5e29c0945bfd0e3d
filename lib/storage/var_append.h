/* SPDX-License-Identifier: MIT */
/* The variable store's append path alone (no mount recovery, no reclaim), for stage0's few bytes. */
#pragma once

#include "lib/storage/var_store.h"

/*
 * Open the store on vs->flash for appending and find (name, guid)'s current value: EFI_SUCCESS
 * with ret_entry, EFI_NOT_FOUND (offset 0) when it has none, EFI_VOLUME_CORRUPTED when no bank verifies
 * (blank: the runtime's mount formats it). vs is not mounted for the var_store_* calls after it.
 */
EFI_STATUS var_append_open(struct var_store *vs, const void *name, UINT32 name_size,
			   const EFI_GUID *guid, struct var_store_entry *ret_entry);
/*
 * Give (name, guid) a new value by appending a record after the last one, then deleting entry's
 * (what open found; offset 0: none), and make entry the new one: a power loss leaves the old or
 * the new value, as var_store_set. EFI_OUT_OF_RESOURCES when the record does not fit at the end
 * (the runtime's next write that needs room reclaims the bank).
 */
EFI_STATUS var_append_set(struct var_store *vs, struct var_store_entry *entry, const void *name,
			  UINT32 name_size, const EFI_GUID *guid, UINT32 attributes,
			  const void *data, UINT32 size);

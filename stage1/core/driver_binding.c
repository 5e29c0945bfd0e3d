/* SPDX-License-Identifier: MIT */
/*
 * ConnectController and DisconnectController over EFI_DRIVER_BINDING_PROTOCOL (§7.3.12-13),
 * in EDK2's order: the caller's image handles first, then every other binding by Version. Strata's
 * own devices are bound at boot without it; this is for drivers a payload or the Shell loads.
 */
#include "include/efi/protocol/driver_binding.h"
#include "lib/formats/device_path.h"
#include "stage1/core/handles_internal.h"
#include "stage1/core/memory.h"

/* Enough for any controller's children or drivers on QEMU; more are left alone, not overrun. */
#define MAX_LINKS 64
/* Bus drivers nest a few levels (PCI, SCSI, partitions); deeper means a cycle. */
#define MAX_DEPTH 8

static const EFI_GUID driver_binding_guid = EFI_DRIVER_BINDING_PROTOCOL_GUID;

/*
 * The distinct handles that open records of h name: the child controllers (BY_CHILD_CONTROLLER
 * opens, of agent if not NULL) or the managing drivers (BY_DRIVER opens' agents).
 */
static UINTN collect(EFI_HANDLE controller, BOOLEAN children, EFI_HANDLE agent,
		     EFI_HANDLE ret[MAX_LINKS])
{
	struct handle *h = handle_record(controller);
	UINTN n = 0;

	for (struct interface *in = h ? h->interfaces : NULL; in; in = in->next) {
		for (struct open_record *o = in->opens; o; o = o->next) {
			EFI_HANDLE found = children ? o->controller : o->agent;
			UINT32 want = children ? EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER
					       : EFI_OPEN_PROTOCOL_BY_DRIVER;
			UINTN i = 0;

			if (!(o->attributes & want) || (agent && o->agent != agent))
				continue;
			while (i < n && ret[i] != found)
				i++;
			if (i == n && n < MAX_LINKS)
				ret[n++] = found;
		}
	}
	return n;
}

/* The bindings in the order §7.3.12 tries them; the caller frees the pool buffer. */
static EFI_DRIVER_BINDING_PROTOCOL **sorted_bindings(EFI_HANDLE *images, UINTN *ret_count)
{
	EFI_DRIVER_BINDING_PROTOCOL **list, *b;
	EFI_HANDLE *handles;
	UINTN n, first = 0;

	if (EFI_ERROR(handle_find_all(&driver_binding_guid, &handles, &n)))
		return NULL;
	list = pool_alloc(EfiBootServicesData, n * sizeof(*list));
	for (UINTN i = 0; list && i < n; i++)
		handle_lookup(handles[i], &driver_binding_guid, (void **)&list[i]);
	pool_free(handles);
	if (!list)
		return NULL;
	/* The context override: bindings of the named images, in the caller's order. */
	for (UINTN k = 0; images && images[k]; k++) {
		for (UINTN i = first; i < n; i++) {
			if (list[i]->ImageHandle != images[k])
				continue;
			b = list[i];
			list[i] = list[first];
			list[first++] = b;
		}
	}
	/* Then the rest, highest Version first; insertion sort keeps install order among equals. */
	for (UINTN i = first + 1; i < n; i++) {
		UINTN j = i;

		for (b = list[i]; j > first && list[j - 1]->Version < b->Version; j--)
			list[j] = list[j - 1];
		list[j] = b;
	}
	*ret_count = n;
	return list;
}

static EFI_STATUS connect_one(EFI_HANDLE controller, EFI_HANDLE *images,
			      EFI_DEVICE_PATH_PROTOCOL *remaining)
{
	UINTN n = 0;
	EFI_DRIVER_BINDING_PROTOCOL **list = sorted_bindings(images, &n);
	BOOLEAN found = FALSE, started;

	/* As EDK2: after each successful Start, try the drivers not yet taken from the top. */
	do {
		started = FALSE;
		for (UINTN i = 0; i < n && !started; i++) {
			EFI_DRIVER_BINDING_PROTOCOL *b = list[i];

			if (!b || EFI_ERROR(b->Supported(b, controller, remaining)))
				continue;
			list[i] = NULL;
			found = TRUE;
			started = !EFI_ERROR(b->Start(b, controller, remaining));
		}
	} while (started);
	pool_free(list);
	if (found || (remaining && device_path_is_end_any(remaining)))
		return EFI_SUCCESS;
	return EFI_NOT_FOUND;
}

static EFI_STATUS connect(EFI_HANDLE controller, EFI_HANDLE *images,
			  EFI_DEVICE_PATH_PROTOCOL *remaining, BOOLEAN recursive, UINTN depth)
{
	EFI_HANDLE children[MAX_LINKS];
	EFI_STATUS status = connect_one(controller, images, remaining);
	UINTN n;

	if (!recursive || depth == MAX_DEPTH)
		return status;
	n = collect(controller, TRUE, NULL, children);
	for (UINTN i = 0; i < n; i++)
		if (handle_is_valid(children[i]))
			connect(children[i], NULL, NULL, TRUE, depth + 1);
	return status;
}

EFI_STATUS EFIAPI efi_connect_controller(EFI_HANDLE ControllerHandle, EFI_HANDLE *DriverImageHandle,
					 EFI_DEVICE_PATH_PROTOCOL *RemainingDevicePath,
					 BOOLEAN Recursive)
{
	if (!handle_is_valid(ControllerHandle))
		return EFI_INVALID_PARAMETER;
	return connect(ControllerHandle, DriverImageHandle, RemainingDevicePath, Recursive, 0);
}

/* Stop one driver's children (all, or just child), then the driver itself once none is left. */
static EFI_STATUS disconnect_driver(EFI_HANDLE controller, EFI_HANDLE driver, EFI_HANDLE child)
{
	EFI_HANDLE children[MAX_LINKS];
	EFI_DRIVER_BINDING_PROTOCOL *b;
	UINTN n = collect(controller, TRUE, driver, children), i = 0;
	EFI_STATUS status = EFI_SUCCESS;

	if (EFI_ERROR(handle_lookup(driver, &driver_binding_guid, (void **)&b)))
		return EFI_SUCCESS; /* an opener that is no driver-model driver: nothing to call */
	while (child && i < n && children[i] != child)
		i++;
	if (child && i == n)
		return EFI_SUCCESS; /* child is not this driver's */
	if (n)
		status = child ? b->Stop(b, controller, 1, &child)
			       : b->Stop(b, controller, n, children);
	if (!EFI_ERROR(status) && (!child || n == 1))
		status = b->Stop(b, controller, 0, NULL);
	return EFI_ERROR(status) ? EFI_DEVICE_ERROR : EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_disconnect_controller(EFI_HANDLE ControllerHandle,
					    EFI_HANDLE DriverImageHandle, EFI_HANDLE ChildHandle)
{
	EFI_HANDLE drivers[MAX_LINKS];
	EFI_STATUS status = EFI_SUCCESS;
	UINTN n;

	if (!handle_is_valid(ControllerHandle) ||
	    (DriverImageHandle && !handle_is_valid(DriverImageHandle)) ||
	    (ChildHandle && !handle_is_valid(ChildHandle)))
		return EFI_INVALID_PARAMETER;
	/* §7.3.13: no driver managing the controller, or not the one named, is a success. */
	n = collect(ControllerHandle, FALSE, NULL, drivers);
	for (UINTN i = 0; i < n; i++) {
		if (DriverImageHandle && drivers[i] != DriverImageHandle)
			continue;
		if (EFI_ERROR(disconnect_driver(ControllerHandle, drivers[i], ChildHandle)))
			status = EFI_DEVICE_ERROR;
	}
	return status;
}

BOOLEAN handle_disconnect_holders(EFI_HANDLE handle, const EFI_GUID *protocol)
{
	struct handle *h = handle_record(handle);
	struct interface *in = h && protocol ? handle_interface(h, protocol) : NULL;
	EFI_HANDLE agents[MAX_LINKS];
	EFI_DRIVER_BINDING_PROTOCOL *b;
	BOOLEAN any = FALSE;
	UINTN n = 0;

	for (struct open_record *o = in ? in->opens : NULL; o && n < MAX_LINKS; o = o->next)
		if (o->attributes & EFI_OPEN_PROTOCOL_BY_DRIVER)
			agents[n++] = o->agent;
	/* Collected first: each Stop rewrites the open records. */
	for (UINTN i = 0; i < n; i++)
		if (!EFI_ERROR(handle_lookup(agents[i], &driver_binding_guid, (void **)&b)) &&
		    !EFI_ERROR(efi_disconnect_controller(handle, agents[i], NULL)))
			any = TRUE;
	return any;
}

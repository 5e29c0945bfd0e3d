/* SPDX-License-Identifier: MIT */
/* Handles and protocol interfaces: install, uninstall, locate and notify (UEFI 2.10 §7.3). */
#include "include/efi/device_path.h"
#include "lib/formats/device_path.h"
#include "lib/string.h"
#include "stage1/core/events.h"
#include "stage1/core/handles_internal.h"
#include "stage1/core/memory.h"

#define LOG_PREFIX "handles: "
#include "lib/log.h"

/* A RegisterProtocolNotify registration: the handles installed since the last look. */
#define NOTIFY_QUEUE 32
struct notify {
	struct notify *next;
	EFI_GUID guid;
	EFI_EVENT event;
	EFI_HANDLE pending[NOTIFY_QUEUE];
	UINTN head, count;
};

static struct handle *handles;
static struct notify *notifies;

BOOLEAN guid_equal(const EFI_GUID *a, const EFI_GUID *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

struct handle *handle_record(EFI_HANDLE handle)
{
	for (struct handle *h = handles; h; h = h->next)
		if (h == handle)
			return h;
	return NULL;
}

BOOLEAN handle_is_valid(EFI_HANDLE handle)
{
	return handle && handle_record(handle) != NULL;
}

struct interface *handle_interface(struct handle *h, const EFI_GUID *protocol)
{
	for (struct interface *in = h->interfaces; in; in = in->next)
		if (guid_equal(&in->guid, protocol))
			return in;
	return NULL;
}

static void notify_installed(EFI_HANDLE handle, const EFI_GUID *protocol)
{
	for (struct notify *n = notifies; n; n = n->next) {
		if (!guid_equal(&n->guid, protocol))
			continue;
		if (n->count < NOTIFY_QUEUE)
			n->pending[(n->head + n->count++) % NOTIFY_QUEUE] = handle;
		efi_signal_event(n->event);
	}
}

static void handle_append(struct handle *h)
{
	struct handle **p = &handles;

	while (*p)
		p = &(*p)->next;
	*p = h;
}

static void handle_free_if_empty(struct handle *h)
{
	if (h->interfaces)
		return;
	for (struct handle **p = &handles; *p; p = &(*p)->next) {
		if (*p == h) {
			*p = h->next;
			break;
		}
	}
	for (struct notify *n = notifies; n; n = n->next)
		for (UINTN i = 0; i < n->count; i++)
			if (n->pending[(n->head + i) % NOTIFY_QUEUE] == h)
				n->pending[(n->head + i) % NOTIFY_QUEUE] = NULL;
	h->magic = 0;
	pool_free(h);
}

EFI_STATUS handle_install(EFI_HANDLE *handle, const EFI_GUID *protocol, void *interface)
{
	struct handle *h;
	struct interface *in;
	BOOLEAN created = FALSE;

	if (!handle || !protocol)
		return EFI_INVALID_PARAMETER;
	if (*handle) {
		h = handle_record(*handle);
		if (!h)
			return EFI_INVALID_PARAMETER;
		if (handle_interface(h, protocol))
			return EFI_INVALID_PARAMETER;
	} else {
		h = pool_zalloc(sizeof(*h));
		if (!h)
			return EFI_OUT_OF_RESOURCES;
		h->magic = HANDLE_MAGIC;
		created = TRUE;
	}
	in = pool_zalloc(sizeof(*in));
	if (!in) {
		if (created)
			pool_free(h);
		return EFI_OUT_OF_RESOURCES;
	}
	in->guid = *protocol;
	in->iface = interface;
	struct interface **tail = &h->interfaces;

	while (*tail)
		tail = &(*tail)->next;
	*tail = in;
	if (created)
		handle_append(h);
	*handle = h;
	notify_installed(h, protocol);
	return EFI_SUCCESS;
}

EFI_STATUS handle_uninstall(EFI_HANDLE handle, const EFI_GUID *protocol, void *interface)
{
	struct handle *h = handle_record(handle);
	struct interface *in;

	if (!h || !protocol)
		return EFI_INVALID_PARAMETER;
	in = handle_interface(h, protocol);
	if (!in || in->iface != interface)
		return EFI_NOT_FOUND;
	/* Still claimed after its drivers were asked to let go (or by the firmware itself). */
	if (interface_is_claimed(in))
		return EFI_ACCESS_DENIED;
	interface_drop_opens(in);
	for (struct interface **p = &h->interfaces; *p; p = &(*p)->next) {
		if (*p == in) {
			*p = in->next;
			break;
		}
	}
	pool_free(in);
	handle_free_if_empty(h);
	return EFI_SUCCESS;
}

EFI_STATUS handle_lookup(EFI_HANDLE handle, const EFI_GUID *protocol, void **ret_interface)
{
	struct handle *h = handle_record(handle);
	struct interface *in;

	if (!h || !protocol || !ret_interface)
		return EFI_INVALID_PARAMETER;
	in = handle_interface(h, protocol);
	*ret_interface = in ? in->iface : NULL;
	return in ? EFI_SUCCESS : EFI_UNSUPPORTED;
}

/* Handles matching a search, written to buffer while they fit; returns how many match. */
static UINTN handle_search(EFI_LOCATE_SEARCH_TYPE type, const EFI_GUID *protocol,
			   EFI_HANDLE *buffer, UINTN capacity)
{
	UINTN n = 0;

	for (struct handle *h = handles; h; h = h->next) {
		if (type == ByProtocol && !handle_interface(h, protocol))
			continue;
		if (n < capacity)
			buffer[n] = h;
		n++;
	}
	return n;
}

EFI_STATUS handle_find_all(const EFI_GUID *protocol, EFI_HANDLE **ret_handles, UINTN *ret_count)
{
	UINTN n = handle_search(protocol ? ByProtocol : AllHandles, protocol, NULL, 0);
	EFI_HANDLE *buffer;

	if (!n)
		return EFI_NOT_FOUND;
	buffer = pool_alloc(EfiBootServicesData, n * sizeof(EFI_HANDLE));
	if (!buffer)
		return EFI_OUT_OF_RESOURCES;
	handle_search(protocol ? ByProtocol : AllHandles, protocol, buffer, n);
	*ret_handles = buffer;
	*ret_count = n;
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_install_protocol_interface(EFI_HANDLE *Handle, EFI_GUID *Protocol,
						 EFI_INTERFACE_TYPE InterfaceType, VOID *Interface)
{
	EFI_TPL old;
	EFI_STATUS status;

	if (InterfaceType != EFI_NATIVE_INTERFACE)
		return EFI_INVALID_PARAMETER;
	old = efi_raise_tpl(TPL_NOTIFY);
	status = handle_install(Handle, Protocol, Interface);
	efi_restore_tpl(old);
	return status;
}

/* §7.3.3: drivers holding the interface are disconnected first, at the caller's TPL, and
 * connected again if the interface stays. */
EFI_STATUS EFIAPI efi_uninstall_protocol_interface(EFI_HANDLE Handle, EFI_GUID *Protocol,
						   VOID *Interface)
{
	BOOLEAN released = handle_disconnect_holders(Handle, Protocol);
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status = handle_uninstall(Handle, Protocol, Interface);

	efi_restore_tpl(old);
	if (EFI_ERROR(status) && released)
		efi_connect_controller(Handle, NULL, NULL, TRUE);
	return status;
}

/*
 * §7.3.4: the drivers holding the old interface are stopped, the new one goes in, and the
 * controller is connected again (recursively, as EDK2 does), so they bind to the new one.
 */
EFI_STATUS EFIAPI efi_reinstall_protocol_interface(EFI_HANDLE Handle, EFI_GUID *Protocol,
						   VOID *OldInterface, VOID *NewInterface)
{
	struct handle *h = handle_record(Handle);
	struct interface *in;
	EFI_STATUS status = EFI_SUCCESS;
	BOOLEAN released;
	EFI_TPL old;

	if (!h || !Protocol)
		return EFI_INVALID_PARAMETER;
	in = handle_interface(h, Protocol);
	if (!in || in->iface != OldInterface)
		return EFI_NOT_FOUND;
	released = handle_disconnect_holders(Handle, Protocol);
	old = efi_raise_tpl(TPL_NOTIFY);
	/* A driver's Stop may have changed the handle: look again. */
	in = handle_is_valid(Handle) ? handle_interface(h, Protocol) : NULL;
	if (!in || in->iface != OldInterface) {
		status = EFI_NOT_FOUND;
	} else if (interface_is_claimed(in)) {
		status = EFI_ACCESS_DENIED;
	} else {
		interface_drop_opens(in);
		in->iface = NewInterface;
	}
	efi_restore_tpl(old);
	if (!EFI_ERROR(status) || released)
		efi_connect_controller(Handle, NULL, NULL, TRUE);
	if (!EFI_ERROR(status)) {
		old = efi_raise_tpl(TPL_NOTIFY);
		notify_installed(h, Protocol);
		efi_restore_tpl(old);
	}
	return status;
}

EFI_STATUS EFIAPI efi_handle_protocol(EFI_HANDLE Handle, EFI_GUID *Protocol, VOID **Interface)
{
	extern EFI_HANDLE firmware_image_handle;

	return efi_open_protocol(Handle, Protocol, Interface, firmware_image_handle, NULL,
				 EFI_OPEN_PROTOCOL_BY_HANDLE_PROTOCOL);
}

static EFI_STATUS register_protocol_notify(EFI_GUID *Protocol, EFI_EVENT Event,
					 VOID **Registration)
{
	struct notify *n;

	if (!Protocol || !Event || !Registration)
		return EFI_INVALID_PARAMETER;
	n = pool_zalloc(sizeof(*n));
	if (!n)
		return EFI_OUT_OF_RESOURCES;
	n->guid = *Protocol;
	n->event = Event;
	n->next = notifies;
	notifies = n;
	*Registration = n;
	return EFI_SUCCESS;
}

/* LocateHandle(ByRegisterNotify) hands out one new handle per call. */
static EFI_HANDLE notify_next(struct notify *reg)
{
	for (struct notify *n = notifies; n; n = n->next) {
		if (n != reg)
			continue;
		while (n->count) {
			EFI_HANDLE h = n->pending[n->head];

			n->head = (n->head + 1) % NOTIFY_QUEUE;
			n->count--;
			if (h)
				return h;
		}
	}
	return NULL;
}

static EFI_STATUS locate_handle(EFI_LOCATE_SEARCH_TYPE SearchType, EFI_GUID *Protocol,
				VOID *SearchKey, UINTN *BufferSize, EFI_HANDLE *Buffer)
{
	UINTN n, capacity;

	if (!BufferSize || (*BufferSize && !Buffer))
		return EFI_INVALID_PARAMETER;
	capacity = *BufferSize / sizeof(EFI_HANDLE);
	switch (SearchType) {
	case AllHandles:
		n = handle_search(AllHandles, NULL, Buffer, capacity);
		break;
	case ByProtocol:
		if (!Protocol)
			return EFI_INVALID_PARAMETER;
		n = handle_search(ByProtocol, Protocol, Buffer, capacity);
		break;
	case ByRegisterNotify: {
		if (!SearchKey)
			return EFI_INVALID_PARAMETER;
		if (capacity < 1) {
			*BufferSize = sizeof(EFI_HANDLE);
			return EFI_BUFFER_TOO_SMALL;
		}
		EFI_HANDLE h = notify_next(SearchKey);

		if (!h)
			return EFI_NOT_FOUND;
		Buffer[0] = h;
		*BufferSize = sizeof(EFI_HANDLE);
		return EFI_SUCCESS;
	}
	default:
		return EFI_INVALID_PARAMETER;
	}
	if (!n)
		return EFI_NOT_FOUND;
	*BufferSize = n * sizeof(EFI_HANDLE);
	return n > capacity ? EFI_BUFFER_TOO_SMALL : EFI_SUCCESS;
}

static EFI_STATUS locate_handle_buffer(EFI_LOCATE_SEARCH_TYPE SearchType, EFI_GUID *Protocol,
				       VOID *SearchKey, UINTN *NoHandles, EFI_HANDLE **Buffer)
{
	UINTN size = 0;
	EFI_STATUS status;

	if (!NoHandles || !Buffer)
		return EFI_INVALID_PARAMETER;
	*NoHandles = 0;
	*Buffer = NULL;
	status = locate_handle(SearchType, Protocol, SearchKey, &size, NULL);
	if (status != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(status) ? status : EFI_NOT_FOUND;
	*Buffer = pool_alloc(EfiBootServicesData, size);
	if (!*Buffer)
		return EFI_OUT_OF_RESOURCES;
	status = locate_handle(SearchType, Protocol, SearchKey, &size, *Buffer);
	if (EFI_ERROR(status)) {
		pool_free(*Buffer);
		*Buffer = NULL;
		return status;
	}
	*NoHandles = size / sizeof(EFI_HANDLE);
	return EFI_SUCCESS;
}

static EFI_STATUS locate_protocol(EFI_GUID *Protocol, VOID *Registration, VOID **Interface)
{
	if (!Protocol || !Interface)
		return EFI_INVALID_PARAMETER;
	*Interface = NULL;
	if (Registration) {
		EFI_HANDLE h = notify_next(Registration);

		return h ? handle_lookup(h, Protocol, Interface) : EFI_NOT_FOUND;
	}
	for (struct handle *h = handles; h; h = h->next) {
		struct interface *in = handle_interface(h, Protocol);

		if (in) {
			*Interface = in->iface;
			return EFI_SUCCESS;
		}
	}
	return EFI_NOT_FOUND;
}

/* Nodes of prefix (up to its end node) that match the start of path, or -1 if it is no prefix. */
static INTN dp_prefix_nodes(const EFI_DEVICE_PATH_PROTOCOL *prefix,
			    const EFI_DEVICE_PATH_PROTOCOL *path)
{
	INTN nodes = 0;

	if (!device_path_skip_prefix(prefix, path))
		return -1;
	for (; !device_path_is_end_any(prefix); prefix = device_path_next(prefix))
		nodes++;
	return nodes;
}

static EFI_STATUS locate_device_path(EFI_GUID *Protocol, EFI_DEVICE_PATH_PROTOCOL **DevicePath,
				     EFI_HANDLE *Device)
{
	static const EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	struct handle *best = NULL;
	INTN best_nodes = -1;

	if (!Protocol || !DevicePath || !*DevicePath)
		return EFI_INVALID_PARAMETER;
	for (struct handle *h = handles; h; h = h->next) {
		struct interface *dp = handle_interface(h, &dp_guid);
		INTN nodes;

		if (!dp || !dp->iface || !handle_interface(h, Protocol))
			continue;
		nodes = dp_prefix_nodes(dp->iface, *DevicePath);
		if (nodes > best_nodes) {
			best_nodes = nodes;
			best = h;
		}
	}
	if (!best)
		return EFI_NOT_FOUND;
	if (!Device)
		return EFI_INVALID_PARAMETER;
	while (best_nodes-- > 0)
		*DevicePath = (EFI_DEVICE_PATH_PROTOCOL *)device_path_next(*DevicePath);
	*Device = best;
	return EFI_SUCCESS;
}

static EFI_STATUS protocols_per_handle(EFI_HANDLE Handle, EFI_GUID ***ProtocolBuffer,
				       UINTN *ProtocolBufferCount)
{
	struct handle *h = handle_record(Handle);
	UINTN n = 0;

	if (!h || !ProtocolBuffer || !ProtocolBufferCount)
		return EFI_INVALID_PARAMETER;
	for (struct interface *in = h->interfaces; in; in = in->next)
		n++;
	*ProtocolBuffer = pool_alloc(EfiBootServicesData, (n ? n : 1) * sizeof(EFI_GUID *));
	if (!*ProtocolBuffer)
		return EFI_OUT_OF_RESOURCES;
	n = 0;
	for (struct interface *in = h->interfaces; in; in = in->next)
		(*ProtocolBuffer)[n++] = &in->guid;
	*ProtocolBufferCount = n;
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_install_multiple_protocol_interfaces(EFI_HANDLE *Handle, ...)
{
	static const EFI_GUID dp_guid = EFI_DEVICE_PATH_PROTOCOL_GUID;
	__builtin_ms_va_list args;
	EFI_HANDLE original;
	EFI_STATUS status = EFI_SUCCESS;
	UINTN installed = 0;
	EFI_TPL old;

	if (!Handle)
		return EFI_INVALID_PARAMETER;
	original = *Handle;
	old = efi_raise_tpl(TPL_NOTIFY);
	__builtin_ms_va_start(args, Handle);
	for (;;) {
		EFI_GUID *guid = __builtin_va_arg(args, EFI_GUID *);
		void *iface;

		if (!guid)
			break;
		iface = __builtin_va_arg(args, void *);
		/* §7.3.16: a device path already installed on another handle is a duplicate. */
		if (guid_equal(guid, &dp_guid) && iface) {
			EFI_DEVICE_PATH_PROTOCOL *dp = iface;
			EFI_HANDLE found;

			if (!EFI_ERROR(efi_locate_device_path(guid, &dp, &found)) &&
			    device_path_is_end_any(dp)) {
				status = EFI_ALREADY_STARTED;
				break;
			}
		}
		status = handle_install(Handle, guid, iface);
		if (EFI_ERROR(status))
			break;
		installed++;
	}
	__builtin_ms_va_end(args);

	if (EFI_ERROR(status) && installed) {
		/* Undo what this call installed, in the same order. */
		__builtin_ms_va_start(args, Handle);
		while (installed--) {
			EFI_GUID *guid = __builtin_va_arg(args, EFI_GUID *);
			void *iface = __builtin_va_arg(args, void *);

			handle_uninstall(*Handle, guid, iface);
		}
		__builtin_ms_va_end(args);
		*Handle = original;
	}
	efi_restore_tpl(old);
	return status;
}

EFI_STATUS EFIAPI efi_uninstall_multiple_protocol_interfaces(EFI_HANDLE Handle, ...)
{
	__builtin_ms_va_list args;
	EFI_STATUS status = EFI_SUCCESS;
	UINTN removed = 0;
	BOOLEAN released = FALSE;
	EFI_TPL old;

	if (!handle_is_valid(Handle))
		return EFI_INVALID_PARAMETER;
	/* As UninstallProtocolInterface: the drivers holding any of them let go first. */
	__builtin_ms_va_start(args, Handle);
	for (EFI_GUID *guid; (guid = __builtin_va_arg(args, EFI_GUID *));
	     __builtin_va_arg(args, void *))
		released |= handle_disconnect_holders(Handle, guid);
	__builtin_ms_va_end(args);
	old = efi_raise_tpl(TPL_NOTIFY);
	__builtin_ms_va_start(args, Handle);
	for (;;) {
		EFI_GUID *guid = __builtin_va_arg(args, EFI_GUID *);
		void *iface;

		if (!guid)
			break;
		iface = __builtin_va_arg(args, void *);
		status = handle_uninstall(Handle, guid, iface);
		if (EFI_ERROR(status))
			break;
		removed++;
	}
	__builtin_ms_va_end(args);

	if (EFI_ERROR(status)) {
		/* §7.3.17: all or nothing, so put back what was removed. The handle may have gone
		 * with its last protocol; then the put-back lands on a new handle. */
		EFI_HANDLE h = handle_is_valid(Handle) ? Handle : NULL;

		__builtin_ms_va_start(args, Handle);
		while (removed--) {
			EFI_GUID *guid = __builtin_va_arg(args, EFI_GUID *);
			void *iface = __builtin_va_arg(args, void *);

			handle_install(&h, guid, iface);
		}
		__builtin_ms_va_end(args);
		status = EFI_INVALID_PARAMETER;
	}
	efi_restore_tpl(old);
	if (EFI_ERROR(status) && released && handle_is_valid(Handle))
		efi_connect_controller(Handle, NULL, NULL, TRUE);
	return status;
}

void handle_close_all_opened_by(EFI_HANDLE image)
{
	for (struct handle *h = handles; h; h = h->next) {
		for (struct interface *in = h->interfaces; in; in = in->next) {
			for (struct open_record **p = &in->opens; *p;) {
				struct open_record *o = *p;

				if (o->agent == image) {
					*p = o->next;
					pool_free(o);
				} else {
					p = &o->next;
				}
			}
		}
	}
}

/*
 * The searches at TPL_NOTIFY, as the changes above: a timer notification that installs a protocol
 * or registers for one must not change the lists under a search (EDK2's gProtocolDatabaseLock).
 */
#define LOCKED(call)                                                                               \
	do {                                                                                       \
		EFI_TPL old_ = efi_raise_tpl(TPL_NOTIFY);                                          \
		EFI_STATUS status_ = call;                                                         \
                                                                                                   \
		efi_restore_tpl(old_);                                                             \
		return status_;                                                                    \
	} while (0)

EFI_STATUS EFIAPI efi_register_protocol_notify(EFI_GUID *Protocol, EFI_EVENT Event,
					       VOID **Registration)
{
	LOCKED(register_protocol_notify(Protocol, Event, Registration));
}

EFI_STATUS EFIAPI efi_locate_handle(EFI_LOCATE_SEARCH_TYPE SearchType, EFI_GUID *Protocol,
				    VOID *SearchKey, UINTN *BufferSize, EFI_HANDLE *Buffer)
{
	LOCKED(locate_handle(SearchType, Protocol, SearchKey, BufferSize, Buffer));
}

EFI_STATUS EFIAPI efi_locate_handle_buffer(EFI_LOCATE_SEARCH_TYPE SearchType, EFI_GUID *Protocol,
					   VOID *SearchKey, UINTN *NoHandles, EFI_HANDLE **Buffer)
{
	LOCKED(locate_handle_buffer(SearchType, Protocol, SearchKey, NoHandles, Buffer));
}

EFI_STATUS EFIAPI efi_locate_protocol(EFI_GUID *Protocol, VOID *Registration, VOID **Interface)
{
	LOCKED(locate_protocol(Protocol, Registration, Interface));
}

EFI_STATUS EFIAPI efi_locate_device_path(EFI_GUID *Protocol, EFI_DEVICE_PATH_PROTOCOL **DevicePath,
					 EFI_HANDLE *Device)
{
	LOCKED(locate_device_path(Protocol, DevicePath, Device));
}

EFI_STATUS EFIAPI efi_protocols_per_handle(EFI_HANDLE Handle, EFI_GUID ***ProtocolBuffer,
					   UINTN *ProtocolBufferCount)
{
	LOCKED(protocols_per_handle(Handle, ProtocolBuffer, ProtocolBufferCount));
}

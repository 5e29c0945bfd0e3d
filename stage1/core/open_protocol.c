/* SPDX-License-Identifier: MIT */
/* OpenProtocol, CloseProtocol and OpenProtocolInformation: who holds which interface (UEFI 2.10 §7.3.9-11). */
#include "stage1/core/events.h"
#include "stage1/core/handles_internal.h"
#include "stage1/core/memory.h"

#define CLAIM_MASK (EFI_OPEN_PROTOCOL_BY_DRIVER | EFI_OPEN_PROTOCOL_EXCLUSIVE)

BOOLEAN interface_is_claimed(const struct interface *in)
{
	for (struct open_record *o = in->opens; o; o = o->next)
		if (o->attributes & CLAIM_MASK)
			return TRUE;
	return FALSE;
}

void interface_drop_opens(struct interface *in)
{
	while (in->opens) {
		struct open_record *o = in->opens;

		in->opens = o->next;
		pool_free(o);
	}
}

static BOOLEAN attributes_valid(UINT32 attributes, EFI_HANDLE agent, EFI_HANDLE controller,
				EFI_HANDLE handle)
{
	switch (attributes) {
	case EFI_OPEN_PROTOCOL_BY_HANDLE_PROTOCOL:
	case EFI_OPEN_PROTOCOL_GET_PROTOCOL:
	case EFI_OPEN_PROTOCOL_TEST_PROTOCOL:
		return TRUE;
	case EFI_OPEN_PROTOCOL_BY_CHILD_CONTROLLER:
		return handle_is_valid(agent) && handle_is_valid(controller) &&
		       controller != handle;
	case EFI_OPEN_PROTOCOL_BY_DRIVER:
	case EFI_OPEN_PROTOCOL_BY_DRIVER | EFI_OPEN_PROTOCOL_EXCLUSIVE:
		return handle_is_valid(agent) && handle_is_valid(controller);
	case EFI_OPEN_PROTOCOL_EXCLUSIVE:
		return handle_is_valid(agent);
	default:
		return FALSE;
	}
}

/* The §7.3.9 table of conflicts between a new open and the ones already recorded. */
static EFI_STATUS check_conflicts(struct interface *in, EFI_HANDLE agent, UINT32 attributes)
{
	for (struct open_record *o = in->opens; o; o = o->next) {
		BOOLEAN same_agent = o->agent == agent;

		if (o->attributes & EFI_OPEN_PROTOCOL_EXCLUSIVE) {
			if (attributes & CLAIM_MASK)
				return same_agent && o->attributes == attributes
					       ? EFI_ALREADY_STARTED
					       : EFI_ACCESS_DENIED;
		} else if (o->attributes & EFI_OPEN_PROTOCOL_BY_DRIVER) {
			if (attributes == EFI_OPEN_PROTOCOL_BY_DRIVER)
				return same_agent ? EFI_ALREADY_STARTED : EFI_ACCESS_DENIED;
			/* An exclusive open would disconnect the driver; none of ours can be. */
			if (attributes & EFI_OPEN_PROTOCOL_EXCLUSIVE)
				return same_agent ? EFI_ALREADY_STARTED : EFI_ACCESS_DENIED;
		}
	}
	return EFI_SUCCESS;
}

static EFI_STATUS open_protocol(EFI_HANDLE handle, EFI_GUID *protocol, VOID **interface,
				EFI_HANDLE agent, EFI_HANDLE controller, UINT32 attributes)
{
	struct handle *h = handle_record(handle);
	struct interface *in;
	struct open_record *o;
	EFI_STATUS status;

	if (!protocol || (!interface && attributes != EFI_OPEN_PROTOCOL_TEST_PROTOCOL))
		return EFI_INVALID_PARAMETER;
	if (!h || !attributes_valid(attributes, agent, controller, handle))
		return EFI_INVALID_PARAMETER;
	in = handle_interface(h, protocol);
	if (!in) {
		if (interface && attributes != EFI_OPEN_PROTOCOL_TEST_PROTOCOL)
			*interface = NULL;
		return EFI_UNSUPPORTED;
	}
	if (attributes == EFI_OPEN_PROTOCOL_TEST_PROTOCOL)
		return EFI_SUCCESS;

	status = check_conflicts(in, agent, attributes);
	if (status == EFI_ALREADY_STARTED)
		*interface = in->iface;
	if (EFI_ERROR(status))
		return status;

	for (o = in->opens; o; o = o->next) {
		if (o->agent == agent && o->controller == controller &&
		    o->attributes == attributes) {
			o->open_count++;
			*interface = in->iface;
			return EFI_SUCCESS;
		}
	}
	o = pool_zalloc(sizeof(*o));
	if (!o)
		return EFI_OUT_OF_RESOURCES;
	*o = (struct open_record){ in->opens, agent, controller, attributes, 1 };
	in->opens = o;
	*interface = in->iface;
	return EFI_SUCCESS;
}

EFI_STATUS EFIAPI efi_open_protocol(EFI_HANDLE Handle, EFI_GUID *Protocol, VOID **Interface,
				    EFI_HANDLE AgentHandle, EFI_HANDLE ControllerHandle,
				    UINT32 Attributes)
{
	EFI_TPL old = efi_raise_tpl(TPL_NOTIFY);
	EFI_STATUS status = open_protocol(Handle, Protocol, Interface, AgentHandle,
					  ControllerHandle, Attributes);

	efi_restore_tpl(old);
	return status;
}

EFI_STATUS EFIAPI efi_close_protocol(EFI_HANDLE Handle, EFI_GUID *Protocol, EFI_HANDLE AgentHandle,
				     EFI_HANDLE ControllerHandle)
{
	struct handle *h = handle_record(Handle);
	struct interface *in;
	EFI_STATUS status = EFI_NOT_FOUND;
	EFI_TPL old;

	if (!h || !Protocol || !handle_is_valid(AgentHandle) ||
	    (ControllerHandle && !handle_is_valid(ControllerHandle)))
		return EFI_INVALID_PARAMETER;
	old = efi_raise_tpl(TPL_NOTIFY);
	in = handle_interface(h, Protocol);
	for (struct open_record **p = in ? &in->opens : NULL; p && *p;) {
		struct open_record *o = *p;

		if (o->agent == AgentHandle && o->controller == ControllerHandle) {
			*p = o->next;
			pool_free(o);
			status = EFI_SUCCESS;
		} else {
			p = &o->next;
		}
	}
	efi_restore_tpl(old);
	return status;
}

EFI_STATUS EFIAPI efi_open_protocol_information(EFI_HANDLE Handle, EFI_GUID *Protocol,
						EFI_OPEN_PROTOCOL_INFORMATION_ENTRY **EntryBuffer,
						UINTN *EntryCount)
{
	struct handle *h = handle_record(Handle);
	struct interface *in;
	UINTN n = 0;

	if (!h || !Protocol || !EntryBuffer || !EntryCount)
		return EFI_INVALID_PARAMETER;
	in = handle_interface(h, Protocol);
	if (!in)
		return EFI_NOT_FOUND;
	for (struct open_record *o = in->opens; o; o = o->next)
		n++;
	*EntryBuffer = pool_alloc(EfiBootServicesData, (n ? n : 1) * sizeof(**EntryBuffer));
	if (!*EntryBuffer)
		return EFI_OUT_OF_RESOURCES;
	n = 0;
	for (struct open_record *o = in->opens; o; o = o->next)
		(*EntryBuffer)[n++] =
			(EFI_OPEN_PROTOCOL_INFORMATION_ENTRY){ o->agent, o->controller,
							       o->attributes, o->open_count };
	*EntryCount = n;
	return EFI_SUCCESS;
}

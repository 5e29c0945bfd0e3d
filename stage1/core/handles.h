/* SPDX-License-Identifier: MIT */
/* The handle and protocol database (UEFI 2.10 §7.3). */
#pragma once

#include "include/efi/boot_services.h"

/* Install protocol on *handle (a new handle when *handle is NULL); notifies RegisterProtocolNotify events. */
EFI_STATUS handle_install(EFI_HANDLE *handle, const EFI_GUID *protocol, void *interface);
/* Remove protocol from handle (refused while opened BY_DRIVER); the handle goes when its last protocol does. */
EFI_STATUS handle_uninstall(EFI_HANDLE handle, const EFI_GUID *protocol, void *interface);
/* The interface of protocol on handle; EFI_UNSUPPORTED if absent, EFI_INVALID_PARAMETER for a bad handle. */
EFI_STATUS handle_lookup(EFI_HANDLE handle, const EFI_GUID *protocol, void **ret_interface);
/* All handles with protocol, in install order, in a pool buffer; EFI_NOT_FOUND if none. */
EFI_STATUS handle_find_all(const EFI_GUID *protocol, EFI_HANDLE **ret_handles, UINTN *ret_count);
/* Whether handle names a live handle. */
BOOLEAN handle_is_valid(EFI_HANDLE handle);
/* Compare two GUIDs. */
BOOLEAN guid_equal(const EFI_GUID *a, const EFI_GUID *b);
/* §7.3.3: disconnect the drivers holding protocol on handle BY_DRIVER; whether any let go. */
BOOLEAN handle_disconnect_holders(EFI_HANDLE handle, const EFI_GUID *protocol);
/* Drop every open-protocol record whose agent is image (when an image exits or is unloaded). */
void handle_close_all_opened_by(EFI_HANDLE image);

EFI_STATUS EFIAPI efi_install_protocol_interface(EFI_HANDLE *Handle, EFI_GUID *Protocol,
						 EFI_INTERFACE_TYPE InterfaceType, VOID *Interface);
EFI_STATUS EFIAPI efi_reinstall_protocol_interface(EFI_HANDLE Handle, EFI_GUID *Protocol,
						   VOID *OldInterface, VOID *NewInterface);
EFI_STATUS EFIAPI efi_uninstall_protocol_interface(EFI_HANDLE Handle, EFI_GUID *Protocol,
						   VOID *Interface);
EFI_STATUS EFIAPI efi_handle_protocol(EFI_HANDLE Handle, EFI_GUID *Protocol, VOID **Interface);
EFI_STATUS EFIAPI efi_register_protocol_notify(EFI_GUID *Protocol, EFI_EVENT Event,
					       VOID **Registration);
EFI_STATUS EFIAPI efi_locate_handle(EFI_LOCATE_SEARCH_TYPE SearchType, EFI_GUID *Protocol,
				    VOID *SearchKey, UINTN *BufferSize, EFI_HANDLE *Buffer);
EFI_STATUS EFIAPI efi_locate_device_path(EFI_GUID *Protocol, EFI_DEVICE_PATH_PROTOCOL **DevicePath,
					 EFI_HANDLE *Device);
EFI_STATUS EFIAPI efi_connect_controller(EFI_HANDLE ControllerHandle, EFI_HANDLE *DriverImageHandle,
					 EFI_DEVICE_PATH_PROTOCOL *RemainingDevicePath,
					 BOOLEAN Recursive);
EFI_STATUS EFIAPI efi_disconnect_controller(EFI_HANDLE ControllerHandle,
					    EFI_HANDLE DriverImageHandle, EFI_HANDLE ChildHandle);
EFI_STATUS EFIAPI efi_open_protocol(EFI_HANDLE Handle, EFI_GUID *Protocol, VOID **Interface,
				    EFI_HANDLE AgentHandle, EFI_HANDLE ControllerHandle,
				    UINT32 Attributes);
EFI_STATUS EFIAPI efi_close_protocol(EFI_HANDLE Handle, EFI_GUID *Protocol, EFI_HANDLE AgentHandle,
				     EFI_HANDLE ControllerHandle);
EFI_STATUS EFIAPI efi_open_protocol_information(EFI_HANDLE Handle, EFI_GUID *Protocol,
						EFI_OPEN_PROTOCOL_INFORMATION_ENTRY **EntryBuffer,
						UINTN *EntryCount);
EFI_STATUS EFIAPI efi_protocols_per_handle(EFI_HANDLE Handle, EFI_GUID ***ProtocolBuffer,
					   UINTN *ProtocolBufferCount);
EFI_STATUS EFIAPI efi_locate_handle_buffer(EFI_LOCATE_SEARCH_TYPE SearchType, EFI_GUID *Protocol,
					   VOID *SearchKey, UINTN *NoHandles, EFI_HANDLE **Buffer);
EFI_STATUS EFIAPI efi_locate_protocol(EFI_GUID *Protocol, VOID *Registration, VOID **Interface);
EFI_STATUS EFIAPI efi_install_multiple_protocol_interfaces(EFI_HANDLE *Handle, ...);
EFI_STATUS EFIAPI efi_uninstall_multiple_protocol_interfaces(EFI_HANDLE Handle, ...);

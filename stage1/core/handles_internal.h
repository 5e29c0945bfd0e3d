/* SPDX-License-Identifier: MIT */
/* The protocol database's records, shared by handles.c (install/locate) and open_protocol.c. */
#pragma once

#include "stage1/core/handles.h"

#define HANDLE_MAGIC 0x4c444e48u /* "HNDL" */

struct open_record {
	struct open_record *next;
	EFI_HANDLE agent;
	EFI_HANDLE controller;
	UINT32 attributes;
	UINT32 open_count;
};

/* One protocol instance on one handle. */
struct interface {
	struct interface *next;
	EFI_GUID guid;
	void *iface;
	struct open_record *opens;
};

struct handle {
	UINT32 magic;
	struct handle *next;		/* all handles, in creation order */
	struct interface *interfaces;	/* in install order */
};

/* The handle record behind a handle value, NULL if it is not a live handle. */
struct handle *handle_record(EFI_HANDLE handle);
/* The protocol instance on h, NULL if absent. */
struct interface *handle_interface(struct handle *h, const EFI_GUID *protocol);
/* Whether an instance is opened BY_DRIVER or EXCLUSIVE, which blocks uninstalling it. */
BOOLEAN interface_is_claimed(const struct interface *in);
/* Free every open record of an instance. */
void interface_drop_opens(struct interface *in);

// SPDX-License-Identifier: MIT
/* OpenProtocol attributes: BY_DRIVER exclusivity, GET_PROTOCOL, TEST_PROTOCOL, open information. */
#include "efi-apps/selftest/selftest.h"

static EFI_GUID proto = { 0x8e2f6b10, 0x44c1, 0x4f0e, { 0xb3, 0x27, 0x6c, 0x01, 0x9a, 0x5d, 0x2e,
							 0x01 } };
static EFI_GUID agent_proto = { 0x8e2f6b10, 0x44c1, 0x4f0e, { 0xb3, 0x27, 0x6c, 0x01, 0x9a, 0x5d,
							       0x2e, 0x02 } };
static UINT32 iface, agent_iface;
static EFI_HANDLE controller, agent_b;
static BOOLEAN open_a, open_b;

/* Two agents: our own image handle, and a handle of our own standing in for a second driver. */
static EFI_STATUS setup(void)
{
	EFI_STATUS status;

	controller = agent_b = NULL;
	open_a = open_b = FALSE;
	status = BS->InstallProtocolInterface(&controller, &proto, EFI_NATIVE_INTERFACE, &iface);
	if (EFI_ERROR(status))
		return status;
	return BS->InstallProtocolInterface(&agent_b, &agent_proto, EFI_NATIVE_INTERFACE,
					    &agent_iface);
}

static void teardown(void)
{
	if (open_a)
		BS->CloseProtocol(controller, &proto, selftest_image, controller);
	if (open_b)
		BS->CloseProtocol(controller, &proto, agent_b, controller);
	/* GET_PROTOCOL opens need no close, but closing keeps the uninstall clean. */
	BS->CloseProtocol(controller, &proto, agent_b, NULL);
	BS->CloseProtocol(controller, &proto, selftest_image, NULL);
	if (controller)
		BS->UninstallProtocolInterface(controller, &proto, &iface);
	if (agent_b)
		BS->UninstallProtocolInterface(agent_b, &agent_proto, &agent_iface);
}

static EFI_STATUS by_driver_exclusive(void)
{
	void *got = NULL;

	CHECK_OK(BS->OpenProtocol(controller, &proto, &got, selftest_image, controller,
				  EFI_OPEN_PROTOCOL_BY_DRIVER));
	open_a = TRUE;
	CHECK(got == &iface, "interface %p, installed %p", got, &iface);
	/* Same agent again: already started; another agent: access denied (UEFI 2.10 §7.3). */
	CHECK_STATUS(BS->OpenProtocol(controller, &proto, &got, selftest_image, controller,
				      EFI_OPEN_PROTOCOL_BY_DRIVER),
		     EFI_ALREADY_STARTED);
	CHECK_STATUS(BS->OpenProtocol(controller, &proto, &got, agent_b, controller,
				      EFI_OPEN_PROTOCOL_BY_DRIVER),
		     EFI_ACCESS_DENIED);
	/* GET_PROTOCOL is not exclusive. */
	got = NULL;
	CHECK_OK(BS->OpenProtocol(controller, &proto, &got, agent_b, NULL,
				  EFI_OPEN_PROTOCOL_GET_PROTOCOL));
	CHECK(got == &iface, "GET_PROTOCOL interface %p", got);
	/* Once the first driver lets go, the second may have it. */
	CHECK_OK(BS->CloseProtocol(controller, &proto, selftest_image, controller));
	open_a = FALSE;
	CHECK_OK(BS->OpenProtocol(controller, &proto, &got, agent_b, controller,
				  EFI_OPEN_PROTOCOL_BY_DRIVER));
	open_b = TRUE;
	CHECK_OK(BS->CloseProtocol(controller, &proto, agent_b, controller));
	open_b = FALSE;
	CHECK_STATUS(BS->CloseProtocol(controller, &proto, agent_b, controller), EFI_NOT_FOUND);
	return EFI_SUCCESS;
}

static EFI_STATUS test_protocol(void)
{
	void *got = (void *)1;
	EFI_GUID absent = agent_proto;

	CHECK_OK(BS->OpenProtocol(controller, &proto, NULL, selftest_image, NULL,
				  EFI_OPEN_PROTOCOL_TEST_PROTOCOL));
	CHECK_STATUS(BS->OpenProtocol(controller, &absent, NULL, selftest_image, NULL,
				      EFI_OPEN_PROTOCOL_TEST_PROTOCOL),
		     EFI_UNSUPPORTED);
	/* Interface is optional only for TEST_PROTOCOL. */
	CHECK_STATUS(BS->OpenProtocol(controller, &proto, NULL, selftest_image, NULL,
				      EFI_OPEN_PROTOCOL_GET_PROTOCOL),
		     EFI_INVALID_PARAMETER);
	/* A failed open clears Interface (UEFI 2.10 §7.3 OpenProtocol). */
	CHECK_STATUS(BS->OpenProtocol(controller, &absent, &got, selftest_image, NULL,
				      EFI_OPEN_PROTOCOL_GET_PROTOCOL),
		     EFI_UNSUPPORTED);
	CHECK(got == NULL, "Interface left at %p after a failed open", got);
	CHECK_STATUS(BS->OpenProtocol(controller, &proto, &got, selftest_image, controller, 0x1234),
		     EFI_INVALID_PARAMETER);
	return EFI_SUCCESS;
}

static EFI_STATUS open_information(void)
{
	EFI_OPEN_PROTOCOL_INFORMATION_ENTRY *info = NULL;
	UINTN count = 0;
	BOOLEAN driver = FALSE, get = FALSE;
	void *got;

	CHECK_OK(BS->OpenProtocol(controller, &proto, &got, selftest_image, controller,
				  EFI_OPEN_PROTOCOL_BY_DRIVER));
	open_a = TRUE;
	CHECK_OK(BS->OpenProtocol(controller, &proto, &got, agent_b, NULL,
				  EFI_OPEN_PROTOCOL_GET_PROTOCOL));
	CHECK_OK(BS->OpenProtocolInformation(controller, &proto, &info, &count));
	for (UINTN i = 0; i < count; i++) {
		if (info[i].AgentHandle == selftest_image &&
		    info[i].ControllerHandle == controller &&
		    info[i].Attributes == EFI_OPEN_PROTOCOL_BY_DRIVER && info[i].OpenCount == 1)
			driver = TRUE;
		if (info[i].AgentHandle == agent_b &&
		    info[i].Attributes == EFI_OPEN_PROTOCOL_GET_PROTOCOL)
			get = TRUE;
	}
	BS->FreePool(info);
	CHECK(count == 2, "%ld open entries, expected 2", (INT64)count);
	CHECK(driver && get, "entries: BY_DRIVER %a, GET_PROTOCOL %a", driver ? "ok" : "missing",
	      get ? "ok" : "missing");
	/* Closing removes exactly that agent's entry. */
	CHECK_OK(BS->CloseProtocol(controller, &proto, selftest_image, controller));
	open_a = FALSE;
	CHECK_OK(BS->OpenProtocolInformation(controller, &proto, &info, &count));
	BS->FreePool(info);
	CHECK(count == 1, "%ld entries after close, expected 1", (INT64)count);
	return EFI_SUCCESS;
}

SELFTEST_SUITE(open_protocol,
	       { "open_protocol.by_driver_exclusive", setup, by_driver_exclusive, teardown },
	       { "open_protocol.test_protocol", setup, test_protocol, teardown },
	       { "open_protocol.information", setup, open_information, teardown });

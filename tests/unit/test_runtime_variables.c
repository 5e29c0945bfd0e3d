/* SPDX-License-Identifier: MIT */
/* The runtime's variable services compiled for the host: every rule and error path of §8.2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/*
 * The module itself, compiled into the test: it links with no rule beyond unit.mk's, and the
 * test can look at the store the way the blob holds it.
 */
#include "runtime/variables.c"
#include "runtime/languages.c"
#include "tests/unit/fake_flash.h"

/* entry.c's and flash_store.c's state, which the blob keeps and variables.c reads. */
BOOLEAN runtime_at_runtime;
struct var_store runtime_nv_store;
BOOLEAN runtime_nv_lost;
static unsigned log_lines;
static char last_log[200];

void runtime_log(const char *message)
{
	log_lines++;
	snprintf(last_log, sizeof(last_log), "%s", message);
}

/* A flash store for the cases that have one: 128 KiB, QEMU's 4 KiB blocks. */
#define FLASH_SIZE (128u * 1024)
static UINT8 flash_mem[FLASH_SIZE];
static struct fake_flash flash;

/* Power on with the flash as it is: memory forgotten, the flash store mounted again. */
static void power_cycle(void)
{
	struct var_store_report report;

	variables_reset();
	runtime_at_runtime = FALSE;
	fake_flash_init(&flash, flash_mem, FLASH_SIZE, 4096);
	memset(&runtime_nv_store, 0, sizeof(runtime_nv_store));
	runtime_nv_store.flash = &flash.dev;
	assert_int_equal(var_store_mount(&runtime_nv_store, &report), EFI_SUCCESS);
}

static int with_flash(void **state)
{
	memset(flash_mem, 0xff, sizeof(flash_mem));
	power_cycle();
	return 0;
}

#define NV EFI_VARIABLE_NON_VOLATILE
#define BS EFI_VARIABLE_BOOTSERVICE_ACCESS
#define RT EFI_VARIABLE_RUNTIME_ACCESS
#define AW EFI_VARIABLE_APPEND_WRITE
#define NV_BS_RT (NV | BS | RT)
#define BS_RT (BS | RT)

static EFI_GUID guid_a = { 0x8be4df61, 0x93ca, 0x11d2, { 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03,
							  0x2b, 0x8c } };
static EFI_GUID guid_b = { 0x12345678, 0x1234, 0x5678, { 1, 2, 3, 4, 5, 6, 7, 8 } };

static int reset(void **state)
{
	variables_reset();
	runtime_at_runtime = FALSE;
	memset(&runtime_nv_store, 0, sizeof(runtime_nv_store));
	runtime_nv_lost = FALSE;
	return 0;
}

static EFI_STATUS set(const CHAR16 *name, EFI_GUID *guid, UINT32 attrs, const char *data)
{
	return efi_set_variable((CHAR16 *)name, guid, attrs, data ? strlen(data) : 0,
				(VOID *)data);
}

static EFI_STATUS get(const CHAR16 *name, EFI_GUID *guid, UINT32 *attrs, char *buf, UINTN *size)
{
	return efi_get_variable((CHAR16 *)name, guid, attrs, size, buf);
}

/* The variable's data as a string, "" when absent. */
static const char *value(const CHAR16 *name, EFI_GUID *guid)
{
	static char buf[VARIABLE_MAX_SIZE + 1];
	UINTN size = VARIABLE_MAX_SIZE;

	if (get(name, guid, NULL, buf, &size) != EFI_SUCCESS)
		return "";
	buf[size] = 0;
	return buf;
}

static void test_set_get(void **state)
{
	UINT32 attrs = 0;
	char buf[16];
	UINTN size = sizeof(buf);

	assert_int_equal(set(u"Alpha", &guid_a, NV_BS_RT, "hello"), EFI_SUCCESS);
	assert_int_equal(get(u"Alpha", &guid_a, &attrs, buf, &size), EFI_SUCCESS);
	assert_int_equal(size, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(attrs, NV_BS_RT);
	/* Same name, other GUID: another variable. */
	assert_int_equal(set(u"Alpha", &guid_b, BS, "other"), EFI_SUCCESS);
	assert_string_equal(value(u"Alpha", &guid_a), "hello");
	assert_string_equal(value(u"Alpha", &guid_b), "other");
	/* Replacing with the same attributes and another size. */
	assert_int_equal(set(u"Alpha", &guid_a, NV_BS_RT, "a longer value"), EFI_SUCCESS);
	assert_string_equal(value(u"Alpha", &guid_a), "a longer value");
	assert_int_equal(set(u"Alpha", &guid_a, NV_BS_RT, "x"), EFI_SUCCESS);
	assert_string_equal(value(u"Alpha", &guid_a), "x");
	assert_string_equal(value(u"Alpha", &guid_b), "other");
}

static void test_get_buffer_too_small(void **state)
{
	UINT32 attrs = 0;
	char buf[16];
	UINTN size = 0;

	assert_int_equal(set(u"Beta", &guid_a, BS | RT, "0123456789"), EFI_SUCCESS);
	/* Size 0 and no buffer: the usual way to ask for the size. */
	assert_int_equal(get(u"Beta", &guid_a, &attrs, NULL, &size), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, 10);
	assert_int_equal(attrs, BS | RT);
	size = 9;
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(get(u"Beta", &guid_a, NULL, buf, &size), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, 10);
	assert_int_equal(buf[0], 'z');
	/* Big enough size but no buffer. */
	size = 10;
	assert_int_equal(get(u"Beta", &guid_a, NULL, NULL, &size), EFI_INVALID_PARAMETER);
	size = 10;
	assert_int_equal(get(u"Beta", &guid_a, NULL, buf, &size), EFI_SUCCESS);
}

static void test_get_errors(void **state)
{
	char buf[8];
	UINTN size = sizeof(buf);

	assert_int_equal(set(u"Gamma", &guid_a, BS, "g"), EFI_SUCCESS);
	assert_int_equal(get(u"Gamm", &guid_a, NULL, buf, &size), EFI_NOT_FOUND);
	assert_int_equal(get(u"Gammaa", &guid_a, NULL, buf, &size), EFI_NOT_FOUND);
	assert_int_equal(get(u"Gamma", &guid_b, NULL, buf, &size), EFI_NOT_FOUND);
	assert_int_equal(get(u"", &guid_a, NULL, buf, &size), EFI_NOT_FOUND);
	assert_int_equal(get(NULL, &guid_a, NULL, buf, &size), EFI_INVALID_PARAMETER);
	assert_int_equal(get(u"Gamma", NULL, NULL, buf, &size), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_get_variable(u"Gamma", &guid_a, NULL, NULL, buf),
			 EFI_INVALID_PARAMETER);
}

static void test_set_bad_parameters(void **state)
{
	static char big[VARIABLE_MAX_SIZE];

	assert_int_equal(set(NULL, &guid_a, BS, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"", &guid_a, BS, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"N", NULL, BS, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_set_variable(u"N", &guid_a, BS, 4, NULL), EFI_INVALID_PARAMETER);
	/* Name (4 bytes with NUL) + data over 32 KiB; exactly 32 KiB fits. */
	assert_int_equal(efi_set_variable(u"N", &guid_a, BS, sizeof(big) - 3, big),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(efi_set_variable(u"N", &guid_a, BS, sizeof(big) - 4, big), EFI_SUCCESS);
	assert_int_equal(efi_set_variable(u"N", &guid_a, BS | AW, 1, big), EFI_INVALID_PARAMETER);
}

static void test_set_bad_attributes(void **state)
{
	assert_int_equal(set(u"A", &guid_a, RT, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"A", &guid_a, NV | RT, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"A", &guid_a, NV, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"A", &guid_a, BS | 0x100, "x"), EFI_INVALID_PARAMETER);
	/* Authenticated writes: no authentication engine, EDK2's answers without one. */
	assert_int_equal(set(u"A", &guid_a,
			     NV_BS_RT | EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS, "x"),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"A", &guid_a, NV_BS_RT | EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS,
			     "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"A", &guid_a, NV_BS_RT | EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS,
			     "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"A", &guid_a, RT | EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS, "x"),
			 EFI_UNSUPPORTED);
	assert_int_equal(set(u"A", &guid_a, NV_BS_RT | EFI_VARIABLE_HARDWARE_ERROR_RECORD, "x"),
			 EFI_INVALID_PARAMETER);
	assert_string_equal(value(u"A", &guid_a), "");
}

static void test_attribute_mismatch(void **state)
{
	assert_int_equal(set(u"M", &guid_a, BS | RT, "one"), EFI_SUCCESS);
	assert_int_equal(set(u"M", &guid_a, NV_BS_RT, "two"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"M", &guid_a, BS, "two"), EFI_INVALID_PARAMETER);
	/* A delete must name the same attributes too, or none. */
	assert_int_equal(set(u"M", &guid_a, BS, NULL), EFI_INVALID_PARAMETER);
	assert_string_equal(value(u"M", &guid_a), "one");
}

static void test_delete(void **state)
{
	assert_int_equal(set(u"D1", &guid_a, BS | RT, "one"), EFI_SUCCESS);
	assert_int_equal(set(u"D2", &guid_a, BS | RT, "two"), EFI_SUCCESS);
	assert_int_equal(set(u"D3", &guid_a, BS | RT, "three"), EFI_SUCCESS);
	/* Size 0 with the variable's attributes. */
	assert_int_equal(set(u"D2", &guid_a, BS | RT, NULL), EFI_SUCCESS);
	assert_string_equal(value(u"D2", &guid_a), "");
	/* No access attributes, even with data. */
	assert_int_equal(set(u"D1", &guid_a, 0, "ignored"), EFI_SUCCESS);
	assert_string_equal(value(u"D1", &guid_a), "");
	assert_string_equal(value(u"D3", &guid_a), "three");
	/* Nothing to delete. */
	assert_int_equal(set(u"D1", &guid_a, BS | RT, NULL), EFI_NOT_FOUND);
	assert_int_equal(set(u"D9", &guid_a, 0, NULL), EFI_NOT_FOUND);
}

static void test_append(void **state)
{
	assert_int_equal(set(u"Ap", &guid_a, BS | RT | AW, "abc"), EFI_SUCCESS);
	assert_string_equal(value(u"Ap", &guid_a), "abc");
	assert_int_equal(set(u"Ap", &guid_a, BS | RT | AW, "def"), EFI_SUCCESS);
	assert_string_equal(value(u"Ap", &guid_a), "abcdef");
	/* Appending nothing changes nothing and deletes nothing. */
	assert_int_equal(set(u"Ap", &guid_a, BS | RT | AW, NULL), EFI_SUCCESS);
	assert_string_equal(value(u"Ap", &guid_a), "abcdef");
	assert_int_equal(set(u"None", &guid_a, BS | AW, NULL), EFI_SUCCESS);
	assert_string_equal(value(u"None", &guid_a), "");
	/* APPEND_WRITE is not an attribute of the variable: a plain write still matches. */
	assert_int_equal(set(u"Ap", &guid_a, BS | RT, "new"), EFI_SUCCESS);
	assert_string_equal(value(u"Ap", &guid_a), "new");
	assert_int_equal(set(u"Ap", &guid_a, NV_BS_RT | AW, "x"), EFI_INVALID_PARAMETER);
}

static void test_out_of_space(void **state)
{
	static char chunk[8000];
	UINT64 max_store, remaining, max_var, before;
	CHAR16 name[] = u"Fill0";
	int stored = 0;
	EFI_STATUS status;

	memset(chunk, 'f', sizeof(chunk));
	assert_int_equal(efi_query_variable_info(NV_BS_RT, &max_store, &remaining, &max_var),
			 EFI_SUCCESS);
	assert_int_equal(max_store, VARIABLE_STORE_SIZE);
	assert_int_equal(remaining, VARIABLE_STORE_SIZE);
	assert_int_equal(max_var, VARIABLE_MAX_SIZE);
	for (;;) {
		name[4] = (CHAR16)(u'0' + stored);
		before = remaining;
		status = efi_set_variable(name, &guid_a, NV_BS_RT, sizeof(chunk), chunk);
		efi_query_variable_info(NV_BS_RT, &max_store, &remaining, &max_var);
		if (status != EFI_SUCCESS)
			break;
		/* Each record costs its data, name and a header, and QueryVariableInfo says so. */
		assert_true(before - remaining >= sizeof(chunk) + sizeof(u"Fill0"));
		assert_true(before - remaining < sizeof(chunk) + sizeof(u"Fill0") + 64);
		stored++;
	}
	assert_int_equal(status, EFI_OUT_OF_RESOURCES);
	assert_int_equal(stored, 8);
	assert_true(remaining < sizeof(chunk));
	assert_int_equal(remaining, before);
	/* A failed write leaves the store as it was; growing in place fails the same way. */
	assert_int_equal(efi_set_variable(u"Fill0", &guid_a, NV_BS_RT | AW, sizeof(chunk), chunk),
			 EFI_OUT_OF_RESOURCES);
	assert_int_equal(strlen(value(u"Fill0", &guid_a)), sizeof(chunk));
	/* Deleting one makes room for another. */
	assert_int_equal(set(u"Fill3", &guid_a, NV_BS_RT, NULL), EFI_SUCCESS);
	assert_int_equal(efi_set_variable(u"Again", &guid_a, NV_BS_RT, sizeof(chunk), chunk),
			 EFI_SUCCESS);
	assert_int_equal(strlen(value(u"Fill7", &guid_a)), sizeof(chunk));
}

/* Enumerate into names[], which ends with NULL; returns the status that ended the walk. */
static EFI_STATUS walk(CHAR16 names[][16], EFI_GUID *guids, int *count)
{
	CHAR16 name[16] = u"";
	EFI_GUID guid = { 0 };
	EFI_STATUS status;
	UINTN size;

	for (*count = 0;; (*count)++) {
		size = sizeof(name);
		status = efi_get_next_variable_name(&size, name, &guid);
		if (status != EFI_SUCCESS)
			return status;
		assert_true(size >= sizeof(CHAR16) && size <= sizeof(name));
		memcpy(names[*count], name, sizeof(name));
		guids[*count] = guid;
	}
}

static void test_enumeration_order(void **state)
{
	CHAR16 names[8][16];
	EFI_GUID guids[8];
	int count;

	assert_int_equal(walk(names, guids, &count), EFI_NOT_FOUND);
	assert_int_equal(count, 0);
	set(u"First", &guid_a, BS, "1");
	set(u"Second", &guid_b, BS | RT, "2");
	set(u"Third", &guid_a, BS, "3");
	/* Growing one in place keeps its position. */
	set(u"First", &guid_a, BS, "longer than before");
	assert_int_equal(walk(names, guids, &count), EFI_NOT_FOUND);
	assert_int_equal(count, 3);
	assert_memory_equal(names[0], u"First", sizeof(u"First"));
	assert_memory_equal(&guids[0], &guid_a, sizeof(EFI_GUID));
	assert_memory_equal(names[1], u"Second", sizeof(u"Second"));
	assert_memory_equal(&guids[1], &guid_b, sizeof(EFI_GUID));
	assert_memory_equal(names[2], u"Third", sizeof(u"Third"));
	set(u"Second", &guid_b, BS | RT, NULL);
	assert_int_equal(walk(names, guids, &count), EFI_NOT_FOUND);
	assert_int_equal(count, 2);
	assert_memory_equal(names[1], u"Third", sizeof(u"Third"));
}

static void test_next_name_protocol(void **state)
{
	CHAR16 name[32] = u"";
	EFI_GUID guid = guid_b;
	UINTN size;

	set(u"Short", &guid_a, BS, "s");
	set(u"AVeryLongName", &guid_a, BS, "l");
	size = sizeof(name);
	assert_int_equal(efi_get_next_variable_name(&size, name, &guid), EFI_SUCCESS);
	assert_int_equal(size, sizeof(u"Short"));
	/* Too small: the size needed comes back and the name and GUID stay as they were. */
	size = sizeof(u"Short");
	assert_int_equal(efi_get_next_variable_name(&size, name, &guid), EFI_BUFFER_TOO_SMALL);
	assert_int_equal(size, sizeof(u"AVeryLongName"));
	assert_memory_equal(name, u"Short", sizeof(u"Short"));
	assert_memory_equal(&guid, &guid_a, sizeof(guid));
	size = sizeof(name);
	assert_int_equal(efi_get_next_variable_name(&size, name, &guid), EFI_SUCCESS);
	assert_memory_equal(name, u"AVeryLongName", sizeof(u"AVeryLongName"));
	size = sizeof(name);
	assert_int_equal(efi_get_next_variable_name(&size, name, &guid), EFI_NOT_FOUND);

	/* A name and GUID that are no variable: nowhere to continue from. */
	memcpy(name, u"Nope", sizeof(u"Nope"));
	size = sizeof(name);
	assert_int_equal(efi_get_next_variable_name(&size, name, &guid), EFI_INVALID_PARAMETER);
	memcpy(name, u"Short", sizeof(u"Short"));
	guid = guid_b;
	assert_int_equal(efi_get_next_variable_name(&size, name, &guid), EFI_INVALID_PARAMETER);
	/* No NUL within the size given. */
	size = 4;
	assert_int_equal(efi_get_next_variable_name(&size, name, &guid), EFI_INVALID_PARAMETER);
	size = 0;
	assert_int_equal(efi_get_next_variable_name(&size, name, &guid), EFI_INVALID_PARAMETER);
	size = sizeof(name);
	assert_int_equal(efi_get_next_variable_name(NULL, name, &guid), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_get_next_variable_name(&size, NULL, &guid), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_get_next_variable_name(&size, name, NULL), EFI_INVALID_PARAMETER);
}

static void test_after_exit_boot_services(void **state)
{
	CHAR16 names[8][16];
	EFI_GUID guids[8];
	UINT64 a, b, c;
	CHAR16 name[16];
	UINTN size;
	int count;

	set(u"BootOnly", &guid_a, BS, "b");
	set(u"Volatile", &guid_a, BS | RT, "v");
	set(u"Lasting", &guid_a, NV_BS_RT, "l");
	runtime_at_runtime = TRUE;

	assert_string_equal(value(u"BootOnly", &guid_a), "");
	assert_string_equal(value(u"Volatile", &guid_a), "v");
	assert_int_equal(walk(names, guids, &count), EFI_NOT_FOUND);
	assert_int_equal(count, 2);
	assert_memory_equal(names[0], u"Volatile", sizeof(u"Volatile"));
	memcpy(name, u"BootOnly", sizeof(u"BootOnly"));
	size = sizeof(name);
	assert_int_equal(efi_get_next_variable_name(&size, name, &guid_a), EFI_INVALID_PARAMETER);

	/* Only NV | RT variables can be written now; volatile ones became read-only. */
	assert_int_equal(set(u"New", &guid_a, BS, "n"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"New", &guid_a, BS | RT, "n"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"New", &guid_a, NV_BS_RT, "n"), EFI_SUCCESS);
	assert_int_equal(set(u"Volatile", &guid_a, BS | RT, "w"), EFI_WRITE_PROTECTED);
	assert_int_equal(set(u"Volatile", &guid_a, BS | RT, NULL), EFI_WRITE_PROTECTED);
	assert_int_equal(set(u"Lasting", &guid_a, NV_BS_RT, "m"), EFI_SUCCESS);
	assert_string_equal(value(u"Lasting", &guid_a), "m");
	/* The hidden one can be neither shadowed nor deleted. */
	assert_int_equal(set(u"BootOnly", &guid_a, NV_BS_RT, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(set(u"BootOnly", &guid_a, 0, NULL), EFI_NOT_FOUND);
	assert_int_equal(efi_query_variable_info(NV | BS, &a, &b, &c), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_query_variable_info(NV_BS_RT, &a, &b, &c), EFI_SUCCESS);
	assert_int_equal(variables_lock(u"Lasting", &guid_a), EFI_UNSUPPORTED);
}

static void test_query_variable_info(void **state)
{
	UINT64 a, b, c;

	assert_int_equal(efi_query_variable_info(NV_BS_RT, NULL, &b, &c), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_query_variable_info(NV_BS_RT, &a, NULL, &c), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_query_variable_info(NV_BS_RT, &a, &b, NULL), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_query_variable_info(0, &a, &b, &c), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_query_variable_info(NV, &a, &b, &c), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_query_variable_info(RT, &a, &b, &c), EFI_INVALID_PARAMETER);
	assert_int_equal(efi_query_variable_info(0x100 | BS, &a, &b, &c), EFI_UNSUPPORTED);
	assert_int_equal(efi_query_variable_info(NV_BS_RT |
						 EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS,
						 &a, &b, &c), EFI_UNSUPPORTED);
	assert_int_equal(efi_query_variable_info(NV_BS_RT |
					 EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS,
						 &a, &b, &c), EFI_UNSUPPORTED);
	assert_int_equal(efi_query_variable_info(NV_BS_RT | EFI_VARIABLE_HARDWARE_ERROR_RECORD,
						 &a, &b, &c), EFI_UNSUPPORTED);
	assert_int_equal(efi_query_variable_info(BS, &a, &b, &c), EFI_SUCCESS);
	assert_int_equal(efi_query_variable_info(BS | RT, &a, &b, &c), EFI_SUCCESS);
}

static void test_lock(void **state)
{
	assert_int_equal(efi_set_variable(u"SecureBoot", &guid_a, BS | RT, 1, "\0"), EFI_SUCCESS);
	assert_int_equal(variables_lock(u"SecureBoot", &guid_a), EFI_SUCCESS);
	assert_int_equal(efi_set_variable(u"SecureBoot", &guid_a, BS | RT, 1, "\1"),
			 EFI_WRITE_PROTECTED);
	assert_int_equal(set(u"SecureBoot", &guid_a, BS | RT, NULL), EFI_WRITE_PROTECTED);
	assert_int_equal(variables_lock(u"Absent", &guid_a), EFI_NOT_FOUND);
}

static void test_non_volatile_variables_survive_a_power_cycle(void **state)
{
	static char big[40 * 1024];
	UINT64 max_store, remaining, max_var;
	CHAR16 name[32];
	UINTN size = sizeof(name);
	EFI_GUID guid;
	unsigned listed = 0;

	assert_int_equal(set(u"Kept", &guid_a, NV_BS_RT, "on flash"), EFI_SUCCESS);
	assert_int_equal(set(u"Gone", &guid_a, BS | RT, "in memory"), EFI_SUCCESS);
	assert_int_equal(set(u"Boot", &guid_b, NV | BS, "boot time only"), EFI_SUCCESS);
	/* The flash store takes more than memory's 32 KiB in one variable. */
	memset(big, 'b', sizeof(big));
	assert_int_equal(efi_set_variable(u"Big", &guid_a, NV_BS_RT, sizeof(big), big),
			 EFI_SUCCESS);
	assert_int_equal(efi_set_variable(u"BigVolatile", &guid_a, BS_RT, sizeof(big), big),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(efi_query_variable_info(NV_BS_RT, &max_store, &remaining, &max_var),
			 EFI_SUCCESS);
	assert_int_equal(max_store, FLASH_SIZE / 2 - 32);
	assert_true(remaining < max_store - sizeof(big));
	/* A 128 KiB device: a 64 KiB bank holds one variable of a little under 64 KiB. */
	assert_int_equal(max_var, FLASH_SIZE / 2 - 32 - 40);
	assert_int_equal(efi_query_variable_info(BS_RT, &max_store, &remaining, &max_var),
			 EFI_SUCCESS);
	assert_int_equal(max_store, VARIABLE_STORE_SIZE);

	/* Both stores are listed: memory first, then flash. */
	name[0] = 0;
	while (size = sizeof(name), efi_get_next_variable_name(&size, name, &guid) == EFI_SUCCESS)
		listed++;
	assert_int_equal(listed, 4);
	/* Attributes of a flash variable are fixed as for any other. */
	assert_int_equal(set(u"Kept", &guid_a, BS | RT, "volatile now?"), EFI_INVALID_PARAMETER);

	power_cycle();
	assert_string_equal(value(u"Kept", &guid_a), "on flash");
	assert_string_equal(value(u"Gone", &guid_a), "");
	assert_string_equal(value(u"Boot", &guid_b), "boot time only");
	assert_int_equal(set(u"Kept", &guid_a, NV_BS_RT | AW, ", appended"), EFI_SUCCESS);
	assert_int_equal(set(u"Big", &guid_a, NV_BS_RT, NULL), EFI_SUCCESS);

	/* The OS writes after ExitBootServices, and sees only runtime variables. */
	runtime_at_runtime = TRUE;
	assert_string_equal(value(u"Boot", &guid_b), "");
	assert_int_equal(set(u"FromOs", &guid_b, NV_BS_RT, "efivarfs"), EFI_SUCCESS);
	assert_int_equal(set(u"Boot", &guid_b, NV | BS, "x"), EFI_INVALID_PARAMETER);
	listed = 0;
	name[0] = 0;
	while (size = sizeof(name), efi_get_next_variable_name(&size, name, &guid) == EFI_SUCCESS)
		listed++;
	assert_int_equal(listed, 2);

	power_cycle();
	assert_string_equal(value(u"Kept", &guid_a), "on flash, appended");
	assert_string_equal(value(u"Big", &guid_a), "");
	assert_string_equal(value(u"FromOs", &guid_b), "efivarfs");
	assert_int_equal(flash.bit_sets, 0);
}

static void test_without_flash_says_once_that_nothing_survives(void **state)
{
	log_lines = 0;
	assert_int_equal(set(u"Volatile", &guid_a, BS | RT, "x"), EFI_SUCCESS);
	assert_int_equal(log_lines, 0);
	assert_int_equal(set(u"Boot0000", &guid_a, NV_BS_RT, "x"), EFI_SUCCESS);
	assert_int_equal(set(u"Boot0001", &guid_a, NV_BS_RT, "y"), EFI_SUCCESS);
	assert_int_equal(log_lines, 1);
	assert_non_null(strstr(last_log, "will not survive a power off"));
	assert_string_equal(value(u"Boot0001", &guid_a), "y");
	/* Flash lost at SetVirtualAddressMap: non-volatile writes fail rather than vanish. */
	runtime_nv_lost = TRUE;
	assert_int_equal(set(u"Boot0002", &guid_a, NV_BS_RT, "z"), EFI_DEVICE_ERROR);
}

/* stage1's verified writes: the EFI_TIME stays in the record, the key variables are read-only at runtime. */
static void test_authenticated_records(void **state)
{
	static EFI_GUID image_db = { 0xd719b2cb, 0x3d3a, 0x4596,
				     { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f } };
	const UINT32 auth = NV_BS_RT | EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS;
	UINT8 time[16];
	UINT32 attrs = 0;
	char buf[64];
	UINTN size = sizeof(buf);

	assert_int_equal(variables_set_authenticated(u"db", &image_db, auth,
						     "0123456789abcdefthe list", 24),
			 EFI_SUCCESS);
	assert_int_equal(get(u"db", &image_db, &attrs, buf, &size), EFI_SUCCESS);
	assert_int_equal(size, 8);
	assert_memory_equal(buf, "the list", 8);
	assert_int_equal(attrs, auth);
	assert_int_equal(variables_get_authenticated_time(u"db", &image_db, time), EFI_SUCCESS);
	assert_memory_equal(time, "0123456789abcdef", 16);
	assert_int_equal(variables_get_authenticated_time(u"dbx", &image_db, time), EFI_NOT_FOUND);
	/* Only the verified path changes it; the public SetVariable does not, with or without TIME_AUTH. */
	assert_int_equal(set(u"db", &image_db, NV_BS_RT, "plain"), EFI_WRITE_PROTECTED);
	assert_int_equal(set(u"db", &image_db, NV_BS_RT, NULL), EFI_WRITE_PROTECTED);
	assert_int_equal(set(u"Other", &image_db, auth, "x"), EFI_INVALID_PARAMETER);
	assert_int_equal(variables_set_authenticated(u"db", &image_db, auth,
						     "fedcba9876543210longer list", 27),
			 EFI_SUCCESS);
	assert_string_equal(value(u"db", &image_db), "longer list");
	power_cycle();
	assert_string_equal(value(u"db", &image_db), "longer list");
	assert_int_equal(variables_get_authenticated_time(u"db", &image_db, time), EFI_SUCCESS);
	assert_memory_equal(time, "fedcba9876543210", 16);

	/* After ExitBootServices: no verified path, and every key write is refused. */
	runtime_at_runtime = TRUE;
	assert_string_equal(value(u"db", &image_db), "longer list");
	assert_int_equal(variables_set_authenticated(u"db", &image_db, auth, "0123456789abcdefx",
						     17),
			 EFI_UNSUPPORTED);
	assert_int_equal(set(u"db", &image_db, auth, "x"), EFI_WRITE_PROTECTED);
	assert_int_equal(set(u"PK", &guid_a, NV_BS_RT, "x"), EFI_WRITE_PROTECTED);
	assert_int_equal(set(u"dbx", &image_db, NV_BS_RT | AW, "x"), EFI_WRITE_PROTECTED);
	assert_int_equal(set(u"Other", &image_db, auth, "x"), EFI_WRITE_PROTECTED);
	assert_int_equal(set(u"PKx", &guid_a, NV_BS_RT, "x"), EFI_SUCCESS);
	runtime_at_runtime = FALSE;
	assert_int_equal(variables_set_authenticated(u"db", &image_db, auth, NULL, 0), EFI_SUCCESS);
	assert_string_equal(value(u"db", &image_db), "");
	assert_int_equal(flash.bit_sets, 0);
}

/* Without a flash store (-bios) the same records live in memory, replaced in place. */
static void test_authenticated_records_in_memory(void **state)
{
	static EFI_GUID image_db = { 0xd719b2cb, 0x3d3a, 0x4596,
				     { 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f } };
	const UINT32 auth = NV_BS_RT | EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS;
	UINT8 time[16];

	assert_int_equal(set(u"Before", &guid_a, BS_RT, "b"), EFI_SUCCESS);
	assert_int_equal(variables_set_authenticated(u"KEK", &guid_a, auth, "0123456789abcdefk", 17),
			 EFI_SUCCESS);
	assert_int_equal(set(u"After", &guid_a, BS_RT, "a"), EFI_SUCCESS);
	assert_string_equal(value(u"KEK", &guid_a), "k");
	assert_int_equal(variables_set_authenticated(u"KEK", &guid_a, auth,
						     "fedcba9876543210a longer KEK", 28),
			 EFI_SUCCESS);
	assert_string_equal(value(u"KEK", &guid_a), "a longer KEK");
	assert_int_equal(variables_get_authenticated_time(u"KEK", &guid_a, time), EFI_SUCCESS);
	assert_memory_equal(time, "fedcba9876543210", 16);
	assert_string_equal(value(u"After", &guid_a), "a");
	assert_int_equal(set(u"KEK", &guid_a, NV_BS_RT, "x"), EFI_WRITE_PROTECTED);
	/* Shorter than a timestamp: refused; absent and deleted: EFI_NOT_FOUND. */
	assert_int_equal(variables_set_authenticated(u"db", &image_db, auth, "short", 5),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(variables_set_authenticated(u"db", &image_db, auth, NULL, 0),
			 EFI_NOT_FOUND);
	assert_int_equal(variables_set_authenticated(u"KEK", &guid_a, auth, NULL, 0), EFI_SUCCESS);
	assert_string_equal(value(u"KEK", &guid_a), "");
	assert_string_equal(value(u"Before", &guid_a), "b");
	assert_string_equal(value(u"After", &guid_a), "a");
}

/* A NUL-terminated value, as languages need. */
static EFI_STATUS set_string(const CHAR16 *name, const char *value)
{
	return efi_set_variable((CHAR16 *)name, &guid_a, NV_BS_RT, strlen(value) + 1,
				(VOID *)value);
}

static void assert_string(const CHAR16 *name, const char *want)
{
	char buf[64];
	UINTN size = sizeof(buf);

	assert_int_equal(efi_get_variable((CHAR16 *)name, &guid_a, NULL, &size, buf), EFI_SUCCESS);
	assert_int_equal(size, strlen(want) + 1);
	assert_string_equal(buf, want);
}

/* PlatformLang and Lang follow each other through the codes' indices, as under EDK2. */
static void test_languages_follow_each_other(void **state)
{
	assert_int_equal(efi_set_variable(u"PlatformLangCodes", &guid_a, BS_RT,
					  sizeof("en;fr;en-US;fr-FR"), "en;fr;en-US;fr-FR"),
			 EFI_SUCCESS);
	assert_int_equal(efi_set_variable(u"LangCodes", &guid_a, BS_RT, sizeof("engfraengfra"),
					  "engfraengfra"),
			 EFI_SUCCESS);
	assert_int_equal(set_string(u"PlatformLang", "fr-FR"), EFI_SUCCESS);
	assert_string(u"Lang", "fra");
	/* RFC 4647 lookup: en-GB is not listed, en is. */
	assert_int_equal(set_string(u"PlatformLang", "en-GB"), EFI_SUCCESS);
	assert_string(u"Lang", "eng");
	assert_string(u"PlatformLang", "en-GB");
	/* Unknown codes are kept as they are, and change nothing else. */
	assert_int_equal(set_string(u"PlatformLang", "xx-YY"), EFI_SUCCESS);
	assert_string(u"Lang", "eng");
	assert_int_equal(set_string(u"Lang", "fra"), EFI_SUCCESS);
	assert_string(u"PlatformLang", "fr");
	assert_int_equal(set_string(u"Lang", "xyz"), EFI_SUCCESS);
	assert_string(u"PlatformLang", "fr");
	/* Not a NUL-terminated ASCII string: refused, nothing changes. */
	assert_int_equal(efi_set_variable(u"PlatformLang", &guid_a, NV_BS_RT, 5, "en-US"),
			 EFI_INVALID_PARAMETER);
	assert_int_equal(efi_set_variable(u"Lang", &guid_a, NV_BS_RT, 4, "\xe9ng"),
			 EFI_INVALID_PARAMETER);
	assert_string(u"PlatformLang", "fr");
	assert_string(u"Lang", "xyz");
	/* Deleting one leaves the other. */
	assert_int_equal(efi_set_variable(u"Lang", &guid_a, NV_BS_RT, 0, NULL), EFI_SUCCESS);
	assert_string(u"PlatformLang", "fr");
	/* Another vendor's PlatformLang is just a variable. */
	assert_int_equal(efi_set_variable(u"PlatformLang", &guid_b, NV_BS_RT, 2, "fr"),
			 EFI_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_set_get, reset),
		cmocka_unit_test_setup(test_get_buffer_too_small, reset),
		cmocka_unit_test_setup(test_get_errors, reset),
		cmocka_unit_test_setup(test_set_bad_parameters, reset),
		cmocka_unit_test_setup(test_set_bad_attributes, reset),
		cmocka_unit_test_setup(test_attribute_mismatch, reset),
		cmocka_unit_test_setup(test_delete, reset),
		cmocka_unit_test_setup(test_append, reset),
		cmocka_unit_test_setup(test_out_of_space, reset),
		cmocka_unit_test_setup(test_enumeration_order, reset),
		cmocka_unit_test_setup(test_next_name_protocol, reset),
		cmocka_unit_test_setup(test_after_exit_boot_services, reset),
		cmocka_unit_test_setup(test_query_variable_info, reset),
		cmocka_unit_test_setup(test_lock, reset),
		cmocka_unit_test_setup(test_languages_follow_each_other, reset),
		cmocka_unit_test_setup(test_non_volatile_variables_survive_a_power_cycle, with_flash),
		cmocka_unit_test_setup(test_without_flash_says_once_that_nothing_survives, reset),
		cmocka_unit_test_setup(test_authenticated_records, with_flash),
		cmocka_unit_test_setup(test_authenticated_records_in_memory, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

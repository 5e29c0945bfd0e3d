/* SPDX-License-Identifier: MIT */
/* Device path text forms as EDK2 writes them (UEFI 2.10 §10.6), and file names, no allocation. */
#include "lib/formats/device_path.h"
#include "lib/formats/device_path_names.h"
#include "lib/string.h"

/* A CHAR16 output buffer that counts what would not fit, like snprintf. */
struct text {
	CHAR16 *buf;
	UINTN cap;
	UINTN len;
};

static void put_c(struct text *t, CHAR16 c)
{
	if (t->len + 1 < t->cap)
		t->buf[t->len] = c;
	t->len++;
}

static void put_s(struct text *t, const char *s)
{
	while (*s)
		put_c(t, (CHAR16)*s++);
}

const EFI_GUID device_path_terminal_guids[DEVICE_PATH_TERMINAL_COUNT] = {
	/* VenPcAnsi, VenVt100, VenVt100Plus, VenUtf8 */
	{ 0xe0c14753, 0xf9be, 0x11d2, { 0x9a, 0x0c, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } },
	{ 0xdfa66065, 0xb419, 0x11d3, { 0x9a, 0x2d, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d } },
	{ 0x7baec70b, 0x57e0, 0x4c76, { 0x8e, 0x87, 0x2f, 0x9e, 0x28, 0x08, 0x83, 0x43 } },
	{ 0xad15a0d6, 0x8bec, 0x4acf, { 0xa0, 0x73, 0xd0, 0x1d, 0xe7, 0x7e, 0x2d, 0x88 } },
};

/* Upper-case hex digits, as EDK2 prints every %x. */
static void put_hex_digits(struct text *t, UINT64 v, int digits)
{
	while (digits-- > 0)
		put_c(t, (CHAR16) "0123456789ABCDEF"[(v >> (4 * digits)) & 0xf]);
}

static void put_hex(struct text *t, UINT64 v)
{
	int digits = 1;

	while (digits < 16 && v >> (4 * digits))
		digits++;
	put_s(t, "0x");
	put_hex_digits(t, v, digits);
}

static void put_dec(struct text *t, UINT64 v)
{
	char digits[21];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		put_c(t, (CHAR16)digits[--n]);
}

static void put_guid(struct text *t, const void *p)
{
	EFI_GUID g;

	memcpy(&g, p, sizeof(g));
	put_hex_digits(t, g.Data1, 8);
	put_c(t, '-');
	put_hex_digits(t, g.Data2, 4);
	put_c(t, '-');
	put_hex_digits(t, g.Data3, 4);
	put_c(t, '-');
	for (int i = 0; i < 8; i++) {
		if (i == 2)
			put_c(t, '-');
		put_hex_digits(t, g.Data4[i], 2);
	}
}

/* Bytes of a node after its fixed part, as ",0A1B..." (vendor data, unknown nodes). */
static void put_data(struct text *t, const EFI_DEVICE_PATH_PROTOCOL *node, UINTN fixed)
{
	UINTN len = device_path_node_length(node);

	if (len <= fixed)
		return;
	put_c(t, ',');
	for (UINTN i = fixed; i < len; i++)
		put_hex_digits(t, ((const UINT8 *)node)[i], 2);
}

/* ACPI nodes no table entry names (PciRoot() and kin are numeric_to_text's). */
static void acpi_to_text(struct text *t, const ACPI_HID_DEVICE_PATH *acpi)
{
	if (EISA_ID_IS_PNP(acpi->HID)) {
		put_s(t, "Acpi(PNP");
		put_hex_digits(t, EISA_ID_TO_NUM(acpi->HID), 4);
	} else {
		put_s(t, "Acpi(0x");
		put_hex_digits(t, acpi->HID, 8);
	}
	put_c(t, ',');
	put_hex(t, acpi->UID);
	put_c(t, ')');
}

static void vendor_to_text(struct text *t, const char *name, const EFI_DEVICE_PATH_PROTOCOL *node)
{
	put_s(t, name);
	put_c(t, '(');
	put_guid(t, &((const VENDOR_DEVICE_PATH *)node)->Guid);
	put_data(t, node, sizeof(VENDOR_DEVICE_PATH));
	put_c(t, ')');
}

/* The console terminal types EDK2 names by GUID when AllowShortcuts is set. */
static void msg_vendor_to_text(struct text *t, const EFI_DEVICE_PATH_PROTOCOL *node, UINT8 flags)
{
	const VENDOR_DEVICE_PATH *v = (const void *)node;

	for (UINTN i = 0; (flags & DEVICE_PATH_TEXT_SHORTCUTS) && i < DEVICE_PATH_NODE_NAMES; i++) {
		const struct device_path_node_name *nn = &device_path_node_names[i];

		if (nn->special == DP_TERMINAL &&
		    !memcmp(&v->Guid, &device_path_terminal_guids[nn->arg], sizeof(EFI_GUID))) {
			put_s(t, nn->name);
			put_s(t, "()");
			return;
		}
	}
	vendor_to_text(t, "VenMsg", node);
}

/*
 * Nodes of numbers only: the table entry of their type (a PNP root's by its HID), each field
 * in hex, as EDK2 prints them; DisplayOnly CDROM() shows the boot entry alone. FALSE: not one.
 */
static BOOLEAN numeric_to_text(struct text *t, const EFI_DEVICE_PATH_PROTOCOL *node,
			       BOOLEAN display_only)
{
	const UINT8 *b = (const UINT8 *)node;

	for (UINTN i = 0; i < DEVICE_PATH_NODE_NAMES; i++) {
		const struct device_path_node_name *nn = &device_path_node_names[i];
		UINTN count = sizeof(nn->field);

		if (nn->type != node->Type || nn->subtype != node->SubType ||
		    device_path_node_length(node) < nn->length)
			continue;
		if (nn->special == DP_ACPI_PNP &&
		    ((const ACPI_HID_DEVICE_PATH *)node)->HID != EISA_PNP_ID((UINT32)nn->arg))
			continue;
		if (nn->special != DP_NONE && nn->special != DP_SATA && nn->special != DP_ACPI_PNP)
			continue;
		if (display_only && node->SubType == MEDIA_CDROM_DP &&
		    node->Type == MEDIA_DEVICE_PATH)
			count = 1;
		put_s(t, nn->name);
		put_c(t, '(');
		for (UINTN f = 0; f < count && nn->field[f]; f++) {
			UINT64 v = 0;

			memcpy(&v, b + (nn->field[f] >> 2), 1u << (nn->field[f] & 3));
			if (f)
				put_c(t, ',');
			put_hex(t, v);
		}
		put_c(t, ')');
		return TRUE;
	}
	return FALSE;
}

static void put_ipv4(struct text *t, const UINT8 *a)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			put_c(t, '.');
		put_dec(t, a[i]);
	}
}

/* RFC 1700 protocol numbers EDK2 names. */
#define IP_PROTOCOL_TCP 6
#define IP_PROTOCOL_UDP 17

static void ipv4_to_text(struct text *t, const IPv4_DEVICE_PATH *ip, BOOLEAN display_only)
{
	put_s(t, "IPv4(");
	put_ipv4(t, ip->RemoteIpAddress);
	if (!display_only) {
		put_c(t, ',');
		if (ip->Protocol == IP_PROTOCOL_TCP || ip->Protocol == IP_PROTOCOL_UDP)
			put_s(t, ip->Protocol == IP_PROTOCOL_TCP ? "TCP" : "UDP");
		else
			put_hex(t, ip->Protocol);
		put_s(t, ip->StaticIpAddress ? ",Static," : ",DHCP,");
		put_ipv4(t, ip->LocalIpAddress);
		/* UEFI 2.0 nodes end before the gateway and mask. */
		if (device_path_node_length(&ip->Header) == sizeof(IPv4_DEVICE_PATH)) {
			put_c(t, ',');
			put_ipv4(t, ip->GatewayIpAddress);
			put_c(t, ',');
			put_ipv4(t, ip->SubnetMask);
		}
	}
	put_c(t, ')');
}

static void hard_drive_to_text(struct text *t, const HARDDRIVE_DEVICE_PATH *hd)
{
	UINT32 mbr_signature;

	put_s(t, "HD(");
	put_dec(t, hd->PartitionNumber);
	switch (hd->SignatureType) {
	case SIGNATURE_TYPE_GUID:
		put_s(t, ",GPT,");
		put_guid(t, hd->Signature);
		break;
	case SIGNATURE_TYPE_MBR:
		memcpy(&mbr_signature, hd->Signature, sizeof(mbr_signature));
		put_s(t, ",MBR,0x");
		put_hex_digits(t, mbr_signature, 8);
		break;
	default:
		put_c(t, ',');
		put_dec(t, hd->SignatureType);
		put_s(t, ",0");
		break;
	}
	put_c(t, ',');
	put_hex(t, hd->PartitionStart);
	put_c(t, ',');
	put_hex(t, hd->PartitionSize);
	put_c(t, ')');
}

static void file_path_to_text(struct text *t, const EFI_DEVICE_PATH_PROTOCOL *node)
{
	UINTN bytes = device_path_node_length(node) - sizeof(FILEPATH_DEVICE_PATH);
	UINTN chars = bytes / sizeof(CHAR16);
	const UINT8 *name = (const UINT8 *)node + sizeof(FILEPATH_DEVICE_PATH);

	for (UINTN i = 0; i < chars; i++) {
		CHAR16 c;

		memcpy(&c, name + i * sizeof(CHAR16), sizeof(c));
		if (!c)
			break;
		put_c(t, c);
	}
}

/* Nodes with no text form of their own: "HardwarePath(subtype,data)" and the like. */
static void generic_to_text(struct text *t, const EFI_DEVICE_PATH_PROTOCOL *node)
{
	const struct device_path_node_name *nn = NULL;

	for (UINTN i = 0; i < DEVICE_PATH_NODE_NAMES && !nn; i++) {
		if (device_path_node_names[i].special == DP_GENERIC &&
		    device_path_node_names[i].type && device_path_node_names[i].type == node->Type)
			nn = &device_path_node_names[i];
	}
	if (nn) {
		put_s(t, nn->name);
		put_c(t, '(');
	} else {
		put_s(t, "Path(");
		put_dec(t, node->Type);
		put_c(t, ',');
	}
	put_dec(t, node->SubType);
	put_data(t, node, sizeof(EFI_DEVICE_PATH_PROTOCOL));
	put_c(t, ')');
}

/* A node too short for its type's fixed fields is shown generically, never read past its end. */
static BOOLEAN fits(const EFI_DEVICE_PATH_PROTOCOL *node, UINTN size)
{
	return device_path_node_length(node) >= size;
}

static void node_to_text(struct text *t, const EFI_DEVICE_PATH_PROTOCOL *node, UINT8 flags)
{
	BOOLEAN display_only = flags & DEVICE_PATH_TEXT_DISPLAY_ONLY;
	const void *n = node;
	UINT8 key_type = node->Type, key_sub = node->SubType;

	if (numeric_to_text(t, node, display_only))
		return;

	if (key_type == HARDWARE_DEVICE_PATH && key_sub == HW_VENDOR_DP &&
	    fits(node, sizeof(VENDOR_DEVICE_PATH))) {
		vendor_to_text(t, "VenHw", node);
	} else if (key_type == ACPI_DEVICE_PATH && key_sub == ACPI_DP &&
		   fits(node, sizeof(ACPI_HID_DEVICE_PATH))) {
		acpi_to_text(t, n);
	} else if (key_type == ACPI_DEVICE_PATH && key_sub == ACPI_ADR_DP &&
		   fits(node, sizeof(ACPI_ADR_DEVICE_PATH))) {
		/* Further _ADRs of a multi-output display follow the first, 4 bytes each. */
		UINTN count =
			(device_path_node_length(node) - sizeof(EFI_DEVICE_PATH_PROTOCOL)) / 4;

		put_s(t, "AcpiAdr(");
		for (UINTN i = 0; i < count; i++) {
			UINT32 adr;

			memcpy(&adr, (const UINT8 *)n + 4 + 4 * i, sizeof(adr));
			if (i)
				put_c(t, ',');
			put_hex(t, adr);
		}
		put_c(t, ')');
	} else if (key_type == MESSAGING_DEVICE_PATH && key_sub == MSG_ATAPI_DP &&
		   fits(node, sizeof(ATAPI_DEVICE_PATH))) {
		const ATAPI_DEVICE_PATH *at = n;

		/* EDK2: Ata(Primary,Master,0x0); DisplayOnly gives the LUN alone. */
		put_s(t, "Ata(");
		if (!display_only) {
			put_s(t, at->PrimarySecondary == 1 ? "Secondary," : "Primary,");
			put_s(t, at->SlaveMaster == 1 ? "Slave," : "Master,");
		}
		put_hex(t, at->Lun);
		put_c(t, ')');
	} else if (key_type == MESSAGING_DEVICE_PATH && key_sub == MSG_NVME_NAMESPACE_DP &&
		   fits(node, sizeof(NVME_NAMESPACE_DEVICE_PATH))) {
		const NVME_NAMESPACE_DEVICE_PATH *nv = n;
		UINT64 eui = nv->NamespaceUuid;

		/* EDK2 prints the EUI-64 bytes last first: NVMe(0x1,00-11-...-77). */
		put_s(t, "NVMe(");
		put_hex(t, nv->NamespaceId);
		for (int i = 7; i >= 0; i--) {
			put_c(t, i == 7 ? ',' : '-');
			put_hex_digits(t, eui >> (8 * i), 2);
		}
		put_c(t, ')');
	} else if (key_type == MESSAGING_DEVICE_PATH && key_sub == MSG_VENDOR_DP &&
		   fits(node, sizeof(VENDOR_DEVICE_PATH))) {
		msg_vendor_to_text(t, node, flags);
	} else if (key_type == MESSAGING_DEVICE_PATH && key_sub == MSG_MAC_ADDR_DP &&
		   fits(node, sizeof(MAC_ADDR_DEVICE_PATH))) {
		const MAC_ADDR_DEVICE_PATH *mac = n;

		put_s(t, "MAC(");
		for (UINTN i = 0; i < (mac->IfType <= 1 ? 6 : 32); i++)
			put_hex_digits(t, mac->MacAddress[i], 2);
		put_c(t, ',');
		put_hex(t, mac->IfType);
		put_c(t, ')');
	} else if (key_type == MESSAGING_DEVICE_PATH && key_sub == MSG_IPv4_DP &&
		   fits(node, sizeof(IPv4_DEVICE_PATH) - 8)) {
		ipv4_to_text(t, n, display_only);
	} else if (key_type == MEDIA_DEVICE_PATH && key_sub == MEDIA_HARDDRIVE_DP &&
		   fits(node, sizeof(HARDDRIVE_DEVICE_PATH))) {
		hard_drive_to_text(t, n);
	} else if (key_type == MEDIA_DEVICE_PATH && key_sub == MEDIA_VENDOR_DP &&
		   fits(node, sizeof(VENDOR_DEVICE_PATH))) {
		vendor_to_text(t, "VenMedia", node);
	} else if (key_type == MEDIA_DEVICE_PATH && key_sub == MEDIA_FILEPATH_DP) {
		file_path_to_text(t, node);
	} else if (key_type == MEDIA_DEVICE_PATH &&
		   (key_sub == MEDIA_PIWG_FW_FILE_DP || key_sub == MEDIA_PIWG_FW_VOL_DP) &&
		   fits(node, sizeof(MEDIA_FW_VOL_DEVICE_PATH))) {
		put_s(t, key_sub == MEDIA_PIWG_FW_FILE_DP ? "FvFile(" : "Fv(");
		put_guid(t, &((const MEDIA_FW_VOL_DEVICE_PATH *)n)->FvName);
		put_c(t, ')');
	} else if (key_type == END_DEVICE_PATH_TYPE) {
		if (key_sub == END_INSTANCE_DEVICE_PATH_SUBTYPE)
			put_c(t, ',');
	} else {
		generic_to_text(t, node);
	}
}

static UINTN text_finish(struct text *t)
{
	if (t->cap)
		t->buf[t->len < t->cap ? t->len : t->cap - 1] = 0;
	return t->len;
}

UINTN device_path_node_to_text(const EFI_DEVICE_PATH_PROTOCOL *node, UINT8 flags, CHAR16 *buf,
			       UINTN buf_chars)
{
	struct text t = { buf, buf_chars, 0 };

	if (node && device_path_node_length(node) >= END_DEVICE_PATH_LENGTH)
		node_to_text(&t, node, flags);
	return text_finish(&t);
}

UINTN device_path_to_text(const EFI_DEVICE_PATH_PROTOCOL *path, UINT8 flags, CHAR16 *buf,
			  UINTN buf_chars)
{
	struct text t = { buf, buf_chars, 0 };

	if (!device_path_size(path))
		return text_finish(&t);
	for (; !device_path_is_end(path); path = device_path_next(path)) {
		/*
		 * '/' before every node but the first and the end-of-instance ',': EDK2 means to
		 * leave it out after a ',' too but tests the character past its text, so OVMF
		 * writes "A,/B", and so do we.
		 */
		if (t.len && !device_path_is_end_any(path))
			put_c(&t, '/');
		node_to_text(&t, path, flags);
	}
	return text_finish(&t);
}

static BOOLEAN is_separator(CHAR16 c)
{
	return c == '\\';
}

EFI_STATUS device_path_file_name(const EFI_DEVICE_PATH_PROTOCOL *path, CHAR16 *buf, UINTN buf_chars,
				 UINTN *ret_chars)
{
	struct text t = { buf, buf_chars, 0 };
	BOOLEAN ends_with_separator = FALSE;

	if (!device_path_size(path))
		return EFI_INVALID_PARAMETER;
	for (; !device_path_is_end_any(path); path = device_path_next(path)) {
		UINTN chars, len = device_path_node_length(path);
		const UINT8 *name = (const UINT8 *)path + sizeof(FILEPATH_DEVICE_PATH);
		CHAR16 first = 0;

		if (path->Type != MEDIA_DEVICE_PATH || path->SubType != MEDIA_FILEPATH_DP)
			return EFI_NOT_FOUND;
		chars = (len - sizeof(FILEPATH_DEVICE_PATH)) / sizeof(CHAR16);
		if (chars)
			memcpy(&first, name, sizeof(first));
		/* One separator where nodes meet: "\EFI" + "BOOT" and "\EFI\" + "\BOOT" alike. */
		if (t.len && first) {
			if (ends_with_separator && is_separator(first))
				t.len--;
			else if (!ends_with_separator && !is_separator(first))
				put_c(&t, '\\');
		}
		for (UINTN i = 0; i < chars; i++) {
			CHAR16 c;

			memcpy(&c, name + i * sizeof(CHAR16), sizeof(c));
			if (!c)
				break;
			put_c(&t, c);
			ends_with_separator = is_separator(c);
		}
	}
	*ret_chars = t.len + 1;
	if (t.len + 1 > buf_chars)
		return EFI_BUFFER_TOO_SMALL;
	text_finish(&t);
	return EFI_SUCCESS;
}

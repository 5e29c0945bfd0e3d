/* SPDX-License-Identifier: MIT */
/* Device path text to binary as EDK2's DevicePathFromText parses it (UEFI 2.10 §10.6.3). */
#include "lib/formats/device_path.h"
#include "lib/formats/device_path_names.h"
#include "lib/string.h"

/* A piece of the input text: never NUL-terminated, never written. */
struct span {
	const CHAR16 *p;
	UINTN n;
};

/* The output: bytes past cap are counted, not written, like the text writers. */
struct out {
	UINT8 *buf;
	UINTN cap;
	UINTN len;
};

static void out_bytes(struct out *o, const void *data, UINTN size)
{
	for (UINTN i = 0; i < size; i++, o->len++) {
		if (o->buf && o->len < o->cap)
			o->buf[o->len] = ((const UINT8 *)data)[i];
	}
}

/* Nodes are at most 64 KiB; the fixed part of every node we parse fits in this. */
union node {
	EFI_DEVICE_PATH_PROTOCOL hdr;
	UINT8 bytes[48];
};

/* The text up to the next sep (',' between parameters), which is skipped; all of it if none. */
static struct span split(struct span *list, CHAR16 sep)
{
	struct span s = { list->p, 0 };

	while (s.n < list->n && list->p[s.n] != sep)
		s.n++;
	list->p += s.n;
	list->n -= s.n;
	if (list->n) {
		list->p++;
		list->n--;
	}
	return s;
}

static struct span param(struct span *list)
{
	return split(list, ',');
}

static BOOLEAN span_is(struct span s, const char *lit)
{
	UINTN i;

	for (i = 0; i < s.n && lit[i]; i++) {
		if (s.p[i] != (CHAR16)lit[i])
			return FALSE;
	}
	return i == s.n && !lit[i];
}

static int hex_value(CHAR16 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * EDK2's Strtoi: hexadecimal when an 'x' follows the blanks and zeros, else decimal; digits run
 * to the first that is not one, an overflow gives all ones (what StrHexToUint64 returns).
 */
static UINT64 span_number(struct span s, BOOLEAN hex)
{
	UINT64 v = 0, base;
	UINTN i = 0;

	while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	while (i < s.n && s.p[i] == '0')
		i++;
	if (i < s.n && (s.p[i] | 0x20) == 'x') {
		hex = TRUE;
		i++;
	}
	base = hex ? 16 : 10;
	for (; i < s.n; i++) {
		int d = hex_value(s.p[i]);

		if (d < 0 || (UINT64)d >= base)
			break;
		if (v > (~(UINT64)0 - (UINT64)d) / base)
			return ~(UINT64)0;
		v = v * base + (UINT64)d;
	}
	return v;
}

static UINT64 num(struct span s)
{
	return span_number(s, FALSE);
}

/* EDK2's StrHexToBytes: the first 2 * size characters, all hex digits, else nothing is written. */
static BOOLEAN span_hex_bytes(struct span s, UINT8 *ret, UINTN size)
{
	if (s.n < 2 * size)
		return FALSE;
	for (UINTN i = 0; i < 2 * size; i++) {
		if (hex_value(s.p[i]) < 0)
			return FALSE;
	}
	for (UINTN i = 0; i < size; i++)
		ret[i] = (UINT8)(hex_value(s.p[2 * i]) << 4 | hex_value(s.p[2 * i + 1]));
	return TRUE;
}

/* 8-4-4-4-12 hex digits; a malformed GUID leaves ret zero. */
static void span_guid(struct span s, void *ret)
{
	static const UINT8 group[] = { 4, 2, 2, 2, 6 };
	UINT8 b[16];
	EFI_GUID g;
	UINTN at = 0;

	for (UINTN i = 0; i < sizeof(group); i++) {
		struct span part = split(&s, '-');

		if (part.n != 2 * group[i] || !span_hex_bytes(part, b + at, group[i]))
			return;
		at += group[i];
	}
	if (s.n)
		return;
	/* The first three fields are numbers (stored little-endian), the last eight bytes. */
	g.Data1 = (UINT32)b[0] << 24 | (UINT32)b[1] << 16 | (UINT32)b[2] << 8 | b[3];
	g.Data2 = (UINT16)(b[4] << 8 | b[5]);
	g.Data3 = (UINT16)(b[6] << 8 | b[7]);
	memcpy(g.Data4, b + 8, 8);
	memcpy(ret, &g, sizeof(g));
}

/* Dotted decimal; a malformed address leaves ret zero (EDK2's StrToIpv4Address fails). */
static void span_ipv4(struct span s, UINT8 *ret)
{
	UINT8 a[4];

	for (int i = 0; i < 4; i++) {
		struct span part = split(&s, '.');
		UINT64 v = num(part);

		if (!part.n || v > 255 || hex_value(part.p[part.n - 1]) < 0)
			return;
		a[i] = (UINT8)v;
	}
	if (!s.n)
		memcpy(ret, a, sizeof(a));
}

static void *node_init(union node *n, UINT8 type, UINT8 subtype, UINTN length)
{
	memset(n, 0, sizeof(*n));
	device_path_set_node(&n->hdr, type, subtype, length);
	return n;
}

/* clang-format off */
const struct device_path_node_name device_path_node_names[DEVICE_PATH_NODE_NAMES] = {
	{ "Path", 0, 0, 4, DP_GENERIC },
	{ "HardwarePath", HARDWARE_DEVICE_PATH, 0, 4, DP_GENERIC },
	{ "AcpiPath", ACPI_DEVICE_PATH, 0, 4, DP_GENERIC },
	{ "Msg", MESSAGING_DEVICE_PATH, 0, 4, DP_GENERIC },
	{ "MediaPath", MEDIA_DEVICE_PATH, 0, 4, DP_GENERIC },
	{ "BbsPath", BBS_DEVICE_PATH, 0, 4, DP_GENERIC },
	/* PCI_DEVICE_PATH keeps Function before Device. */
	{ "Pci", HARDWARE_DEVICE_PATH, HW_PCI_DP, 6, DP_NONE, { DP_FIELD(5, 1), DP_FIELD(4, 1) } },
	{ "MemoryMapped", HARDWARE_DEVICE_PATH, HW_MEMMAP_DP, 24, DP_NONE,
	  { DP_FIELD(4, 4), DP_FIELD(8, 8), DP_FIELD(16, 8) } },
	{ "VenHw", HARDWARE_DEVICE_PATH, HW_VENDOR_DP, 20, DP_VENDOR },
	{ "VenMsg", MESSAGING_DEVICE_PATH, MSG_VENDOR_DP, 20, DP_VENDOR },
	{ "VenMedia", MEDIA_DEVICE_PATH, MEDIA_VENDOR_DP, 20, DP_VENDOR },
	{ "Acpi", ACPI_DEVICE_PATH, ACPI_DP, 12, DP_ACPI, { 0, DP_FIELD(8, 4) } },
	{ "PciRoot", ACPI_DEVICE_PATH, ACPI_DP, 12, DP_ACPI_PNP, { DP_FIELD(8, 4) }, 0x0a03 },
	{ "PcieRoot", ACPI_DEVICE_PATH, ACPI_DP, 12, DP_ACPI_PNP, { DP_FIELD(8, 4) }, 0x0a08 },
	{ "Floppy", ACPI_DEVICE_PATH, ACPI_DP, 12, DP_ACPI_PNP, { DP_FIELD(8, 4) }, 0x0604 },
	{ "Keyboard", ACPI_DEVICE_PATH, ACPI_DP, 12, DP_ACPI_PNP, { DP_FIELD(8, 4) }, 0x0301 },
	{ "Serial", ACPI_DEVICE_PATH, ACPI_DP, 12, DP_ACPI_PNP, { DP_FIELD(8, 4) }, 0x0501 },
	{ "ParallelPort", ACPI_DEVICE_PATH, ACPI_DP, 12, DP_ACPI_PNP, { DP_FIELD(8, 4) }, 0x0401 },
	{ "AcpiAdr", ACPI_DEVICE_PATH, ACPI_ADR_DP, 8, DP_ACPI_ADR },
	{ "Ata", MESSAGING_DEVICE_PATH, MSG_ATAPI_DP, 8, DP_ATA,
	  { DP_FIELD(4, 1), DP_FIELD(5, 1), DP_FIELD(6, 2) } },
	{ "Scsi", MESSAGING_DEVICE_PATH, MSG_SCSI_DP, 8, DP_NONE,
	  { DP_FIELD(4, 2), DP_FIELD(6, 2) } },
	{ "USB", MESSAGING_DEVICE_PATH, MSG_USB_DP, 6, DP_NONE,
	  { DP_FIELD(4, 1), DP_FIELD(5, 1) } },
	{ "Sata", MESSAGING_DEVICE_PATH, MSG_SATA_DP, 10, DP_SATA,
	  { DP_FIELD(4, 2), DP_FIELD(6, 2), DP_FIELD(8, 2) } },
	{ "NVMe", MESSAGING_DEVICE_PATH, MSG_NVME_NAMESPACE_DP, 16, DP_NVME, { DP_FIELD(4, 4) } },
	{ "MAC", MESSAGING_DEVICE_PATH, MSG_MAC_ADDR_DP, 37, DP_MAC, { 0, DP_FIELD(36, 1) } },
	{ "IPv4", MESSAGING_DEVICE_PATH, MSG_IPv4_DP, 27, DP_IPV4 },
	{ "VenPcAnsi", MESSAGING_DEVICE_PATH, MSG_VENDOR_DP, 20, DP_TERMINAL, { 0 }, 0 },
	{ "VenVt100", MESSAGING_DEVICE_PATH, MSG_VENDOR_DP, 20, DP_TERMINAL, { 0 }, 1 },
	{ "VenVt100Plus", MESSAGING_DEVICE_PATH, MSG_VENDOR_DP, 20, DP_TERMINAL, { 0 }, 2 },
	{ "VenUtf8", MESSAGING_DEVICE_PATH, MSG_VENDOR_DP, 20, DP_TERMINAL, { 0 }, 3 },
	{ "HD", MEDIA_DEVICE_PATH, MEDIA_HARDDRIVE_DP, 42, DP_HD,
	  { DP_FIELD(4, 4), 0, 0, DP_FIELD(8, 8), DP_FIELD(16, 8) } },
	{ "CDROM", MEDIA_DEVICE_PATH, MEDIA_CDROM_DP, 24, DP_NONE,
	  { DP_FIELD(4, 4), DP_FIELD(8, 8), DP_FIELD(16, 8) } },
	{ "Fv", MEDIA_DEVICE_PATH, MEDIA_PIWG_FW_VOL_DP, 20, DP_GUID },
	{ "FvFile", MEDIA_DEVICE_PATH, MEDIA_PIWG_FW_FILE_DP, 20, DP_GUID },
	{ "Offset", MEDIA_DEVICE_PATH, MEDIA_RELATIVE_OFFSET_RANGE_DP, 24, DP_NONE,
	  { DP_FIELD(8, 8), DP_FIELD(16, 8) } },
};
/* clang-format on */

#define NODE_MAX_LENGTH 0xffffu

/*
 * A node with a hex data tail: the fixed part in n, then the bytes of hex, as many as its
 * digits make rounded up (vendor nodes) or down (generic nodes), as EDK2 sizes them; data that
 * is not all hex digits is left zero there too.
 */
static BOOLEAN emit_with_data(struct out *o, union node *n, UINTN fixed, struct span hex,
			      BOOLEAN round_up)
{
	UINTN bytes = (hex.n + round_up) / 2, length = fixed + bytes;
	UINT8 b;
	BOOLEAN valid = 2 * bytes <= hex.n;

	if (length > NODE_MAX_LENGTH)
		return FALSE;
	for (UINTN i = 0; valid && i < 2 * bytes; i++)
		valid = hex_value(hex.p[i]) >= 0;
	device_path_set_node(&n->hdr, n->hdr.Type, n->hdr.SubType, length);
	out_bytes(o, n, fixed);
	for (UINTN i = 0; i < bytes; i++) {
		b = 0;
		if (valid)
			span_hex_bytes((struct span){ hex.p + 2 * i, 2 }, &b, 1);
		out_bytes(o, &b, 1);
	}
	return TRUE;
}

/* EDK2's EisaIdFromText: three letters and a hex product number ("PNP0A03"). */
static UINT32 eisa_id(struct span s)
{
	UINT32 id = 0;
	UINTN skip = s.n < 3 ? s.n : 3;

	for (UINTN i = 0; i < 3; i++) {
		CHAR16 c = i < s.n ? s.p[i] : 0;

		id |= (UINT32)((c - 'A' + 1) & 0x1f) << (10 - 5 * i);
	}
	s.p += skip;
	s.n -= skip;
	return id + (UINT32)(span_number(s, TRUE) << 16);
}

/* Any number of _ADRs, 4 bytes each, up to the first empty parameter; at least one. */
static BOOLEAN emit_acpi_adr(struct out *o, struct span args)
{
	struct span l = args;
	UINTN count = 0;
	EFI_DEVICE_PATH_PROTOCOL hdr;
	UINT32 adr;

	while (param(&l).n)
		count++;
	if (!count)
		count = 1;
	if (sizeof(hdr) + 4 * count > NODE_MAX_LENGTH)
		return FALSE;
	device_path_set_node(&hdr, ACPI_DEVICE_PATH, ACPI_ADR_DP, sizeof(hdr) + 4 * count);
	out_bytes(o, &hdr, sizeof(hdr));
	while (count--) {
		adr = (UINT32)num(param(&args));
		out_bytes(o, &adr, sizeof(adr));
	}
	return TRUE;
}

/* One named node; FALSE if it cannot be represented. */
static BOOLEAN parse_named(struct out *o, const struct device_path_node_name *nn, struct span args)
{
	union node n;
	UINT8 *b = n.bytes;
	struct span p[6], rest = args;
	UINT64 v;

	/* Parameters left out are empty, which reads as 0, as EDK2's GetNextParamStr gives them. */
	for (UINTN i = 0; i < 6; i++)
		p[i] = param(&rest);
	node_init(&n, nn->type, nn->subtype, nn->length);
	for (UINTN i = 0; i < sizeof(nn->field); i++) {
		if (nn->field[i]) {
			v = num(p[i]);
			memcpy(b + (nn->field[i] >> 2), &v, 1u << (nn->field[i] & 3));
		}
	}
	switch (nn->special) {
	case DP_GENERIC:
		if (!nn->type) {
			b[0] = (UINT8)num(p[0]);
			p[0] = p[1];
			p[1] = p[2];
		}
		b[1] = (UINT8)num(p[0]);
		return emit_with_data(o, &n, sizeof(n.hdr), p[1], FALSE);
	case DP_VENDOR:
		span_guid(p[0], b + 4);
		return emit_with_data(o, &n, sizeof(VENDOR_DEVICE_PATH), p[1], TRUE);
	case DP_TERMINAL:
		memcpy(b + 4, &device_path_terminal_guids[nn->arg], sizeof(EFI_GUID));
		break;
	case DP_ACPI:
		((ACPI_HID_DEVICE_PATH *)b)->HID = eisa_id(p[0]);
		break;
	case DP_ACPI_PNP:
		((ACPI_HID_DEVICE_PATH *)b)->HID = EISA_PNP_ID((UINT32)nn->arg);
		break;
	case DP_ACPI_ADR:
		return emit_acpi_adr(o, args);
	case DP_ATA:
		if (span_is(p[0], "Secondary"))
			b[4] = 1;
		if (span_is(p[1], "Slave"))
			b[5] = 1;
		break;
	case DP_SATA:
		/* UEFI 2.10 §10.3.4.6: no port multiplier is 0xFFFF, also when left out. */
		if (!p[1].n)
			memset(b + 6, 0xff, 2);
		break;
	case DP_NVME:
		/* The EUI-64 bytes come last first, as the text form prints them. */
		for (int i = 7; i >= 0; i--)
			b[8 + i] = (UINT8)span_number(split(&p[1], '-'), TRUE);
		break;
	case DP_MAC:
		span_hex_bytes(p[0], b + 4, b[36] <= 1 ? 6 : 32);
		break;
	case DP_IPV4: {
		IPv4_DEVICE_PATH *ip = (void *)b;

		span_ipv4(p[0], ip->RemoteIpAddress);
		ip->Protocol = span_is(p[1], "UDP")   ? 17
			       : span_is(p[1], "TCP") ? 6
						      : (UINT16)num(p[1]);
		ip->StaticIpAddress = span_is(p[2], "Static");
		span_ipv4(p[3], ip->LocalIpAddress);
		if (p[4].n && p[5].n) {
			span_ipv4(p[4], ip->GatewayIpAddress);
			span_ipv4(p[5], ip->SubnetMask);
		}
		break;
	}
	case DP_HD: {
		HARDDRIVE_DEVICE_PATH *hd = (void *)b;
		UINT32 sig;

		if (span_is(p[1], "MBR")) {
			hd->SignatureType = SIGNATURE_TYPE_MBR;
			hd->MBRType = MBR_TYPE_PCAT;
			sig = (UINT32)num(p[2]);
			memcpy(hd->Signature, &sig, sizeof(sig));
		} else if (span_is(p[1], "GPT")) {
			hd->SignatureType = SIGNATURE_TYPE_GUID;
			hd->MBRType = MBR_TYPE_EFI_PARTITION_TABLE_HEADER;
			span_guid(p[2], hd->Signature);
		} else {
			hd->SignatureType = (UINT8)num(p[1]);
		}
		break;
	}
	case DP_GUID:
		span_guid(p[0], b + 4);
		break;
	}
	out_bytes(o, &n, nn->length);
	return TRUE;
}

/*
 * One node's text: a known name directly followed by '(' and its parameters up to the first
 * ')', else a file path node of the whole text (EDK2's ConvertTextToDeviceNode).
 */
static BOOLEAN parse_node(struct out *o, struct span s)
{
	EFI_DEVICE_PATH_PROTOCOL hdr;
	UINTN length;

	for (UINTN i = 0; i < DEVICE_PATH_NODE_NAMES; i++) {
		UINTN len = strlen(device_path_node_names[i].name), close;
		struct span name = { s.p, len };

		if (s.n <= len || s.p[len] != '(' || !span_is(name, device_path_node_names[i].name))
			continue;
		for (close = len + 1; close < s.n && s.p[close] != ')'; close++)
			;
		if (close == s.n)
			continue;
		return parse_named(o, &device_path_node_names[i],
				   (struct span){ s.p + len + 1, close - len - 1 });
	}
	length = sizeof(FILEPATH_DEVICE_PATH) + (s.n + 1) * sizeof(CHAR16);
	if (length > NODE_MAX_LENGTH)
		return FALSE;
	device_path_set_node(&hdr, MEDIA_DEVICE_PATH, MEDIA_FILEPATH_DP, length);
	out_bytes(o, &hdr, sizeof(hdr));
	out_bytes(o, s.p, s.n * sizeof(CHAR16));
	out_bytes(o, &(CHAR16){ 0 }, sizeof(CHAR16));
	return TRUE;
}

static BOOLEAN is_separator(CHAR16 c)
{
	return c == '/' || c == ',';
}

/*
 * The next node's text (EDK2's GetNextDeviceNodeStr): separators and stray parentheses before
 * it skipped, ending at a '/' or ',' outside parentheses. FALSE at the end of the text and for
 * unbalanced parentheses, where EDK2 stops converting too.
 */
static BOOLEAN next_node(struct span *text, struct span *ret_node, BOOLEAN *ret_instance_end)
{
	struct span s = *text;
	UINTN depth = 0;

	while (s.n && (is_separator(*s.p) || *s.p == '(' || *s.p == ')')) {
		s.p++;
		s.n--;
	}
	if (!s.n)
		return FALSE;
	ret_node->p = s.p;
	for (ret_node->n = 0; ret_node->n < s.n; ret_node->n++) {
		CHAR16 c = s.p[ret_node->n];

		if (is_separator(c) && !depth)
			break;
		/* Unsigned, as in EDK2: a ')' too many is never balanced again. */
		depth += c == '(' ? 1 : c == ')' ? (UINTN)-1 : 0;
	}
	if (depth)
		return FALSE;
	*ret_instance_end = ret_node->n < s.n && s.p[ret_node->n] == ',';
	text->p = s.p + ret_node->n + (ret_node->n < s.n);
	text->n = s.n - ret_node->n - (ret_node->n < s.n);
	return TRUE;
}

UINTN device_path_from_text(const CHAR16 *text, BOOLEAN node_only, void *ret_buf, UINTN buf_size)
{
	struct out o = { ret_buf, ret_buf ? buf_size : 0, 0 };
	struct span s = { text, 0 }, node;
	EFI_DEVICE_PATH_PROTOCOL end;
	BOOLEAN instance_end;

	if (!text || !*text)
		return 0;
	while (text[s.n] && s.n < DEVICE_PATH_MAX_SIZE)
		s.n++;
	if (node_only)
		return parse_node(&o, s) ? o.len : 0;
	while (next_node(&s, &node, &instance_end)) {
		if (!parse_node(&o, node))
			return 0;
		if (instance_end) {
			device_path_set_node(&end, END_DEVICE_PATH_TYPE,
					     END_INSTANCE_DEVICE_PATH_SUBTYPE,
					     END_DEVICE_PATH_LENGTH);
			out_bytes(&o, &end, sizeof(end));
		}
	}
	device_path_set_node(&end, END_DEVICE_PATH_TYPE, END_ENTIRE_DEVICE_PATH_SUBTYPE,
			     END_DEVICE_PATH_LENGTH);
	out_bytes(&o, &end, sizeof(end));
	return o.len;
}

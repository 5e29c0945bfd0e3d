/* SPDX-License-Identifier: MIT */
/* Matching a disk against QEMU's bootorder paths, as SeaBIOS and OVMF read them. */
#include "lib/platform/bootorder.h"

#define ROOT "/pci@i0cf8"

/* Parse hex digits at *p up to end; FALSE if there are none. */
static BOOLEAN parse_hex(const char **p, const char *end, UINT32 *ret)
{
	UINT32 v = 0, digits = 0;

	for (; *p < end; (*p)++, digits++) {
		char c = **p;
		UINT32 d;

		if (c >= '0' && c <= '9')
			d = (UINT32)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (UINT32)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (UINT32)(c - 'A' + 10);
		else
			break;
		if (v > 0x0fffffff)
			return FALSE;
		v = v << 4 | d;
	}
	*ret = v;
	return digits > 0;
}

/*
 * One component "/name@unit[,sub]" at *p: *ret_name_drive tells whether the name is "drive".
 * FALSE at the end of the line or on anything else.
 */
static BOOLEAN parse_component(const char **p, const char *end, BOOLEAN *ret_drive,
			       UINT32 *ret_unit, UINT32 *ret_sub)
{
	const char *name;

	if (*p >= end || **p != '/')
		return FALSE;
	name = ++*p;
	while (*p < end && **p != '@' && **p != '/')
		(*p)++;
	if (*p >= end || **p != '@')
		return FALSE;
	*ret_drive = *p - name == 5 && name[0] == 'd' && name[1] == 'r' && name[2] == 'i' &&
		     name[3] == 'v' && name[4] == 'e';
	(*p)++;
	if (!parse_hex(p, end, ret_unit))
		return FALSE;
	*ret_sub = 0;
	if (*p < end && **p == ',') {
		(*p)++;
		if (!parse_hex(p, end, ret_sub))
			return FALSE;
	}
	/* Anything else in the component (":args") ends what we compare. */
	while (*p < end && **p != '/')
		(*p)++;
	return TRUE;
}

static BOOLEAN line_names(const char *p, const char *end, const struct bootorder_device *dev)
{
	UINT32 unit, sub;
	BOOLEAN drive;

	if ((UINTN)(end - p) < sizeof(ROOT) - 1)
		return FALSE;
	for (UINTN i = 0; i < sizeof(ROOT) - 1; i++)
		if (p[i] != ROOT[i])
			return FALSE;
	p += sizeof(ROOT) - 1;
	for (UINT32 level = 0; level < dev->depth; level++) {
		if (!parse_component(&p, end, &drive, &unit, &sub))
			return FALSE;
		if (unit != dev->pci[level].device || sub != dev->pci[level].function)
			return FALSE;
	}
	if (dev->scsi)
		/* QEMU's SCSI bus names a unit "channel@C/disk@target,lun" (scsibus_get_fw_dev_path). */
		return parse_component(&p, end, &drive, &unit, &sub) && unit == 0 &&
		       parse_component(&p, end, &drive, &unit, &sub) && unit == dev->target &&
		       sub == dev->lun;
	if (dev->drive < 0)
		return TRUE;
	/* The component after the controller names the port: ".../drive@1/disk@0". */
	if (!parse_component(&p, end, &drive, &unit, &sub) || !drive ||
	    unit != (UINT32)dev->drive)
		return FALSE;
	/* Then the unit on it, which only an IDE channel has two of; a line may stop before. */
	return !parse_component(&p, end, &drive, &unit, &sub) || unit == dev->disk;
}

INT32 bootorder_rank(const char *text, UINTN size, const struct bootorder_device *dev)
{
	const char *end = text + size, *line = text;
	INT32 index = 0;

	if (dev->depth == 0 || dev->depth > BOOTORDER_MAX_DEPTH)
		return -1;
	while (line < end && *line) {
		const char *eol = line;

		while (eol < end && *eol && *eol != '\n')
			eol++;
		if (line_names(line, eol, dev))
			return index;
		index++;
		line = eol < end && *eol == '\n' ? eol + 1 : eol;
	}
	return -1;
}

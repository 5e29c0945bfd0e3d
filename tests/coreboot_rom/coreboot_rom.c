// SPDX-License-Identifier: MIT
/*
 * A test ROM that plays coreboot's part for Strata's payload entry: coreboot tables (LBIO, IP
 * checksums, a forward at 0x500 to the tables at the top of low RAM, as coreboot's
 * arch/x86/tables.c places them) with QEMU's e820 as the memory map, COM1 as the console, and
 * ACPI and SMBIOS built from QEMU's fw_cfg in CBMEM as coreboot's QEMU boards do, std VGA set
 * to 800x600 as coreboot's Bochs driver (drivers/emulation/qemu/bochs.c) and named by a
 * framebuffer record, then
 * the payload from fw_cfg (an ELF, or a CBFS image cbfstool made with it as fallback/payload)
 * loaded at its physical addresses and called as coreboot calls a payload (arch/x86/boot.c):
 * 32-bit, cdecl, the tables' address the one argument.
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define COM1		0x3f8
#define FW_CFG_SEL	0x510
#define FW_CFG_DATA	0x511
#define FW_CFG_FILE_DIR 0x19
#define PAYLOAD_FILE	"opt/strata/payload"
/*
 * "bad" or "null": the payload gets a wrong argument and must find the forward itself;
 * "corrupt": both tables fail their checksum, so the payload must do without them.
 */
#define ARGUMENT_FILE	"opt/coreboot-rom/argument"
/* "off": no ACPI or SMBIOS records, as a coreboot build without them; "corrupt": a bad RSDP. */
#define ACPI_FILE	"opt/coreboot-rom/acpi"
/* "off": no frame buffer; "24": 800x600 at 24 bits per pixel; else 800x600x32. */
#define DISPLAY_FILE	"opt/coreboot-rom/display"
/* std VGA's BAR0 as the ROM places it, as SeaBIOS and coreboot do on QEMU. */
#define VGA_LFB		0xfd000000u
#define VBE_INDEX	0x1ce
#define VBE_DATA	0x1cf
#define FB_WIDTH	800
#define FB_HEIGHT	600
#define ELF_BUFFER	0x2000000u /* where the payload file is staged: above any payload segment */
#define ELF_MAX		0x1000000u
#define FORWARD_ADDR	0x500u
#define LOW_TABLE_END	0x1000u /* coreboot reserves 0 to the forward's 4 KiB end as tables */
#define CBMEM_SIZE	0x80000u
/* CBMEM: the tables, then the ACPI area (QEMU pads its tables to 128 KiB), then SMBIOS's. */
#define ACPI_OFFSET	0x10000u
#define SMBIOS_OFFSET	0x70000u
#define SMBIOS_SIZE	0x10000u
#define LOADER_BUFFER	ELF_BUFFER /* etc/table-loader is staged there before the payload */
#define LOADER_MAX	0x4000u
#define MAX_BLOBS	8

#define LB_TAG_MEMORY	0x01
#define LB_TAG_SERIAL	0x0f
#define LB_TAG_FORWARD	0x11
#define LB_TAG_FRAMEBUFFER 0x12
#define LB_TAG_CBMEM_ENTRY 0x31
#define LB_TAG_ACPI_RSDP 0x43
#define CBMEM_ID_SMBIOS	0x534d4254u /* "SMBT" */
#define LB_MEM_RAM	1
#define LB_MEM_RESERVED 2
#define LB_MEM_TABLE	16

/* gcc may call these for struct copies; there is no libc. */
void *memset(void *d, int c, u32 n);
void *memcpy(void *d, const void *s, u32 n);
void rom_main(void);

void *memset(void *d, int c, u32 n)
{
	u8 *p = d;

	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, u32 n)
{
	u8 *p = d;
	const u8 *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(u16 port, u16 v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u32 inl(u16 port)
{
	u32 v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void fw_cfg_read(void *buf, u32 n)
{
	__asm__ volatile("rep insb" : "+D"(buf), "+c"(n) : "d"(FW_CFG_DATA) : "memory");
}

static void put_char(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (u8)c);
}

static void put_str(const char *s)
{
	while (*s)
		put_char(*s++);
}

static void put_hex(u32 v)
{
	put_str("0x");
	for (int i = 28; i >= 0; i -= 4)
		put_char("0123456789abcdef"[(v >> i) & 15]);
}

static void halt(const char *why)
{
	put_str("coreboot-rom: ");
	put_str(why);
	put_str(", halting\n");
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* coreboot as configured for QEMU: COM1 at 115200 8N1. */
static void serial_init(void)
{
	outb(COM1 + 1, 0);
	outb(COM1 + 3, 0x80);
	outb(COM1, 1);
	outb(COM1 + 1, 0);
	outb(COM1 + 3, 3);
	outb(COM1 + 2, 7);
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static int memcmp8(const u8 *a, const char *b)
{
	for (int i = 0; i < 8; i++)
		if (a[i] != (u8)b[i])
			return 1;
	return 0;
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Selects fw_cfg file name; its size, or -1 when QEMU has none. */
static int fw_cfg_select(const char *name)
{
	u8 count[4], file[64];

	outw(FW_CFG_SEL, FW_CFG_FILE_DIR);
	fw_cfg_read(count, 4);
	for (u32 i = 0; i < be32(count); i++) {
		fw_cfg_read(file, sizeof(file));
		file[63] = 0;
		if (streq((const char *)file + 8, name)) {
			outw(FW_CFG_SEL, (u16)(file[4] << 8 | file[5]));
			return (int)be32(file);
		}
	}
	return -1;
}

static u16 ip_checksum(const u8 *p, u32 size)
{
	u32 sum = 0;

	for (u32 i = 0; i < size; i++) {
		sum += (i & 1) ? (u32)p[i] << 8 : p[i];
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (u16)~sum;
}

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

static void put64(u8 *p, u64 v)
{
	put32(p, (u32)v);
	put32(p + 4, (u32)(v >> 32));
}

static u64 get_le(const u8 *p, u32 size)
{
	u64 v = 0;

	while (size--)
		v = v << 8 | p[size];
	return v;
}

static u8 sum8(const u8 *p, u32 n)
{
	u8 sum = 0;

	while (n--)
		sum += *p++;
	return sum;
}

/* Reads fw_cfg file name into buf (at most max bytes); its size, or 0 when absent or too big. */
static u32 fw_cfg_file(const char *name, void *buf, u32 max)
{
	int size = fw_cfg_select(name);

	if (size <= 0 || (u32)size > max)
		return 0;
	fw_cfg_read(buf, (u32)size);
	return (u32)size;
}

struct blob {
	const char *name;
	u8 *data;
	u32 size;
};

static struct blob *find_blob(struct blob *blobs, u32 count, const u8 *name)
{
	for (u32 i = 0; i < count; i++)
		if (streq(blobs[i].name, (const char *)name))
			return &blobs[i];
	halt("table-loader names a file it did not allocate");
	return 0;
}

/*
 * QEMU's etc/table-loader (hw/acpi/bios-linker-loader.c) as coreboot's and SeaBIOS's fw_cfg
 * code runs it: ALLOCATE every file into the area (the FSEG zone too: coreboot keeps all of
 * ACPI in CBMEM), ADD_POINTER, ADD_CHECKSUM; WRITE_POINTER is left out, as coreboot does.
 * Returns the address of QEMU's RSDP, or 0 when QEMU offers no tables.
 */
static u8 *run_table_loader(u8 *area, u32 area_size, u8 **ret_end)
{
	u8 *cmds = (u8 *)LOADER_BUFFER, *next = area;
	struct blob blobs[MAX_BLOBS], *rsdp = 0;
	u32 size = fw_cfg_file("etc/table-loader", cmds, LOADER_MAX), count = 0;

	for (u8 *cmd = cmds; cmd + 128 <= cmds + size; cmd += 128) {
		u32 type = get_le(cmd, 4);

		if (type == 1) {
			struct blob *b = &blobs[count];
			u32 align = get_le(cmd + 60, 4);

			if (count == MAX_BLOBS || align == 0 || (align & (align - 1)))
				halt("table-loader ALLOCATE not understood");
			next = (u8 *)(((u32)next + align - 1) & ~(align - 1));
			b->name = (const char *)cmd + 4;
			b->data = next;
			b->size = fw_cfg_file(b->name, next, area + area_size - next);
			if (!b->size)
				halt("ACPI tables do not fit in the CBMEM area");
			next += b->size;
			if (streq(b->name, "etc/acpi/rsdp"))
				rsdp = b;
			count++;
		} else if (type == 2) {
			struct blob *dst = find_blob(blobs, count, cmd + 4);
			struct blob *src = find_blob(blobs, count, cmd + 60);
			u32 offset = get_le(cmd + 116, 4), width = cmd[120];
			u64 value;

			if (width > 8 || offset + width > dst->size)
				halt("table-loader ADD_POINTER out of bounds");
			value = get_le(dst->data + offset, width) + (u32)src->data;
			for (u32 i = 0; i < width; i++)
				dst->data[offset + i] = (u8)(value >> (8 * i));
		} else if (type == 3) {
			struct blob *b = find_blob(blobs, count, cmd + 4);
			u32 offset = get_le(cmd + 60, 4), start = get_le(cmd + 64, 4);
			u32 length = get_le(cmd + 68, 4);

			if (offset >= b->size || start > b->size || length > b->size - start)
				halt("table-loader ADD_CHECKSUM out of bounds");
			b->data[offset] = 0;
			b->data[offset] = (u8)(0 - sum8(b->data + start, length));
		}
	}
	*ret_end = next;
	return rsdp && rsdp->size >= 20 ? rsdp->data : 0;
}

/*
 * coreboot's RSDP is revision 2 with an XSDT beside the RSDT (acpi/acpi.c); QEMU's x86 tables
 * have a 1.0 RSDP and RSDT only. Build the XSDT from the RSDT's entries, and the 2.0 RSDP.
 */
static u32 write_rsdp20(const u8 *qemu_rsdp, u8 *at)
{
	const u8 *rsdt = (const u8 *)(u32)get_le(qemu_rsdp + 16, 4);
	u32 entries = (get_le(rsdt + 4, 4) - 36) / 4;
	u8 *xsdt = (u8 *)(((u32)at + 15) & ~15u), *rsdp = xsdt + ((36 + 8 * entries + 15) & ~15u);

	memcpy(xsdt, rsdt, 36);
	memcpy(xsdt, "XSDT", 4);
	put32(xsdt + 4, 36 + 8 * entries);
	for (u32 i = 0; i < entries; i++)
		put64(xsdt + 36 + 8 * i, get_le(rsdt + 36 + 4 * i, 4));
	xsdt[9] = 0;
	xsdt[9] = (u8)(0 - sum8(xsdt, 36 + 8 * entries));

	memset(rsdp, 0, 36);
	memcpy(rsdp, qemu_rsdp, 20);
	rsdp[15] = 2;
	rsdp[8] = 0;
	rsdp[8] = (u8)(0 - sum8(rsdp, 20));
	put32(rsdp + 20, 36);
	put64(rsdp + 24, (u32)xsdt);
	rsdp[32] = (u8)(0 - sum8(rsdp, 36));
	return (u32)rsdp;
}

/*
 * coreboot's SMBT area (arch/x86/smbios.c): the 2.1 entry point at its start, the 3.0 one at
 * 0x20, the structures after; QEMU's anchor says which kind, its structures are used as they are.
 */
static u32 write_smbios(u8 *area)
{
	u8 *anchor = area + 0x40, *tables = area + 0x80;
	u32 anchor_size = fw_cfg_file("etc/smbios/smbios-anchor", anchor, 0x40);
	u32 size = fw_cfg_file("etc/smbios/smbios-tables", tables, SMBIOS_SIZE - 0x80);

	if (!size || anchor_size < 24)
		return 0;
	memset(area, 0, 0x40);
	if (anchor_size >= 31 && anchor[3] == '_') { /* "_SM_", else "_SM3_" */
		memcpy(area, anchor, 31);
		put32(area + 0x18, (u32)tables);
		area[0x15] = 0;
		area[0x15] = (u8)(0 - sum8(area + 0x10, 15));
		area[4] = 0;
		area[4] = (u8)(0 - sum8(area, area[5]));
	} else if (anchor[3] == '3') {
		memcpy(area + 0x20, anchor, 24);
		put64(area + 0x20 + 0x10, (u32)tables);
		area[0x20 + 5] = 0;
		area[0x20 + 5] = (u8)(0 - sum8(area + 0x20, area[0x20 + 6]));
	} else {
		return 0;
	}
	memset(anchor, 0, 0x40);
	return (u32)area;
}

struct table {
	u8 *header;
	u32 bytes;
	u32 entries;
};

static u8 *table_record(struct table *t, u32 tag, u32 size)
{
	u8 *r = t->header + 24 + t->bytes;

	memset(r, 0, size);
	put32(r, tag);
	put32(r + 4, size);
	t->bytes += size;
	t->entries++;
	return r;
}

static void table_seal(struct table *t)
{
	memcpy(t->header, "LBIO", 4);
	put32(t->header + 4, 24);
	put32(t->header + 8, 0);
	put32(t->header + 12, t->bytes);
	put32(t->header + 16, ip_checksum(t->header + 24, t->bytes));
	put32(t->header + 20, t->entries);
	put32(t->header + 8, ip_checksum(t->header, 24));
}

static u8 *range(u8 *r, u64 base, u64 size, u32 type)
{
	put64(r, base);
	put64(r + 8, size);
	put32(r + 16, type);
	return r + 20;
}

struct e820 {
	u64 base;
	u64 size;
	u32 type;
} __attribute__((packed));

/* The end of the highest RAM below 4 GiB: CBMEM's top, as coreboot's cbmem_top(). */
static u32 low_ram_top(const struct e820 *map, u32 n)
{
	u64 top = 0;

	for (u32 i = 0; i < n; i++)
		if (map[i].type == LB_MEM_RAM && map[i].base + map[i].size <= 0x100000000ull &&
		    map[i].base + map[i].size > top)
			top = map[i].base + map[i].size;
	return (u32)top;
}

/*
 * QEMU's e820 as coreboot would report the machine: 0..4 KiB its low tables, the legacy hole
 * reserved, the top 64 KiB of low RAM its CBMEM (where these tables are).
 */
static void write_memory(struct table *t, const struct e820 *map, u32 n, u32 top)
{
	u8 *rec = table_record(t, LB_TAG_MEMORY, 8), *r = rec + 8;
	u32 cbmem = top - CBMEM_SIZE;

	r = range(r, 0, LOW_TABLE_END, LB_MEM_TABLE);
	for (u32 i = 0; i < n; i++) {
		u64 base = map[i].base, end = base + map[i].size;

		if (map[i].type != LB_MEM_RAM) {
			r = range(r, base, end - base, map[i].type);
			continue;
		}
		if (base < LOW_TABLE_END)
			base = LOW_TABLE_END;
		if (base < 0xa0000 && end > 0xa0000) {
			r = range(r, base, 0xa0000 - base, LB_MEM_RAM);
			r = range(r, 0xa0000, 0x60000, LB_MEM_RESERVED);
			base = 0x100000;
		}
		if (end == top) {
			r = range(r, base, cbmem - base, LB_MEM_RAM);
			r = range(r, cbmem, CBMEM_SIZE, LB_MEM_TABLE);
		} else if (end > base) {
			r = range(r, base, end - base, LB_MEM_RAM);
		}
	}
	put32(rec + 4, (u32)(r - rec));
	t->bytes += (u32)(r - rec) - 8;
}

static u32 pci_read32(u32 dev, u32 reg)
{
	outl(0xcf8, 0x80000000u | dev << 8 | reg);
	return inl(0xcfc);
}

static void pci_write32(u32 dev, u32 reg, u32 v)
{
	outl(0xcf8, 0x80000000u | dev << 8 | reg);
	outl(0xcfc, v);
}

/*
 * QEMU builds its ACPI tables when etc/table-loader is first read, from the chipset as it is
 * then: the FADT's PM blocks from the ACPI PM base, the MCFG only with q35's PCIEXBAR on. So,
 * as coreboot's QEMU boards (and SeaBIOS) do, set both first; the values are the ones stage0
 * programs again (0x600, 0xb0000000).
 */
static void chipset_init(void)
{
	u32 host = pci_read32(0, 0);

	if (host == 0x29c08086) {
		pci_write32(0, 0x64, 0);
		pci_write32(0, 0x60, 0xb0000000u | 1);
		pci_write32(0x1f << 3, 0x40, 0x600 | 1);
		pci_write32(0x1f << 3, 0x44, (pci_read32(0x1f << 3, 0x44) & ~0xffu) | 0x80);
	} else if (host == 0x12378086) {
		pci_write32(1 << 3 | 3, 0x40, 0x600 | 1);
		pci_write32(1 << 3 | 3, 0x80, (pci_read32(1 << 3 | 3, 0x80) & ~0xffu) | 1);
	}
}

static void vbe_write(u16 index, u16 value)
{
	outw(VBE_INDEX, index);
	outw(VBE_DATA, value);
}

/*
 * QEMU's std VGA (1234:1111, class 0300) on bus 0: BAR0 placed, decoding on, a VBE mode with the
 * linear frame buffer, and the record coreboot's bochs driver writes for it (lb_framebuffer).
 */
static void write_framebuffer(struct table *t)
{
	char how[8] = { 0 };
	u32 bpp, dev;
	u8 *r;

	fw_cfg_file(DISPLAY_FILE, how, sizeof(how) - 1);
	if (streq(how, "off"))
		return;
	bpp = streq(how, "24") ? 24 : 32;
	for (dev = 0; dev < 32; dev++) {
		if (pci_read32(dev << 3, 0) == 0x11111234u && pci_read32(dev << 3, 8) >> 16 == 0x0300)
			break;
	}
	if (dev == 32) {
		put_str("coreboot-rom: no std VGA: no framebuffer record\n");
		return;
	}
	pci_write32(dev << 3, 0x10, VGA_LFB);
	pci_write32(dev << 3, 4, (pci_read32(dev << 3, 4) & 0xffff0000u) | 3); /* I/O, memory */
	vbe_write(4, 0); /* disabled while the mode changes */
	vbe_write(1, FB_WIDTH);
	vbe_write(2, FB_HEIGHT);
	vbe_write(3, (u16)bpp);
	vbe_write(4, 0x41); /* enabled, linear frame buffer (and cleared) */
	/* The attribute controller's palette source bit: without it QEMU shows a blank screen. */
	(void)inb(0x3da);
	outb(0x3c0, 0x20);
	r = table_record(t, LB_TAG_FRAMEBUFFER, 40);
	put64(r + 8, VGA_LFB);
	put32(r + 16, FB_WIDTH);
	put32(r + 20, FB_HEIGHT);
	put32(r + 24, FB_WIDTH * bpp / 8);
	r[28] = (u8)bpp;
	r[29] = 16, r[30] = 8, r[31] = 8, r[32] = 8, r[33] = 0, r[34] = 8; /* r, g, b */
	r[35] = bpp == 32 ? 24 : 0, r[36] = bpp == 32 ? 8 : 0;
	put_str("coreboot-rom: framebuffer at ");
	put_hex(VGA_LFB);
	put_str(bpp == 32 ? " 800x600x32\n" : " 800x600x24\n");
}

/* ACPI and SMBIOS in CBMEM and the records naming them, as coreboot writes them (lb_tables). */
static void write_acpi_smbios(struct table *t, u8 *cbmem, int corrupt)
{
	u8 *end, *qemu_rsdp;
	u32 smbios;
	u8 *r;

	chipset_init();
	qemu_rsdp = run_table_loader(cbmem + ACPI_OFFSET, SMBIOS_OFFSET - ACPI_OFFSET, &end);
	smbios = write_smbios(cbmem + SMBIOS_OFFSET);

	if (qemu_rsdp) {
		u32 rsdp = write_rsdp20(qemu_rsdp, end);

		if (corrupt)
			((u8 *)rsdp)[8] ^= 0xff; /* its 1.0 checksum */

		put64(table_record(t, LB_TAG_ACPI_RSDP, 16) + 8, rsdp);
		put_str("coreboot-rom: ACPI RSDP at ");
		put_hex(rsdp);
		put_char('\n');
	}
	if (smbios) {
		r = table_record(t, LB_TAG_CBMEM_ENTRY, 24);
		put64(r + 8, smbios);
		put32(r + 16, SMBIOS_SIZE);
		put32(r + 20, CBMEM_ID_SMBIOS);
		put_str("coreboot-rom: SMBIOS at ");
		put_hex(smbios);
		put_char('\n');
	}
}

/* The tables in CBMEM and the forward to them at 0x500; returns the CBMEM table's address. */
static u32 write_tables(void)
{
	char acpi[8] = { 0 };
	struct e820 map[32];
	struct table t = { 0 }, fwd = { (u8 *)FORWARD_ADDR, 0, 0 };
	u8 *r;
	int size = fw_cfg_select("etc/e820");
	u32 top;

	if (size <= 0 || (u32)size > sizeof(map))
		halt("no usable fw_cfg etc/e820");
	fw_cfg_read(map, (u32)size);
	top = low_ram_top(map, (u32)size / sizeof(map[0]));
	if (top < 0x1000000)
		halt("less than 16 MiB of RAM");
	t.header = (u8 *)(top - CBMEM_SIZE);
	write_memory(&t, map, (u32)size / sizeof(map[0]), top);
	r = table_record(&t, LB_TAG_SERIAL, 28);
	put32(r + 8, 1); /* I/O mapped */
	put32(r + 12, COM1);
	put32(r + 16, 115200);
	put32(r + 20, 1);
	put32(r + 24, 1843200);
	fw_cfg_file(ACPI_FILE, acpi, sizeof(acpi) - 1);
	if (!streq(acpi, "off"))
		write_acpi_smbios(&t, t.header, streq(acpi, "corrupt"));
	write_framebuffer(&t);
	table_seal(&t);

	put64(table_record(&fwd, LB_TAG_FORWARD, 16) + 8, (u32)t.header);
	table_seal(&fwd);
	return (u32)t.header;
}

static void load_segment(u32 paddr, const u8 *data, u32 filesz, u32 memsz)
{
	put_str("coreboot-rom: segment ");
	put_hex(paddr);
	put_str(" + ");
	put_hex(memsz);
	put_char('\n');
	memcpy((void *)paddr, data, filesz);
	memset((void *)(paddr + filesz), 0, memsz - filesz);
}

/* An ELF64 file's PT_LOADs at their physical addresses, as cbfstool add-payload takes them. */
static u32 load_elf(const u8 *elf, u32 size)
{
	u32 phoff = *(const u32 *)(elf + 0x20), phentsize = *(const u16 *)(elf + 0x36);
	u32 phnum = *(const u16 *)(elf + 0x38);

	if (elf[4] != 2 || elf[5] != 1)
		halt("payload is no little-endian ELF64 file");
	for (u32 i = 0; i < phnum; i++) {
		const u8 *ph = elf + phoff + i * phentsize;
		u32 offset = *(const u32 *)(ph + 8), paddr = *(const u32 *)(ph + 0x18);
		u32 filesz = *(const u32 *)(ph + 0x20), memsz = *(const u32 *)(ph + 0x28);

		if (*(const u32 *)ph != 1) /* PT_LOAD */
			continue;
		if (offset + filesz > size || filesz > memsz)
			halt("payload segment outside the file");
		load_segment(paddr, elf + offset, filesz, memsz);
	}
	return *(const u32 *)(elf + 0x18);
}

/*
 * A SELF (cbfs_serialized.h: big-endian segments of type, compression, offset, 64-bit load
 * address, length, memory length, up to the entry), as coreboot's selfload.c runs it.
 */
static u32 load_self(const u8 *self, u32 size)
{
	for (const u8 *seg = self; seg + 28 <= self + size; seg += 28) {
		u32 type = be32(seg), offset = be32(seg + 8), paddr = be32(seg + 16);
		u32 len = be32(seg + 20), memlen = be32(seg + 24);

		if (type == 0x454e5452) /* "ENTR" */
			return paddr;
		if (type != 0x434f4445 && type != 0x44415441 && type != 0x42535320)
			continue; /* "CODE", "DATA", "BSS ": the rest (parameters) carry nothing */
		if (be32(seg + 4) != 0)
			halt("compressed SELF segment: add the payload with -c none");
		if (offset + len > size || len > memlen)
			halt("SELF segment outside the file");
		load_segment(paddr, self + offset, len, memlen);
	}
	halt("SELF without an entry");
	return 0;
}

/* fallback/payload of a CBFS (cbfs_serialized.h: "LARCHIVE" headers, 64-byte aligned files). */
static u32 load_cbfs(const u8 *cbfs, u32 size)
{
	u32 pos = 0;

	while (pos + 24 <= size && !memcmp8(cbfs + pos, "LARCHIVE")) {
		u32 len = be32(cbfs + pos + 8), type = be32(cbfs + pos + 12);
		u32 offset = be32(cbfs + pos + 20);

		if (offset > size - pos || len > size - pos - offset)
			halt("CBFS file outside the image");
		if (type == 0x20 && streq((const char *)cbfs + pos + 24, "fallback/payload")) {
			put_str("coreboot-rom: CBFS fallback/payload at ");
			put_hex(pos);
			put_char('\n');
			return load_self(cbfs + pos + offset, len);
		}
		pos = (pos + offset + len + 63) & ~63u;
	}
	halt("no fallback/payload in the CBFS image");
	return 0;
}

/* The payload from fw_cfg: an ELF64 file, or a CBFS image holding it as fallback/payload. */
static u32 load_payload(void)
{
	u8 *buf = (u8 *)ELF_BUFFER;
	int size = fw_cfg_select(PAYLOAD_FILE);

	if (size <= 0 || (u32)size > ELF_MAX)
		halt("no payload: pass it as -fw_cfg name=" PAYLOAD_FILE ",file=...");
	fw_cfg_read(buf, (u32)size);
	if (be32(buf) == 0x7f454c46)
		return load_elf(buf, (u32)size);
	return load_cbfs(buf, (u32)size);
}

/* What the payload is handed: the tables, or (to test its fallbacks) ARGUMENT_FILE's choice. */
static u32 payload_argument(u32 tables)
{
	char how[8] = { 0 };
	int size = fw_cfg_select(ARGUMENT_FILE);

	if (size <= 0 || size >= (int)sizeof(how))
		return tables;
	fw_cfg_read(how, (u32)size);
	if (streq(how, "null"))
		return 0;
	if (streq(how, "bad"))
		return 0x2000; /* low RAM with no LBIO header */
	if (streq(how, "corrupt")) {
		/* Both header checksums wrong: the payload must find no tables at all. */
		((u8 *)tables)[8] ^= 0xff;
		((u8 *)FORWARD_ADDR)[8] ^= 0xff;
	}
	return tables;
}

void rom_main(void)
{
	void (*payload)(void *tables);
	u32 tables, argument;

	serial_init();
	put_str("coreboot-rom: Strata's coreboot stand-in\n");
	outw(FW_CFG_SEL, 0); /* the signature item */
	if (inb(FW_CFG_DATA) != 'Q')
		halt("no QEMU fw_cfg");
	tables = write_tables();
	payload = (void (*)(void *))load_payload();
	argument = payload_argument(tables);
	put_str("coreboot-rom: tables at ");
	put_hex(tables);
	put_str(", forward at 0x500, jumping to payload at ");
	put_hex((u32)payload);
	put_str(" with argument ");
	put_hex(argument);
	put_char('\n');
	/* coreboot's 32-bit ramstage: asmlinkage, the argument on the stack. */
	payload((void *)argument);
	halt("payload returned");
}

; SPDX-License-Identifier: MIT
; The test ROM's start, as coreboot's bootblock begins: reset vector, flat 32-bit protected mode,
; a stack in low RAM, then C (coreboot_rom.c), which never returns.

%define SEL_CODE32 0x08
%define SEL_DATA 0x10
; coreboot_rom.ld puts .rom16 here; CS base is 0xFFFF0000 at reset.
%define ROM16_OFFSET 0xFF00
%define STACK_TOP 0x7000

extern rom_main
global reset16

section .rom16 progbits alloc exec
BITS 16
reset16:
	cli
	cld
	o32 lgdt [cs:ROM16_OFFSET + (gdt_descriptor - reset16)]
	mov eax, cr0
	or al, 1
	mov cr0, eax
	jmp dword SEL_CODE32:start32

BITS 32
start32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov esp, STACK_TOP
	call rom_main
.halt:
	cli
	hlt
	jmp .halt

align 8
gdt:
	dq 0
	dq 0x00CF9A000000FFFF		; 0x08: 32-bit code, flat
	dq 0x00CF92000000FFFF		; 0x10: data, flat
gdt_descriptor:
	dw gdt_descriptor - gdt - 1
	dd gdt

section .resetvector progbits alloc exec
BITS 16
	jmp near reset16
	times 16 - ($ - $$) db 0xf4

section .note.GNU-stack noalloc noexec nowrite progbits

; SPDX-License-Identifier: MIT
; stage0 entry: reset vector, 16-bit real mode -> 32-bit protected mode -> 64-bit long mode.
;
; The CPU starts at 0xFFFFFFF0 with CS base 0xFFFF0000, so the 16-bit code must sit in the last
; 64 KiB of the address space: it executes in place from the ROM. The 32-bit code, still in ROM,
; unpacks the C part of stage0 into RAM (it is linked there; the flash holds it LZ4-compressed,
; mk/lz4pack.py), zeroes .bss, builds an identity map of the first 4 GiB with 2 MiB pages and
; enters long mode in RAM.
;
; The PVH entry (build/strata-pvh.elf, stage0/stage0_pvh.ld) joins that 32-bit code: a PVH loader
; (QEMU -kernel, Cloud Hypervisor) starts it in flat 32-bit protected mode, paging off, with the
; address of its hvm_start_info in %ebx. That ELF holds the C part unpacked, so it is only copied.
; The same ELF is a coreboot payload: its ELF entry, coreboot_entry32, is called as coreboot calls
; a payload (arch/x86/boot.c: flat 32-bit protected mode, cdecl, the coreboot tables' address the
; one argument on the stack) and joins the PVH path with that address in %edx instead.

%define CR0_PE (1 << 0)
%define CR0_MP (1 << 1)
%define CR0_EM (1 << 2)
%define CR0_NE (1 << 5)
%define CR0_PG (1 << 31)
%define CR4_PAE (1 << 5)
%define CR4_OSFXSR (1 << 9)
%define CR4_OSXMMEXCPT (1 << 10)
%define MSR_EFER 0xC0000080
%define EFER_LME (1 << 8)
%define PTE_PRESENT (1 << 0)
%define PTE_WRITE (1 << 1)
%define PTE_LARGE (1 << 7)

%define SEL_CODE32 0x08
%define SEL_DATA 0x10
%define SEL_CODE64 0x18

extern __rom_copy_lma, __rom_copy_vma, __rom_copy_end, __rom_copy_size, __bss_start, __bss_size
extern stage0_main, stage0_exception_handler, stage0_pvh_start_info, stage0_coreboot_tables
global reset16, pvh_entry32, coreboot_entry32
global stage0_gdt_descriptor, stage0_pml4, stage0_stack, stage0_stack_top
global stage0_gdt, stage0_load_exception_tables, stage0_exception_stubs

%define STACK_SIZE 0x8000
; Where stage0.ld puts .rom16, as an offset from CS base 0xFFFF0000.
%define ROM16_OFFSET 0xFC00

; ---------------------------------------------------------------------------------------------
section .rom16 progbits alloc exec
BITS 16
reset16:
	cli
	cld
	; CS base is 0xFFFF0000 and the linker script puts this section at 0xFFFFFC00, so a label
	; here is at CS offset ROM16_OFFSET + (label - reset16).
	o32 lgdt [cs:ROM16_OFFSET + (rom_gdt_descriptor - reset16)]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword SEL_CODE32:protected32

BITS 32
; coreboot's stack is its own (it is not coming back): read the argument before anything else.
coreboot_entry32:
	mov edx, [esp + 4]
	test edx, edx
	jnz .argument
	dec edx				; a NULL argument: still coreboot's entry, nothing to read
.argument:
	xor ebx, ebx
	jmp entry32
; The loader's GDT may lie anywhere, even where the copy below writes: switch to ours first.
pvh_entry32:
	xor edx, edx
entry32:
	cli
	cld
	lgdt [rom_gdt_descriptor]
	jmp SEL_CODE32:pvh_copy32

pvh_copy32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	; The PVH link stores the C part as it runs: a plain copy, which leaves %ebx and %edx alone.
	mov esi, __rom_copy_lma
	mov edi, __rom_copy_vma
	mov ecx, __rom_copy_size
	rep movsb
	jmp protected32.clear_bss

protected32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax

	; C code and data run from RAM: unpack them out of the ROM, then clear .bss. An LZ4 block
	; (lz4_Block_format.md): token, literal length extension, literals, 16-bit offset, match
	; length extension; the output's size ends it. No stack exists yet, so no calls.
	mov esi, __rom_copy_lma
	mov edi, __rom_copy_vma
	mov edx, __rom_copy_end
.sequence:
	movzx ebx, byte [esi]		; token
	inc esi
	mov eax, ebx
	shr eax, 4			; literal length
	cmp eax, 15
	jne .literals
.literal_more:
	movzx ecx, byte [esi]
	inc esi
	add eax, ecx
	cmp ecx, 255
	je .literal_more
.literals:
	mov ecx, eax
	rep movsb
	cmp edi, edx
	jae .unpacked			; the last sequence has literals only
	movzx ebp, word [esi]		; offset back into the output
	add esi, 2
	mov eax, ebx
	and eax, 15
	cmp eax, 15
	jne .match
.match_more:
	movzx ecx, byte [esi]
	inc esi
	add eax, ecx
	cmp ecx, 255
	je .match_more
.match:
	lea ecx, [eax + 4]
	neg ebp
	add ebp, edi			; the match's first byte; it may overlap what it makes
.match_copy:
	mov al, [ebp]
	inc ebp
	stosb
	dec ecx
	jnz .match_copy
	jmp .sequence
.unpacked:
	xor ebx, ebx			; the reset vector has no PVH start info
	xor edx, edx			; nor coreboot tables
.clear_bss:
	mov edi, __bss_start
	mov ecx, __bss_size
	xor eax, eax
	rep stosb
	mov [stage0_pvh_start_info], ebx
	mov [stage0_coreboot_tables], edx

	; Identity map 0..4 GiB: PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages.
	mov eax, stage0_pdpt
	or eax, PTE_PRESENT | PTE_WRITE
	mov [stage0_pml4], eax
	mov edi, stage0_pdpt
	mov eax, stage0_pd
	or eax, PTE_PRESENT | PTE_WRITE
	mov ecx, 4
.pdpt:
	mov [edi], eax
	add edi, 8
	add eax, 4096
	loop .pdpt
	mov edi, stage0_pd
	mov eax, PTE_PRESENT | PTE_WRITE | PTE_LARGE
	xor edx, edx			; bits 32.. of the physical address
	mov ecx, 4 * 512
.pd:
	mov [edi], eax
	mov [edi + 4], edx
	add edi, 8
	add eax, 0x200000
	adc edx, 0
	loop .pd

	; SSE must work for stage1 and every payload (UEFI 2.10 §2.3.4): no emulation, OS FXSR on.
	mov eax, cr0
	and eax, ~CR0_EM
	or eax, CR0_MP | CR0_NE
	mov cr0, eax
	mov eax, cr4
	or eax, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT
	mov cr4, eax
	mov eax, stage0_pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax
	jmp SEL_CODE64:long64

align 8
rom_gdt:
	dq 0
	dq 0x00CF9A000000FFFF		; 0x08: 32-bit code, flat
	dq 0x00CF92000000FFFF		; 0x10: data, flat
	dq 0x00AF9A000000FFFF		; 0x18: 64-bit code
rom_gdt_end:
rom_gdt_descriptor:
	dw rom_gdt_end - rom_gdt - 1
	dd rom_gdt

; ---------------------------------------------------------------------------------------------
; Xen's ELF note XEN_ELFNOTE_PHYS32_ENTRY (18): the 32-bit PVH entry. The PVH link puts it in a
; PT_NOTE segment; the ROM link drops it. The address is 8 bytes because QEMU 7.2 reads a size_t
; from the note of an ELF64 file; Cloud Hypervisor reads 4 (it needs at least that many).
section .note.Xen note alloc
align 4
	dd 4				; n_namesz: "Xen" and its NUL
	dd 8				; n_descsz
	dd 18				; n_type: XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dq pvh_entry32

; ---------------------------------------------------------------------------------------------
section .resetvector progbits alloc exec
BITS 16
	jmp near reset16
	times 16 - ($ - $$) db 0xf4	; hlt

; ---------------------------------------------------------------------------------------------
section .text.entry64 progbits alloc exec
BITS 64
long64:
	; Same descriptors, now from the RAM copy, so nothing later depends on the ROM mapping.
	lgdt [stage0_gdt_descriptor]
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov rsp, stage0_stack_top
	xor ebp, ebp
	call stage0_main
.halt:
	cli
	hlt
	jmp .halt

; Writable: loading the task register marks the TSS descriptor (0x20, filled in by C) busy.
section .data.gdt progbits alloc write
align 8
ram_gdt:
stage0_gdt:
	dq 0
	dq 0x00CF9A000000FFFF
	dq 0x00CF92000000FFFF
	dq 0x00AF9A000000FFFF
	dq 0, 0				; 0x20: the TSS, for the exception stacks
ram_gdt_end:
stage0_gdt_descriptor:
	dw ram_gdt_end - ram_gdt - 1
	dq ram_gdt

; ---------------------------------------------------------------------------------------------
; Exceptions (stage0/exception.c fills the TSS descriptor and the IDT).
section .text
BITS 64
; void stage0_load_exception_tables(const void *idtr)  -- rdi
stage0_load_exception_tables:
	lgdt [stage0_gdt_descriptor]	; the TSS descriptor is new
	mov ax, 0x20
	ltr ax
	lidt [rdi]
	ret

; One 16-byte stub per vector 0..31: a 0 error code where the CPU pushes none, the vector, then
; the general registers (rax lowest) as struct exception_frame lays them out.
%define ERROR_CODE_VECTORS 0x60227d00
align 16
stage0_exception_stubs:
%assign v 0
%rep 32
%if ((ERROR_CODE_VECTORS >> v) & 1) == 0
	push 0
%endif
	push v
	jmp exception_common
	align 16, db 0xcc
%assign v v + 1
%endrep

exception_common:
	push r15
	push r14
	push r13
	push r12
	push r11
	push r10
	push r9
	push r8
	push rbp
	push rdi
	push rsi
	push rdx
	push rcx
	push rbx
	push rax
	cld
	mov rdi, rsp
	and rsp, -16
	call stage0_exception_handler
.halt:
	cli
	hlt
	jmp .halt

; ---------------------------------------------------------------------------------------------
; Cleared by the copy loop above; stage1 keeps running on this stack until it has its own.
section .bss.pagetables nobits alloc write
align 4096
stage0_pml4:	resb 4096
stage0_pdpt:	resb 4096
stage0_pd:	resb 4 * 4096

section .bss.stack nobits alloc write
align 16
stage0_stack:	resb STACK_SIZE
stage0_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits

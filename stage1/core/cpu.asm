; SPDX-License-Identifier: MIT
; Context save/restore for StartImage/Exit, the switch to stage1's own stack, the descriptor
; tables, the exception entry stubs and the timer interrupt's.
BITS 64
default rel
section .text

global cpu_context_save, cpu_context_restore, cpu_switch_stack, cpu_enter_linux
global cpu_load_descriptor_tables, cpu_exception_stubs
global cpu_timer_interrupt, cpu_spurious_interrupt
extern exception_handler, events_timer_interrupt

; UINTN cpu_context_save(struct cpu_context *ctx)  -- rdi = ctx
cpu_context_save:
	mov [rdi + 0], rbx
	mov [rdi + 8], rbp
	mov [rdi + 16], r12
	mov [rdi + 24], r13
	mov [rdi + 32], r14
	mov [rdi + 40], r15
	lea rdx, [rsp + 8]		; the caller's rsp after our return
	mov [rdi + 48], rdx
	mov rdx, [rsp]			; our return address
	mov [rdi + 56], rdx
	xor eax, eax
	ret

; void cpu_context_restore(struct cpu_context *ctx, UINTN value)  -- rdi, rsi
cpu_context_restore:
	mov rbx, [rdi + 0]
	mov rbp, [rdi + 8]
	mov r12, [rdi + 16]
	mov r13, [rdi + 24]
	mov r14, [rdi + 32]
	mov r15, [rdi + 40]
	mov rsp, [rdi + 48]
	mov rax, rsi
	test rax, rax
	jnz .nonzero
	inc rax
.nonzero:
	jmp [rdi + 56]

; void cpu_switch_stack(void *top, void (*fn)(void *), void *arg)  -- rdi, rsi, rdx
cpu_switch_stack:
	mov rsp, rdi
	xor ebp, ebp
	mov rdi, rdx
	call rsi
.halt:
	cli
	hlt
	jmp .halt

; void cpu_enter_linux(const struct cpu_gdtr *gdtr, UINT64 entry, void *boot_params)
;   -- rdi, rsi, rdx
cpu_enter_linux:
	cli
	lgdt [rdi]
	mov eax, 0x18
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
	mov rcx, rsi
	mov rsi, rdx
	push 0x10			; reload CS with a far return
	lea rax, [rel .reloaded]
	push rax
	o64 retf
.reloaded:
	jmp rcx

; void cpu_load_descriptor_tables(const struct cpu_gdtr *gdt, const struct cpu_gdtr *idt,
;                                 UINT16 tss)  -- rdi, rsi, dx
; Load stage1's GDT (the same selectors as stage0's: code 0x18, data 0x10), its TSS and IDT.
cpu_load_descriptor_tables:
	lgdt [rdi]
	push 0x18
	lea rax, [rel .reloaded]
	push rax
	o64 retf
.reloaded:
	mov eax, 0x10
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov fs, eax
	mov gs, eax
	ltr dx
	lidt [rsi]
	ret

; One 16-byte stub per vector 0..31 (cpu_exception_stubs + 16 * vector): a 0 error code where
; the CPU pushes none, then the vector, so every frame has the layout of struct exception_frame.
%define ERROR_CODE_VECTORS 0x60227d00
align 16
cpu_exception_stubs:
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

; The general registers below the vector (rax lowest), then exception_handler(frame) on a
; 16-byte aligned stack; it reports and halts, never returns.
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
	call exception_handler
.halt:
	cli
	hlt
	jmp .halt

; The timer interrupt arrives in whatever code runs, a payload's included: every general
; register and the FPU/SSE state (fxsave: XMM0-15 and MXCSR, a superset of the MS x64 ABI's
; volatile XMM0-5) survive events_timer_interrupt, which may run a payload's notify function.
cpu_timer_interrupt:
	push rax
	push rcx
	push rdx
	push rbx
	push rbp
	push rsi
	push rdi
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rbp, rsp
	sub rsp, 512
	and rsp, -16
	fxsave64 [rsp]
	cld
	call events_timer_interrupt
	fxrstor64 [rsp]
	mov rsp, rbp
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	pop rbp
	pop rbx
	pop rdx
	pop rcx
	pop rax
	iretq

; A spurious APIC interrupt sets no in-service bit: no EOI.
cpu_spurious_interrupt:
	iretq

section .note.GNU-stack noalloc noexec nowrite progbits

/* SPDX-License-Identifier: MIT */
/* Declarations shared by mkimage's commands: error reporting, files, and each command's entry. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "include/strata/stage_image.h"

/* Print "mkimage: <message>" to stderr and return -1: report a failure where it is found. */
int mk_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Read a whole file into a malloc'd buffer; refuses files larger than max_size. */
int mk_read_file(const char *path, size_t max_size, uint8_t **ret_data, size_t *ret_size);
/* Create a temporary file beside final_path (same file system, so rename is atomic). */
int mk_temp_beside(const char *final_path, char **ret_temp_path);
/* Write data to a temporary file beside path, then rename it over path. */
int mk_write_file_atomic(const char *path, const void *data, size_t size);
/* Run a command (argv[0] found on PATH), stdout/stderr passed through; -1 unless it exits 0. */
int mk_run(const char *const argv[]);
/* Run a command showing its output only if it fails (tools that chatter on success). */
int mk_run_quiet(const char *const argv[]);
/* Run a command with all output discarded and no message on failure (probes: "does X exist?"). */
int mk_run_quiet_silent(const char *const argv[]);
/* Run a command and hand back its output (stdout and stderr), rewound; shown instead on failure. */
int mk_run_output(const char *const argv[], FILE **ret_output);
/* Create a private temporary directory; the caller removes it with mk_remove_tree. */
int mk_temp_dir(char **ret_path);
/* Remove a directory made by mk_temp_dir and everything in it. */
void mk_remove_tree(const char *path);
/*
 * Make dest anew: produce(ctx, work, temp) writes a temporary file beside dest, using a private
 * scratch folder, and only a complete result is renamed over dest. On any failure the temporary
 * file is removed, so dest is the old file or a whole new one, never half-written. 0 or -1.
 */
int mk_replace_file(const char *dest, int (*produce)(void *ctx, const char *work, const char *temp),
		    void *ctx);

/* Whether path is a qcow2 image ("QFI\xfb"): mtools and our GPT reader see only raw bytes. */
int mk_is_qcow2(const char *path);

/* Where the stages live on an ESP, and the largest stage file worth reading. */
#define ESP_STAGE1_PATH "/STRATA/STAGE1.BIN"
#define ESP_STAGE1_BACKUP_PATH "/STRATA/STAGE1.BAK"
#define ESP_RUNTIME_PATH "/STRATA/RUNTIME.BIN"
#define ESP_RUNTIME_BACKUP_PATH "/STRATA/RUNTIME.BAK"
#define STAGE_FILE_MAX (STAGE_IMAGE_MAX_BODY + sizeof(struct stage_image_header) + 4096)

/* A stage file read from disk and fully checked (header, kind, digest). */
int mk_check_stage_file(const char *path, uint32_t kind, struct stage_image_header *ret_header);
/* What is wrong with a stage image held in memory, or NULL if it checks and verifies. */
const char *mk_stage_problem(const void *data, size_t size, uint32_t kind,
			     struct stage_image_header *ret_header);
/* Check a stage image held in memory; message names what is wrong, prefixed with what. */
int mk_check_stage_buffer(const char *what, const void *data, size_t size, uint32_t kind,
			  struct stage_image_header *ret_header);

/* Signed stages (sign.c): a signature trailer over header by the RSA-3072 private key in pem. */
int mk_sign_stage(const struct stage_image_header *header, const char *pem,
		  struct stage_image_signature *ret_sig);
/* The signature trailer after the body of a checked stage image, or NULL if it has none. */
const struct stage_image_signature *mk_stage_signature(const void *data, size_t size);
/* Print what, then a 32-byte key id in hex, then a newline. */
void mk_print_key_id(const char *what, const uint8_t id[32]);

/* The flat memory image of a position-independent ELF, as the stage image body wants it. */
struct elf_image {
	uint8_t *body; /* malloc'd, body_size bytes */
	uint64_t body_size;
	uint64_t memory_size;
	uint64_t entry_offset;
	uint64_t rela_offset;
	uint64_t rela_size;
	uint64_t relr_offset, relr_size; /* packed relocations, which only stage1 applies (itself) */
};

/* Load and check an ELF (ET_DYN, x86-64, only RELATIVE relocations) into a flat image. */
int elf_image_load(const char *path, struct elf_image *ret_image);
/* Free what elf_image_load allocated. */
void elf_image_free(struct elf_image *image);

/* Subcommands; argv[0] is the subcommand name. Return the process exit status. */
int cmd_wrap(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_install(int argc, char **argv);
int cmd_vars(int argc, char **argv);
/* mkimage/ovmf_vars.c: PK, KEK, db, dbx of an OVMF varstore to DIR/NAME.esl; a DER as a list. */
int ovmf_vars_import(const char *fd, const char *dir);
int ovmf_vars_x509_list(const char *der, const char *out, const EFI_GUID *owner);
int cmd_sign(int argc, char **argv);
int cmd_rom(int argc, char **argv);

/*
 * update.c: move the stage at path (of kind) to backup before it is replaced; a current copy
 * that does not verify is removed instead, so a good older backup is never overwritten by a
 * broken file. 0 or -1.
 */
int update_keep_backup(const char *spec, const char *work, const char *path, const char *backup,
		       uint32_t kind);

/* disk.c: raw GPT disk images with one ESP (512-byte blocks, ESP from 1 MiB to the last usable). */
#define DISK_BLOCK_SIZE 512u
#define DISK_ESP_FIRST_LBA 2048u
#define DISK_MIN_SIZE (4u << 20)

/* A fixed GUID derived from what ("strata disk", ...) and the seed. */
void disk_guid_from_seed(const char *what, const char *seed, EFI_GUID *ret);
/* "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX" */
void disk_guid_text(EFI_GUID guid, char ret_text[37]);
/* Bytes of the ESP on a disk of disk_size bytes. */
uint64_t disk_esp_size(uint64_t disk_size);
/* Write a raw disk of disk_size bytes to path: protective MBR, both GPTs, the ESP esp_path. */
int disk_write(const char *path, uint64_t disk_size, const char *seed, const char *esp_path);
/* Find the ESP of a disk image through lib/storage/gpt.c; prints the partition table if verbose. */
int disk_find_esp(const char *path, int verbose, uint64_t *ret_offset, uint64_t *ret_size);

/* esp.c: FAT file systems built and edited with dosfstools and mtools, never mounted. */
/* Create a FAT image file of size bytes (FAT32 where it fits, else FAT16) with a volume id. */
int esp_format(const char *path, uint64_t size, uint32_t volume_id, uint64_t hidden_sectors);
/* The mtools image spec for a FAT at offset bytes into path ("path@@offset"), malloc'd. */
char *esp_spec(const char *path, uint64_t offset);
/* Copy a host file to dest (absolute, '/'-separated) in the FAT, making parent directories. */
int esp_put(const char *spec, const char *src, const char *dest);
/* Copy a FAT file out to a host file; 1 if it does not exist, -1 on other errors. */
int esp_get(const char *spec, const char *src, const char *dest);
/* Rename within the FAT, replacing to if it exists. */
int esp_rename(const char *spec, const char *from, const char *to);
/* Remove a FAT file if present. */
int esp_remove(const char *spec, const char *path);
/* Free bytes of the FAT (as mdir counts them). */
int esp_free_bytes(const char *spec, uint64_t *ret_bytes);
/* Set the environment mtools, mkfs.fat and xorriso read: reproducible dates, no geometry checks. */
void esp_setup_environment(void);

/* iso.c: a hybrid ISO whose El Torito EFI image is the ESP, also a GPT disk. */
/* Largest ESP whose El Torito sector count (16 bits, 512-byte units) survives rounding to 2 KiB. */
#define ISO_ESP_MAX_SIZE (65535ull * 512 / 2048 * 2048)
int iso_write(const char *path, const char *esp_path, const char *work_dir, const char *seed);

/* Check a payload is a PE32+ x86-64 EFI application; message says what is wrong. */
int pe_check_efi_app(const char *path);

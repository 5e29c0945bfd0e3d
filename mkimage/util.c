/* SPDX-License-Identifier: MIT */
/* mkimage helpers: error messages, whole-file reads, atomic writes, running the disk tools. */
#define _GNU_SOURCE /* asprintf, nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/formats/stage_image.h"
#include "mkimage/mkimage.h"

int mk_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mkimage: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int mk_read_file(const char *path, size_t max_size, uint8_t **ret_data, size_t *ret_size)
{
	struct stat st;
	uint8_t *data;
	size_t done = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mk_error("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		mk_error("%s: %s", path, strerror(errno));
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		mk_error("%s: not a regular file", path);
		goto err_close;
	}
	if ((uint64_t)st.st_size > max_size) {
		mk_error("%s: too large (%lld bytes, at most %zu)", path, (long long)st.st_size,
			 max_size);
		goto err_close;
	}
	/* One spare byte so an empty file still gets a non-NULL buffer. */
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		mk_error("%s: out of memory", path);
		goto err_close;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, data + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			mk_error("%s: read: %s", path, n < 0 ? strerror(errno) : "file shrank");
			goto err_free;
		}
		done += (size_t)n;
	}
	close(fd);
	*ret_data = data;
	*ret_size = done;
	return 0;

err_free:
	free(data);
err_close:
	close(fd);
	return -1;
}

int mk_temp_beside(const char *final_path, char **ret_temp_path)
{
	char *temp;
	int fd;

	if (asprintf(&temp, "%s.tmp-XXXXXX", final_path) < 0)
		return mk_error("out of memory");
	fd = mkstemp(temp);
	if (fd < 0) {
		mk_error("%s: cannot create temporary file: %s", temp, strerror(errno));
		free(temp);
		return -1;
	}
	/* mkstemp makes 0600; an image is an ordinary output file. */
	fchmod(fd, 0644);
	close(fd);
	*ret_temp_path = temp;
	return 0;
}

static int write_all(int fd, const char *path, const void *data, size_t size)
{
	const uint8_t *p = data;

	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mk_error("%s: write: %s", path, strerror(errno));
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

int mk_write_file_atomic(const char *path, const void *data, size_t size)
{
	char *temp;
	int fd;

	if (mk_temp_beside(path, &temp) < 0)
		return -1;
	fd = open(temp, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		mk_error("%s: %s", temp, strerror(errno));
		goto err_unlink;
	}
	if (write_all(fd, temp, data, size) < 0)
		goto err_close;
	if (close(fd) < 0) {
		mk_error("%s: close: %s", temp, strerror(errno));
		goto err_unlink;
	}
	if (rename(temp, path) < 0) {
		mk_error("%s: rename: %s", path, strerror(errno));
		goto err_unlink;
	}
	free(temp);
	return 0;

err_close:
	close(fd);
err_unlink:
	unlink(temp);
	free(temp);
	return -1;
}

/*
 * quiet: 0 passes output through; 1 keeps the tool's output in a log shown only if it fails (the
 * tools chatter on success); 2 discards it all and reports nothing (probes: "does X exist?").
 * With ret_log (quiet 1), a successful run hands the log over, rewound, instead of dropping it.
 */
static int run(const char *const argv[], int quiet, FILE **ret_log)
{
	FILE *log = NULL;
	int status;
	pid_t pid;

	if (quiet == 1)
		log = tmpfile();
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		if (log)
			fclose(log);
		return mk_error("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		int out = log ? fileno(log) : quiet ? open("/dev/null", O_WRONLY) : -1;

		if (out >= 0) {
			dup2(out, STDOUT_FILENO);
			dup2(out, STDERR_FILENO);
		}
		/* A tool must never wait for an answer from a terminal. */
		if (quiet) {
			int null = open("/dev/null", O_RDONLY);

			if (null >= 0)
				dup2(null, STDIN_FILENO);
		}
		/* execvp's prototype predates const; the strings are not modified. */
		execvp(argv[0], (char *const *)argv);
		if (quiet < 2)
			fprintf(stderr, "mkimage: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (ret_log && log) {
			rewind(log);
			*ret_log = log;
		} else if (log) {
			fclose(log);
		}
		return 0;
	}
	if (log) {
		char buf[4096];
		size_t n;

		rewind(log);
		while ((n = fread(buf, 1, sizeof(buf), log)) > 0)
			fwrite(buf, 1, n, stderr);
		fclose(log);
	}
	if (quiet > 1)
		return -1;
	if (status == -1)
		return mk_error("waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return mk_error("%s: not found or could not run (is it installed?)", argv[0]);
	return mk_error("%s failed (%s %d)", argv[0], WIFEXITED(status) ? "exit" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

int mk_run(const char *const argv[])
{
	return run(argv, 0, NULL);
}

int mk_run_quiet(const char *const argv[])
{
	return run(argv, 1, NULL);
}

int mk_run_quiet_silent(const char *const argv[])
{
	return run(argv, 2, NULL);
}

int mk_run_output(const char *const argv[], FILE **ret_output)
{
	*ret_output = NULL;
	if (run(argv, 1, ret_output) < 0)
		return -1;
	if (!*ret_output)
		return mk_error("%s: cannot keep its output", argv[0]);
	return 0;
}

int mk_temp_dir(char **ret_path)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (asprintf(&path, "%s/mkimage-XXXXXX", base && *base ? base : "/tmp") < 0)
		return mk_error("out of memory");
	if (!mkdtemp(path)) {
		mk_error("%s: cannot create temporary directory: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	*ret_path = path;
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	remove(path);
	return 0;
}

void mk_remove_tree(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *mk_stage_problem(const void *data, size_t size, uint32_t kind,
			     struct stage_image_header *ret_header)
{
	struct stage_image_header h;

	/* The checker tests sizes first; a file that is no stage image at all deserves that
	 * message. */
	if (size < STAGE_IMAGE_MAGIC_SIZE ||
	    memcmp(data, STAGE_IMAGE_MAGIC, STAGE_IMAGE_MAGIC_SIZE))
		return "not a stage image (no STRATA magic)";
	switch (stage_image_check_header(data, size, kind, &h)) {
	case EFI_SUCCESS:
		break;
	case EFI_NOT_FOUND:
		return "not a stage image (no STRATA magic)";
	case EFI_INCOMPATIBLE_VERSION:
		return "unsupported stage image format version";
	case EFI_CRC_ERROR:
		return "stage image header CRC mismatch";
	case EFI_LOAD_ERROR:
		return kind == STAGE_KIND_STAGE1 ? "stage image is not of kind stage1"
						 : "stage image is not of kind runtime";
	default:
		return "stage image sizes out of range or file truncated";
	}
	if (stage_image_verify_body(&h, (const uint8_t *)data + sizeof(h)) != EFI_SUCCESS)
		return "stage image body does not match its SHA-256";
	if (ret_header)
		*ret_header = h;
	return NULL;
}

int mk_check_stage_buffer(const char *what, const void *data, size_t size, uint32_t kind,
			  struct stage_image_header *ret_header)
{
	const char *problem = mk_stage_problem(data, size, kind, ret_header);

	return problem ? mk_error("%s: %s", what, problem) : 0;
}

int mk_check_stage_file(const char *path, uint32_t kind, struct stage_image_header *ret_header)
{
	uint8_t *data;
	size_t size;
	int r;

	if (mk_read_file(path, STAGE_IMAGE_MAX_BODY + sizeof(struct stage_image_header), &data,
			 &size) < 0)
		return -1;
	r = mk_check_stage_buffer(path, data, size, kind, ret_header);
	free(data);
	return r;
}

int mk_replace_file(const char *dest, int (*produce)(void *ctx, const char *work, const char *temp),
		    void *ctx)
{
	char *work, *temp;
	int r = -1;

	if (mk_temp_dir(&work) < 0)
		return -1;
	if (mk_temp_beside(dest, &temp) < 0)
		goto err_work;
	if (produce(ctx, work, temp) < 0)
		goto err_temp;
	if (rename(temp, dest) < 0) {
		mk_error("%s: rename: %s", dest, strerror(errno));
		goto err_temp;
	}
	r = 0;
	goto out;

err_temp:
	unlink(temp);
out:
	free(temp);
err_work:
	mk_remove_tree(work);
	free(work);
	return r;
}

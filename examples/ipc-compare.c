/* SPDX-License-Identifier: ISC */
/*
 * ipc-compare.c - why processes need IPC, and the same three messages through a pipe, a FIFO,
 * shared memory and a socket.
 *
 *   cc -std=c11 -Wall -Wextra -Wpedantic -pthread -o ipc-compare examples/ipc-compare.c
 *   ./ipc-compare
 *
 * After fork() parent and child have separate copies of memory: what one
 * writes to a variable, the other never sees. To talk they need the kernel:
 *  - a pipe: one-way bytes, no name, only between related processes;
 *  - a FIFO: a pipe with a name in the file system, so any process may open it;
 *  - shared memory: one region mapped into both, no copy through the
 *    kernel, but no boundaries and no "ready" signal: we add a semaphore;
 *  - a socket: two-way, a name (or none, socketpair), and for SOCK_SEQPACKET
 *    or SOCK_DGRAM kept message boundaries; over TCP, other machines too.
 * In each case the child sends "one", "two", "three" and the parent shows
 * what each read returned, as [...].
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const MSGS[] = {"one", "two", "three"};
enum { NMSGS = 3, SLOT_BYTES = 16 };

/* Stop with a message naming the call (this is a demonstration: any failure ends it). */
static void die(const char *what)
{
	fprintf(stderr, "ipc-compare: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Wait for the child to exit, so everything it wrote is there before we read. */
static void reap(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
}

/* Print every read() until end of file or nothing more, each as [bytes]. */
static void show_reads(int fd)
{
	char buf[64];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		printf(" [%.*s]", (int)n, buf);
	if (n < 0 && errno != EAGAIN)
		die("read");
}

/* The child writes the three messages, one write() each, then exits. */
static void child_writes(int fd)
{
	for (int i = 0; i < NMSGS; i++)
		if (write(fd, MSGS[i], strlen(MSGS[i])) < 0)
			_exit(1);
	_exit(0);
}

static int counter; /* a plain variable: each process has its own after fork() */

static void no_ipc(void)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		counter = 3;
		_exit(0);
	}
	reap(pid);
	printf("variable   the child set counter = 3; the parent still sees %d\n", counter);
}

static void through_pipe(void)
{
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		child_writes(p[1]);
	}
	close(p[1]); /* else our own write end keeps read() from seeing end of file */
	reap(pid);
	printf("pipe      ");
	show_reads(p[0]);
	printf("   one way; no name: parent and child only\n");
	close(p[0]);
}

static void through_fifo(void)
{
	char path[] = "/tmp/ipc-compare.fifo.XXXXXX";
	int tmp = mkstemp(path); /* a unique name; the FIFO takes its place */
	if (tmp < 0 || close(tmp) < 0 || unlink(path) < 0 || mkfifo(path, 0600) < 0)
		die("mkfifo");
	/* Opening for reading without O_NONBLOCK would wait for a writer. */
	int rfd = open(path, O_RDONLY | O_NONBLOCK);
	if (rfd < 0)
		die("open fifo");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) { /* any process that may open the name can write: no fork needed */
		int wfd = open(path, O_WRONLY);
		if (wfd < 0)
			_exit(1);
		child_writes(wfd);
	}
	reap(pid);
	printf("fifo      ");
	show_reads(rfd);
	printf("   one way; a name in the file system (%s, type p)\n", path);
	close(rfd);
	if (unlink(path) < 0)
		die("unlink fifo");
}

/* The shared region: the child fills slots and posts `ready` once per slot. */
struct shared {
	sem_t ready;
	char slot[NMSGS][SLOT_BYTES];
};

static void through_shm(void)
{
	char name[32];
	snprintf(name, sizeof name, "/ipc-compare.%ld", (long)getpid());
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600); /* a file in /dev/shm */
	if (fd < 0 || ftruncate(fd, sizeof(struct shared)) < 0)
		die("shm_open");
	struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	if (sem_init(&sh->ready, 1, 0) < 0) /* 1: shared between processes */
		die("sem_init");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (int i = 0; i < NMSGS; i++) {
			snprintf(sh->slot[i], SLOT_BYTES, "%s",
				 MSGS[i]); /* a plain store: no system call */
			if (sem_post(&sh->ready) < 0)
				_exit(1);
		}
		_exit(0);
	}
	printf("shm       ");
	for (int i = 0; i < NMSGS; i++) {
		while (sem_wait(&sh->ready) < 0)
			if (errno != EINTR)
				die("sem_wait");
		printf(" [%s]", sh->slot[i]);
	}
	printf("   no copy; boundaries and \"ready\" are ours to build (a semaphore)\n");
	reap(pid);
	if (sem_destroy(&sh->ready) < 0 || munmap(sh, sizeof *sh) < 0 || close(fd) < 0 ||
	    shm_unlink(name) < 0)
		die("shm cleanup");
}

static void through_socket(int type, const char *label)
{
	int sv[2];
	if (socketpair(AF_UNIX, type, 0, sv) < 0)
		die("socketpair");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(sv[0]);
		child_writes(sv[1]);
	}
	close(sv[1]);
	reap(pid);
	printf("%-10s", label);
	show_reads(sv[0]);
	printf("   both ways; %s\n",
	       type == SOCK_STREAM ? "bytes, like a pipe" : "one read per message");
	close(sv[0]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0); /* flushed before each fork: no line printed twice */
	no_ipc();
	through_pipe();
	through_fifo();
	through_shm();
	through_socket(SOCK_STREAM, "stream");
	through_socket(SOCK_SEQPACKET, "seqpacket");
	return 0;
}

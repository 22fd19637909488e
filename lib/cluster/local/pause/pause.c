/*
 * The pod sandbox's process for sidecar-conformance: it holds the pod's namespaces open and does
 * nothing else. It runs as PID 1 of the pod, so it reaps orphans (zombies would otherwise pile
 * up when a container's children outlive it) and exits 0 on SIGINT or SIGTERM, which PID 1
 * would otherwise ignore.
 *
 * Build: gcc -static -O2 -s -o pause pause.c
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int signal_number) {
  (void)signal_number;
  _exit(0);
}

static void reap(int signal_number) {
  (void)signal_number;
  int saved_errno = errno; /* a handler must not clobber errno for the interrupted code */
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved_errno;
}

static int on(int signal_number, void (*handler)(int), int flags) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  action.sa_flags = flags;
  sigemptyset(&action.sa_mask);
  return sigaction(signal_number, &action, NULL);
}

int main(void) {
  if (on(SIGINT, stop, 0) != 0 || on(SIGTERM, stop, 0) != 0 ||
      on(SIGCHLD, reap, SA_NOCLDSTOP | SA_RESTART) != 0) {
    static const char message[] = "pause: cannot install signal handlers\n";
    (void)!write(STDERR_FILENO, message, sizeof message - 1);
    return 1;
  }
  for (;;) pause();
}

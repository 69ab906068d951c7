/* exec_storm: fork + exec of a program (default /bin/true) from N worker
 * processes, as fast as possible or at a fixed total rate, for a number of
 * execs or a duration; prints what it achieved.
 *
 *   exec_storm [--workers N] [--count M] [--duration S] [--rate R]
 *              [--program PATH]
 *
 *   --workers N   worker processes (default 4)
 *   --count M     stop after M execs in total (default 0 = no limit)
 *   --duration S  stop after S seconds (default 0 = no limit; one of
 *                 --count / --duration is required)
 *   --rate R      total execs per second, spread evenly over the workers on
 *                 an absolute schedule (default 0 = unbounded)
 *   --program P   what to exec (default /bin/true), argv = { P }
 *
 * Output, one line: execs=<n> failed=<n> seconds=<s> rate=<execs/s>
 * workers=<n> target_rate=<r|unbounded>
 *
 * Workers claim exec slots from a shared counter, so --count is exact across
 * workers. Each exec is fork() + execv() + waitpid(); a child whose exec
 * fails exits 127 and is counted as failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
	uint64_t claimed;
	uint64_t done;
	uint64_t failed;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void sleep_until(uint64_t deadline_ns)
{
	struct timespec ts = {
		.tv_sec = deadline_ns / 1000000000ull,
		.tv_nsec = deadline_ns % 1000000000ull,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static void usage(void)
{
	fprintf(stderr, "usage: exec_storm [--workers N] [--count M] "
			"[--duration S] [--rate R] [--program PATH]\n");
	exit(2);
}

static void worker(struct shared *shared, int index, int workers,
		   uint64_t count, uint64_t end_ns, double rate,
		   const char *program)
{
	char *const argv[] = { (char *)program, NULL };
	/* Worker i fires at start + (i + k * workers) / rate. */
	uint64_t interval_ns = rate > 0 ? (uint64_t)(1e9 * workers / rate) : 0;
	uint64_t next_ns = now_ns() +
			   (rate > 0 ? (uint64_t)(1e9 * index / rate) : 0);

	for (;;) {
		if (end_ns && now_ns() >= end_ns)
			break;
		if (count &&
		    __atomic_fetch_add(&shared->claimed, 1, __ATOMIC_RELAXED) >=
			    count)
			break;
		if (interval_ns) {
			sleep_until(next_ns);
			next_ns += interval_ns;
		}
		pid_t pid = fork();
		if (pid < 0) {
			__atomic_fetch_add(&shared->failed, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (pid == 0) {
			execv(program, argv);
			_exit(127);
		}
		int status = 0;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			__atomic_fetch_add(&shared->failed, 1, __ATOMIC_RELAXED);
		else
			__atomic_fetch_add(&shared->done, 1, __ATOMIC_RELAXED);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	int workers = 4;
	uint64_t count = 0;
	double duration = 0, rate = 0;
	const char *program = "/bin/true";

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "--workers"))
			workers = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--count"))
			count = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--duration"))
			duration = atof(argv[++i]);
		else if (!strcmp(argv[i], "--rate"))
			rate = atof(argv[++i]);
		else if (!strcmp(argv[i], "--program"))
			program = argv[++i];
		else
			usage();
	}
	if (workers < 1 || (count == 0 && duration <= 0) || rate < 0)
		usage();

	struct shared *shared = mmap(NULL, sizeof(*shared),
				     PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("exec_storm: mmap");
		return 1;
	}
	memset(shared, 0, sizeof(*shared));

	uint64_t start = now_ns();
	uint64_t end = duration > 0 ? start + (uint64_t)(duration * 1e9) : 0;
	for (int i = 0; i < workers; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("exec_storm: fork");
			return 1;
		}
		if (pid == 0)
			worker(shared, i, workers, count, end, rate, program);
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	double seconds = (now_ns() - start) / 1e9;

	printf("execs=%llu failed=%llu seconds=%.3f rate=%.1f workers=%d "
	       "target_rate=",
	       (unsigned long long)shared->done,
	       (unsigned long long)shared->failed, seconds,
	       shared->done / seconds, workers);
	if (rate > 0)
		printf("%.1f\n", rate);
	else
		printf("unbounded\n");
	return shared->failed ? 1 : 0;
}

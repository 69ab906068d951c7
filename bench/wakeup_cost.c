/* wakeup_cost: the CPU one timed wake-up costs on this machine, with no work
 * done after it. `picket run` sleeps one poll interval between drains of the
 * ring buffer (poll() with a timeout, as here), so this is the floor of its
 * per-batch cost: the system call, the timer, and the two context switches,
 * whatever the agent then does.
 *
 *   wakeup_cost [--interval-ms N] [--count M] [--slack-us S]
 *
 *   --interval-ms N  sleep per wake-up (default 10, picket's default
 *                    collector.poll_interval_ms)
 *   --count M        wake-ups to measure (default 300)
 *   --slack-us S     the thread's timer slack (PR_SET_TIMERSLACK; default:
 *                    leave the kernel's 50 us)
 *
 * Output, one line: wakeups=<M> slices=<times on a CPU>
 * cpu_us_per_wakeup=<run time / M> wait_us_per_wakeup=<runnable but not
 * running / M> interval_ms=<N>
 *
 * The figures come from /proc/thread-self/schedstat (the scheduler's
 * on-CPU and run-queue nanoseconds), read before and after, so they do not
 * round to clock ticks. Run it alone for an idle host, or beside
 * bench/exec_storm for a busy one (docs/performance.md, "Seventh round").
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

struct schedstat {
	unsigned long long run_ns;
	unsigned long long wait_ns;
	unsigned long long slices;
};

static int read_schedstat(struct schedstat *out)
{
	FILE *f = fopen("/proc/thread-self/schedstat", "r");
	int fields;

	if (!f)
		return -1;
	fields = fscanf(f, "%llu %llu %llu", &out->run_ns, &out->wait_ns,
			&out->slices);
	fclose(f);
	return fields == 3 ? 0 : -1;
}

static long parse_long(const char *name, const char *text, long min)
{
	char *end = NULL;
	long value = strtol(text, &end, 10);

	if (!end || *end != '\0' || value < min) {
		fprintf(stderr, "wakeup_cost: %s must be an integer >= %ld\n",
			name, min);
		exit(2);
	}
	return value;
}

int main(int argc, char **argv)
{
	long interval_ms = 10, count = 300, slack_us = -1;
	struct schedstat before, after;

	for (int i = 1; i < argc; ++i) {
		const char *option = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (value && strcmp(option, "--interval-ms") == 0)
			interval_ms = parse_long(option, value, 1);
		else if (value && strcmp(option, "--count") == 0)
			count = parse_long(option, value, 1);
		else if (value && strcmp(option, "--slack-us") == 0)
			slack_us = parse_long(option, value, 0);
		else {
			fprintf(stderr,
				"usage: wakeup_cost [--interval-ms N] [--count M] [--slack-us S]\n");
			return 2;
		}
		++i;
	}
	if (slack_us >= 0 &&
	    prctl(PR_SET_TIMERSLACK, (unsigned long)slack_us * 1000UL) != 0) {
		perror("wakeup_cost: PR_SET_TIMERSLACK");
		return 1;
	}
	if (read_schedstat(&before) != 0) {
		perror("wakeup_cost: /proc/thread-self/schedstat");
		return 1;
	}
	for (long i = 0; i < count; ++i)
		poll(NULL, 0, (int)interval_ms);
	if (read_schedstat(&after) != 0) {
		perror("wakeup_cost: /proc/thread-self/schedstat");
		return 1;
	}
	/* Each wake-up is one slice on a CPU, more if a busy host preempted
	 * the thread in between: slices > wakeups says that happened. */
	printf("wakeups=%ld slices=%llu cpu_us_per_wakeup=%.1f wait_us_per_wakeup=%.1f interval_ms=%ld\n",
	       count, after.slices - before.slices,
	       (double)(after.run_ns - before.run_ns) / 1e3 / (double)count,
	       (double)(after.wait_ns - before.wait_ns) / 1e3 / (double)count,
	       interval_ms);
	return 0;
}

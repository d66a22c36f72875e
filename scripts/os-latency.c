// OS scheduling-latency probe for scripts/bench-os-latency.sh (a small cyclictest, for machines without
// rt-tests). Outside the JVM on purpose: it measures what the kernel and the hypervisor do to a thread, with
// no GC, JIT or safepoint in the way.
//
//   os-latency sleep CPU SECONDS PRIO   a 1 kHz timer: sleeps to each absolute deadline with clock_nanosleep
//                                       and records how late it woke (timer + wake-up latency, including any
//                                       wait for the CPU to leave kernel code that cannot be preempted);
//   os-latency spin  CPU SECONDS PRIO   a busy loop on CLOCK_MONOTONIC that records every gap between two
//                                       reads: time the thread was not running although it never blocked
//                                       (interrupts, or, in a VM, the host not running the vCPU).
//
// PRIO > 0 runs under SCHED_FIFO at that priority (needs root or CAP_SYS_NICE); 0 keeps the default policy.
// The spinner spins 900 ms of every second and sleeps 100 ms, so it stays under the kernel's default RT
// throttle (950 ms per second) and never starves the CPU's other work for good.
// Output: one JSON object with the sample count, the worst gap or lateness and when it happened (seconds from
// the start), counts over thresholds from 20 us to 10 ms, and the first 5,000 events over 1 ms as [CLOCK_MONOTONIC
// seconds, microseconds] pairs: absolute times, so that two probes' events can be matched (both CPUs stopped
// at once points at the host).
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000LL + t.tv_nsec;
}

static const int64_t EDGES_NS[] = {20000, 50000, 100000, 200000, 500000, 1000000, 2000000, 5000000, 10000000};
#define N_EDGES (sizeof EDGES_NS / sizeof EDGES_NS[0])

static long over[N_EDGES];
static int64_t worst, worst_at, samples;
#define MAX_EVENTS 5000
static int64_t event_at[MAX_EVENTS], event_ns[MAX_EVENTS];
static int events;

/** late: the gap or lateness; at: when, from the start; end: its absolute CLOCK_MONOTONIC time. */
static void record(int64_t late, int64_t at, int64_t end) {
    if (late > 1000000 && events < MAX_EVENTS) {
        event_at[events] = end;
        event_ns[events++] = late;
    }
    for (size_t i = 0; i < N_EDGES; i++) {
        if (late > EDGES_NS[i]) over[i]++;
    }
    if (late > worst) {
        worst = late;
        worst_at = at;
    }
    samples++;
}

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[1], "sleep") != 0 && strcmp(argv[1], "spin") != 0)) {
        fprintf(stderr, "usage: os-latency sleep|spin CPU SECONDS PRIO\n");
        return 2;
    }
    int cpu = atoi(argv[2]);
    double seconds = atof(argv[3]);
    int prio = atoi(argv[4]);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        perror("os-latency: sched_setaffinity");
        return 1;
    }
    if (prio > 0) {
        struct sched_param p = {.sched_priority = prio};
        if (sched_setscheduler(0, SCHED_FIFO, &p) != 0) {
            perror("os-latency: SCHED_FIFO (needs root or CAP_SYS_NICE)");
            return 1;
        }
    }
    int64_t t0 = now_ns();
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    int64_t end = t0 + (int64_t) (seconds * 1e9);
    if (strcmp(argv[1], "spin") == 0) {
        int64_t prev = now_ns(), burst = prev;
        while (prev < end) {
            int64_t t = now_ns();
            if (t - burst >= 900000000LL) {
                struct timespec rest = {0, 100000000};
                nanosleep(&rest, NULL);
                prev = burst = now_ns();
                continue;
            }
            record(t - prev, t - t0, t);
            prev = t;
        }
    } else {
        struct timespec next;
        clock_gettime(CLOCK_MONOTONIC, &next);
        for (;;) {
            next.tv_nsec += 1000000;
            if (next.tv_nsec >= 1000000000) {
                next.tv_nsec -= 1000000000;
                next.tv_sec++;
            }
            int64_t due = (int64_t) next.tv_sec * 1000000000LL + next.tv_nsec;
            if (due > end) break;
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
            int64_t woke = now_ns();
            record(woke - due, due - t0, woke);
        }
    }
    printf("{\"mode\":\"%s\",\"cpu\":%d,\"prio\":%d,\"seconds\":%.1f,\"samples\":%lld,\"worst_us\":%.1f,"
           "\"worst_at_s\":%.3f,\"start_monotonic_s\":%.6f,\"start_unix_s\":%.6f", argv[1], cpu, prio, seconds,
           (long long) samples, worst / 1e3, worst_at / 1e9, t0 / 1e9, wall.tv_sec + wall.tv_nsec / 1e9);
    for (size_t i = 0; i < N_EDGES; i++) {
        printf(",\"over_%lld_us\":%ld", (long long) (EDGES_NS[i] / 1000), over[i]);
    }
    printf(",\"events_over_1ms\":[");
    for (int i = 0; i < events; i++) {
        printf("%s[%.6f,%.1f]", i ? "," : "", event_at[i] / 1e9, event_ns[i] / 1e3);
    }
    printf("]}\n");
    return 0;
}

// What the generator reads about processes from /proc, and the clock it uses.
#pragma once

#include <sys/types.h>

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace bench {

// Nanoseconds on the monotonic clock (shared by every process on the machine).
inline std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// User + system CPU time of every thread of `pid` so far, in microseconds
// (from /proc/PID/stat, so at the kernel's clock-tick resolution). -1 when unreadable.
std::int64_t process_cpu_us(pid_t pid);

// Per thread of a process, from /proc/PID/task/TID/schedstat (nanoseconds): time on a
// CPU, and time runnable but waiting for one (other work competing for the cores).
struct ThreadTimes {
    std::int64_t on_cpu_ns = 0;
    std::int64_t waiting_ns = 0;
};
std::map<pid_t, ThreadTimes> thread_times(pid_t pid);

struct ThreadLoad {
    double busiest_cores = 0;  // the busiest thread's share of one core: 1.0 is a serial bottleneck
    double waiting_cores = 0;  // all threads' run-queue waits per second of wall time
};
ThreadLoad thread_load(const std::map<pid_t, ThreadTimes>& before,
                       const std::map<pid_t, ThreadTimes>& after, double seconds);

struct Memory {
    std::int64_t rss_bytes = -1;   // VmRSS
    std::int64_t anon_bytes = -1;  // RssAnon: heap and stacks, not the mapped binary
};
Memory process_memory(pid_t pid);

// The 1-minute load average: other work competing for the machine's cores.
double load_average();

// Prints `BENCH {json}` (with "loadavg_1m" added) on stdout, one line, flushed.
void print_bench(const boost::json::object& result);

}  // namespace bench

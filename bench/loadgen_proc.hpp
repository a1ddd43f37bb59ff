// What the generator reads about processes from /proc, and the clock it uses.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/json/object.hpp>

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

struct Memory {
    std::int64_t rss_bytes = -1;   // VmRSS
    std::int64_t anon_bytes = -1;  // RssAnon: heap and stacks, not the mapped binary
};
Memory process_memory(pid_t pid);

// Prints `BENCH {json}` on stdout, one line, flushed.
void print_bench(const boost::json::object& result);

}  // namespace bench

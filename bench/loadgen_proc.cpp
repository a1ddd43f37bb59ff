#include "loadgen_proc.hpp"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json/serialize.hpp>

namespace bench {

std::int64_t process_cpu_us(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(file, text)) return -1;
    // The command name (field 2) may hold spaces: fields are counted after its ')'.
    const auto close = text.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    std::int64_t utime = 0;
    std::int64_t stime = 0;
    // Field 3 is the state; utime and stime are fields 14 and 15.
    for (int number = 3; number <= 15 && rest >> field; ++number) {
        if (number == 14) utime = std::stoll(field);
        if (number == 15) stime = std::stoll(field);
    }
    static const long ticks = sysconf(_SC_CLK_TCK);
    return (utime + stime) * 1'000'000 / ticks;
}

Memory process_memory(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/status");
    Memory memory;
    std::string key;
    std::int64_t kib = 0;
    std::string line;
    while (std::getline(file, line)) {
        std::istringstream in(line);
        if (!(in >> key >> kib)) continue;
        if (key == "VmRSS:") memory.rss_bytes = kib * 1024;
        if (key == "RssAnon:") memory.anon_bytes = kib * 1024;
    }
    return memory;
}

void print_bench(const boost::json::object& result) {
    std::cout << "BENCH " << boost::json::serialize(result) << std::endl;
}

}  // namespace bench

#include "loadgen_proc.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace bench {

namespace {

std::int64_t stat_cpu_us(const std::string& path) {
    std::ifstream file(path);
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

}  // namespace

std::int64_t process_cpu_us(pid_t pid) {
    return stat_cpu_us("/proc/" + std::to_string(pid) + "/stat");
}

std::map<pid_t, ThreadTimes> thread_times(pid_t pid) {
    std::map<pid_t, ThreadTimes> threads;
    std::error_code ec;
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    for (const auto& entry : std::filesystem::directory_iterator(tasks, ec)) {
        const auto tid = static_cast<pid_t>(std::atoi(entry.path().filename().c_str()));
        std::ifstream file(entry.path() / "schedstat");
        ThreadTimes times;
        if (tid > 0 && file >> times.on_cpu_ns >> times.waiting_ns) threads[tid] = times;
    }
    return threads;
}

ThreadLoad thread_load(const std::map<pid_t, ThreadTimes>& before,
                       const std::map<pid_t, ThreadTimes>& after, double seconds) {
    ThreadLoad load;
    if (seconds <= 0) return load;
    for (const auto& [tid, times] : after) {
        const auto it = before.find(tid);
        const ThreadTimes start = it == before.end() ? ThreadTimes{} : it->second;
        const double on_cpu = static_cast<double>(times.on_cpu_ns - start.on_cpu_ns) / 1e9;
        load.busiest_cores = std::max(load.busiest_cores, on_cpu / seconds);
        load.waiting_cores +=
            static_cast<double>(times.waiting_ns - start.waiting_ns) / 1e9 / seconds;
    }
    return load;
}

double load_average() {
    std::ifstream file("/proc/loadavg");
    double one_minute = -1;
    file >> one_minute;
    return one_minute;
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

namespace {

// Like json::serialize, but doubles in plain decimal (160.767, not 1.60767E2).
void write_json(std::ostream& out, const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::object: {
            out << '{';
            bool first = true;
            for (const auto& [key, item] : value.get_object()) {
                out << (first ? "" : ",") << boost::json::serialize(boost::json::string(key))
                    << ':';
                write_json(out, item);
                first = false;
            }
            out << '}';
            break;
        }
        case boost::json::kind::array: {
            out << '[';
            bool first = true;
            for (const auto& item : value.get_array()) {
                out << (first ? "" : ",");
                write_json(out, item);
                first = false;
            }
            out << ']';
            break;
        }
        case boost::json::kind::double_: {
            std::ostringstream number;
            number.precision(12);
            number << value.get_double();
            out << number.str();
            break;
        }
        default:
            out << boost::json::serialize(value);
    }
}

}  // namespace

void print_bench(const boost::json::object& result) {
    auto with_load = result;
    with_load["loadavg_1m"] = load_average();
    std::ostringstream line;
    write_json(line, with_load);
    std::cout << "BENCH " << line.str() << std::endl;
}

}  // namespace bench

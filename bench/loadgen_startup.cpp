// Start-up and idle: runs `juttu serve` on an existing data dir, times the start to the
// "listening on" line, lets it idle, reads its memory, stops it with SIGTERM. Repeated
// `runs` times; reports the medians.
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <csignal>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loadgen_proc.hpp"
#include "loadgen_scenarios.hpp"

namespace bench {

namespace {

struct StartupRun {
    double ready_ms = -1;
    Memory idle;
};

template <class T>
T median(std::vector<T> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? T{} : values[values.size() / 2];
}

StartupRun start_once(const StartupOptions& options) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    const auto started = now_ns();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the generator
        ::dup2(out[1], STDOUT_FILENO);
        ::close(out[0]);
        ::close(out[1]);
        const std::string listen = "127.0.0.1:0";
        ::execl(options.server_binary.c_str(), options.server_binary.c_str(), "serve", "--listen",
                listen.c_str(), "--data-dir", options.data_dir.c_str(), "--log-level", "warn",
                static_cast<char*>(nullptr));
        std::_Exit(127);
    }
    ::close(out[1]);
    StartupRun run;
    std::string seen;
    char buffer[4096];
    for (;;) {
        const auto got = ::read(out[0], buffer, sizeof buffer);
        if (got <= 0) break;
        seen.append(buffer, static_cast<std::size_t>(got));
        if (seen.find("listening on") != std::string::npos) {
            run.ready_ms = static_cast<double>(now_ns() - started) / 1e6;
            break;
        }
    }
    if (run.ready_ms >= 0) {
        std::this_thread::sleep_for(std::chrono::duration<double>(options.idle_seconds));
        run.idle = process_memory(pid);
    } else {
        std::cerr << "startup: the server did not start: " << seen << std::endl;
    }
    ::kill(pid, SIGTERM);
    // Keep draining its output so that it never blocks on a full pipe while stopping.
    while (::read(out[0], buffer, sizeof buffer) > 0) {
    }
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return run;
}

}  // namespace

int run_startup(const StartupOptions& options) {
    std::vector<double> ready;
    std::vector<std::int64_t> rss;
    std::vector<std::int64_t> anon;
    for (unsigned i = 0; i < std::max(1U, options.runs); ++i) {
        const auto run = start_once(options);
        if (run.ready_ms < 0) return 1;
        std::cerr << "startup: ready in " << run.ready_ms << " ms, idle RSS " << run.idle.rss_bytes
                  << " bytes" << std::endl;
        ready.push_back(run.ready_ms);
        rss.push_back(run.idle.rss_bytes);
        anon.push_back(run.idle.anon_bytes);
    }
    boost::json::object result{{"scenario", "startup"},
                               {"ready_ms", std::round(median(ready) * 10) / 10},
                               {"idle_rss_bytes", median(rss)},
                               {"idle_anon_bytes", median(anon)},
                               {"runs", ready.size()}};
    if (!options.label.empty()) result["data"] = options.label;
    print_bench(result);
    return 0;
}

}  // namespace bench

// The load generator's scenarios. Each prints one `BENCH {json}` line on stdout
// (progress goes to stderr) and returns the process exit code: 0 when the run was
// correct, 1 when a connection failed or a message was lost, duplicated or reordered.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "loadgen_client.hpp"

namespace bench {

struct IdleOptions {
    Target target;
    std::string site_key;
    std::size_t connections = 1000;
    unsigned processes = 2;            // the connections are split over this many processes
    std::size_t in_flight = 256;       // handshakes in progress per process
    unsigned sources_per_process = 8;  // 127.0.0.x source addresses per process
    pid_t server_pid = 0;
    double settle_seconds = 2;  // wait after the last connection before measuring
    double timeout_seconds = 120;
};
int run_idle(const IdleOptions& options);

struct ChatOptions {
    Target target;
    std::string workspaces_file;  // from juttu_bench_seed chat: "site_key token..." lines
    std::size_t conversations = 1000;
    std::size_t agents_per_workspace = 1;
    std::size_t conversations_per_agent = 4;
    unsigned threads = 1;
    std::size_t in_flight = 256;  // handshakes in progress per thread
    std::size_t body_bytes = 64;
    // Answer each message from the other side with a `read` frame, as an open widget or
    // console does.
    bool read_receipts = false;
    // Self-test of the checks: every n-th message event received is dropped
    // (fault "drop") or handled twice ("duplicate"); the run must then fail.
    std::string inject_fault;
    std::size_t inject_every = 1000;
    pid_t server_pid = 0;
    double warmup_seconds = 3;
    double drain_seconds = 15;  // how long to wait for the last messages
    // chat: one run at `rate` messages/s (both sides together) for `seconds`
    double rate = 500;
    double seconds = 10;
    // saturation: steps from start_rate, times step_factor, until p99 > p99_limit_ms
    bool saturation = false;
    double start_rate = 5000;
    double step_factor = 1.25;
    double max_rate = 200000;
    double p99_limit_ms = 50;
    double step_seconds = 5;
    double time_budget_seconds = 120;  // no new step starts after this
};
int run_chat(const ChatOptions& options);

struct StartupOptions {
    std::string server_binary;
    std::string data_dir;
    unsigned runs = 3;
    double idle_seconds = 2;
    std::string label;  // e.g. "10000 conversations"
};
int run_startup(const StartupOptions& options);

struct LoginMemoryOptions {
    tcp::endpoint server;
    std::string email;
    std::string password;
    pid_t server_pid = 0;
    std::vector<std::size_t> rounds{1, 4, 8, 16, 16};  // concurrent logins per round
};
int run_login_memory(const LoginMemoryOptions& options);

}  // namespace bench

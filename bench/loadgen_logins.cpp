// Login memory: rounds of concurrent REST logins (each an argon2 verification on a
// server worker thread), reading the server's RSS after each round. Argon2 uses 19 MiB
// per hash; this shows whether the server keeps it once the login is over.
#include <boost/json.hpp>
#include <cmath>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "loadgen_http.hpp"
#include "loadgen_proc.hpp"
#include "loadgen_scenarios.hpp"

namespace bench {

int run_login_memory(const LoginMemoryOptions& options) {
    boost::json::array rounds;
    const auto start = process_memory(options.server_pid);
    for (const auto concurrent : options.rounds) {
        std::vector<std::thread> logins;
        std::vector<int> failed(concurrent, 0);
        for (std::size_t i = 0; i < concurrent; ++i) {
            logins.emplace_back([&, i] {
                try {
                    demo_site_key(options.server, options.email, options.password);
                } catch (const std::exception& e) {
                    std::cerr << "logins: " << e.what() << std::endl;
                    failed[i] = 1;
                }
            });
        }
        for (auto& login : logins) login.join();
        for (const auto f : failed) {
            if (f != 0) return 1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const auto after = process_memory(options.server_pid);
        std::cerr << "logins: after " << concurrent << " concurrent, RSS " << after.rss_bytes
                  << " bytes" << std::endl;
        rounds.push_back(
            boost::json::object{{"concurrent", concurrent}, {"rss_bytes", after.rss_bytes}});
    }
    print_bench(boost::json::object{{"scenario", "login_memory"},
                                    {"start_rss_bytes", start.rss_bytes},
                                    {"rounds", std::move(rounds)}});
    return 0;
}

}  // namespace bench

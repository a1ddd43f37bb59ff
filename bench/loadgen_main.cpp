// juttu_loadgen: the load generator of Juttu's benchmarks (see BENCHMARKS.md).
//
//   juttu_loadgen site-key   --server 127.0.0.1:PORT --email E --password P
//   juttu_loadgen idle       --server ... --origin O --site-key K --connections N --processes P
//   --server-pid PID juttu_loadgen chat       --server ... --origin O --workspaces FILE
//   --conversations C --rate R --seconds S --server-pid PID juttu_loadgen saturation --server ...
//   --origin O --workspaces FILE --conversations C --start-rate R ... juttu_loadgen startup
//   --binary build/juttu --data-dir DIR
//
// It only ever connects to 127.0.0.0/8.
#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <iostream>
#include <stdexcept>

#include "loadgen_http.hpp"
#include "loadgen_scenarios.hpp"

namespace {

using bench::tcp;

tcp::endpoint loopback_endpoint(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("--server must be HOST:PORT");
    const auto address = boost::asio::ip::make_address_v4(text.substr(0, colon));
    if ((address.to_uint() >> 24) != 127) {
        throw std::invalid_argument("--server must be a 127.0.0.0/8 address");
    }
    return {address, static_cast<unsigned short>(std::stoi(text.substr(colon + 1)))};
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Juttu load generator"};
    app.require_subcommand(1);

    std::string server = "127.0.0.1:8080";
    std::string origin;
    pid_t server_pid = 0;
    const auto add_target = [&](CLI::App* command) {
        command->add_option("--server", server, "HOST:PORT of juttu serve (127.0.0.0/8)")
            ->required();
        command->add_option("--origin", origin, "Origin header of the WebSocket handshake")
            ->required();
        command->add_option("--server-pid", server_pid,
                            "the server's pid: its CPU and memory are read");
    };

    auto* site_key =
        app.add_subcommand("site-key", "log in over REST and print the first site's key");
    std::string email;
    std::string password;
    site_key->add_option("--server", server)->required();
    site_key->add_option("--email", email)->required();
    site_key->add_option("--password", password)->required();

    auto* idle = app.add_subcommand("idle", "idle widget connections");
    bench::IdleOptions idle_options;
    add_target(idle);
    idle->add_option("--site-key", idle_options.site_key)->required();
    idle->add_option("--connections", idle_options.connections);
    idle->add_option("--processes", idle_options.processes);
    idle->add_option("--in-flight", idle_options.in_flight, "handshakes in flight per process");
    idle->add_option("--settle", idle_options.settle_seconds, "seconds to wait before measuring");
    idle->add_option("--timeout", idle_options.timeout_seconds);

    bench::ChatOptions chat_options;
    const auto add_chat = [&](CLI::App* command) {
        add_target(command);
        command
            ->add_option("--workspaces", chat_options.workspaces_file,
                         "file from juttu_bench_seed chat")
            ->required();
        command->add_option("--conversations", chat_options.conversations);
        command->add_option("--agents-per-workspace", chat_options.agents_per_workspace);
        command->add_option("--conversations-per-agent", chat_options.conversations_per_agent);
        command->add_option("--threads", chat_options.threads);
        command->add_option("--in-flight", chat_options.in_flight,
                            "handshakes in flight per thread");
        command->add_option("--body-bytes", chat_options.body_bytes);
        command->add_flag("--read-receipts", chat_options.read_receipts,
                          "answer each message from the other side with a read receipt");
        command->add_option("--drain", chat_options.drain_seconds);
        command
            ->add_option("--inject-fault", chat_options.inject_fault,
                         "self-test: drop or duplicate every n-th received message")
            ->check(CLI::IsMember({"drop", "duplicate"}));
        command->add_option("--inject-every", chat_options.inject_every);
    };
    auto* chat = app.add_subcommand("chat", "active chats at a fixed rate");
    add_chat(chat);
    chat->add_option("--rate", chat_options.rate, "messages/s sent, both sides together");
    chat->add_option("--seconds", chat_options.seconds, "length of the measured window");
    chat->add_option("--warmup", chat_options.warmup_seconds);

    auto* saturation =
        app.add_subcommand("saturation", "raise the rate until p99 passes the limit");
    add_chat(saturation);
    saturation->add_option("--start-rate", chat_options.start_rate);
    saturation->add_option("--step-factor", chat_options.step_factor);
    saturation->add_option("--max-rate", chat_options.max_rate);
    saturation->add_option("--p99-limit-ms", chat_options.p99_limit_ms);
    saturation->add_option("--step-seconds", chat_options.step_seconds);
    saturation->add_option("--budget", chat_options.time_budget_seconds,
                           "seconds; no step starts after");

    auto* startup = app.add_subcommand("startup", "time to ready and idle memory of juttu serve");
    bench::StartupOptions startup_options;
    startup->add_option("--binary", startup_options.server_binary)->required();
    startup->add_option("--data-dir", startup_options.data_dir)->required();
    startup->add_option("--runs", startup_options.runs);
    startup->add_option("--idle", startup_options.idle_seconds);
    startup->add_option("--label", startup_options.label);

    auto* logins =
        app.add_subcommand("login-memory", "server RSS after rounds of concurrent logins");
    bench::LoginMemoryOptions login_options;
    logins->add_option("--server", server)->required();
    logins->add_option("--email", email)->required();
    logins->add_option("--password", password)->required();
    logins->add_option("--server-pid", server_pid)->required();
    logins->add_option("--rounds", login_options.rounds, "concurrent logins per round");

    CLI11_PARSE(app, argc, argv);
    try {
        const auto target = [&] { return bench::Target{loopback_endpoint(server), origin}; };
        if (*site_key) {
            std::cout << bench::demo_site_key(loopback_endpoint(server), email, password) << "\n";
            return 0;
        }
        if (*idle) {
            idle_options.target = target();
            idle_options.server_pid = server_pid;
            return bench::run_idle(idle_options);
        }
        if (*chat || *saturation) {
            chat_options.target = target();
            chat_options.server_pid = server_pid;
            chat_options.saturation = saturation->parsed();
            return bench::run_chat(chat_options);
        }
        if (*logins) {
            login_options.server = loopback_endpoint(server);
            login_options.email = email;
            login_options.password = password;
            login_options.server_pid = server_pid;
            return bench::run_login_memory(login_options);
        }
        return bench::run_startup(startup_options);
    } catch (const std::exception& e) {
        std::cerr << "juttu_loadgen: " << e.what() << std::endl;
        return 2;
    }
}

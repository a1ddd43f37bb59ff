// Idle widgets: N visitors connect, say hello, report a page view and stay.
//
// The parent forks `processes` children (each may hold at most ~20,000 open files) and
// gives each its own 127.0.0.x source addresses. A child opens its share with a bounded
// number of handshakes in flight; a visitor is ready when the server answered the ping
// sent after its page_view (frames are handled in order, so the page view is stored).
// The child reports over a pipe, then holds its connections until the parent closes
// the control pipe. The parent measures the server's memory before and after.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <csignal>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loadgen_proc.hpp"
#include "loadgen_scenarios.hpp"
#include "loadgen_stats.hpp"

namespace bench {

namespace json = boost::json;

namespace {

// One child's share of the connections, all on one thread.
class IdleChild {
public:
    IdleChild(const IdleOptions& options, std::size_t count, unsigned first_source)
        : options_(options), count_(count), first_source_(first_source) {}

    // Opens every connection; returns once each is ready or failed.
    void open_all() {
        visitors_.reserve(count_);
        for (std::size_t i = 0; i < count_; ++i) {
            visitors_.push_back(std::make_unique<Visitor>(*this, i));
        }
        while (started_ < count_ && started_ < options_.in_flight) start_next();
        while (ready_ + failed_ < count_) {
            // No work left while some visitor is neither ready nor failed: a bug, not a hang.
            if (io_.run_one() == 0) {
                failed_ = count_ - ready_;
                if (first_error_.empty()) first_error_ = "connections stalled";
            }
        }
    }

    // Keeps answering the server's pings until `control` reaches end of file.
    void hold(int control) {
        asio::posix::stream_descriptor pipe(io_, control);
        char byte = 0;
        bool released = false;
        pipe.async_read_some(asio::buffer(&byte, 1),
                             [&](beast::error_code, std::size_t) { released = true; });
        // The server may have closed every connection: the io_context then ran out of
        // work and stopped; restart it so the control pipe is still watched.
        io_.restart();
        while (!released) {
            if (io_.run_one() == 0) io_.restart();
        }
        for (auto& visitor : visitors_) visitor->client->abort();
    }

    json::object report() const {
        json::object out{{"ready", ready_},
                         {"failed", failed_},
                         {"done_ns", done_ns_},
                         {"connect_p50_us", connect_us_.percentile(0.5)},
                         {"connect_p99_us", connect_us_.percentile(0.99)},
                         {"first_error", first_error_}};
        return out;
    }

private:
    struct Visitor final : Listener {
        Visitor(IdleChild& child, std::size_t number) : owner(child), index(number) {}

        void on_open(WsClient& ws) override {
            // With the context the widget sends (web/widget/src/chat.ts).
            ws.send(R"({"type":"hello","role":"visitor","site_key":")" + owner.options_.site_key +
                    R"(","context":{"language":"fi-FI","timezone":"Europe/Helsinki",)"
                    R"("screen":"1920x1080"}})");
        }

        void on_frame(WsClient& ws, std::string_view text) override {
            // Only the first frames matter; a held connection ignores the rest.
            if (ready) return;
            beast::error_code ec;
            const auto frame = json::parse(text, ec);
            const auto* type = ec ? nullptr : frame.as_object().if_contains("type");
            const std::string_view kind = type != nullptr && type->is_string()
                                              ? std::string_view(type->get_string())
                                              : std::string_view("?");
            if (kind == "welcome") {
                const auto n = std::to_string(index);
                ws.send(R"({"type":"page_view","url":"http://bench.localhost/products/)" + n +
                        R"(","title":"Product )" + n +
                        R"(","referrer":"https://www.example.com/search?q=bench"})");
                ws.send(R"({"type":"ping"})");
            } else if (kind == "pong") {
                ready = true;
                owner.on_ready(*this);
            } else {
                owner.on_failed(*this, "frame: " + std::string(text.substr(0, 200)));
                ws.abort();
            }
        }

        void on_closed(WsClient&, const char* stage, beast::error_code ec) override {
            if (!ready && !failed) owner.on_failed(*this, std::string(stage) + ": " + ec.message());
        }

        IdleChild& owner;
        std::size_t index;
        std::shared_ptr<WsClient> client;
        std::int64_t started_ns = 0;
        bool ready = false;
        bool failed = false;
    };

    void start_next() {
        auto& visitor = *visitors_[started_];
        const auto source = source_address(started_, first_source_, options_.sources_per_process);
        ++started_;
        visitor.started_ns = now_ns();
        visitor.client = std::make_shared<WsClient>(io_, options_.target, source, visitor);
        visitor.client->start();
    }

    void on_ready(Visitor& visitor) {
        ++ready_;
        connect_us_.record(static_cast<std::uint64_t>((now_ns() - visitor.started_ns) / 1000));
        finished_one();
    }

    void on_failed(Visitor& visitor, std::string why) {
        visitor.failed = true;
        ++failed_;
        if (first_error_.empty()) first_error_ = std::move(why);
        finished_one();
    }

    void finished_one() {
        done_ns_ = now_ns();
        if (started_ < count_) start_next();
    }

    const IdleOptions& options_;
    std::size_t count_;
    unsigned first_source_;
    asio::io_context io_{1};
    std::vector<std::unique_ptr<Visitor>> visitors_;
    std::size_t started_ = 0;
    std::size_t ready_ = 0;
    std::size_t failed_ = 0;
    std::int64_t done_ns_ = 0;
    Histogram connect_us_;
    std::string first_error_;
};

struct Child {
    pid_t pid = 0;
    int report_fd = -1;   // the child writes its report line here
    int control_fd = -1;  // closing it releases the child
    std::string report;
};

// Reads one line from every child, waiting at most until `deadline_ns`.
bool collect_reports(std::vector<Child>& children, std::int64_t deadline_ns) {
    std::size_t pending = children.size();
    while (pending > 0) {
        std::vector<pollfd> fds;
        std::vector<Child*> owners;
        for (auto& child : children) {
            if (child.report_fd < 0) continue;
            fds.push_back(pollfd{child.report_fd, POLLIN, 0});
            owners.push_back(&child);
        }
        const auto left_ms = (deadline_ns - now_ns()) / 1'000'000;
        if (left_ms <= 0) return false;
        if (::poll(fds.data(), fds.size(), static_cast<int>(left_ms)) <= 0) continue;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].revents == 0) continue;
            char buffer[4096];
            const auto got = ::read(fds[i].fd, buffer, sizeof buffer);
            auto& child = *owners[i];
            if (got > 0) child.report.append(buffer, static_cast<std::size_t>(got));
            if (got <= 0 || child.report.find('\n') != std::string::npos) {
                ::close(child.report_fd);
                child.report_fd = -1;
                --pending;
            }
        }
    }
    return true;
}

}  // namespace

int run_idle(const IdleOptions& options) {
    if (options.processes == 0 || options.connections == 0) {
        throw std::invalid_argument("idle needs connections and processes");
    }
    const auto before = process_memory(options.server_pid);
    const auto started_ns = now_ns();
    std::vector<Child> children(options.processes);
    for (unsigned p = 0; p < options.processes; ++p) {
        const std::size_t share = options.connections / options.processes +
                                  (p < options.connections % options.processes ? 1 : 0);
        int report[2];
        int control[2];
        if (::pipe(report) != 0 || ::pipe(control) != 0) throw std::runtime_error("pipe failed");
        const pid_t pid = ::fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            ::close(report[0]);
            ::close(control[1]);
            for (unsigned q = 0; q < p; ++q) ::close(children[q].control_fd);
            int status = 0;
            try {
                IdleChild child(options, share, 10 + p * options.sources_per_process);
                child.open_all();
                const auto line = json::serialize(child.report()) + "\n";
                if (::write(report[1], line.data(), line.size()) < 0) status = 1;
                ::close(report[1]);
                child.hold(control[0]);
            } catch (const std::exception& e) {
                std::cerr << "loadgen idle child: " << e.what() << std::endl;
                status = 1;
            }
            std::_Exit(status);
        }
        ::close(report[1]);
        ::close(control[0]);
        children[p] = Child{pid, report[0], control[1], {}};
    }

    const auto deadline = started_ns + static_cast<std::int64_t>(options.timeout_seconds * 1e9);
    const bool complete = collect_reports(children, deadline);
    std::size_t ready = 0;
    std::size_t failed = 0;
    std::int64_t done_ns = started_ns;
    std::uint64_t connect_p50 = 0;
    std::uint64_t connect_p99 = 0;
    std::string first_error = complete ? "" : "timed out";
    for (const auto& child : children) {
        if (child.report.empty()) continue;
        const auto report = json::parse(child.report).as_object();
        ready += report.at("ready").to_number<std::size_t>();
        failed += report.at("failed").to_number<std::size_t>();
        done_ns = std::max(done_ns, report.at("done_ns").to_number<std::int64_t>());
        connect_p50 = std::max(connect_p50, report.at("connect_p50_us").to_number<std::uint64_t>());
        connect_p99 = std::max(connect_p99, report.at("connect_p99_us").to_number<std::uint64_t>());
        if (first_error.empty()) first_error = report.at("first_error").as_string().c_str();
    }
    const double connect_seconds = static_cast<double>(done_ns - started_ns) / 1e9;
    std::cerr << "idle: " << ready << " ready, " << failed << " failed in " << connect_seconds
              << " s; settling " << options.settle_seconds << " s" << std::endl;
    std::this_thread::sleep_for(std::chrono::duration<double>(options.settle_seconds));
    const auto after = process_memory(options.server_pid);

    for (auto& child : children) {
        if (!complete) ::kill(child.pid, SIGKILL);  // a child may still be connecting
        ::close(child.control_fd);
    }
    for (auto& child : children) {
        int status = 0;
        ::waitpid(child.pid, &status, 0);
    }

    const auto per_connection = [&](std::int64_t b, std::int64_t a) {
        return ready == 0 ? 0 : (a - b) / static_cast<std::int64_t>(ready);
    };
    json::object result{
        {"scenario", "idle"},
        {"connections", ready},
        {"requested", options.connections},
        {"failed", failed},
        {"processes", options.processes},
        {"bytes_per_conn", per_connection(before.rss_bytes, after.rss_bytes)},
        {"anon_bytes_per_conn", per_connection(before.anon_bytes, after.anon_bytes)},
        {"connects_per_s",
         connect_seconds > 0 ? std::round(static_cast<double>(ready) / connect_seconds) : 0},
        {"connect_p50_ms", to_ms(connect_p50)},
        {"connect_p99_ms", to_ms(connect_p99)},
        {"server_rss_before", before.rss_bytes},
        {"server_rss_after", after.rss_bytes},
    };
    if (!first_error.empty()) result["first_error"] = first_error;
    print_bench(result);
    return failed == 0 && complete && ready == options.connections ? 0 : 1;
}

}  // namespace bench

// Active chats and the saturation search: the coordinator.
//
// Connects the agents, then the visitors, lets every visitor open its conversation,
// then paces messages from both sides at a fixed total rate, measures a window, stops
// sending and waits until every acknowledged message reached every participant. The
// saturation run repeats the paced window at rising rates until p99 passes the limit.
#include <unistd.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <future>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "loadgen_chat_shard.hpp"
#include "loadgen_proc.hpp"
#include "loadgen_scenarios.hpp"

namespace bench {

namespace json = boost::json;

namespace {

struct WorkspaceLine {
    std::string site_key;
    std::vector<std::string> tokens;
};

std::vector<WorkspaceLine> read_workspaces(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file);
    std::vector<WorkspaceLine> lines;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        WorkspaceLine entry;
        if (!(words >> entry.site_key)) continue;
        for (std::string token; words >> token;) entry.tokens.push_back(token);
        if (!entry.tokens.empty()) lines.push_back(std::move(entry));
    }
    return lines;
}

// The figures of one paced window.
struct Step {
    double offered = 0;
    double seconds = 0;
    ShardStats stats;
    std::int64_t server_cpu_us = 0;
    std::int64_t loadgen_cpu_us = 0;
    ThreadLoad server_threads;
    std::size_t behind = 0;  // not delivered when the drain gave up
    std::size_t unacked = 0;

    double msgs_per_s() const { return static_cast<double>(stats.delivered_in_window) / seconds; }
    double p99_ms() const { return to_ms(stats.e2e_us.percentile(0.99)); }
    bool correct() const { return stats.failures() == 0 && behind == 0 && unacked == 0; }

    json::object to_json() const {
        json::object out{
            {"offered_per_s", std::round(offered)},
            {"msgs_per_s", std::round(msgs_per_s())},
            {"events_per_s", std::round(static_cast<double>(stats.events_in_window) / seconds)},
            {"sent_per_s", std::round(static_cast<double>(stats.sent_in_window) / seconds)}};
        put_percentiles(out, "", stats.e2e_us);
        put_percentiles(out, "ack_", stats.ack_us);
        const auto delivered =
            static_cast<double>(std::max<std::uint64_t>(1, stats.delivered_in_window));
        out["server_cpu_us_per_msg"] =
            std::round(static_cast<double>(server_cpu_us) / delivered * 10) / 10;
        out["server_cpu_cores"] =
            std::round(static_cast<double>(server_cpu_us) / (seconds * 1e6) * 100) / 100;
        out["server_busiest_thread_cores"] = std::round(server_threads.busiest_cores * 100) / 100;
        out["server_cpu_wait_cores"] = std::round(server_threads.waiting_cores * 100) / 100;
        out["loadgen_cpu_cores"] =
            std::round(static_cast<double>(loadgen_cpu_us) / (seconds * 1e6) * 100) / 100;
        return out;
    }
};

class Coordinator {
public:
    explicit Coordinator(const ChatOptions& options) : options_(options) {}

    ~Coordinator() {
        for (auto& shard : shards_) shard->io().stop();
        for (auto& thread : threads_) thread.join();
    }

    void build() {
        const auto lines = read_workspaces(options_.workspaces_file);
        const auto per_workspace = options_.agents_per_workspace * options_.conversations_per_agent;
        const auto needed = (options_.conversations + per_workspace - 1) / per_workspace;
        if (lines.size() < needed) {
            throw std::runtime_error(options_.workspaces_file + " has " +
                                     std::to_string(lines.size()) + " workspaces, " +
                                     std::to_string(needed) + " are needed");
        }
        for (unsigned t = 0; t < std::max(1U, options_.threads); ++t) {
            shards_.push_back(std::make_unique<Shard>(options_, window_, t));
        }
        for (std::size_t w = 0; w < needed; ++w) {
            const auto first = w * per_workspace;
            const auto count = std::min(per_workspace, options_.conversations - first);
            auto tokens = lines[w].tokens;
            tokens.resize(std::min(tokens.size(), options_.agents_per_workspace));
            if (tokens.size() < options_.agents_per_workspace) {
                throw std::runtime_error("workspace line " + std::to_string(w + 1) +
                                         " has too few agents");
            }
            shards_[w % shards_.size()]->add_workspace(lines[w].site_key, tokens, first, count);
            agents_ += tokens.size();
        }
        for (auto& shard : shards_) {
            threads_.emplace_back([&io = shard->io()] {
                auto guard = asio::make_work_guard(io);
                io.run();
            });
        }
    }

    std::size_t agents() const { return agents_; }

    // Runs fn(shard) on every shard's thread and returns the results in shard order.
    template <class F>
    auto on_shards(F fn) {
        using Result = decltype(fn(*shards_.front()));
        std::vector<std::future<Result>> futures;
        for (auto& shard : shards_) {
            auto task = std::make_shared<std::packaged_task<Result()>>(
                [fn, s = shard.get()] { return fn(*s); });
            futures.push_back(task->get_future());
            asio::post(shard->io(), [task] { (*task)(); });
        }
        std::vector<Result> results;
        for (auto& future : futures) results.push_back(future.get());
        return results;
    }

    ShardProgress progress() {
        ShardProgress total;
        for (const auto& p : on_shards([](Shard& s) { return s.progress(); })) total.merge(p);
        return total;
    }

    ShardStats stats() {
        ShardStats total;
        for (const auto& s : on_shards([](Shard& s) { return s.stats(); })) total.merge(s);
        return total;
    }

    // Polls until done(progress) or the timeout; returns the last progress.
    template <class Done>
    ShardProgress wait_for(Done done, double timeout_seconds, const char* what) {
        const auto deadline = now_ns() + static_cast<std::int64_t>(timeout_seconds * 1e9);
        auto p = progress();
        while (!done(p) && now_ns() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            p = progress();
        }
        if (!done(p)) std::cerr << "chat: gave up waiting for " << what << std::endl;
        return p;
    }

    void set_rate(double rate) {
        on_shards([rate, shards = static_cast<double>(shards_.size())](Shard& s) {
            s.set_rate(rate / shards);
            return 0;
        });
    }

    // One paced window: warm up, measure, stop, drain.
    Step run_step(double rate, double seconds, double warmup) {
        Step step;
        step.offered = rate;
        on_shards([](Shard& s) {
            s.clear_window_stats();
            return 0;
        });
        set_rate(rate);
        std::this_thread::sleep_for(std::chrono::duration<double>(warmup));
        const auto cpu0 = process_cpu_us(options_.server_pid);
        const auto self0 = process_cpu_us(::getpid());
        const auto threads0 = thread_times(options_.server_pid);
        const auto start = now_ns();
        window_.start = start;
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        const auto end = now_ns();
        window_.end = end;
        step.server_cpu_us = process_cpu_us(options_.server_pid) - cpu0;
        step.loadgen_cpu_us = process_cpu_us(::getpid()) - self0;
        step.seconds = static_cast<double>(end - start) / 1e9;
        step.server_threads =
            thread_load(threads0, thread_times(options_.server_pid), step.seconds);
        set_rate(0);
        const auto p =
            wait_for([](const ShardProgress& q) { return q.pending_acks == 0 && q.behind == 0; },
                     options_.drain_seconds, "the last messages");
        step.behind = p.behind;
        step.unacked = p.pending_acks;
        step.stats = stats();
        window_.start = std::numeric_limits<std::int64_t>::max();
        window_.end = std::numeric_limits<std::int64_t>::max();
        return step;
    }

private:
    const ChatOptions& options_;
    Window window_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::vector<std::thread> threads_;
    std::size_t agents_ = 0;
};

void log_step(const Step& step) {
    std::cerr << std::fixed << std::setprecision(1) << "chat: offered " << step.offered << "/s -> "
              << std::round(step.msgs_per_s()) << " msgs/s, p50 "
              << to_ms(step.stats.e2e_us.percentile(0.5)) << " ms, p99 " << step.p99_ms()
              << " ms, ack p99 " << to_ms(step.stats.ack_us.percentile(0.99)) << " ms, server cpu "
              << static_cast<double>(step.server_cpu_us) /
                     static_cast<double>(std::max<std::uint64_t>(1, step.stats.delivered_in_window))
              << " us/msg" << (step.correct() ? "" : " (FAILED CHECKS)") << std::endl;
}

}  // namespace

int run_chat(const ChatOptions& options) {
    Coordinator run(options);
    run.build();
    const auto started = now_ns();
    const auto agents = run.agents();
    const auto visitors = options.conversations;

    run.on_shards([](Shard& s) {
        s.connect_agents();
        return 0;
    });
    auto p = run.wait_for(
        [&](const ShardProgress& q) { return q.agents_ready + q.connect_failures >= agents; }, 120,
        "agents");
    run.on_shards([](Shard& s) {
        s.connect_visitors();
        return 0;
    });
    p = run.wait_for(
        [&](const ShardProgress& q) {
            return q.visitors_ready >= visitors || q.connect_failures > 0;
        },
        180, "visitors");
    const double connect_seconds = static_cast<double>(now_ns() - started) / 1e9;
    std::cerr << "chat: " << p.agents_ready << " agents and " << p.visitors_ready
              << " visitors connected in " << connect_seconds << " s" << std::endl;

    json::object result;
    result["scenario"] = options.saturation ? "saturation" : "chat";
    result["conversations"] = options.conversations;
    result["agents"] = agents;
    result["agents_per_workspace"] = options.agents_per_workspace;
    result["connect_s"] = std::round(connect_seconds * 100) / 100;
    bool ok = p.connect_failures == 0 && p.agents_ready == agents && p.visitors_ready == visitors;

    if (ok) {
        run.on_shards([](Shard& s) {
            s.open_conversations();
            return 0;
        });
        p = run.wait_for([&](const ShardProgress& q) { return q.conversations_open >= visitors; },
                         60, "conversations to open");
        ok = p.conversations_open == visitors;
    }

    std::vector<Step> steps;
    if (ok && !options.saturation) {
        steps.push_back(run.run_step(options.rate, options.seconds, options.warmup_seconds));
        log_step(steps.back());
        auto out = steps.back().to_json();
        for (auto& [key, value] : out) result[key] = value;
        result["window_s"] = std::round(steps.back().seconds * 10) / 10;
    } else if (ok) {
        // Rising rates; after the first failing step, bisect twice between it and the last good
        // one.
        const auto deadline =
            started + static_cast<std::int64_t>(options.time_budget_seconds * 1e9);
        const auto passes = [&](const Step& s) {
            return s.correct() && s.p99_ms() <= options.p99_limit_ms &&
                   s.msgs_per_s() >= 0.95 * s.offered;
        };
        double good = 0;
        double bad = 0;
        // Rising rates from start_rate; when the very first step fails, falling ones instead.
        // A step factor of 1 holds start_rate, step after step, until one fails.
        const bool holding = options.step_factor <= 1;
        for (double rate = options.start_rate; rate <= options.max_rate && now_ns() < deadline;) {
            steps.push_back(run.run_step(rate, options.step_seconds, 1.0));
            log_step(steps.back());
            if (!steps.back().correct()) break;
            if (passes(steps.back())) {
                good = rate;
                if (bad > 0) break;
                rate *= options.step_factor;
            } else {
                bad = rate;
                if (holding || good > 0 || rate < options.start_rate / 8) break;
                rate /= 2;
            }
        }
        // Then bisect twice between the last good rate and the first bad one.
        for (int i = 0;
             i < 2 && good > 0 && bad > good && now_ns() < deadline && steps.back().correct();
             ++i) {
            const double rate = (good + bad) / 2;
            steps.push_back(run.run_step(rate, options.step_seconds, 1.0));
            log_step(steps.back());
            (passes(steps.back()) ? good : bad) = rate;
        }
        const Step* best = nullptr;
        for (const auto& s : steps) {
            if (passes(s) && (best == nullptr || s.msgs_per_s() > best->msgs_per_s())) best = &s;
        }
        if (best != nullptr) {
            for (auto& [key, value] : best->to_json()) result[key] = value;
        } else {
            result["msgs_per_s"] = 0;
        }
        result["p99_limit_ms"] = options.p99_limit_ms;
        json::array all;
        for (const auto& s : steps) {
            auto brief = s.to_json();
            all.push_back(
                json::object{{"offered_per_s", brief["offered_per_s"]},
                             {"msgs_per_s", brief["msgs_per_s"]},
                             {"events_per_s", brief["events_per_s"]},
                             {"p50_ms", brief["p50_ms"]},
                             {"p99_ms", brief["p99_ms"]},
                             {"ack_p99_ms", brief["ack_p99_ms"]},
                             {"server_cpu_us_per_msg", brief["server_cpu_us_per_msg"]},
                             {"server_cpu_cores", brief["server_cpu_cores"]},
                             {"server_busiest_thread_cores", brief["server_busiest_thread_cores"]},
                             {"server_cpu_wait_cores", brief["server_cpu_wait_cores"]},
                             {"loadgen_cpu_cores", brief["loadgen_cpu_cores"]}});
        }
        result["steps"] = std::move(all);
    }

    // Correctness over the whole run, every step included.
    const auto final_progress = run.progress();
    const auto totals = run.stats();
    const auto lost = totals.gaps + final_progress.behind;
    result["sent"] = totals.sent;
    result["lost"] = lost;
    result["duplicated"] = totals.duplicated;
    result["out_of_order"] = totals.out_of_order;
    result["unacked"] = final_progress.pending_acks;
    result["errors"] =
        totals.errors + totals.bad_acks + totals.dropped + totals.skipped + p.connect_failures;
    if (!totals.first_error.empty()) result["first_error"] = totals.first_error;
    ok = ok && lost == 0 && totals.failures() == 0 && final_progress.pending_acks == 0 &&
         !steps.empty();
    result["ok"] = ok;
    print_bench(result);
    return ok ? 0 : 1;
}

}  // namespace bench
